"""Chroma as the source of truth for several replicas: a catalog of indexed files beside the
chunks, and each replica's keyword index and file list derived from it.

The catalog is a second collection (`<name>-files`) with one record per file (its hash, chunk
count, size, time indexed) and a generation token in the collection's metadata that changes on
every committed sync. A replica checks the token at most every POLL_S seconds; when it moved,
it compares the catalog with what it derived last time and applies only the difference: the
chunks of a changed or new file are read from Chroma and tokenized, those of a changed or gone
file are taken out of the keyword index. The cost is that of the change, not of the corpus.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from index.bm25_store import BM25Store
from index.chunking import stored_text, unpacked
from index.locks import exclusive
from index.paging import get_all

POLL_S = 2.0
FETCH_SOURCES = 50  # files read from Chroma per request when catching up
ENTRY_KEYS = ("sha256", "chunks", "size", "indexed_at")


class Catalog:
    """The file records in Chroma, written by whichever process indexes."""

    def __init__(self, client: Callable[[], Any], name: str) -> None:
        self._client = client
        self.name = f"{name}-files"

    def _collection(self) -> Any:
        return self._client().get_or_create_collection(self.name, embedding_function=None)

    def publish(
        self,
        entries: dict[str, dict[str, Any]],
        removed: Iterable[str],
        config: dict[str, Any],
    ) -> None:
        """Record written files and forget removed ones, then move the generation. config is
        what the chunks were made with (embedding model, chunker), for replicas to check."""
        collection = self._collection()
        gone = list(removed)
        if gone:
            collection.delete(ids=gone)
        items = list(entries.items())
        for start in range(0, len(items), 1000):
            batch = items[start : start + 1000]
            collection.upsert(
                ids=[source for source, _ in batch],
                embeddings=[[0.0]] * len(batch),  # a record, not a vector: one dimension
                metadatas=[{k: e[k] for k in ENTRY_KEYS if k in e} for _, e in batch],
            )
        collection.modify(
            metadata={"generation": uuid.uuid4().hex, "config": json.dumps(config, sort_keys=True)}
        )

    def generation(self) -> str | None:
        return (self._collection().metadata or {}).get("generation")

    def config(self) -> dict[str, Any] | None:
        """The settings the chunks in Chroma were made with, if a sync recorded them."""
        recorded = (self._collection().metadata or {}).get("config")
        return json.loads(recorded) if recorded else None

    def files(self) -> dict[str, dict[str, Any]]:
        got = get_all(self._collection(), ["metadatas"])
        return dict(zip(got["ids"], got["metadatas"], strict=True))


class Replica:
    """This home's copy of the catalog, and its keyword index kept in step with Chroma.

    Reads like `IndexedFiles` (files, versions, uploaded), so the retriever and the UI see
    every document on the server, whoever indexed it."""

    def __init__(
        self,
        catalog: Catalog,
        chunks: Callable[[], Any],
        bm25: BM25Store,
        path: Path,
        uploaded: Callable[[], set[str]],
        lock: Path,
    ) -> None:
        self.catalog = catalog
        self._chunks = chunks  # → the chunk collection
        self.bm25 = bm25
        self.path = path  # {"generation": …, "files": {source: entry}}
        self._uploaded = uploaded
        self.lock = lock  # the home's index lock: one writer of the keyword index at a time
        self._lock = threading.Lock()
        self._checked = 0.0
        self._record = self._read()
        self._versions: tuple[object, dict[str, str]] = (None, {})

    def files(self) -> dict[str, dict[str, Any]]:
        self.refresh()
        return self._record["files"]

    def versions(self) -> dict[str, str]:
        """source → content hash, rebuilt only when the record changes (read per query)."""
        files = self.files()
        if self._versions[0] is not files:
            self._versions = (files, {s: str(e.get("sha256")) for s, e in files.items()})
        return self._versions[1]

    def uploaded(self) -> set[str]:
        return self._uploaded()

    def refresh(self) -> bool:
        """Catch up with the catalog if its generation moved; True when something changed.
        Skipped while a sync of this home runs (it notes its own writes; the next poll sees
        the rest)."""
        now = time.monotonic()
        if now - self._checked < POLL_S:
            return False
        with self._lock:
            if now - self._checked < POLL_S:
                return False
            self._checked = now
            generation = self.catalog.generation()
            if generation == self._record.get("generation"):
                return False
            with exclusive(self.lock, wait=False) as held:
                if not held:
                    return False
                self._record = self._read()  # a sync in another process may have noted
                if generation == self._record.get("generation"):
                    return False
                return self._catch_up(generation)

    def note(self, written: dict[str, dict[str, Any]], removed: Iterable[str]) -> None:
        """This process changed the keyword index itself: record it as derived already."""
        with self._lock:
            files = dict(self._record["files"])  # a new dict: versions() keys its cache on it
            for source in removed:
                files.pop(source, None)
            files.update({s: {k: e[k] for k in ENTRY_KEYS if k in e} for s, e in written.items()})
            self._record["files"] = files
            self._write()

    def _catch_up(self, generation: str | None) -> bool:
        remote = self.catalog.files()
        local = self._record["files"]
        stale = [s for s, e in local.items() if remote.get(s, {}).get("sha256") != e.get("sha256")]
        fresh = [s for s, e in remote.items() if local.get(s, {}).get("sha256") != e.get("sha256")]
        if stale:
            self.bm25.delete_sources(stale)
        collection = self._chunks()
        for start in range(0, len(fresh), FETCH_SOURCES):
            sources = fresh[start : start + FETCH_SOURCES]
            got = collection.get(
                where={"source": {"$in": sources}}, include=["documents", "metadatas"]
            )
            stored = zip(got["ids"], map(unpacked, got["metadatas"]), got["documents"], strict=True)
            rows = [
                (i, m, d)
                for i, m, d in stored
                if m.get("sha256") == remote[m["source"]].get("sha256")
            ]
            self.bm25.upsert(
                [i for i, _, _ in rows],
                [stored_text(m, d) for _, m, d in rows],
                [m["source"] for _, m, _ in rows],
            )
        if stale or fresh:
            self.bm25.save()
        self._record = {"generation": generation, "files": remote}
        self._write()
        return bool(stale or fresh)

    def _read(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {"generation": None, "files": {}}

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._record))
        os.replace(tmp, self.path)
