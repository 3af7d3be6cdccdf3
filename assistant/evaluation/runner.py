"""Run a suite through the engine and score every turn; totals and threshold checks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.retrievers import BaseRetriever

from assistant.answer import Answer
from assistant.answering.question import read_question
from assistant.engine import Engine, Turn
from assistant.evaluation import metrics as m
from assistant.evaluation.suite import LOWER_IS_BETTER, Case, Suite
from assistant.evaluation.suite import Turn as SuiteTurn
from assistant.text import MARKER


@dataclass
class TurnResult:
    question: str
    expect: dict[str, Any]
    answer: dict[str, Any] | None
    metrics: dict[str, float]
    citations: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.reasons and self.error is None


@dataclass
class CaseResult:
    id: str
    tags: list[str]
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)

    def to_json(self) -> dict[str, Any]:
        turns = [{**asdict(t), "passed": t.passed} for t in self.turns]
        return {"id": self.id, "tags": self.tags, "passed": self.passed, "turns": turns}


class SuiteRunner:
    def __init__(self, engine: Engine, ranker: BaseRetriever, retrieval_only: bool = False) -> None:
        self.engine = engine
        self.ranker = ranker  # the same retrieval, deeper (top 10), for ranking metrics
        self.retrieval_only = retrieval_only

    def run(
        self,
        suite: Suite,
        limit: int | None = None,
        on_case: Callable[[str], None] = lambda _: None,
    ) -> list[CaseResult]:
        results = []
        for case in suite.cases[:limit]:
            results.append(self.run_case(case))
            on_case(case.id)
        return results

    def run_case(self, case: Case) -> CaseResult:
        history: list[Turn] = []
        turns = []
        for turn in case.all_turns():
            result = self._run_turn(turn, history)
            answer = result.answer["answer"] if result.answer else ""  # none when retrieval-only
            history.append(Turn(turn.question, answer))
            turns.append(result)
        return CaseResult(case.id, case.tags, turns)

    def _run_turn(self, turn: SuiteTurn, history: list[Turn]) -> TurnResult:
        expect = turn.expect
        result = TurnResult(turn.question, expect.model_dump(), None, {})
        try:
            t0 = time.perf_counter()
            docs = self.ranker.invoke(self.engine.retrieval_query(turn.question, history))
            ranked = [(d.metadata["source"], d.page_content) for d in docs]
            if not read_question(turn.question, history).reads_folder:  # else nothing is ranked
                result.metrics.update(m.retrieval_metrics(ranked, expect.sources, expect.evidence))
                if expect.facts:
                    result.metrics["fact_hit_at_5"] = m.fact_hit(ranked, expect.facts)
            if self.retrieval_only:
                result.metrics["latency_retrieve_ms"] = (time.perf_counter() - t0) * 1000
                return result
            answer = self.engine.ask(turn.question, history)
        except Exception as exc:  # a crashing case is recorded and the run goes on
            result.error = f"{type(exc).__name__}: {exc}"
            return result
        result.answer = answer.model_dump()
        self._score(result, answer, turn)
        return result

    def _score(self, result: TurnResult, answer: Answer, turn: SuiteTurn) -> None:
        expect, mt = turn.expect, result.metrics
        if expect.refuse:
            mt["refusal_correct"] = float(answer.refused)
            if not answer.refused:
                result.reasons.append("answered a question the documents cannot answer")
        else:
            mt["false_refusal"] = float(answer.refused)
            if answer.refused:
                result.reasons.append("refused an answerable question")
        if expect.facts:
            found = m.facts_found(answer.answer, expect.facts)
            mt["fact_correct"] = float(all(found))
            for group, ok in zip(expect.facts, found, strict=True):
                if not ok:
                    result.reasons.append(f"missing fact: {' | '.join(group)}")
        checks = m.citation_checks(answer, expect.facts)
        result.citations = [{"n": n, "supported": ok, "why": why} for n, ok, why in checks]
        mt["citations"] = float(len(checks))
        mt["citations_supported"] = float(sum(ok for _, ok, _ in checks))
        result.reasons += [why for _, ok, why in checks if not ok]
        if turn.reference:
            mt["token_f1"] = m.token_f1(MARKER.sub("", answer.answer), turn.reference)
        for name in ("retrieve", "first_token", "total"):
            mt[f"latency_{name}_ms"] = float(answer.timings_ms.get(name, 0))


def totals(results: list[CaseResult]) -> dict[str, float]:
    turns = [t for c in results for t in c.turns]

    def mean(name: str) -> float | None:
        values = [t.metrics[name] for t in turns if name in t.metrics]
        return statistics.fmean(values) if values else None

    out: dict[str, float | None] = {
        "cases": len(results),
        "turns": len(turns),
        "errors": sum(t.error is not None for t in turns),
        "case_pass_rate": statistics.fmean(c.passed for c in results) if results else None,
        "fact_accuracy": mean("fact_correct"),
        "refusal_accuracy": mean("refusal_correct"),
        "false_refusal_rate": mean("false_refusal"),
        "token_f1": mean("token_f1"),
        "fact_hit_at_5": mean("fact_hit_at_5"),
    }
    for name in ("recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10", "ndcg_at_10"):
        out[name] = mean(name)
    for name in ("hits_at_4", "hits_at_10"):
        out[name] = mean(name)
    cited = sum(t.metrics.get("citations", 0) for t in turns)
    supported = sum(t.metrics.get("citations_supported", 0) for t in turns)
    out["citation_support"] = supported / cited if cited else None
    for name in ("retrieve", "first_token", "total"):
        values = [
            t.metrics[f"latency_{name}_ms"] for t in turns if f"latency_{name}_ms" in t.metrics
        ]
        if values:
            out[f"latency_{name}_p50_ms"] = m.percentile(values, 50)
            out[f"latency_{name}_p95_ms"] = m.percentile(values, 95)
    return {k: round(v, 4) for k, v in out.items() if v is not None}


def check_thresholds(suite: Suite, total: dict[str, float]) -> list[str]:
    """One line per threshold that does not hold."""
    failures = []
    for name, limit in sorted(suite.thresholds.items()):
        value = total.get(name)
        if value is None:
            failures.append(f"{name}: not measured in this run (threshold {limit})")
        elif name in LOWER_IS_BETTER and value > limit:
            failures.append(f"{name} = {value:.3f} is above the maximum {limit}")
        elif name not in LOWER_IS_BETTER and value < limit:
            failures.append(f"{name} = {value:.3f} is below the threshold {limit}")
    return failures
