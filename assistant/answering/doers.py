"""Yes/no questions about who did something ("Did Canada draft the declaration?"), decided by
who the evidence says did it ("the Canadian-drafted declaration"), or left undecided when the
sentence gives no named doer of that verb."""

from __future__ import annotations

from assistant.answering.parser import acting
from assistant.text import FORMS, NAME, NOT_NAMES, mentions, terms

PRONOUNS = frozenset({"we", "they", "he", "she", "our", "their"})  # besides NOT_NAMES
SHARED_STEM = 5  # "Canad" of Canada and Canadian; "Germa" of Germany and German


def acted(actor: str, act: str, sentence: str) -> bool | None:
    """Did `actor` do `act` (a verb's stem), by the doer the sentence writes for that verb?
    Undecided when the verb's own phrase names the actor too: one meets, or holds a meeting
    with, the other ("Did Trudeau meet Biden?" of "Biden held a meeting with Trudeau")."""
    found = acting(sentence, frozenset(stem for f in FORMS.get(act, (act,)) for stem in terms(f)))
    if not found:
        return None
    by, phrase = found
    given = _names(by)
    if not given:
        return None  # "we", "the government": not a name to compare
    asked = _names(actor)
    if any(_same(a, g, actor, by) for a in asked for g in given):
        return True
    return None if any(mentions(phrase, a) for a in asked) else False


def _names(text: str) -> list[str]:
    return [w.lower() for w in NAME.findall(text) if w.lower() not in NOT_NAMES | PRONOUNS]


def _same(asked: str, given: str, actor: str, found: str) -> bool:
    """One name, written alike, as an alias ("U.S." of "the United States") or as its
    nationality ("Canadian" of "Canada")."""
    if mentions(actor, given) or mentions(found, asked):
        return True
    shared = len(asked) >= SHARED_STEM and len(given) >= SHARED_STEM
    return shared and asked[:SHARED_STEM] == given[:SHARED_STEM]
