"""Wire Settings into the concrete pieces: embeddings, store, retriever, LLM, engine, indexer."""

from __future__ import annotations

from functools import cached_property

import chromadb
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma

from assistant.engine import Engine
from assistant.llm import make_llm, parse_llm
from assistant.prompts import Prompts
from assistant.settings import Settings
from index.embeddings import make_embeddings
from index.retriever import DenseRetriever
from index.store import chroma_client, open_vectorstore
from index.sync import Indexer


class App:
    """Builds each component once, lazily; validates the config strings up front."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        parse_llm(settings.llm)
        self.embeddings = make_embeddings(settings.embeddings)

    @cached_property
    def client(self) -> chromadb.ClientAPI:
        return chroma_client(self.settings.home, self.settings.chroma_url)

    @cached_property
    def store(self) -> Chroma:
        return open_vectorstore(self.client, self.settings.collection, self.embeddings)

    @cached_property
    def indexer(self) -> Indexer:
        s = self.settings
        return Indexer(self.store, s.home / "manifest.json", s.chunk_size, s.chunk_overlap)

    def retriever(self, k: int | None = None) -> DenseRetriever:
        return DenseRetriever(store=self.store, k=k or self.settings.k)

    @cached_property
    def engine(self) -> Engine:
        return Engine(
            retriever=self.retriever(),
            llm=make_llm(self.settings),
            prompts=Prompts(self.settings.prompts_dir),
            model_name=self.settings.llm,
            max_question_chars=self.settings.max_question_chars,
        )

    def chunk_count(self) -> int:
        try:
            return self.client.get_collection(self.settings.collection).count()
        except NotFoundError:
            return 0
