"""Two logistic regressions fitted on public data (`assistant fit-answerability`) in place of
hand-set thresholds: can the retrieved passages answer the question (over the evidence gate's
signals), and, for a yes/no question, is the answer yes (over how well each of its claims is
supported). Each artefact is a small JSON file of weights, loaded in microseconds."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


def artefact_for(embeddings: str, model: str = "answerability") -> Path:
    """The model (answerability or verdict) fitted with these embeddings (its signals depend
    on them). The tests' bag-of-words fakes share one; sentence-transformers use MiniLM's."""
    kind = "hashing" if embeddings in ("hashing", "fake") else "minilm"
    return HERE / f"{model}.{kind}.json"


FEATURES = (
    "similarity",  # cosine of the question and the evidence sentence (MiniLM)
    "coverage",  # share of the question's own words the sentence (or its title) states
    "lexical",  # share of the search query's words the sentence states
    "typed",  # the sentence states the kind of answer asked for (a number, a date …)
    "asks_type",  # the question asks for a number, date or duration
    "missing_names",  # share of the names asked about that the evidence passage never says
    "missing_numbers",  # a number of the question is absent from the sentence
    "missing_qualifiers",  # "next", "former" … asked but not said
    "missing_modifiers",  # "maritime" of "maritime border": the head is said, it never is
    "beyond",  # share of the question's own words that no retrieved passage says
    "sentence_missing",  # share of the question's own words the sentence does not say
    "margin",  # how far the evidence sentence leads the next one
    "focus_missing",  # the thing asked about ("population of …") is in no retrieved passage
    "broad",  # list, summary or comparison
    "topic_size",  # the question's own words, scaled
    "reader",  # the reader's probability that the evidence sentence answers (0 without it)
    "clause_similarity",  # cosine of the question and the sentence's clause most like it
)
VERDICT_FEATURES = (  # of a yes/no question, one claim or several ("Does A say X, while B …?")
    "part_similarity_min",  # cosine of the least supported claim and its best sentence
    "part_similarity_mean",
    "part_coverage_min",  # share of the least supported claim's words its best sentence states
    "part_coverage_mean",
    "parts_one_document",  # every claim's best sentence comes from one document
    "asks_difference",  # "differ", "inconsistent", "change": yes means the sides disagree
    "asks_negated",  # the question itself says "not", "no" …
    "evidence_negated",  # a claim's best sentence says "not", "no" …
    "answerable",  # the answerability model's probability
)


@dataclass(frozen=True)
class LogisticModel:
    weights: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    trained_on: str = ""
    features: tuple[str, ...] = FEATURES

    @classmethod
    def load(cls, path: Path, features: tuple[str, ...] = FEATURES) -> LogisticModel:
        data = json.loads(path.read_text())
        if tuple(data["features"]) != features:
            raise ValueError(f"{path}: fitted on other features; run assistant fit-answerability")
        return cls(
            tuple(data["weights"]),
            float(data["intercept"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            float(data["threshold"]),
            str(data.get("trained_on", "")),
            features,
        )

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(
            w * (features[name] - m) / s
            for w, name, m, s in zip(
                self.weights, self.features, self.mean, self.scale, strict=True
            )
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def decide(self, features: dict[str, float]) -> bool:
        return self.probability(features) >= self.threshold

    def save(self, path: Path, extra: dict[str, object]) -> None:
        data = {
            "features": list(self.features),
            "weights": list(self.weights),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            **extra,
        }
        path.write_text(json.dumps(data, indent=1) + "\n")
