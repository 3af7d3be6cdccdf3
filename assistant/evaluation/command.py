"""`assistant eval`: run a suite, write the artefacts, gate on thresholds and the baseline."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import assistant
from assistant.app import App
from assistant.errors import UserError
from assistant.evaluation import reports
from assistant.evaluation.runner import SuiteRunner, check_thresholds, totals
from assistant.evaluation.suite import load_suite
from assistant.settings import PROJECT_ROOT

RANK_DEPTH = 10


def run_eval(
    app: App,
    suite_path: Path,
    *,
    out: Path | None = None,
    report: Path | None = None,
    junit: Path | None = None,
    baseline: Path | None = None,
    tolerance: float = 0.02,
    limit: int | None = None,
    retrieval_only: bool = False,
    console: Console | None = None,
) -> tuple[int, dict[str, Any]]:
    console = console or Console(stderr=True)
    suite = load_suite(suite_path)
    if not app.chunk_count():
        raise UserError(
            f"the index is empty, so {suite_path} would be asked of no documents; "
            "run `assistant index data` first"
        )
    old = reports.load_run(baseline) if baseline else None
    runner = SuiteRunner(app.engine, app.retriever(max(RANK_DEPTH, app.settings.k)), retrieval_only)
    cases = suite.cases[:limit]
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[case]}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"eval {suite.name}", total=len(cases), case="")
        results = runner.run(
            suite, limit, on_case=lambda cid: progress.update(task, advance=1, case=cid)
        )
    total = totals(results)
    run: dict[str, Any] = {
        "manifest": _manifest(
            app, suite.name, suite_path, suite.thresholds, started, retrieval_only
        ),
        "totals": total,
        "threshold_failures": check_thresholds(suite, total) if not limit else [],
        "cases": [r.to_json() for r in results],
    }
    code = 1 if run["threshold_failures"] else 0
    if old is not None:
        run["baseline"] = {"path": str(baseline), **reports.compare(run, old, tolerance)}
        code = 1 if run["baseline"]["regressions"] else code
    if out:
        reports.write_json(run, out)
    if report:
        reports.write_html(run, report)
    if junit:
        reports.write_junit(run, junit)
    reports.print_totals(run, console)
    for failure in run["threshold_failures"]:
        console.print(f"[red]threshold failed:[/red] {failure}")
    if old is not None:
        for line in run["baseline"]["regressions"]:
            console.print(f"[red]regression beyond {tolerance}:[/red] {line}")
        for cid in run["baseline"]["newly_failing"]:
            console.print(f"[yellow]now failing:[/yellow] {cid}")
    if limit:
        console.print(f"--limit {limit}: a sample, thresholds not enforced")
    return code, run


def _manifest(
    app: App,
    name: str,
    path: Path,
    thresholds: dict[str, float],
    started: float,
    retrieval_only: bool,
) -> dict[str, Any]:
    s = app.settings
    files = sorted((src, str(meta["sha256"])) for src, meta in app.indexer.manifest.files.items())
    corpus = hashlib.sha256(repr(files).encode()).hexdigest()[:16]
    return {
        "suite": name,
        "suite_path": str(path),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - started, 2),
        "llm": None if retrieval_only else s.llm,
        "mode": None if retrieval_only else s.mode,
        "embeddings": s.embeddings,
        "chroma": s.chroma_url or "local",
        "chunk_size": s.chunk_size,
        "k": s.k,
        "retrieval": {
            "candidates": s.candidates,
            "rrf_k": s.rrf_k,
            "dense_weight": s.dense_weight,
            "bm25_weight": s.bm25_weight,
            "mmr_lambda": s.mmr_lambda,
        },
        "corpus_hash": corpus,
        "corpus_files": len(files),
        "code_version": _code_version(),
        "python": platform.python_version(),
        "thresholds": thresholds,
    }


def _code_version() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        return f"{assistant.__version__}+{sha}"
    except (OSError, subprocess.SubprocessError):
        return assistant.__version__
