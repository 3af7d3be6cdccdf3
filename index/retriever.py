"""Dense retrieval over the Chroma collection, as a LangChain BaseRetriever."""

from __future__ import annotations

from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class DenseRetriever(BaseRetriever):
    """Top-k passages by cosine similarity; each Document carries `id` and metadata["score"]."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Chroma
    k: int = 4

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.store.similarity_search_with_score(query, k=self.k)
        docs = []
        for doc, distance in hits:
            doc.metadata["score"] = round(1.0 - float(distance), 4)
            docs.append(doc)
        return docs
