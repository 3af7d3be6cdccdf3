"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank fusion, optional MMR."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.bm25_store import BM25Store


class HybridRetriever(BaseRetriever):
    """Top-k chunks. Each Document has `id` and metadata: score (fused), dense_score (cosine),
    bm25_score, dense_rank and bm25_rank (None when that retriever did not rank it)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Chroma
    bm25: BM25Store
    embeddings: Embeddings
    k: int = 4
    candidates: int = 30
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    mmr_lambda: float | None = None  # None: no MMR; 1.0 = relevance only, 0.0 = diversity only

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        fused: dict[str, float] = defaultdict(float)
        docs: dict[str, Document] = {}
        ranks: dict[str, dict[str, float]] = defaultdict(dict)
        if self.dense_weight > 0:
            hits = self.store.similarity_search_by_vector_with_relevance_scores(
                vector.tolist(), k=self.candidates
            )
            for rank, (doc, _distance) in enumerate(hits, 1):
                cid = str(doc.id)
                docs[cid] = doc
                fused[cid] += self.dense_weight / (self.rrf_k + rank)
                ranks[cid]["dense_rank"] = rank
        if self.bm25_weight > 0:
            for rank, (cid, score) in enumerate(self.bm25.search(query, self.candidates), 1):
                fused[cid] += self.bm25_weight / (self.rrf_k + rank)
                ranks[cid].update(bm25_rank=rank, bm25_score=round(score, 4))
        order = sorted(fused, key=lambda c: -fused[c])
        pool = order[: self.candidates if self.mmr_lambda is not None else self.k]
        vectors = self._vectors(pool)
        if self.mmr_lambda is not None:
            pool = _mmr(pool, fused, vectors, self.mmr_lambda, self.k)
        missing = [c for c in pool if c not in docs]
        for doc in self.store.get_by_ids(missing) if missing else []:
            docs[str(doc.id)] = doc
        out = []
        for cid in pool:
            if cid not in docs:
                continue  # deleted between the BM25 snapshot and Chroma
            doc = docs[cid]
            doc.metadata.update(
                score=round(fused[cid], 5),
                dense_score=round(float(vectors[cid] @ vector), 4) if cid in vectors else None,
                bm25_score=ranks[cid].get("bm25_score", 0.0),
                dense_rank=ranks[cid].get("dense_rank"),
                bm25_rank=ranks[cid].get("bm25_rank"),
            )
            out.append(doc)
        return out

    def _vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self.store.get(ids=ids, include=["embeddings"])
        return {
            i: np.asarray(v, dtype=np.float32)
            for i, v in zip(got["ids"], got["embeddings"], strict=True)
        }


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
