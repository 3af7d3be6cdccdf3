"""Whether the documents mention a thing, decided by reading a small folder through: "Is
Mexico mentioned in the documents?" is answered Yes from a sentence that says it (the usual
way), and No only when no chunk in the documents asked about says it, naming a document
that does when there is one."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.documents import Document

from assistant.answering.question import Question
from assistant.evidence import says
from assistant.text import names, split_sentences, terms

MAX_THING_TERMS = 2  # a longer thing may be said in other words ("climate change policies")


@dataclass(frozen=True)
class Absent:
    thing: str  # as the question writes it
    scope: str | None  # the title of the one document asked about; None: all of them
    other: Document | None  # a document outside the scope that says it
    quote: str | None  # its sentence that says it


def absent(question: Question, scope: list[Document], folder: list[Document]) -> Absent | None:
    """The thing is said in no chunk of the documents in scope (those the question names, or
    the whole folder; for "Do both documents mention …?", of one of them), and is short or a
    name, so its absence is a plain No; None otherwise."""
    thing = question.mentioned
    short = len(terms(thing)) <= MAX_THING_TERMS or bool(names(thing))
    if not thing or not short:
        return None
    if not scope:
        return None
    if not any(says(d.page_content, thing) for d in scope):
        return _absent_from(thing, scope, folder)
    for source in dict.fromkeys(d.metadata["source"] for d in scope):
        own = [d for d in scope if d.metadata["source"] == source]
        if question.each_document and not any(says(d.page_content, thing) for d in own):
            return _absent_from(thing, own, folder)  # "Do both documents mention …?"
    return None


def each_saying(question: Question, scope: list[Document]) -> list[tuple[Document, str]]:
    """For "Do both documents mention …?": in each document, the first chunk and sentence
    that say the thing; empty unless every one of two or more documents says it."""
    thing = question.mentioned
    if not (question.each_document and thing):
        return []
    found: list[tuple[Document, str]] = []
    for source in dict.fromkeys(d.metadata["source"] for d in scope):
        said = (
            (d, s)
            for d in scope
            if d.metadata["source"] == source
            for s in split_sentences(d.page_content)
            if says(s, thing)
        )
        first = next(said, None)
        if first is None:
            return []
        found.append(first)
    return found if len(found) > 1 else []


def _absent_from(thing: str, scope: list[Document], folder: list[Document]) -> Absent:
    sources = {d.metadata["source"] for d in scope}
    whole = sources == {d.metadata["source"] for d in folder}
    title = None if whole or len(sources) > 1 else scope[0].metadata.get("title")
    for doc in folder:
        if doc.metadata["source"] in sources or not says(doc.page_content, thing):
            continue
        quote = next((s for s in split_sentences(doc.page_content) if says(s, thing)), None)
        if quote:
            return Absent(thing, title, doc, quote)
    return Absent(thing, title, None, None)
