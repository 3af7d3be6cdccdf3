"""Items a sentence enumerates after the noun a list question asks for: "multilateral
institutions, including the United Nations, G7 and G20, the WTO, NATO, and the Five Eyes
community" gives six institutions; "These concerns include combatting COVID-19; driving
economic recovery; …" gives each concern."""

from __future__ import annotations

import re

from assistant.text import WORD, terms

# the noun, then at most a short clause of its own, then the word that opens the items
OPENED = re.compile(r"[^.;:!?()]{0,80}?(?:,\s*)?\b(?:including|such as|namely|include|includes)\s+")
MAX_ITEM_WORDS = 8  # a longer "item" between commas is a clause, not a thing named
MAX_PHRASE_WORDS = 14  # items between semicolons may be phrases ("driving economic recovery")
MIN_ITEMS = 2
CLAUSE_OPENER = re.compile(r"(?:which|who|whom|that|where|when|while|as|but)\b", re.IGNORECASE)
ASKED_PLURAL = re.compile(
    r"^\s*(?:list|name|enumerate|what|which)\s+(?:are\s+|were\s+)?(?:all\s+)?(?:the\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?!(?:does|is|was|has|this|its|his|us)\b)([a-z]+s)\b",
    re.IGNORECASE,
)
PREPOSITIONS = frozenset({"from", "of", "with", "for", "in", "on", "at", "by", "to", "among"})
NOT_PLURAL = frozenset({"is", "was", "has", "does", "us", "its", "his", "this", "as"})
SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def _of_another(clause: str) -> bool:
    """Does a phrase of another plural noun come between ("scores from major publications
    such as …" names publications, not scores)? A relative clause ("… that are on the front
    lines of COVID-19 response, including …") still belongs to the asked noun."""
    words = WORD.findall(clause)
    if not words or words[0].lower() not in PREPOSITIONS:
        return False
    return any(w.lower().endswith("s") and w.lower() not in NOT_PLURAL for w in words[1:])


def asked_things(question: str) -> frozenset[str]:
    """The stem of the plural noun a list question asks for ("institut" of "List the
    multilateral institutions mentioned."), or none."""
    found = ASKED_PLURAL.match(question)
    return frozenset(terms(found.group(1))) if found else frozenset()


def enumerated(nouns: frozenset[str], sentence: str) -> list[str]:
    """The items the sentence names after one of these nouns (stems, as `terms` gives them),
    as written; none when it enumerates nothing after them."""
    for word in WORD.finditer(sentence):
        if not terms(word.group()) & nouns or not word.group().lower().endswith("s"):
            continue
        opened = OPENED.match(sentence, word.end())
        if opened is None or _of_another(sentence[word.end() : opened.end()]):
            continue
        rest = sentence[opened.end() :].rstrip(" .!?")  # one sentence: "J. S. Bach" is one item
        phrases = ";" in rest
        parts = rest.split(";") if phrases else SPLIT.split(rest)
        items = [re.sub(r"^(?:and|or)\s+", "", p.strip(" ,")) for p in parts]
        items = [i for i in items if i]
        clause = next((k for k, i in enumerate(items) if CLAUSE_OPENER.match(i)), len(items))
        items = items[:clause]  # "…, which is large": the items end where a clause begins
        most = MAX_PHRASE_WORDS if phrases else MAX_ITEM_WORDS
        if len(items) >= MIN_ITEMS and all(len(i.split()) <= most for i in items):
            return items
    return []
