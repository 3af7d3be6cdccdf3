"""Deterministic, offline metrics for one answered turn and for a whole run."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePosixPath

from assistant.answer import Answer
from assistant.text import MARKER, numbers, split_sentences, terms

PUNCT = re.compile(r"[^\w\s]")
MIN_SUPPORT = 0.5
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def normalize(text: str) -> str:
    """Lower case, thousands separators dropped, punctuation to spaces, whitespace folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = THOUSANDS.sub("", text)
    return " ".join(PUNCT.sub(" ", text).split())


def contains(text: str, phrase: str) -> bool:
    """Whole-word containment after normalising both sides."""
    needle = normalize(phrase)
    return bool(needle) and f" {needle} " in f" {normalize(text)} "


def facts_found(answer: str, facts: Sequence[Sequence[str]]) -> list[bool]:
    return [any(contains(answer, alt) for alt in group) for group in facts]


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = normalize(prediction).split(), normalize(reference).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


VERDICT = re.compile(r"^\s*(?:Yes|No)\.\s+")


def citation_checks(answer: Answer, facts: Sequence[Sequence[str]]) -> list[tuple[int, bool, str]]:
    """(n, supported, why) for every (sentence, citation) pair in the answer.

    A pair is supported when the cited passage contains every number in the sentence and at least
    half of its content words, and contains every expected fact that the sentence states.
    An answer that states something but cites nothing yields one unsupported pair (n = 0).
    """
    if answer.refused:
        return []
    by_n = {c.n: c for c in answer.citations}
    checks: list[tuple[int, bool, str]] = []
    # a yes/no verdict is the answer's own word, not a claim of the passage ("No. 5" would
    # otherwise keep "No." in the sentence after it)
    for sentence in split_sentences(VERDICT.sub("", answer.answer)):
        claim = MARKER.sub("", sentence).strip()
        for n in (int(x) for x in re.findall(r"\[(\d+)\]", sentence)):
            cite = by_n.get(n)
            if cite is None:
                checks.append((n, False, f"[{n}] cites no passage"))
                continue
            stated = [a for g in facts for a in g if contains(claim, a)]
            missing = [a for a in stated if not contains(cite.text, a)]
            if missing:
                checks.append((n, False, f"[{n}] does not contain {missing[0]!r}"))
            elif not is_supported(claim, cite.text):
                checks.append((n, False, f"[{n}] does not support {claim!r}"))
            else:
                checks.append((n, True, ""))
    if not checks and answer.answer.strip():
        checks.append((0, False, "the answer cites no passage"))
    return checks


def is_supported(claim: str, passage: str) -> bool:
    """The evaluator's own check: every number of the claim, and at least half of its content
    words (stemmed), appear in the passage."""
    words = terms(claim)
    if not numbers(claim) <= numbers(passage):
        return False
    return bool(words) and len(words & terms(passage)) / len(words) >= MIN_SUPPORT


def _is_gold(source: str, gold: Sequence[str]) -> bool:
    name = PurePosixPath(source).name
    return any(source == g or name == PurePosixPath(g).name for g in gold)


def retrieval_metrics(
    ranked: Sequence[tuple[str, str]], sources: Sequence[str], evidence: Sequence[str]
) -> dict[str, float]:
    """ranked: (source, text) best first. Document-level metrics against `sources`;
    MultiHop-RAG's Hits@k/MRR against `evidence` (a chunk hits when it contains an item)."""
    out: dict[str, float] = {}
    if sources:
        relevant = [_is_gold(src, sources) for src, _ in ranked]
        for k in (1, 5, 10):
            found = {PurePosixPath(s).name for s, _ in ranked[:k] if _is_gold(s, sources)}
            out[f"recall_at_{k}"] = len(found) / len({PurePosixPath(g).name for g in sources})
        out["mrr_at_10"] = next((1 / r for r, hit in enumerate(relevant[:10], 1) if hit), 0.0)
        dcg = sum(1 / math.log2(r + 1) for r, hit in enumerate(relevant[:10], 1) if hit)
        ideal_n = min(10, max(len(sources), sum(relevant[:10])))
        idcg = sum(1 / math.log2(r + 1) for r in range(1, ideal_n + 1))
        out["ndcg_at_10"] = dcg / idcg if idcg else 0.0
    if evidence:
        gold = [_squash(e) for e in evidence]
        hits = [any(g in _squash(text) for g in gold) for _, text in ranked[:10]]
        out["hits_at_4"] = float(any(hits[:4]))
        out["hits_at_10"] = float(any(hits))
        out["mrr_at_10"] = next((1 / r for r, hit in enumerate(hits, 1) if hit), 0.0)
    return out


def fact_hit(
    ranked: Sequence[tuple[str, str]], facts: Sequence[Sequence[str]], k: int = 5
) -> float:
    """1.0 when every fact group appears in some top-k passage."""
    texts = [text for _, text in ranked[:k]]
    return float(all(any(contains(t, a) for t in texts for a in g) for g in facts))


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return float(ordered[index])


def _squash(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")
