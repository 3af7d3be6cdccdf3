"""`assistant bench answers`: answer quality on the report splits of public data (and the
seed suite), the project in both modes beside the textbook pipeline (RecursiveCharacterText-
Splitter 1000/200 + MiniLM + Chroma top-4 + the same LLM with a "say you don't know" prompt).

Answer accuracy: a gold answer appears in the answer (normalised; for yes/no the right word
and not the other). Refusal accuracy: unanswerable questions refused. False refusals:
answerable questions refused. Citation support: the evaluator's own check of each cited
sentence against its passage (assistant/evaluation/metrics.py).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from assistant.app import App
from assistant.evaluation import metrics as m
from assistant.evaluation.datasets import (
    DATASETS,
    QA,
    Dataset,
    Split,
    check_benchmarks,
    dataset_app,
)
from assistant.evaluation.suite import load_suite
from assistant.settings import Settings

REFUSAL_WORDS = ("do not contain", "don't know", "do not know", "cannot answer", "not mentioned")


@dataclass
class Outcome:
    answerable: bool
    refused: bool
    correct: bool
    supported: float | None  # share of supported cited sentences, None when nothing cited
    seconds: float


def seed_dataset(settings: Settings) -> Dataset:
    suite = load_suite(settings.suites_dir / "seed.yaml")
    questions = []
    for case in suite.cases:
        turns = case.all_turns()
        if len(turns) > 1:
            continue  # conversations are scored by `assistant eval`
        t = turns[0]
        answers = () if t.expect.refuse else tuple(g[0] for g in t.expect.facts[:1])
        if t.expect.refuse or answers:
            questions.append(QA(t.question, answers, case.id))
    documents = {p.name: p.read_text(encoding="utf-8") for p in sorted(settings.data_dir.glob("*"))}
    return Dataset("seed", documents, questions)


def _correct(answer: str, gold: tuple[str, ...]) -> bool:
    lowered = gold[0].strip().lower() if gold else ""
    if lowered in ("yes", "no"):
        other = "no" if lowered == "yes" else "yes"
        return m.contains(answer, lowered) and not m.contains(answer, other)
    return any(m.contains(answer, g) for g in gold)


def _project(app: App, mode: str) -> Callable[[QA], Outcome]:
    def run(qa: QA) -> Outcome:
        t0 = time.perf_counter()
        answer = app.engine.ask(qa.question, mode=mode)  # type: ignore[arg-type]
        checks = m.citation_checks(answer, [])
        supported = sum(ok for _, ok, _ in checks) / len(checks) if checks else None
        return Outcome(
            qa.answerable,
            answer.refused,
            not answer.refused and _correct(answer.answer, qa.answers),
            None if answer.refused else supported,
            time.perf_counter() - t0,
        )

    return run


def _textbook(app: App, corpus: Path, home: Path) -> Callable[[QA], Outcome]:
    from langchain_core.messages import HumanMessage, SystemMessage

    from index.baseline import TextbookPipeline

    pipeline = TextbookPipeline(home, app.embeddings)
    done = home / "chunks.txt"
    if not done.exists():
        done.write_text(str(pipeline.index(corpus)))
    system = app.engine.prompts.text("textbook_system.txt")
    llm = app.engine.llm

    def run(qa: QA) -> Outcome:
        t0 = time.perf_counter()
        context = "\n\n".join(d.page_content for d in pipeline.search(qa.question, 4))
        reply = llm.invoke(
            [SystemMessage(system), HumanMessage(f"{context}\n\nQuestion: {qa.question}")]
        )
        text = str(reply.content)
        refused = any(w in text.lower() for w in REFUSAL_WORDS)
        return Outcome(
            qa.answerable,
            refused,
            not refused and _correct(text, qa.answers),
            None,
            time.perf_counter() - t0,
        )

    return run


def score(outcomes: list[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    answered = [o for o in answerable if not o.refused]
    support = [o.supported for o in outcomes if o.supported is not None]

    def share(part: list[Outcome], of: list[Outcome]) -> float | None:
        return round(len(part) / len(of), 3) if of else None

    return {
        "questions": len(outcomes),
        "answer_accuracy": share([o for o in answerable if o.correct], answerable),
        "accuracy_of_answered": share([o for o in answered if o.correct], answered),
        "refusal_accuracy": share([o for o in unanswerable if o.refused], unanswerable),
        "false_refusal_rate": share([o for o in answerable if o.refused], answerable),
        "citation_support": round(statistics.fmean(support), 3) if support else None,
        "p50_s": round(statistics.median(o.seconds for o in outcomes), 3) if outcomes else None,
    }


def bench_answers(
    settings: Settings,
    names: list[str],
    workdir: Path,
    limit: int | None,
    console: Console,
    textbook: bool = True,
    split: Split = "report",
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if set(names) - {"seed"}:
        check_benchmarks(settings.benchmarks_dir)
    for name in names:
        dataset = (
            seed_dataset(settings)
            if name == "seed"
            else DATASETS[name](settings.benchmarks_dir, split)
        )
        questions = _spread(dataset.questions, limit)
        with console.status(f"indexing {name}…"):
            app = dataset_app(settings, dataset, workdir)
        folder = workdir / name / "corpus"
        pipelines = {
            "project generative": _project(app, "generative"),
            "project extractive": _project(app, "extractive"),
        }
        if textbook:
            pipelines["textbook"] = _textbook(app, folder, workdir / name / ".textbook")
        rows, by_group = {}, {}
        for label, run in pipelines.items():
            with console.status(f"{name}: {label} on {len(questions)} questions…"):
                outcomes = [run(qa) for qa in questions]
            rows[label] = score(outcomes)
            groups = sorted({qa.group for qa in questions})
            by_group[label] = {
                g: score([o for o, qa in zip(outcomes, questions, strict=True) if qa.group == g])
                for g in groups
            }
        results[dataset.name] = rows | {"by_group": by_group}
        console.print(_table(dataset.name, rows))
    return results


def _spread(questions: list[QA], limit: int | None) -> list[QA]:
    """The first `limit` questions, keeping the answerable/unanswerable mix."""
    if not limit or limit >= len(questions):
        return questions
    yes = [q for q in questions if q.answerable]
    no = [q for q in questions if not q.answerable]
    take_no = round(limit * len(no) / len(questions))
    return yes[: limit - take_no] + no[:take_no]


def _table(name: str, rows: dict[str, dict[str, Any]]) -> Table:
    columns = next(iter(rows.values())).keys()
    table = Table(title=name)
    table.add_column("pipeline")
    for c in columns:
        table.add_column(c, justify="right")
    for label, row in rows.items():
        table.add_row(label, *("–" if row[c] is None else str(row[c]) for c in columns))
    return table


def write(results: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
