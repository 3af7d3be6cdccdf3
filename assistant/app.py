"""Wire Settings into the concrete pieces: embeddings, stores, retriever, LLM, engine, indexer."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.llm import parse_llm
from assistant.settings import Settings
from index.bm25_store import BM25Store
from index.catalog import Catalog, Replica
from index.chunking import CHUNKER_VERSION
from index.embeddings import make_embeddings
from index.sync import IndexedFiles, Indexer, Manifest

if TYPE_CHECKING:  # the heavy modules load on first use, so `assistant index` starts fast
    import chromadb
    from langchain_chroma import Chroma

    from assistant.answering.answerability import LogisticModel
    from assistant.answering.reader import Reader
    from assistant.engine import Engine
    from index.retriever import HybridRetriever
    from index.store import ChromaStore


class App:
    """Builds each component once, lazily; validates the config strings up front."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        parse_llm(settings.llm)
        self.embeddings = make_embeddings(settings.embeddings)

    @cached_property
    def chroma(self) -> ChromaStore:
        from index.store import ChromaStore

        s = self.settings
        return ChromaStore(s.home, s.chroma_url, s.collection)

    @property
    def client(self) -> chromadb.ClientAPI:
        return self.chroma.client()

    @property
    def store(self) -> Chroma:
        from index.store import open_vectorstore

        return open_vectorstore(self.client, self.settings.collection, self.embeddings)

    @cached_property
    def bm25(self) -> BM25Store:
        return BM25Store(self.settings.home / "bm25")

    @cached_property
    def indexed(self) -> IndexedFiles | Replica:
        """What the index holds: this home's manifest, or with a Chroma server the catalog
        there (so replicas on other homes see each other's documents)."""
        s = self.settings
        local = IndexedFiles(s.home / "manifest.json")
        if not s.chroma_url:
            return local

        return Replica(
            Catalog(lambda: self.client, s.collection),
            self.chroma.collection,
            self.bm25,
            s.home / "replica.json",
            local.uploaded,
            s.home / "index.lock",
        )

    @cached_property
    def indexer(self) -> Indexer:
        s = self.settings
        config = {
            "embeddings": s.embeddings,
            "chunker": CHUNKER_VERSION,
            "chunk_size": s.chunk_size,
        }
        return Indexer(
            self.chroma,
            self.embeddings,
            self.bm25,
            s.home / "manifest.json",
            config,
            s.chunk_size,
            int(s.max_file_mb * 1_000_000),
            self.indexed if isinstance(self.indexed, Replica) else None,
        )

    def retriever(self, k: int | None = None) -> HybridRetriever:
        from index.retriever import HybridRetriever

        s = self.settings
        self._check_embeddings()
        return HybridRetriever(
            collection=self.chroma.collection,
            bm25=self.bm25,
            embeddings=self.embeddings,
            k=k or s.k,
            candidates=max(s.candidates, k or s.k),
            rrf_k=s.rrf_k,
            dense_weight=s.dense_weight,
            bm25_weight=s.bm25_weight,
            mmr_lambda=s.mmr_lambda,
            live=self.indexed.versions,
            texts=self.chroma.texts,
        )

    def _check_embeddings(self) -> None:
        """An index built with other embeddings cannot be searched with these."""
        if isinstance(self.indexed, Replica):
            made = (self.indexed.catalog.config() or {}).get("embeddings")
        else:
            manifest = Manifest(self.settings.home / "manifest.json")
            made = manifest.config.get("embeddings") if manifest.files else None
        if made and made != self.settings.embeddings:
            raise UserError(
                f"the index in {self.settings.home} was built with {made} embeddings, not "
                f"{self.settings.embeddings}; run `assistant index` to rebuild it, or set "
                f"ASSISTANT_EMBEDDINGS={made}"
            )

    @cached_property
    def answerability(self) -> LogisticModel:
        from assistant.answering.answerability import LogisticModel, artefact_for

        return LogisticModel.load(artefact_for(self.settings.embeddings))

    @cached_property
    def verdict(self) -> LogisticModel:
        from assistant.answering.answerability import VERDICT_FEATURES, LogisticModel, artefact_for

        path = artefact_for(self.settings.embeddings, "verdict")
        return LogisticModel.load(path, VERDICT_FEATURES)

    @cached_property
    def reader(self) -> Reader | None:
        """The cross-encoder reader: MiniLM's weights, so only beside MiniLM's embeddings
        (the tests' bag-of-words fakes rank without it, as their answerability model was fitted)."""
        from assistant.answering.reader import Reader
        from assistant.evidence import READ

        wanted = self.settings.reader and self.settings.embeddings == "minilm"
        return Reader().load(READ) if wanted else None

    @cached_property
    def engine(self) -> Engine:
        from assistant.engine import Engine
        from assistant.llm import make_pool
        from assistant.prompts import Prompts

        return Engine(
            retriever=self.retriever(),
            llm=make_pool(self.settings),
            pool_factory=lambda spec: make_pool(self.settings, spec),
            answerability=self.answerability,
            verdict=self.verdict,
            reader=self.reader,
            prompts=Prompts(self.settings.prompts_dir),
            embeddings=self.embeddings,
            model_name=self.settings.llm,
            mode=self.settings.mode,
            max_question_chars=self.settings.max_question_chars,
        )

    def chunk_count(self) -> int:
        return sum(int(f.get("chunks", 0)) for f in self.indexed.files().values())
