"""Turn a follow-up question into a standalone search query, without an LLM.

A question that leans on the conversation (a pronoun such as "it" or "they", an opening "and",
"what about …", or too few words of its own to search with) is searched together with the
previous question and the previous answer's salient words; any other question stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from assistant.citations import MARKER, content_words

ANAPHORA = re.compile(
    r"\b(it|its|it's|they|them|their|theirs|this|that|these|those|he|him|his|she|her|hers|"
    r"there|then|such|the same|the former|the latter)\b",
    re.IGNORECASE,
)
OPENER = re.compile(r"^\s*(and|also|so|but|what about|how about)\b", re.IGNORECASE)
GENERIC = frozenset(
    {
        *("many", "much", "long", "old", "big", "large", "year", "years", "age", "number"),
        *("time", "times", "name", "called", "kind", "else", "more", "other", "another"),
    }
)
MIN_OWN_WORDS = 2


class HasTurn(Protocol):
    question: str
    answer: str


def is_follow_up(question: str) -> bool:
    own = content_words(question) - GENERIC
    return bool(ANAPHORA.search(question) or OPENER.match(question)) or len(own) < MIN_OWN_WORDS


def standalone_query(question: str, history: Sequence[HasTurn]) -> str:
    if not history or not is_follow_up(question):
        return question
    last = history[-1]
    answer_words = [
        w for w in MARKER.sub("", last.answer).split() if w[:1].isupper() or w[:1].isdigit()
    ]
    return " ".join([last.question, *answer_words[:12], question])
