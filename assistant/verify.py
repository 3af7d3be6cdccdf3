"""Check every sentence of a generated answer against the passages it cites.

A sentence is supported by a passage when the passage (with its title) contains every number
and every name the sentence states, and every name of several words as one phrase ("Foreign
Minister Blinken" is not supported by "Foreign Minister Garneau … Secretary Blinken"), it
says the verb the sentence's claim rests on ("will focus on" is not "will launch"), it
repeats no word of the question that no passage says, and either
most of the sentence's terms appear in the passage or the sentence is close in meaning
(MiniLM cosine) to one of the passage's sentences.
An uncited sentence that another retrieved passage supports gets that citation; a sentence no
passage supports, or a question (it claims nothing), is removed from the answer and reported
as unsupported. So is a sentence that only repeats (it says a run of words twice, or an
earlier sentence of the answer already said its every word), and a last sentence that the
model's token limit cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer import Citation, Passage
from assistant.answering.parser import main_verb
from assistant.text import (
    MARKER,
    NOT_NAMES,
    mentions,
    names,
    numbers,
    sentences,
    split_sentences,
    terms,
)
from index.embeddings import vectors_of

MIN_TERMS = 0.6
MAX_UNSAID = 2  # content words of a claim that its passage never says ("forging a common path")
MIN_SIMILARITY = 0.75
REPEATED_RUN = 8  # words said twice: the model is looping
# "[2] Building Global Alliances: …" at the start of a line: the model is writing out its
# prompt's numbered passages, not an answer
ECHO = re.compile(r"^\s*\[\d+\]\s", re.MULTILINE)
# "The answer to this question is: April 4, 2008." says only "April 4, 2008."
OPENER = re.compile(
    r"^\s*(?:the\s+)?answer(?:\s+to\s+(?:this|the|your)\s+question)?(?:\s+is)?\s*:\s*", re.I
)
NUMBERED = re.compile(r"^([ \t]*)\d{1,3}[.)][ \t]+", re.MULTILINE)  # "1. " items, as "- " ones
# a name of several capitalised words (a word that only opens the sentence is dropped)
PHRASE = re.compile(r"(?:[A-Z][\w’'.&-]*(?:\s+|$)){2,}")
POSSESSIVE = re.compile(r"[’']s\b")
ENDED = re.compile(r"[.!…”\"')\]]$")
CUT_WORDS = 5  # a last sentence longer than this that does not end was cut off; an item may not end


@dataclass
class Verified:
    text: str
    citations: list[Citation]
    unsupported: list[str] = field(default_factory=list)


def verify(
    answer: str,
    passages: list[Passage],
    embeddings: Embeddings,
    asked: frozenset[str] = frozenset(),
    on_topic: frozenset[str] | None = None,
) -> Verified:
    """asked: the question's own content words. A sentence that repeats one that no passage
    says at all claims what the documents do not ("the maritime border … 5,525 miles" when
    they give only the land border) and is not supported. on_topic: when given, the only
    passage sentences that may support a claim (the rest is true but not about the question)."""
    if ECHO.search(answer):
        return Verified("", [], [answer])
    answer = NUMBERED.sub(r"\1- ", answer)
    said = terms("\n".join(f"{p.usable_title}\n{p.usable_text}" for p in passages))
    beyond = asked - said
    kept: list[str] = []
    quotes: dict[int, str] = {}
    unsupported: list[str] = []
    told: frozenset[str] = frozenset()
    looped: set[tuple[str, ...]] = set()
    said = split_sentences(answer)
    for i, sentence in enumerate(said):
        claim = MARKER.sub("", sentence).strip()
        if (not terms(claim) and not numbers(claim)) or claim.endswith(":"):
            continue  # nothing claimed, or only what the next lines list
        # a question the model wrote ("Question: What is …?"), one that only repeats, or the
        # last one, cut off where the model's token limit stopped it
        cut = i == len(said) - 1 and len(claim.split()) > CUT_WORDS and not ENDED.search(claim)
        runs = _runs(claim)
        if claim.endswith("?") or _repeats(claim, runs, told, looped) or cut:
            unsupported.append(claim)
            continue
        cited = [
            n
            for n in map(int, re.findall(r"\d+", " ".join(MARKER.findall(sentence))))
            if 1 <= n <= len(passages)
        ]
        others = [n for n in range(1, len(passages) + 1) if n not in cited]
        found = None
        vector = vectors_of(embeddings, [claim], keep=False)  # once, not once per passage
        for n in cited + others:
            quote = support(claim, passages[n - 1], embeddings, beyond, vector)
            if quote is not None and (on_topic is None or quote in on_topic):
                found = (n, quote)
                break
        if found is None:
            unsupported.append(claim)
            continue
        n, quote = found
        quotes.setdefault(n, quote)
        kept.append(f"{_without_opener(claim).rstrip()} [{n}]")
        told |= terms(claim)
        looped.update(runs)
    citations = [citation(n, passages[n - 1], quote) for n, quote in quotes.items()]
    return Verified(" ".join(kept), citations, unsupported)


def _without_opener(claim: str) -> str:
    """The kept sentence as a reader wants it; it was checked as the model wrote it (checked
    without the opener, a bare "2011." passed where the whole sentence did not, and on SQuAD's
    fit questions 2 more answers were wrong)."""
    if not OPENER.match(claim):
        return claim
    rest = OPENER.sub("", claim)
    return rest[:1].upper() + rest[1:]


def support(
    claim: str,
    passage: Passage,
    embeddings: Embeddings,
    beyond: frozenset[str] = frozenset(),
    claim_vector: np.ndarray | None = None,
) -> str | None:
    """The passage sentence that supports the claim, or None. beyond: words no passage says."""
    text = passage.usable_text
    haystack = f"{passage.usable_title}\n{text}"
    said, claim_terms, named = terms(haystack), terms(claim), names(claim)
    if not numbers(claim, ranks=False) <= numbers(haystack) or claim_terms & beyond:
        return None
    if any(not mentions(haystack, name) for name in named):
        return None
    written = _normal(haystack)
    if not all(_says_phrase(phrase, written) for phrase in _phrases(claim)):
        return None
    verb = main_verb(claim)  # "The Ministerial will focus on …" of a passage that never does
    if verb is not None and verb not in said:
        return None
    spans = sentences(passage.text) or [(0, len(passage.text))]
    texts = [
        passage.text[s:e]
        for s, e in spans
        if not any(s < fe and e > fs for fs, fe in passage.flagged)
    ]
    if not texts:
        return None
    # names are checked above, with their aliases
    if len(claim_terms - terms(" ".join(named)) - said) > MAX_UNSAID:
        return None
    lexical = [len(claim_terms & terms(t)) / len(claim_terms) if claim_terms else 0 for t in texts]
    if claim_vector is None:
        claim_vector = vectors_of(embeddings, [claim], keep=False)
    vectors = np.concatenate([claim_vector, vectors_of(embeddings, texts)])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    similarity = vectors[1:] @ vectors[0]
    whole = len(claim_terms & said) / len(claim_terms) if claim_terms else 0.0
    best = int(np.argmax(np.asarray(lexical) + similarity))
    if whole >= MIN_TERMS or float(similarity.max()) >= MIN_SIMILARITY:
        return texts[best]
    return None


def _runs(claim: str) -> list[tuple[str, ...]]:
    words = re.findall(r"\w+", claim.lower())
    return [tuple(words[i : i + REPEATED_RUN]) for i in range(len(words) - REPEATED_RUN + 1)]


def _repeats(
    claim: str, runs: list[tuple[str, ...]], told: frozenset[str], runs_told: set[tuple[str, ...]]
) -> bool:
    """Does the claim loop (one of its runs of words twice, in it or in a sentence kept before)
    or say only what was told already?"""
    said = terms(claim)
    loops = len(set(runs)) < len(runs) or not runs_told.isdisjoint(runs)
    return loops or (bool(said) and said <= told)


def _normal(text: str) -> str:
    """Words without punctuation or possessive 's: how a phrase is compared."""
    return " ".join(re.sub(r"[^\w\s]", " ", POSSESSIVE.sub("", text)).split())


def _phrases(claim: str) -> list[str]:
    """Runs of two or more capitalised words ("Foreign Minister Blinken"), without a word that
    is capitalised only because it opens the sentence."""
    found = []
    for run in PHRASE.finditer(claim):
        words = run.group().split()
        while words and words[0].lower() in NOT_NAMES:
            words = words[1:]
        if len(words) >= 2:
            found.append(" ".join(words))
    return found


def _says_phrase(phrase: str, written: str) -> bool:
    """Is the phrase in the (normalised) text, or is each part it joins with a possessive
    ("Beyoncé's Feria" joins "Beyoncé" and "Feria": each is checked on its own)?"""
    if mentions(written, _normal(phrase), cased=True):
        return True
    parts = re.split(r"(?<=[’']s)\s+", phrase)
    return len(parts) > 1 and all(
        len(part.split()) < 2 or _says_phrase(part, written) for part in parts
    )


def citation(n: int, p: Passage, quote: str) -> Citation:
    return Citation(
        n=n,
        source=p.source,
        title=p.title,
        url=p.url,
        chunk_id=p.chunk_id,
        start=p.start,
        end=p.end,
        text=p.text,
        quote=quote,
        supported=True,
        page=p.page,
        flagged=p.flagged,
    )


def at_most(verified: Verified, most: int | None) -> Verified:
    """The answer's first sentences, as many as the question asked for ("in two sentences"),
    and the citations they still make."""
    spans = sentences(verified.text)
    if most is None or len(spans) <= most:
        return verified
    kept = with_its_citations(verified.text[: spans[most - 1][1]], verified.citations)
    return Verified(kept.text, kept.citations, verified.unsupported)


def with_its_citations(text: str, citations: list[Citation]) -> Verified:
    """The text with those of the citations its markers still make."""
    cited = {int(n) for m in MARKER.finditer(text) for n in re.findall(r"\d+", m.group(1))}
    return Verified(text, [c for c in citations if c.n in cited])


def renumbered(verified: Verified) -> Verified:
    """Citations numbered [1], [2], … in the order the answer first cites them, whatever the
    passages' places in the retrieval were; the markers in the text follow."""
    order: list[int] = []
    for marker in MARKER.finditer(verified.text):
        order += [int(n) for n in re.findall(r"\d+", marker.group(1)) if int(n) not in order]
    order += [c.n for c in verified.citations if c.n not in order]
    new = {old: i for i, old in enumerate(order, 1)}

    def rewrite(marker: re.Match[str]) -> str:
        numbers = ", ".join(str(new[int(n)]) for n in re.findall(r"\d+", marker.group(1)))
        return marker.group().replace(marker.group(1), numbers, 1)

    citations = [c.model_copy(update={"n": new[c.n]}) for c in verified.citations]
    return Verified(
        MARKER.sub(rewrite, verified.text),
        sorted(citations, key=lambda c: c.n),
        verified.unsupported,
    )
