"""`assistant bench retrieval`: the project's retrieval vs the textbook pipeline on a benchmark."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from assistant.app import App
from assistant.evaluation import metrics as m
from assistant.evaluation.benchmarks import export
from assistant.evaluation.suite import Turn, load_suite
from assistant.settings import Settings
from assistant.text import split_sentences
from index.baseline import TextbookPipeline
from index.chunking import chunk_text
from index.texts import with_texts

DEPTH = 10
ENCODE_SAMPLE = 256


def bench_retrieval(
    settings: Settings, corpus: str, workdir: Path, limit: int, console: Console
) -> dict[str, Any]:
    if not (workdir / "suite.yaml").exists():
        console.print(export(corpus, settings.benchmarks_dir, workdir))
    turns = [
        t
        for c in load_suite(workdir / "suite.yaml").cases
        for t in c.all_turns()
        if not t.expect.refuse and (t.expect.sources or t.expect.evidence)
    ][:limit]
    app = App(settings.model_copy(update={"home": workdir / ".assistant"}))
    started = time.perf_counter()
    with console.status("indexing with the project pipeline…"):
        report = app.indexer.sync([workdir / "corpus"], alone=True)
    index_s = time.perf_counter() - started
    project = _score(lambda q: _ranked(app.retriever(DEPTH).invoke(q)), turns, console, "project")
    project["index_s"] = round(index_s, 1)
    project["chunks"] = app.chunk_count()
    if report.chunks_written:
        project["chunks_per_s"] = round(report.chunks_written / index_s, 1)

    textbook = TextbookPipeline(workdir / ".textbook", app.embeddings)
    started = time.perf_counter()
    with console.status("indexing with the textbook pipeline…"):
        done = workdir / ".textbook" / "chunks.txt"
        chunks = int(done.read_text()) if done.exists() else textbook.index(workdir / "corpus")
        done.write_text(str(chunks))
    base_s = time.perf_counter() - started
    baseline = _score(lambda q: _ranked(textbook.search(q, DEPTH)), turns, console, "textbook")
    baseline.update(index_s=round(base_s, 1), chunks=chunks)

    got = app.store.get(limit=ENCODE_SAMPLE, include=["metadatas", "documents"])
    got = with_texts(got, app.chroma.texts)
    rows = zip(got["metadatas"], got["documents"], strict=True)
    sample = [chunk_text(meta, text) for meta, text in rows]
    t0 = time.perf_counter()
    app.embeddings.embed_documents(sample)
    texts_per_s = len(sample) / (time.perf_counter() - t0)
    sentences = [s for d in sample for s in split_sentences(d)][: ENCODE_SAMPLE * 2]
    t0 = time.perf_counter()
    app.embeddings.embed_documents(sentences)
    sentences_per_s = len(sentences) / (time.perf_counter() - t0)

    result = {
        "corpus": corpus,
        "queries": len(turns),
        "project": project,
        "textbook": baseline,
        "raw_minilm": {
            "chunks_per_s": round(texts_per_s, 1),
            "sentences_per_s": round(sentences_per_s, 1),
        },
        "settings": {
            "k": DEPTH,
            "chunk_size": settings.chunk_size,
            "candidates": settings.candidates,
            "rrf_k": settings.rrf_k,
            "dense_weight": settings.dense_weight,
            "bm25_weight": settings.bm25_weight,
            "mmr_lambda": settings.mmr_lambda,
        },
    }
    (workdir / "bench-retrieval.json").write_text(json.dumps(result, indent=1))
    _print(result, console)
    return result


def _ranked(docs: list[Any]) -> list[tuple[str, str]]:
    return [(d.metadata["source"], d.page_content) for d in docs]


def _score(search: Any, turns: list[Turn], console: Console, name: str) -> dict[str, Any]:
    rows, latencies = [], []
    with console.status(f"querying the {name} pipeline…"):
        for t in turns:
            t0 = time.perf_counter()
            ranked = search(t.question)
            latencies.append((time.perf_counter() - t0) * 1000)
            rows.append(m.retrieval_metrics(ranked, t.expect.sources, t.expect.evidence))
    names = sorted({k for r in rows for k in r})
    out: dict[str, Any] = {
        n: round(statistics.fmean(r[n] for r in rows if n in r), 4) for n in names
    }
    out["latency_p50_ms"] = round(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = round(m.percentile(latencies, 95), 1)
    return out


def _print(result: dict[str, Any], console: Console) -> None:
    table = Table(title=f"retrieval on {result['corpus']} ({result['queries']} queries)")
    table.add_column("metric")
    table.add_column("project", justify="right")
    table.add_column("textbook", justify="right")
    keys = [k for k in result["project"] if k in result["textbook"] or k == "chunks_per_s"]
    for key in keys:
        table.add_row(
            key, str(result["project"].get(key, "")), str(result["textbook"].get(key, ""))
        )
    console.print(table)
    raw = result["raw_minilm"]
    console.print(
        f"raw MiniLM on the same texts: {raw['chunks_per_s']} chunks/s, "
        f"{raw['sentences_per_s']} sentences/s"
    )
