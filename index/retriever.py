"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank fusion, optional MMR."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.bm25_store import BM25Store
from index.chunking import chunk_metadata, chunk_text, unpacked
from index.store import loaded
from index.texts import ChunkTexts, with_texts

INCLUDE = ["metadatas", "documents"]


class HybridRetriever(BaseRetriever):
    """Top-k chunks. Each Document has `id` and metadata: score (fused), dense_score (cosine),
    bm25_score, dense_rank and bm25_rank (None when that retriever did not rank it)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    # → the chromadb collection the indexer writes (as this process should see it now); queried
    # for ids only, then the few chunks kept are fetched (LangChain's Chroma search returns
    # every candidate's text: 7× slower)
    collection: Callable[[], Any]
    bm25: BM25Store
    embeddings: Embeddings
    k: int = 4
    candidates: int = 30
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    mmr_lambda: float | None = None  # None: no MMR; 1.0 = relevance only, 0.0 = diversity only
    # source → content hash of the indexed files; chunks of any other file version (left by
    # an interrupted sync) are never returned
    live: Callable[[], dict[str, str]] | None = None
    texts: ChunkTexts | None = None  # the local store's chunk texts (a server holds them)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        with loaded():
            return self._retrieved(query, vector)

    def _retrieved(self, query: str, vector: np.ndarray) -> list[Document]:
        collection = self.collection()
        fused: dict[str, float] = defaultdict(float)
        ranks: dict[str, dict[str, float]] = defaultdict(dict)
        if self.dense_weight > 0:
            hits = collection.query(
                query_embeddings=[vector.tolist()], n_results=self.candidates, include=[]
            )
            for rank, cid in enumerate(hits["ids"][0], 1):
                fused[cid] += self.dense_weight / (self.rrf_k + rank)
                ranks[cid]["dense_rank"] = rank
        if self.bm25_weight > 0:
            for rank, (cid, score) in enumerate(self.bm25.search(query, self.candidates), 1):
                fused[cid] += self.bm25_weight / (self.rrf_k + rank)
                ranks[cid].update(bm25_rank=rank, bm25_score=round(score, 4))
        order = sorted(fused, key=lambda c: -fused[c])
        wanted = self.candidates if self.mmr_lambda is not None else self.k
        docs, vectors = self._fetch(collection, order, wanted)
        pool = list(docs)
        if self.mmr_lambda is not None:
            pool = _mmr(pool, fused, vectors, self.mmr_lambda, self.k)
        out = []
        for cid in pool:
            doc = docs[cid]
            doc.metadata.update(
                score=round(fused[cid], 5),
                dense_score=round(float(vectors[cid] @ vector), 4),
                bm25_score=ranks[cid].get("bm25_score", 0.0),
                dense_rank=ranks[cid].get("dense_rank"),
                bm25_rank=ranks[cid].get("bm25_rank"),
            )
            out.append(doc)
        return out

    def everything(self, limit: int) -> list[Document] | None:
        """Every live chunk in reading order, for a question about the whole folder ("list the
        people named in the documents"); None when the index holds more than limit."""
        return self._in_order(self.collection().get(limit=limit + 1, include=INCLUDE), limit)

    def of_source(self, source: str, limit: int) -> list[Document] | None:
        """The live chunks of one document in reading order; None when it has more than limit."""
        got = self.collection().get(where={"source": source}, limit=limit + 1, include=INCLUDE)
        return self._in_order(got, limit)

    def opening(self, source: str, scan: int = 64) -> Document | None:
        """The first chunk of one document, of the first `scan` chunks stored (the store
        returns them in the order they were written)."""
        docs = self._in_order(
            self.collection().get(where={"source": source}, limit=scan, include=INCLUDE), scan
        )
        return docs[0] if docs else None

    def _in_order(self, got: Any, limit: int) -> list[Document] | None:
        got = with_texts(got, self.texts)
        if len(got["ids"]) > limit:
            return None
        live = self.live() if self.live is not None else None
        stored = zip(got["ids"], map(unpacked, got["metadatas"]), got["documents"], strict=True)
        docs = [
            Document(page_content=chunk_text(meta, text), metadata=chunk_metadata(meta), id=cid)
            for cid, meta, text in stored
            if live is None or live.get(meta.get("source")) == meta.get("sha256")
        ]
        return sorted(docs, key=lambda d: (d.metadata["source"], int(d.metadata["start"])))

    def _fetch(
        self, collection: Any, order: list[str], wanted: int
    ) -> tuple[dict[str, Document], dict[str, np.ndarray]]:
        """The first `wanted` ranked chunks that are still indexed, with their vectors."""
        live = self.live() if self.live is not None else None
        docs: dict[str, Document] = {}
        vectors: dict[str, np.ndarray] = {}
        at = 0
        while len(docs) < wanted and at < len(order):
            batch = order[at : at + 2 * (wanted - len(docs))]
            at += len(batch)
            got = with_texts(
                collection.get(ids=batch, include=["embeddings", "metadatas", "documents"]),
                self.texts,
            )
            found = {
                i: (meta, text, vec)
                for i, meta, text, vec in zip(
                    got["ids"], got["metadatas"], got["documents"], got["embeddings"], strict=True
                )
            }
            for cid in batch:
                if cid not in found or len(docs) >= wanted:
                    continue  # deleted between the BM25 snapshot and Chroma
                meta, text, vec = found[cid]
                meta = unpacked(meta)
                if live is not None and live.get(meta.get("source")) != meta.get("sha256"):
                    continue  # written by a sync that has not finished
                if not (content := chunk_text(meta, text)):
                    continue  # its text was deleted after the vector was read
                docs[cid] = Document(page_content=content, metadata=chunk_metadata(meta), id=cid)
                vectors[cid] = np.asarray(vec, dtype=np.float32)
        return docs, vectors


def _mmr(
    pool: list[str], fused: dict[str, float], vectors: dict[str, np.ndarray], lam: float, k: int
) -> list[str]:
    """Greedy maximal marginal relevance, with the fused score (scaled to 0–1) as relevance."""
    top = max(fused[c] for c in pool)
    chosen: list[str] = []
    rest = [c for c in pool if c in vectors]
    while rest and len(chosen) < k:

        def gain(c: str) -> float:
            redundancy = max((float(vectors[c] @ vectors[s]) for s in chosen), default=0.0)
            return lam * fused[c] / top - (1 - lam) * redundancy

        best = max(rest, key=gain)
        chosen.append(best)
        rest.remove(best)
    return chosen
