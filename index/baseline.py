"""The textbook pipeline, kept as a yardstick: RecursiveCharacterTextSplitter 1000/200, MiniLM,
Chroma similarity top-k. Used only by `assistant bench retrieval`."""

from __future__ import annotations

from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.documents import discover, load_document
from index.store import chroma_client


class TextbookPipeline:
    def __init__(self, home: Path, embeddings: Embeddings) -> None:
        client = chroma_client(home, None)
        self.store = Chroma(
            client=client, collection_name="textbook", embedding_function=embeddings
        )
        self.splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)

    def index(self, corpus: Path) -> int:
        """Split and embed every document; returns the number of chunks."""
        docs = []
        for path, problem in discover([corpus]):
            if problem is None:
                doc = load_document(path)
                meta = {"source": doc.source}
                docs.append(Document(doc.text[doc.body_start :], metadata=meta))
        chunks = self.splitter.split_documents(docs)
        for i in range(0, len(chunks), 1000):
            self.store.add_documents(chunks[i : i + 1000])
        return len(chunks)

    def search(self, query: str, k: int) -> list[Document]:
        return self.store.similarity_search(query, k=k)
