"""The Chroma collection: a local persistent store under ASSISTANT_HOME, or a Chroma server.

chromadb's local store is not process-safe: a process that searches it may also persist its
vector index, so two processes on one store can lose writes or corrupt it (8 searching threads
beside another process's `assistant index` crashed once and left a 34 GB HNSW file once). So a
process claims the local store on first use and holds it until it exits or releases it; another
process gets a one-line error naming the holder. A writer process the holder starts for a bulk
sync (index/store_writer.py) writes on its behalf, and the holder then reopens the store.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from assistant.errors import UserError
from index.locks import exclusive
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


LOCK = "chroma.lock"
_opened_lock = threading.Lock()
_owner = "a process"


def set_owner(description: str) -> None:
    """How this process is named to another one that finds the store claimed."""
    global _owner
    _owner = description


@dataclass
class _Opened:
    client: chromadb.ClientAPI
    collections: dict[str, Any] = field(default_factory=dict)


_opened: dict[str, _Opened] = {}  # local store path → this process's client
_claims: dict[str, contextlib.ExitStack] = {}  # local store path → the lock that makes it ours


def _claim(home: Path) -> contextlib.ExitStack:
    """The held lock that makes the home's store this process's (closing it lets go)."""
    lock = home / LOCK
    held = contextlib.ExitStack()
    if not held.enter_context(exclusive(lock, wait=False)):
        held.close()
        holder = lock.read_text(encoding="utf-8", errors="replace").strip() or "another process"
        raise UserError(
            f"{home}: the local store is in use by {holder}; one process at a time may open "
            "it: add files through that process (a server's Upload or Re-index), or stop it "
            "first, or use another ASSISTANT_HOME or a Chroma server (ASSISTANT_CHROMA_URL)"
        )
    lock.write_text(f"{_owner} (pid {os.getpid()})", encoding="utf-8")  # the lock stays held
    return held


def _forget_shared_client(path: str) -> None:
    """chromadb shares one client per path in a process: forget it, so that a new client loads
    the store from disk (clients handed out before keep their copy until collected)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)


class ChromaStore:
    """The collection of one home (local) or one Chroma server, as this process sees it."""

    def __init__(self, home: Path, chroma_url: str | None, name: str) -> None:
        self.home, self.chroma_url, self.name = home, chroma_url, name
        self._remote: _Opened | None = None

    def claim(self) -> None:
        """Make the local store this process's until it exits or releases it (UserError if
        another process holds it). Cheap: chromadb is not loaded."""
        if self.chroma_url:
            return
        with _opened_lock:
            if self._path not in _claims:
                _claims[self._path] = _claim(self.home)

    def client(self) -> chromadb.ClientAPI:
        """Claims a local store for this process (UserError if another process holds it)."""
        return self._current().client

    def collection(self) -> Any:
        held = self._current()
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
        held = self._current()
        held.collections[self.name] = open_collection(held.client, self.name, reset=True)
        if self.texts is not None:
            self.texts.clear()
        return held.collections[self.name]

    def reopen(self) -> None:
        """Load the local store from disk again, as this process's writer process left it."""
        with _opened_lock:
            held = _opened.get(self._path)
            if held is None:
                return
            _forget_shared_client(self._path)
            _opened[self._path] = _Opened(chroma_client(self.home, None))
        gc.collect()  # chromadb's client sits in reference cycles: free the old copy

    def release(self) -> None:
        """Close the local store, so that another process may open it."""
        with _opened_lock:
            held = _opened.pop(self._path, None)
            claim = _claims.pop(self._path, None)
            if held is not None:
                _forget_shared_client(self._path)
        del held
        gc.collect()  # the client goes before the claim that guards it
        if claim is not None:
            claim.close()

    @property
    def _path(self) -> str:
        return str(self.home / "chroma")

    def _current(self) -> _Opened:
        if self.chroma_url:
            if self._remote is None:
                self._remote = _Opened(chroma_client(self.home, self.chroma_url))
            return self._remote
        self.claim()
        with _opened_lock:
            held = _opened.get(self._path)
            if held is None:
                held = _opened[self._path] = _Opened(chroma_client(self.home, None))
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


def damaged(exc: BaseException) -> bool:
    """Did Chroma fail to load a local vector index that a killed run left torn?"""
    return type(exc).__name__ == "InternalError" and "hnsw" in str(exc).lower()


@contextlib.contextmanager
def loaded() -> Iterator[None]:
    """Reads of the local store: a torn vector index is one line telling what to do."""
    try:
        yield
    except Exception as exc:
        if damaged(exc):
            raise UserError(
                "Chroma cannot load the vector index (an indexing run was killed while Chroma "
                "saved it); run `assistant index` on your folder again to rebuild it"
            ) from None
        raise


def unreachable(exc: BaseException) -> bool:
    """Did a Chroma server stop answering (as opposed to a bug or a bad request)?"""
    import httpx

    return isinstance(exc, httpx.TransportError | ConnectionError) or (
        isinstance(exc, ValueError) and "Could not connect" in str(exc)
    )
