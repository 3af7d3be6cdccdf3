"""The Chroma collection: a local persistent store under ASSISTANT_HOME, or a Chroma server.

chromadb keeps one client per local path in a process, and that client holds the vector index
as this process last loaded it. After another process (`assistant index` beside a running
server) writes the same store, that copy is stale: its searches miss the new chunks, and its
next write persists the stale index over the other's, which breaks the store. So every write
stamps `chroma.writer` with the writing process, and a process that finds another's stamp
opens the store afresh: before it writes, always; to search, at most every REREAD_S.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from assistant.errors import UserError
from index.texts import ChunkTexts

if TYPE_CHECKING:  # chromadb and LangChain load where they are used: an unchanged corpus's
    import chromadb  # `assistant index` never needs them
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings


def chroma_client(home: Path, chroma_url: str | None) -> chromadb.ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise UserError(
                f"invalid ASSISTANT_CHROMA_URL {chroma_url!r}; expected http://HOST:PORT"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=settings,
            )
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise UserError(
                f"cannot reach the Chroma server at {chroma_url} ({exc}); start it, or unset "
                "ASSISTANT_CHROMA_URL to use the local store"
            ) from None
    home.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(home / "chroma"), settings=settings)


STAMP = "chroma.writer"
REREAD_S = 5.0
_PROCESS = uuid.uuid4().hex  # what this process writes into the stamp
_opened_lock = threading.Lock()


@dataclass
class _Opened:
    client: chromadb.ClientAPI
    stamp: tuple[int, int, int] | None  # the stamp file as it was when this client was current
    at: float = field(default_factory=time.monotonic)
    collections: dict[str, Any] = field(default_factory=dict)


_opened: dict[str, _Opened] = {}  # local store path → this process's current client


def _stamp_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _stamped_by_us(path: Path) -> bool:
    try:
        return path.read_text(encoding="utf-8") == _PROCESS
    except OSError:
        return False


class ChromaStore:
    """The collection of one home (local) or one Chroma server, as this process should see it."""

    def __init__(self, home: Path, chroma_url: str | None, name: str) -> None:
        self.home, self.chroma_url, self.name = home, chroma_url, name
        self._remote: _Opened | None = None
        self._stamp = home / STAMP

    def client(self, fresh: bool = False) -> chromadb.ClientAPI:
        """fresh: the store as it is on disk now (a writer must never hold a stale copy)."""
        return self._current(fresh).client

    def collection(self, fresh: bool = False) -> Any:
        held = self._current(fresh)
        if self.chroma_url:  # another replica may have re-created it: look it up each time
            return open_collection(held.client, self.name)
        found = held.collections.get(self.name)
        if found is None:
            found = held.collections[self.name] = open_collection(held.client, self.name)
        return found

    @cached_property
    def texts(self) -> ChunkTexts | None:
        """Where the local store keeps the chunks' text (None: in Chroma, on a server)."""
        return None if self.chroma_url else ChunkTexts(self.home / "texts.sqlite3")

    def reset(self) -> Any:
        """An empty collection in place of the stored one."""
        held = self._current(True)
        held.collections[self.name] = open_collection(held.client, self.name, reset=True)
        if self.texts is not None:
            self.texts.clear()
        self.written()
        return held.collections[self.name]

    def written(self) -> None:
        """This process has just written the store: other processes must read it afresh."""
        if self.chroma_url:
            return
        tmp = self._stamp.with_name(f"{STAMP}.{_PROCESS}.tmp")
        tmp.write_text(_PROCESS, encoding="utf-8")
        os.replace(tmp, self._stamp)
        with _opened_lock:
            held = _opened.get(self._path)
            if held is not None:
                held.stamp = _stamp_key(self._stamp)

    @property
    def _path(self) -> str:
        return str(self.home / "chroma")

    def _current(self, fresh: bool) -> _Opened:
        if self.chroma_url:
            if self._remote is None:
                self._remote = _Opened(chroma_client(self.home, self.chroma_url), None)
            return self._remote
        key = _stamp_key(self._stamp)
        reopened = False
        with _opened_lock:
            held = _opened.get(self._path)
            if held is None:
                held = _opened[self._path] = _Opened(chroma_client(self.home, None), key)
            elif key != held.stamp:
                if _stamped_by_us(self._stamp):
                    held.stamp = key
                elif fresh or time.monotonic() - held.at >= REREAD_S:
                    # forget chromadb's shared client for the path, so that a new one loads
                    # the store from disk (clients handed out before keep their old copy)
                    from chromadb.api.shared_system_client import SharedSystemClient

                    SharedSystemClient._identifier_to_system.pop(self._path, None)
                    SharedSystemClient._identifier_to_refcount.pop(self._path, None)
                    held = _opened[self._path] = _Opened(chroma_client(self.home, None), key)
                    reopened = True
        if reopened:  # outside the lock: other threads' searches need not wait for it
            gc.collect()  # chromadb's client sits in reference cycles: free the old one
        return held


def open_collection(client: chromadb.ClientAPI, name: str, reset: bool = False) -> Any:
    """The raw collection the indexer writes (vectors are computed by us, never by Chroma)."""
    from chromadb.errors import NotFoundError

    if reset:
        with contextlib.suppress(ValueError, NotFoundError):
            client.delete_collection(name)
    return client.get_or_create_collection(
        name, metadata={"hnsw:space": "cosine"}, embedding_function=None
    )


def open_vectorstore(client: chromadb.ClientAPI, collection: str, embeddings: Embeddings) -> Chroma:
    from langchain_chroma import Chroma

    return Chroma(
        client=client,
        collection_name=collection,
        embedding_function=embeddings,
        collection_metadata={"hnsw:space": "cosine"},
    )


def unreachable(exc: BaseException) -> bool:
    """Did a Chroma server stop answering (as opposed to a bug or a bad request)?"""
    import httpx

    return isinstance(exc, httpx.TransportError | ConnectionError) or (
        isinstance(exc, ValueError) and "Could not connect" in str(exc)
    )
