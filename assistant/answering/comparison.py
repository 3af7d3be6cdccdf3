"""Yes/no questions that compare an amount with a number ("Is NORAD older than 50 years?",
"Did they trade more than $700 billion?"), decided by the amount the evidence gives of the
same unit, or left undecided when it gives none or only a bound that cannot settle it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import terms

ABOVE = r"more|longer|older|greater|larger|bigger|higher|wider|taller|heavier|later"
BELOW = r"less|fewer|shorter|younger|smaller|lower|narrower|lighter|earlier"
AMOUNT = r"(?P<money>[$€£¥]\s?)?(?P<number>\d+(?:[.,]\d+)*)"
COMPARED = re.compile(
    rf"\b(?:(?P<above>(?:{ABOVE})\s+than|over|above|exceed(?:s|ed|ing)?|beyond)|"
    rf"(?P<below>(?:{BELOW})\s+than|under|below)|(?P<least>at least)|(?P<most>at most))"
    rf"\s+{AMOUNT}",
    re.IGNORECASE,
)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SCALE = re.compile(r"\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
UNIT_WORDS = 3  # the unit is among the first words after the amount ("30 U.S. states")
# what the evidence writes before its amount: a bound, or a round figure
LOWER_BOUND = re.compile(r"\b(?:more than|over|above|at least|exceeding)\s*$", re.IGNORECASE)
UPPER_BOUND = re.compile(r"\b(?:less than|fewer than|under|below|at most)\s*$", re.IGNORECASE)
ROUGHLY = re.compile(
    r"\b(?:nearly|almost|about|around|approximately|roughly|some)\s*$", re.IGNORECASE
)
ROUGH_MARGIN = 0.1  # a round figure decides only when it is this far from the asked number


@dataclass(frozen=True)
class Compared:
    sign: str  # ">", "<", ">=" or "<="
    value: float
    written: str  # the number as the question writes it, without separators ("6000")
    words: str  # the comparison as written ("longer than 6,000")
    unit: frozenset[str]  # stems of the words after it ("mile"), empty for a sum of money
    money: bool


def compared(question: str) -> Compared | None:
    """The comparison a question asks for, if any."""
    found = COMPARED.search(question)
    if not found:
        return None
    sign = ">" if found["above"] else "<" if found["below"] else ">=" if found["least"] else "<="
    value, unit, money = _amount(question, found)
    written = found["number"].replace(",", "").rstrip(".")
    return Compared(sign, value, written, found.group(), unit, money)


def decide(asked: Compared, sentence: str) -> bool | None:
    """Yes or no by the sentence's amount of the asked unit; None when it gives none or
    gives it only as a bound or round figure that cannot settle the question."""
    for found in re.finditer(AMOUNT, sentence):
        if re.match(r"[\w.-]", sentence[found.start() - 1 : found.start()] or " "):
            continue  # not the 19 of COVID-19
        value, unit, money = _amount(sentence, found)
        if value != value:  # not a number it can read
            continue
        same = (money and asked.money) if asked.money or not asked.unit else asked.unit & unit
        if not same:
            continue
        before = sentence[: found.start()]
        low, high = value, value
        if LOWER_BOUND.search(before):
            high = float("inf")
        elif UPPER_BOUND.search(before):
            low = float("-inf")
        elif ROUGHLY.search(before) and abs(value - asked.value) <= ROUGH_MARGIN * asked.value:
            return None
        verdicts = {_holds(asked.sign, low, asked.value), _holds(asked.sign, high, asked.value)}
        return verdicts.pop() if len(verdicts) == 1 else None
    return None


def _holds(sign: str, value: float, than: float) -> bool:
    return {
        ">": value > than,
        "<": value < than,
        ">=": value >= than,
        "<=": value <= than,
    }[sign]


def _amount(text: str, found: re.Match[str]) -> tuple[float, frozenset[str], bool]:
    """The amount's value with its scale ("1.9 billion"), the stems of the words after it,
    and whether it is a sum of money."""
    try:
        value = float(found["number"].replace(",", ""))
    except ValueError:  # "1.000.000"
        value = float("nan")
    rest = text[found.end() :]
    scale = SCALE.match(rest)
    if scale:
        value *= SCALES[scale.group(1).lower()]
        rest = rest[scale.end() :]
    words = re.findall(r"[A-Za-z][\w.-]*", rest)[:UNIT_WORDS]
    money = bool(found["money"]) or bool(re.match(r"\s*(?:dollars?|euros?|pounds?)\b", rest, re.I))
    return value, terms(" ".join(words)), money


# Ways of doing a thing that exclude each other: asked one way, the evidence says the other;
# in lower case, so that a name ("Children's Online Privacy Protection Act") is no manner
MANNERS = (
    (
        re.compile(r"\b(?:in person|face[- ]to[- ]face|physically|in-person)\b"),
        re.compile(r"\b(?:virtual(?:ly)?|online|remote(?:ly)?|by (?:phone|video))\b"),
    ),
)


# Predicates of which a sentence that says one of a thing denies the other ("Is the border
# closed …?" of "… keep our shared border open …"), each with its forms, in lower case
CONTRARY = (
    ("open opened opens reopened", "closed closes closing shut"),
    ("increase increased increases increasing", "decrease decreased decreases decreasing"),
    ("win wins won", "lose loses lost"),
    ("approve approves approved", "reject rejects rejected"),
    ("allow allows allowed permitted", "ban bans banned prohibited forbidden"),
    ("legal", "illegal"),
)
CONTRARIES = [(frozenset(one.split()), frozenset(other.split())) for one, other in CONTRARY]
# what reports say or whether they agree is decided by comparing claims, not by one sentence
OF_REPORTS = re.compile(
    r"\b(?:articles?|report\w*|coverage|both|similar\w*|align\w*|agree\w*|disagree\w*|"
    r"consisten\w*|inconsisten\w*|discuss\w*)\b",
    re.IGNORECASE,
)


def contrary(question: str, sentence: str) -> str | None:
    """Of a yes/no question of one claim about the world (not about what reports say): the
    word it asks with when the sentence says the contrary instead ("closed" when the
    sentence says "open" and never "closed"), else None."""
    if OF_REPORTS.search(question):
        return None
    asked = set(re.findall(r"[a-z]+", question))
    said = set(re.findall(r"[a-z]+", sentence))
    for pair in CONTRARIES:
        for one, other in (pair, pair[::-1]):
            word = min(asked & one, default=None)
            if word and said & other and not said & one and not asked & other:
                return word
    return None


def manner_words(question: str) -> set[str]:
    """The words of the manners a question asks of ("face", "to" of "face to face")."""
    return {w for pattern in sum(MANNERS, ()) for m in pattern.finditer(question) for w in
            re.findall(r"[\w']+", m.group())}  # fmt: skip


def asked_manner(question: str) -> str | None:
    """The manner a question asks of, as written ("in person" of "When did they meet in
    person?")."""
    found = (p.search(question) for pattern in MANNERS for p in pattern)
    return next((m.group() for m in found if m), None)


def manner(question: str, sentence: str) -> bool | None:
    """Of a question that asks of one manner ("in person", "virtual"): True when the sentence
    says that one only, False when it says only the other; None when it cannot tell."""
    for one, other in MANNERS:
        for asked, given in ((one, other), (other, one)):
            if asked.search(question) and not (asked.search(sentence) and given.search(sentence)):
                if asked.search(sentence):
                    return True
                if given.search(sentence):
                    return False
    return None
