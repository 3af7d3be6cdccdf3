"""The Chroma collection: a local persistent store under ASSISTANT_HOME, or a Chroma server."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from assistant.errors import UserError

if TYPE_CHECKING:  # LangChain loads only where it is used: `assistant index` never needs it
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings


def chroma_client(home: Path, chroma_url: str | None) -> chromadb.ClientAPI:
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


def open_collection(client: chromadb.ClientAPI, name: str, reset: bool = False) -> Any:
    """The raw collection the indexer writes (vectors are computed by us, never by Chroma)."""
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
