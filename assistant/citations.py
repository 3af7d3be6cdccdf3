"""Resolve [n] markers in an answer to the passages they cite, with the supporting quote."""

from __future__ import annotations

import re

from assistant.answer import Citation, Passage

MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
SENTENCE_END = re.compile(r"(?<=[.!?\]])[\"”’)]*\s+(?!\[\d)(?=[\"“(\[]?[A-Z0-9])|\n+")
WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
STOPWORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "been", "by", "did", "do", "does", "for"),
        *("from", "has", "have", "how", "i", "in", "is", "it", "its", "of", "on", "or", "our"),
        *("that", "the", "their", "there", "they", "this", "to", "was", "were", "we", "what"),
        *("when", "where", "which", "who", "why", "will", "with", "you", "your"),
    }
)
MIN_OVERLAP = 0.5


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def content_words(text: str) -> set[str]:
    words = (w.replace(",", "") for w in WORD.findall(text.lower()))
    return {w for w in words if w not in STOPWORDS}


def numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}


def overlap(claim: str, passage: str) -> float:
    words = content_words(claim)
    return len(words & content_words(passage)) / len(words) if words else 0.0


def is_supported(claim: str, passage: str) -> bool:
    """Every number in the claim is in the passage, and most of its content words are."""
    return numbers(claim) <= numbers(passage) and overlap(claim, passage) >= MIN_OVERLAP


def best_quote(claim: str, passage: str) -> str:
    sentences = split_sentences(passage) or [passage]
    return max(sentences, key=lambda s: (overlap(claim, s), -len(s)))


def resolve(answer: str, passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Return the answer with invalid markers removed, and one Citation per cited passage."""
    claims: dict[int, list[str]] = {}

    def keep_valid(match: re.Match[str]) -> str:
        valid = [n for n in map(int, re.findall(r"\d+", match.group(1))) if 1 <= n <= len(passages)]
        return "".join(f" [{n}]" for n in valid)

    answer = MARKER.sub(keep_valid, answer).strip()
    for sentence in split_sentences(answer):
        claim = MARKER.sub("", sentence).strip()
        for n in map(int, re.findall(r"\[(\d+)\]", sentence)):
            claims.setdefault(n, []).append(claim)
    if not claims and answer and passages:
        # The model cited nothing: attribute the answer to the passage that states it, if any.
        n, best = max(enumerate(passages, 1), key=lambda p: overlap(answer, p[1].text))
        if overlap(answer, best.text) >= MIN_OVERLAP:
            claims[n] = [answer]
            answer = f"{answer} [{n}]"
    citations = []
    for n, texts in claims.items():
        p = passages[n - 1]
        citations.append(
            Citation(
                n=n,
                source=p.source,
                title=p.title,
                url=p.url,
                chunk_id=p.chunk_id,
                start=p.start,
                end=p.end,
                text=p.text,
                quote=best_quote(" ".join(texts), p.text),
                supported=all(is_supported(t, p.text) for t in texts),
            )
        )
    return answer, citations
