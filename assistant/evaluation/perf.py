"""`assistant bench perf --chunks N`: how indexing and retrieval scale on one machine.

Builds a corpus of about N chunks by copying MultiHop-RAG's 609 articles (each copy marked, so
that every file is new content), indexes it with `assistant index` as a child process (wall time
and peak RSS of that process), then times an unchanged re-index, adding one small file (as a
CLI process, and in a warm process the way the server's upload does), retrieval p50/p95 with
and without the query embedding (with the fake embedder, also with MiniLM's query embedding
added, as a user pays it), and, for MiniLM, raw `SentenceTransformer.encode` on a sample
of the same chunks at the same batch size. Beside it: the textbook pipeline (`index/baseline.py`)
indexing and searching the same corpus, and the seed suite answered by the shipped defaults
(MiniLM, the embedded model, generative) after the server's warm-up: time to first token and to
the full answer (p50), and, over several fresh processes, the first question after start against
the same question once warm. Prints a table and writes JSON.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import Settings

SAMPLE_QUERIES = 60
RAW_SAMPLE_CHUNKS = 1024


def _corpus(settings: Settings, folder: Path, chunks: int) -> tuple[int, list[str]]:
    """Copies of the articles until about `chunks` chunks; returns (chunks, sample queries)."""
    from assistant.evaluation.benchmarks import multihop_articles, with_front_matter
    from index.chunking import chunk_document
    from index.documents import load_document

    docs, _ = multihop_articles(settings.benchmarks_dir)
    texts = {name: with_front_matter(meta, body) for name, meta, body in docs}
    shutil.rmtree(folder, ignore_errors=True)

    def write(copy: int) -> list[Path]:
        sub = folder / f"copy{copy:03d}"
        sub.mkdir(parents=True)
        for name, text in texts.items():
            (sub / name).write_text(f"{text}\n\nCopy {copy}.\n", encoding="utf-8")
        return sorted(sub.iterdir())

    first = write(0)
    max_bytes = int(settings.max_file_mb * 1_000_000)
    counts = [len(chunk_document(load_document(p, max_bytes), settings.chunk_size)) for p in first]
    per_copy = sum(counts)
    if chunks < per_copy:  # part of one copy: the first articles up to `chunks`
        kept = 0
        for path, n in zip(first, counts, strict=True):
            if kept >= chunks:
                path.unlink()
            else:
                kept += n
        return kept, _queries(settings)
    copies = max(1, round(chunks / per_copy))
    for c in range(1, copies):
        write(c)
    return per_copy * copies, _queries(settings)


def _queries(settings: Settings) -> list[str]:
    path = settings.benchmarks_dir / "multihop-rag" / "MultiHopRAG.json"
    return [q["query"] for q in json.loads(path.read_text())[:SAMPLE_QUERIES]]


def _child(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    """Run `assistant ARGV`; returns (seconds, peak RSS in bytes, stdout) of that process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *argv],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"assistant {' '.join(argv)} failed: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
    return seconds, usage.ru_maxrss * 1024, proc.stdout.read().decode()  # type: ignore[union-attr]


def _disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _percentiles(values: list[float]) -> dict[str, float]:
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50_ms": round(float(p50) * 1000, 2), "p95_ms": round(float(p95) * 1000, 2)}


def _seconds(fn: Any, item: Any) -> float:
    t0 = time.perf_counter()
    fn(item)
    return time.perf_counter() - t0


def _timed(fn: Any, items: list[Any]) -> list[float]:
    return [_seconds(fn, item) for item in items]


def _uncached(fn: Any, embeddings: Any) -> Any:
    """fn, with the embedder's memory of recent queries cleared first: every timed search
    pays for its own query embedding, as a new question does."""
    forget = getattr(embeddings, "forget_queries", lambda: None)

    def run(item: Any) -> Any:
        forget()
        return fn(item)

    return run


def bench_perf(
    settings: Settings,
    chunks: int,
    embedder: str,
    workdir: Path,
    textbook: bool = True,
    seed_limit: int | None = 0,
    starts: int = 0,
) -> dict[str, Any]:
    """seed_limit: questions of the seed suite to time (None: all, 0: none); starts: fresh
    processes timing the first question after start (with the seed suite)."""
    from assistant.app import App

    workdir = workdir.resolve()
    corpus, home = workdir / "corpus", workdir / ".assistant"
    total, queries = _corpus(settings, corpus, chunks)
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_EMBEDDINGS": embedder}
    index_s, index_rss, summary = _child(["index", str(corpus)], env, workdir)
    chroma = re.search(r"Chroma writes ([\d.]+) s", summary)
    again_s, _, _ = _child(["index", str(corpus)], env, workdir)
    extra = corpus / "added-one.md"
    extra.write_text("# One more\n\nThe maple syrup reserve holds 3,100 barrels.\n")
    add_cli_s, _, _ = _child(["index", str(extra)], env, workdir)

    app = App(settings.model_copy(update={"home": home, "embeddings": embedder}))
    retriever = app.retriever()
    retriever.invoke(queries[0])  # load models and snapshots
    warm = corpus / "added-two.md"
    warm.write_text("# Two more\n\nThe honey reserve holds 1,200 jars.\n")
    t0 = time.perf_counter()
    app.indexer.sync([warm])
    add_warm_s = time.perf_counter() - t0

    dense_only = retriever.model_copy(update={"bm25_weight": 0.0})
    # each query through both, in turn, so that neither runs on caches the other warmed
    hybrid_search = _uncached(retriever.invoke, retriever.embeddings)
    dense_search = _uncached(dense_only.invoke, retriever.embeddings)
    timed = [(_seconds(hybrid_search, q), _seconds(dense_search, q)) for q in queries]
    hybrid, dense = [h for h, _ in timed], [d for _, d in timed]
    keyword = _timed(lambda q: app.bm25.search(q, retriever.candidates), queries)
    result: dict[str, Any] = {
        "embedder": embedder,
        "chunks": app.chunk_count(),
        "estimated_chunks": total,
        "index_s": round(index_s, 1),
        "index_chunks_per_s": round(total / index_s, 1),
        "index_chroma_writes_s": float(chroma.group(1)) if chroma else None,
        "index_peak_rss_mb": round(index_rss / 1e6),
        "disk_mb": round(_disk(home) / 1e6, 1),
        "unchanged_reindex_s": round(again_s, 2),
        "add_one_file_cli_s": round(add_cli_s, 2),
        "add_one_file_warm_s": round(add_warm_s, 2),
        "retrieval_hybrid_with_query_embedding": _percentiles(hybrid),
        "retrieval_dense_only_with_query_embedding": _percentiles(dense),
        "retrieval_bm25": _percentiles(keyword),
    }
    if embedder == "minilm":
        from index.chunking import stored_text
        from index.paging import get_all
        from index.texts import with_texts

        got = with_texts(
            get_all(app.indexer.collection, ["documents", "metadatas"]), app.chroma.texts
        )
        stored = [  # what the indexer embeds: the heading path, then the passage
            stored_text(m, d) for m, d in zip(got["metadatas"], got["documents"], strict=True)
        ]  # a uniform sample: chunk lengths, and so encode speed, vary along the corpus
        stored = random.Random(0).sample(stored, min(RAW_SAMPLE_CHUNKS, len(stored)))
        model = app.embeddings._load()  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        model.encode(stored, batch_size=app.embeddings.batch_size, show_progress_bar=False)  # type: ignore[attr-defined]
        raw = len(stored) / (time.perf_counter() - t0)
        result["raw_minilm_chunks_per_s"] = round(raw, 1)
        result["index_vs_raw_minilm"] = round(result["index_chunks_per_s"] / raw, 3)
        load_s = _model_load_seconds(env, workdir)  # importing torch and loading MiniLM
        result["minilm_load_s"] = round(load_s, 1)
        result["index_vs_raw_minilm_once_loaded"] = round(total / (index_s - load_s) / raw, 3)
    result["hybrid_vs_dense_p50"] = round(
        float(np.median(hybrid)) / max(float(np.median(dense)), 1e-6), 2
    )
    if embedder == "fake":  # what a user pays: the same search plus a MiniLM query embedding
        from index.embeddings import make_embeddings

        minilm = make_embeddings("minilm")
        minilm.embed_query(queries[0])  # load the model
        encode = _timed(_uncached(minilm.embed_query, minilm), queries)
        hybrid_q = [h + e for h, e in zip(hybrid, encode, strict=True)]
        dense_q = [d + e for d, e in zip(dense, encode, strict=True)]
        result["minilm_query_embedding"] = _percentiles(encode)
        result["retrieval_hybrid_with_minilm_query"] = _percentiles(hybrid_q)
        result["retrieval_dense_only_with_minilm_query"] = _percentiles(dense_q)
        result["hybrid_vs_dense_p50_with_minilm_query"] = round(
            float(np.median(hybrid_q)) / max(float(np.median(dense_q)), 1e-6), 2
        )
    if textbook:
        result["textbook"] = _textbook(corpus, embedder, workdir / ".textbook", queries)
    if seed_limit != 0:
        result["seed_answers"] = _seed_latency(settings, workdir / ".seed", seed_limit, starts)
    return result


def _model_load_seconds(env: dict[str, str], cwd: Path) -> float:
    """What a fresh process pays before its first embedding (part of every CLI index run)."""
    load = "import index.embeddings as e; e.make_embeddings('minilm').embed_query('x')"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", load], env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - t0


def _textbook(corpus: Path, embedder: str, home: Path, queries: list[str]) -> dict[str, Any]:
    """The textbook pipeline on the same corpus, in this process."""
    from index.baseline import TextbookPipeline
    from index.embeddings import make_embeddings

    shutil.rmtree(home, ignore_errors=True)
    pipeline = TextbookPipeline(home, make_embeddings(embedder))
    t0 = time.perf_counter()
    chunks = pipeline.index(corpus)
    seconds = time.perf_counter() - t0
    return {
        "chunks": chunks,
        "index_s": round(seconds, 1),
        "index_chunks_per_s": round(chunks / seconds, 1),
        "disk_mb": round(_disk(home) / 1e6, 1),
        "retrieval_dense_with_query_embedding": _percentiles(
            _timed(lambda q: pipeline.search(q, 4), queries)
        ),
    }


def _seed_latency(settings: Settings, home: Path, limit: int | None, starts: int) -> dict[str, Any]:
    """The seed suite on its own corpus with the shipped defaults, as a warm server answers;
    then `starts` fresh processes, each timing its first question after start against the
    same question once warm (the machine's noise is larger than one pair's difference)."""
    from assistant.app import App
    from assistant.evaluation.command import run_eval
    from assistant.serving.server import warm_up
    from assistant.serving.workspace import Workspace

    shutil.rmtree(home, ignore_errors=True)
    defaults = Settings(home=home, data_dir=settings.data_dir, suites_dir=settings.suites_dir)
    app = App(defaults)
    app.indexer.sync([defaults.data_dir])
    t0 = time.perf_counter()
    warm_up(Workspace(app))
    warm_s = time.perf_counter() - t0
    _, run = run_eval(app, defaults.suites_dir / "seed.yaml", limit=limit)
    app.chroma.release()  # the processes below open the same home, one at a time
    totals = run["totals"]
    result: dict[str, Any] = {
        "questions": sum(len(c["turns"]) for c in run["cases"]),
        "warm_up_s": round(warm_s, 2),
        "first_token_p50_ms": round(totals["latency_first_token_p50_ms"]),
        "full_answer_p50_ms": round(totals["latency_total_p50_ms"]),
    }
    if starts:
        pairs = [_fresh_start(defaults) for _ in range(starts)]
        # whole milliseconds, so every figure below is computed from the pairs it prints
        cold = [round(p["cold_ms"]) for p in pairs]
        warm = [round(p["warm_ms"]) for p in pairs]
        result["starts"] = {
            "processes": starts,
            "first_question_after_start_p50_ms": round(float(np.median(cold))),
            "same_question_warm_p50_ms": round(float(np.median(warm))),
            "cold_minus_warm_p50_ms": round(float(np.median(np.subtract(cold, warm))), 1),
            "cold_minus_warm_p50_ci95_ms": _median_ci(np.subtract(cold, warm)),
            "cold_not_slower": sum(c <= w for c, w in zip(cold, warm, strict=True)),
            "cold_and_warm_ms": [list(pair) for pair in zip(cold, warm, strict=True)],
        }
    return result


def _median_ci(values: np.ndarray, resamples: int = 10_000) -> list[float]:
    """95% bootstrap interval of the median: whether a difference is there or is noise."""
    rng = np.random.default_rng(0)
    medians = np.median(rng.choice(values, (resamples, len(values))), axis=1)
    return [round(float(q), 1) for q in np.percentile(medians, [2.5, 97.5])]


def _fresh_start(settings: Settings) -> dict[str, float]:
    paths = [str(settings.home), str(settings.data_dir), str(settings.suites_dir)]
    done = subprocess.run(
        [sys.executable, "-m", "assistant.evaluation.cold_start", *paths],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"a fresh process on {settings.home} failed: {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_perf(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"bench perf: {result['chunks']} chunks, {result['embedder']} embedder")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in _flat(result).items():
        table.add_row(key, str(value))
    Console().print(table)


def _flat(result: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, dict) and set(value) == {"p50_ms", "p95_ms"}:
            rows[prefix + key] = f"{value['p50_ms']} / {value['p95_ms']} ms (p50 / p95)"
        elif isinstance(value, dict):
            rows.update(_flat(value, f"{prefix}{key}."))
        else:
            rows[prefix + key] = value
    return rows
