"""A question as the documents write its words: names typed in lower case take the case the
passages found give them ("who's trudeau" → "who's Trudeau"), and a word no indexed document
uses that is one letter away from a word of those passages is read as that word ("How long
is the boarder?" → "… border?"). Search is blind to both (it lower-cases, and the other words
find the passage); reading the question is not: names are capitalised words, and a word no
document uses is a reason to refuse."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from index.bm25_store import stop_words

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)[\"“‘(]*$")
MAX_CASED_WORDS = 5
MIN_TYPO_LETTERS = 5  # shorter words have too many neighbours one letter away


def as_written(
    question: str, texts: Iterable[str], known: Callable[[str], bool] | None = None
) -> str | None:
    """The question with its words as the passages write them, or None when nothing changes.
    `known` says whether an indexed document uses a word (typos are fixed only with it)."""
    seen = _forms(texts)
    if not seen:
        return None
    # typed all in lower case, and short: "who's trudeau", "norad modernization"; a question
    # that starts with a capital was typed in sentence case ("What pledge was made in 2014?")
    cased = len(WORD.findall(question)) <= MAX_CASED_WORDS and question.islower()

    def written(m: re.Match[str]) -> str:
        word = m.group()
        if not word.islower() or word in stop_words():  # "may" is no month, "us" no country
            return word
        typo = known is not None and not known(word)
        return (cased and _cased(word, seen)) or (typo and _nearest(word, seen)) or word

    found = WORD.sub(written, question)
    return found if found != question else None


def _forms(texts: Iterable[str]) -> dict[str, Counter[str]]:
    """Each word of the texts, lower-cased, with how often each written form occurs not at
    the start of a sentence (where any word is capitalised)."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for m in WORD.finditer(text):
            if SENTENCE_START.search(text[max(0, m.start() - 4) : m.start()]):
                continue
            word = m.group()
            forms.setdefault(word.lower(), Counter())[word] += 1
    return forms


def _cased(word: str, seen: dict[str, Counter[str]]) -> str | None:
    """The word's form when the passages never write it in lower case ("Trudeau", "NORAD")."""
    written = seen.get(word)
    if not written or any(w.islower() for w in written):
        return None
    return written.most_common(1)[0][0]


def _nearest(word: str, seen: dict[str, Counter[str]]) -> str | None:
    """The one lower-case word of the passages one edit away (a letter added, dropped,
    changed or two swapped), keeping the first letter: "boarder" → "border"."""
    if len(word) < MIN_TYPO_LETTERS or not word.isalpha():
        return None
    near = {
        w for w, written in seen.items() if w[:1] == word[:1] and _one_edit(word, w)
        and any(f.islower() for f in written)
    }  # fmt: skip
    return near.pop() if len(near) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1
        return len(diff) == 1 or (swapped and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1 :]
