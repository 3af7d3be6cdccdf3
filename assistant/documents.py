"""A stored chunk as a passage, and which documents a question names: helpers on LangChain
Documents that retrieval and the folder's own answers share."""

from __future__ import annotations

import json
import re

from langchain_core.documents import Document

from assistant.answer import Passage
from assistant.answering.question import SOURCE_NOUNS
from assistant.text import names_source


def passage_of(doc: Document) -> Passage:
    m = doc.metadata
    return Passage(
        chunk_id=str(doc.id),
        source=m["source"],
        title=m.get("title", m["source"]),
        heading=m.get("heading", ""),
        url=m.get("url"),
        start=int(m["start"]),
        end=int(m["end"]),
        text=doc.page_content,
        score=float(m.get("score", 0.0)),
        page=m.get("page"),
        flagged=[tuple(span) for span in json.loads(m.get("flagged") or "[]")],
        title_flagged=bool(m.get("title_flagged", False)),
    )


def from_sources(docs: list[Document], words: frozenset[str]) -> list[Document]:
    """The chunks of the documents that the question's source words name (in their title,
    text or web site; a generic word such as "Department" need not be said)."""
    texts: dict[str, str] = {}
    for d in docs:
        m = d.metadata
        texts[m["source"]] = f"{texts.get(m['source'], m.get('title', ''))}\n{d.page_content}"
    urls = {d.metadata["source"]: d.metadata.get("url") for d in docs}
    named = {
        source
        for source, text in texts.items()
        if all(names_source(w, text, [urls[source]]) for w in words)
    }
    return [d for d in docs if d.metadata["source"] in named]


def ranked_document(docs: list[Document], rank: int) -> list[Document]:
    """The chunks of the document at that place (1-based, -1 the last) in the order the
    folder lists its documents (by path); none when the folder has fewer."""
    sources = sorted({str(d.metadata.get("source", "")) for d in docs})
    if rank > len(sources) or not sources:
        return []
    chosen = sources[rank - 1] if rank > 0 else sources[-1]
    return [d for d in docs if d.metadata.get("source") == chosen]


def titled(docs: list[Document], question: str) -> list[Document]:
    """The chunks of the documents whose title holds the kind of document the question
    names in the singular ("What is the fact sheet about?" of one "FACT SHEET: …")."""
    found = (m.group().lower() for m in re.finditer(SOURCE_NOUNS, question, re.IGNORECASE))
    kinds = {k for k in found if not k.endswith("s")}  # "the documents" are all of them
    return [
        d
        for d in docs
        if any(re.search(rf"\b{re.escape(k)}", d.metadata.get("title", ""), re.I) for k in kinds)
    ]
