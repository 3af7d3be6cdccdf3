"""Decide from the retrieved evidence whether the documents can answer, and rank the sentences
that could answer: the gate before generation and the source of extractive answers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer import Passage
from assistant.answering.question import Question
from assistant.text import expands, mentions, numbers, qualifiers, satisfies, sentences, terms


@dataclass(frozen=True)
class GateThresholds:
    min_coverage: float = 0.5  # share of the question's own terms stated by the evidence
    min_similarity: float = 0.5  # question–sentence cosine that makes up for low coverage
    candidates: int = 5  # how many of the best sentences may serve as evidence


@dataclass
class Sentence:
    n: int  # 1-based passage number
    start: int  # offsets inside the passage text
    end: int
    text: str
    similarity: float = 0.0
    coverage: float = 0.0  # share of the question's own terms in the sentence or its headings
    typed: bool = True
    score: float = 0.0


@dataclass
class Judgement:
    answerable: bool
    reason: str
    evidence: list[Sentence] = field(default_factory=list)  # best first
    signals: dict[str, float | bool | str] = field(default_factory=dict)


class EvidenceJudge:
    def __init__(self, embeddings: Embeddings, thresholds: GateThresholds | None = None) -> None:
        self.embeddings = embeddings
        self.thresholds = thresholds or GateThresholds()

    def judge(self, question: Question, passages: list[Passage]) -> Judgement:
        """Can these passages answer? A broad question (list, summary, comparison) may find
        what it names across passages; any other needs one passage that names it all."""
        kind = question.answer_type
        ranked = self.rank(question, passages)
        if not ranked:
            return Judgement(False, "nothing relevant is indexed")
        t = self.thresholds
        required_names = question.names
        required_numbers = question.numbers
        required_qualifiers = question.qualifiers
        everywhere = "\n".join(f"{p.usable_title}\n{p.usable_text}" for p in passages)
        first: Judgement | None = None
        for sentence in ranked[: t.candidates]:
            passage = passages[sentence.n - 1]
            haystack = (
                everywhere if question.broad else f"{passage.usable_title}\n{passage.usable_text}"
            )
            missing_names = sorted(n for n in required_names if not mentions(haystack, n))
            missing_numbers = sorted(required_numbers - numbers(sentence.text))
            missing_qualifiers = sorted(required_qualifiers - qualifiers(passage.text))
            signals: dict[str, float | bool | str] = {
                "coverage": round(sentence.coverage, 3),
                "similarity": round(sentence.similarity, 3),
                "answer_type": kind or "any",
                "typed": sentence.typed,
                "fused_score": passage.score,
            }
            if missing_names:
                reason = f"the passages never mention {missing_names[0]!r}"
            elif missing_numbers:
                reason = f"no passage states {missing_numbers[0]} in this context"
            elif missing_qualifiers:
                reason = f"no passage says {missing_qualifiers[0]!r}"
            elif not sentence.typed:
                reason = f"no passage states the {kind} asked for"
            elif sentence.coverage < t.min_coverage and sentence.similarity < t.min_similarity:
                reason = "the passages do not address what the question asks"
            else:
                reason = ""
            judgement = Judgement(not reason, reason or "supported", ranked, signals)
            if judgement.answerable:
                judgement.evidence = [sentence] + [s for s in ranked if s is not sentence]
                return judgement
            first = first or judgement
        assert first is not None
        return first

    def rank(self, question: Question, passages: list[Passage]) -> list[Sentence]:
        """Every sentence of the passages, best answer candidates first."""
        found = [
            Sentence(n, s, e, p.text[s:e])
            for n, p in enumerate(passages, 1)
            for s, e in sentences(p.text)
            if not any(s < fe and e > fs for fs, fe in p.flagged)  # never evidence
        ]
        if not found:
            return []
        vectors = np.asarray(
            self.embeddings.embed_documents([question.query] + [s.text for s in found]),
            dtype=np.float32,
        )
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        kind = question.answer_type
        own = question.topic
        context = terms(question.query)
        asked_names = question.names
        for s, vector in zip(found, vectors[1:], strict=True):
            stated = terms(s.text) | terms(passages[s.n - 1].usable_title)
            s.similarity = float(vector @ vectors[0])
            s.coverage = len(own & stated) / len(own) if own else 1.0
            lexical = len(context & stated) / len(context) if context else 0.0
            s.typed = satisfies(kind, s.text)
            s.score = s.similarity + 0.5 * lexical + 0.5 * s.coverage + (0.3 if s.typed else -0.5)
            s.score += 0.5 if expands(question.text, s.text) else 0.0
            if asked_names:  # sentences naming what the question (or conversation) names
                named = sum(mentions(s.text, n) for n in asked_names) / len(asked_names)
                s.score += 0.3 * named
        return sorted(found, key=lambda s: -s.score)
