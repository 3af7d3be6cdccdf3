"""Writing the local Chroma store from a second process during a large sync.

chromadb's local store holds the GIL while it writes, so in the indexing process its writes and
the rest of the sync (taking chunks from the chunking worker, embedding, the keyword index) run
one after the other. A writer process runs them side by side. For the length of the sync it is
the only one to touch the store: the indexer, which holds the store's claim (index/store.py),
sends it every write and read, and afterwards opens the store afresh. Only a sync that no search
runs beside uses one (`Indexer.sync(alone=True)`): a process searching a local store while
another writes it can corrupt it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from index.chunk_workers import exit_with
from index.store import chroma_client, open_collection


class StoreWriter:
    """The calls of chromadb's Collection that a sync makes, run in a writer process. An upsert
    is answered later (the writer works while this process prepares the next batch): `confirm`
    waits for the answers, and every read or delete waits for the writes before it."""

    def __init__(self, home: Path, collection: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(theirs, str(home), collection, multiprocessing.current_process().pid),
            name="index-store-writer",
            daemon=True,
        )
        self._process.start()
        theirs.close()
        self._lock = threading.Lock()  # requests and answers in order
        self._unanswered = 0
        self.busy_seconds = 0.0  # the writer's time in chromadb

    def upsert(self, ids: list[str], embeddings: Any, metadatas: list[dict[str, Any]]) -> None:
        vectors = np.asarray(embeddings, dtype=np.float32)  # pickles in one piece
        with self._lock, self._stopped():
            self._conn.send(("upsert", {"ids": ids, "embeddings": vectors, "metadatas": metadatas}))
            self._unanswered += 1

    def delete(self, ids: list[str]) -> None:
        self._call("delete", ids=ids)

    def get(self, **kwargs: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("get", **kwargs)
        return result

    def confirm(self, keep: int = 0) -> None:
        """Wait until at most `keep` upserts are unanswered; raise the first that failed."""
        with self._lock, self._stopped():
            while self._unanswered > keep:
                self._unanswered -= 1
                self._answer()

    def close(self) -> None:
        """Wait for the writer to finish and exit."""
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.join(timeout=60)
        if self._process.is_alive():
            self._process.kill()
        self._conn.close()

    def _call(self, method: str, **kwargs: Any) -> Any:
        self.confirm()
        with self._lock, self._stopped():
            self._conn.send((method, kwargs))
            return self._answer()

    def _answer(self) -> Any:
        ok, result, seconds = self._conn.recv()
        self.busy_seconds += seconds
        if not ok:
            raise result
        return result

    @contextlib.contextmanager
    def _stopped(self) -> Iterator[None]:
        try:
            yield
        except (EOFError, OSError):
            raise RuntimeError(
                f"the store's writer process stopped (exit code {self._process.exitcode})"
            ) from None


def _serve(conn: Connection, home: str, name: str, parent: int) -> None:
    exit_with(parent)
    # no claim of its own: it writes on behalf of the process that holds it
    collection = open_collection(chroma_client(Path(home), None), name)
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the indexing process is gone
            return
        if request is None:
            return
        method, kwargs = request
        started = time.perf_counter()
        try:
            result = getattr(collection, method)(**kwargs)
            conn.send((True, result, time.perf_counter() - started))
        except Exception as exc:  # raised again in the indexing process
            failure = RuntimeError(f"{type(exc).__name__}: {exc}")
            conn.send((False, failure, time.perf_counter() - started))
