"""Questions about the folder's documents rather than what they say, answered by reading the
index, not by searching it: which documents there are ("How many documents are there?",
"What are the titles of the documents?"), one document's date ("When was the White House
fact sheet published?"), title ("What is the title of the White House document?") and
web site ("Who published the fact sheet?") or byline,
which was published first or last, and that a thing is mentioned
nowhere in the documents asked about ("Does the State Department document mention the WTO?"
→ No, and the one that does)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.answer import Passage
from assistant.answering.mentions import Absent, absent, each_saying
from assistant.answering.question import Question
from assistant.documents import from_sources, passage_of, ranked_document, titled
from assistant.prompts import Prompts
from assistant.text import prose, quotable, split_sentences
from assistant.verify import Citation, Verified, citation

FOLDER_CHUNKS = 300  # a question about the whole folder reads it through up to this size
MAX_LISTED = 30
BYLINE_LINES = 4  # a byline is among a document's first lines
BYLINE = re.compile(r"^(?:By\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of|the|for|and|on|[A-Z][\w.&'’-]*)){1,6}$")
OPENING_WORDS = 6  # a shorter first line is a heading or a byline ("Office of the Spokesperson")
DOCUMENTS = r"(?:documents|files|sources|texts|fact sheets|articles|reports|pages)"
FOLDER_QUESTION = re.compile(
    rf"^\s*(?:how many {DOCUMENTS}\b(?!.*\b(?:mention|say|name|cite|discuss|talk)\w*\b)|"
    rf"(?:what|which) (?:are |is )?(?:the )?(?:titles?|names?) of "
    rf"(?:the |your |all )?{DOCUMENTS}\b|"
    rf"(?:what|which) are (?:the |your |all )?(?:the )?{DOCUMENTS}\s*[.?!]?\s*$|"
    rf"(?:what|which) {DOCUMENTS} (?:do you have|have you (?:got|indexed|read)|"
    r"are (?:there|indexed|loaded|available|in the folder))\b|"
    rf"(?:please )?(?:list|name|show)(?: me)? (?:all )?(?:the |your )?{DOCUMENTS}\s*[.?!]?\s*$)",
    re.IGNORECASE,
)
PUBLISHED = re.compile(
    r"^\s*(?:when|on what date|what date) (?:was|were) (?:the |this |that )?.+? (?:published|"
    r"released|issued|dated|posted|put out)\s*\??\s*$",
    re.IGNORECASE,
)
# "Who published the fact sheet?", "Who is the author of the first document?": where the
# document's web address says it was published
PUBLISHER_OF = re.compile(
    r"^\s*(?:who|which (?:organi[sz]ation|agency|office|site|website))\s+(?:(?:has\s+|had\s+)?"
    r"(?:published|wrote|written|issued|released|put out|authored|posted)|is the (?:publisher|"
    r"author|source) of)\s+(?:the |this |that )?(?:[\w.'’-]+\s+){0,4}(?:document|file|"
    r"fact sheet|article|report|text|page|statement|release)\s*\??\s*$",
    re.IGNORECASE,
)
TITLE_OF = re.compile(
    r"^\s*what(?:'s|’s| is| was) the (?:title|name|headline) of (?:the |this |that )?"
    r"(?:[\w.'’-]+\s+){0,4}(?:document|file|fact sheet|article|report|text|page|statement|"
    r"release)\s*\??\s*$",
    re.IGNORECASE,
)
# "Which document was published first?", "Which of the files is the most recent?"
IN_ORDER = re.compile(
    r"^\s*(?:which|what) (?:one |of the )?(?:document|file|article|report|text|fact sheet|"
    r"page|source)s?\b(?!.*\b(?:mention|say|said|name|cite|discuss|talk|describ)\w*\b).*?"
    r"\b(?:(?P<early>first|earliest|oldest|older)|(?P<late>last|latest|newest|newer|"
    r"most recent|more recent))\b",
    re.IGNORECASE,
)
Found = tuple[Verified, list[Passage]]


def of_the_folder(retriever: BaseRetriever, read: Question, prompts: Prompts) -> Found | None:
    """The answer and the passages it cites, or None for a question about what the
    documents say (or a folder too large to read through)."""
    if FOLDER_QUESTION.match(read.text):
        return _documents(retriever, prompts)
    if PUBLISHED.match(read.text):
        return _dated(_folder(retriever), read, prompts)
    if TITLE_OF.match(read.text):
        return _titled(_folder(retriever), read, prompts)
    if PUBLISHER_OF.match(read.text):
        return _published_at(_folder(retriever), read, prompts)
    in_order = IN_ORDER.match(read.text)
    if in_order:
        return _by_date(retriever, bool(in_order["late"]), prompts)
    folder = _folder(retriever) if read.asks_mention else None
    if not folder:
        return None
    scope = _asked_about(folder, read)
    lacking = absent(read, scope, folder)
    if lacking:
        return _no_mention(lacking, prompts)
    each = each_saying(read, scope)
    return _each_mentions(read.mentioned, each, prompts) if each else None


def _folder(retriever: BaseRetriever) -> list[Document] | None:
    everything = getattr(retriever, "everything", None)
    return everything(FOLDER_CHUNKS) if everything else None


def _asked_about(folder: list[Document], read: Question) -> list[Document]:
    """The documents the question names by their publisher or title, else all of them."""
    if read.sources:
        return from_sources(folder, read.sources)
    return titled(folder, read.text) or folder


def first_sentence(doc: Document) -> str:
    """The first sentence of a chunk that states something (not a dateline or heading)."""
    said = (
        s for s in split_sentences(doc.page_content) if prose(s) and len(s.split()) >= OPENING_WORDS
    )
    return next(said, doc.page_content)


def _openings(retriever: BaseRetriever) -> tuple[int, list[Document]] | None:
    """How many documents are indexed, and the opening chunk of each (the first 30 by file
    name), or None for a retriever that cannot list them."""
    live, opening = getattr(retriever, "live", None), getattr(retriever, "opening", None)
    if live is None or opening is None:
        return None
    sources = sorted(live())
    return len(sources), [d for d in map(opening, sources[:MAX_LISTED]) if d is not None]


def _cited(docs: list[Document]) -> tuple[list[Passage], list[str], list[Citation]]:
    """Each document's passage, its opening sentence, and the citation of that sentence."""
    passages = [passage_of(d) for d in docs]
    quotes = [first_sentence(d) for d in docs]
    cites = [citation(n, p, q) for n, (p, q) in enumerate(zip(passages, quotes, strict=True), 1)]
    return passages, quotes, cites


def _documents(retriever: BaseRetriever, prompts: Prompts) -> Found | None:
    """How many documents are indexed; each by its title, date and opening sentence, cited."""
    found = _openings(retriever)
    if not found or not found[1]:
        return None
    total, docs = found
    passages, quotes, cites = _cited(docs)
    shown = [
        {"title": p.title, "date": d.metadata.get("date"), "quote": quotable(q)}
        for p, d, q in zip(passages, docs, quotes, strict=True)
    ]
    text = prompts.render("documents.j2", total=total, docs=shown)
    return Verified(text, cites), passages


def _by_date(retriever: BaseRetriever, latest: bool, prompts: Prompts) -> Found | None:
    """The dated documents, the earliest (or the latest) first, each cited by its opening."""
    found = _openings(retriever)
    if not found:
        return None
    docs = found[1]
    dated = sorted(
        (d for d in docs if d.metadata.get("date")),
        key=lambda d: str(d.metadata["date"]),
        reverse=latest,
    )
    if len(dated) < 2:  # nothing to put in order: answered from what the documents say
        return None
    passages, _, cites = _cited(dated)
    shown = [
        {"title": p.title, "date": d.metadata["date"]} for p, d in zip(passages, dated, strict=True)
    ]
    text = prompts.render(
        "published_order.j2",
        docs=shown,
        word="latest" if latest else "earliest",
        undated=len(docs) - len(dated),
    )
    return Verified(text, cites), passages


def _one_named(folder: list[Document] | None, read: Question) -> Document | None:
    """The first chunk of the one document the question names, by source or kind."""
    if not folder:
        return None
    if read.document_rank:  # "the first document", in the order the folder lists them
        named = ranked_document(folder, read.document_rank)
    elif read.sources:
        named = from_sources(folder, read.sources)
    else:
        named = titled(folder, read.text)
    return named[0] if len({d.metadata["source"] for d in named}) == 1 else None


def _dated(folder: list[Document] | None, read: Question, prompts: Prompts) -> Found | None:
    """The date the index records for the one document the question names."""
    first = _one_named(folder, read)
    if first is None or not first.metadata.get("date"):
        return None
    return _of_one(first, prompts, "dated.j2", date=first.metadata["date"])


def _titled(folder: list[Document] | None, read: Question, prompts: Prompts) -> Found | None:
    """The title the index records for the one document the question names ("What is the
    title of the White House document?")."""
    first = _one_named(folder, read)
    return None if first is None else _of_one(first, prompts, "titled.j2")


def _published_at(folder: list[Document] | None, read: Question, prompts: Prompts) -> Found | None:
    """The web site the one document the question names was published at, by its address
    (whitehouse.gov), else the byline at its head ("Office of the Spokesperson"); None when
    it has neither, to be answered from what it says."""
    first = _one_named(folder, read)
    if first is None:
        return None
    url = first.metadata.get("url")
    host = (urlparse(url).hostname or "").removeprefix("www.") if url else ""
    if host:
        return _of_one(first, prompts, "published_at.j2", host=host)
    line = byline(first.page_content)
    if line is None:
        return None
    return _of_one(first, prompts, "byline.j2", line, who=re.sub(r"^By\s+", "", line))


def byline(text: str) -> str | None:
    """A line among a document's first few that names who it is from: "By Jane Doe", or a
    short line of capitalised words that states nothing ("Office of the Spokesperson"); not
    a dateline, a quotation or a sentence."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:BYLINE_LINES]
    return next((line for line in lines if BYLINE.match(line)), None)


def _of_one(
    first: Document, prompts: Prompts, template: str, quote: str | None = None, **values: str
) -> Found:
    """One document's answer: the template with its title and the line quoted (by default
    its opening sentence), cited."""
    passage, quote = passage_of(first), quote or first_sentence(first)
    text = prompts.render(template, title=passage.title, quote=quotable(quote), **values)
    return Verified(text, [citation(1, passage, quote)]), [passage]


def _no_mention(lacking: Absent, prompts: Prompts) -> Found:
    passages = [passage_of(lacking.other)] if lacking.other and lacking.quote else []
    text = prompts.render(
        "not_mentioned.j2",
        thing=lacking.thing,
        scope=lacking.scope,
        other=passages[0].title if passages else None,
        quote=quotable(lacking.quote) if lacking.quote else None,
    )
    cites = [citation(1, passages[0], lacking.quote)] if passages and lacking.quote else []
    return Verified(text, cites), passages


def _each_mentions(thing: str, each: list[tuple[Document, str]], prompts: Prompts) -> Found:
    """ "Do both documents mention NORAD?": Yes, with each document's sentence that says it."""
    passages = [passage_of(d) for d, _ in each]
    shown = [
        {"title": p.title, "quote": quotable(q)} for p, (_, q) in zip(passages, each, strict=True)
    ]
    text = prompts.render("each_mentioned.j2", thing=thing, docs=shown)
    cites = [citation(n, p, q) for n, (p, (_, q)) in enumerate(zip(passages, each, strict=True), 1)]
    return Verified(text, cites), passages
