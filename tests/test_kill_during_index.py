"""Crash safety for real: `assistant index` is SIGKILLed at random moments while every file
changes. Between a kill and the next run retrieval returns only chunks of the file versions
the manifest records; after one more run manifest = Chroma = BM25 = a clean index."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.app import App
from assistant.errors import UserError
from assistant.settings import load_settings
from index.bm25_store import BM25Store
from index.chunking import unpacked
from index.store import loaded

FILES = 120
PARAGRAPHS = 24
KILLS = 6
QUERIES = ["maple syrup exports", "border crossings", "lake ferries in winter", "rail freight"]
TOPICS = ["maple syrup exports", "border crossings", "lake ferries", "rail freight", "fisheries"]


def _write_corpus(folder: Path, version: int) -> None:
    folder.mkdir(exist_ok=True)
    for f in range(FILES):
        paragraphs = [
            f"Report {f}, revision {version}. Paragraph {p} covers {TOPICS[(f + p) % len(TOPICS)]}"
            f" with figure {f * 100 + p + version} and notes on winter {p % 7}."
            for p in range(PARAGRAPHS)
        ]
        (folder / f"report-{f:03d}.md").write_text(f"# Report {f}\n\n" + "\n\n".join(paragraphs))


def _run(cwd: Path, env: dict[str, str], home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "index", "data"],
        cwd=cwd,
        env={**env, "ASSISTANT_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stored(home: Path) -> int:
    """Chunks in Chroma, read from its SQLite file without opening a client."""
    try:
        uri = f"file:{home / 'chroma' / 'chroma.sqlite3'}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:
        return -1


def _recorded(home: Path) -> int:
    return sum(
        e["chunks"] for e in json.loads((home / "manifest.json").read_text())["files"].values()
    )


def _kill_after_first_write(process: subprocess.Popen[bytes], home: Path) -> None:
    """SIGKILL as soon as this run has written chunks to Chroma: the moment at which Chroma
    holds chunks that the manifest does not record yet."""
    baseline = _stored(home)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if _stored(home) > baseline:
            process.send_signal(signal.SIGKILL)
            return
        time.sleep(0.005)


def _state(home: Path) -> tuple[dict[str, str], set[str], set[str], set[tuple[str, str]]]:
    """(manifest source → hash, Chroma ids, BM25 ids, Chroma (source, hash) pairs)."""
    manifest = json.loads((home / "manifest.json").read_text())
    files = {s: e["sha256"] for s, e in manifest["files"].items()}
    app = App(load_settings(home=home))
    try:
        stored = app.store.get(include=["metadatas"])
    finally:
        app.chroma.release()  # for the next run's process
    pairs = {(m["source"], m["sha256"]) for m in map(unpacked, stored["metadatas"])}
    return files, set(stored["ids"]), BM25Store(home / "bm25").ids(), pairs


def _check_retrieval(home: Path, data: Path) -> None:
    """Retrieval returns only chunks of the file versions the manifest records."""
    with loaded():
        files, _, _, _ = _state(home)
    app = App(load_settings(home=home))
    try:
        retriever = app.retriever(k=8)
        fresh = [(data / f"report-{f:03d}.md").read_text()[:300] for f in range(0, FILES, 10)]
        for query in QUERIES + fresh:  # the new versions' own words find any written chunks
            for doc in retriever.invoke(query):
                assert files.get(doc.metadata["source"]) == doc.metadata["sha256"]
    finally:
        app.chroma.release()


def test_sigkill_at_random_moments_then_one_run_equals_a_clean_index(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    env = dict(os.environ)
    home = fake_env / ".assistant"
    data = fake_env / "data"
    for seed in data.iterdir():
        seed.unlink()
    _write_corpus(data, 0)
    started = time.monotonic()
    assert _run(fake_env, env, home).wait(600) == 0
    full_run = time.monotonic() - started
    rng = random.Random(5)
    kills = orphaned = 0
    for version in range(1, KILLS + 1):
        _write_corpus(data, version)  # every file changes
        process = _run(fake_env, env, home)
        if version % 2:
            _kill_after_first_write(process, home)
        else:
            time.sleep(rng.uniform(0.4, 0.95) * full_run)
            process.send_signal(signal.SIGKILL)
        kills += process.wait(60) == -signal.SIGKILL
        orphaned += _stored(home) > _recorded(home)

        try:
            _check_retrieval(home, data)
        except UserError as exc:  # Chroma's HNSW save was torn (test_torn_vectors.py)
            assert "run `assistant index`" in str(exc)
    assert kills >= 5, f"only {kills} runs were still going when killed; raise FILES"
    assert orphaned >= 2, "no kill left chunks the manifest does not record; nothing was tested"

    assert _run(fake_env, env, home).wait(600) == 0
    clean = fake_env / ".clean"
    assert _run(fake_env, env, clean).wait(600) == 0
    files, ids, bm25, pairs = _state(home)
    clean_files, clean_ids, clean_bm25, _ = _state(clean)
    assert files == clean_files and len(files) == FILES
    assert ids == bm25 == clean_ids == clean_bm25
    assert pairs == set(files.items())  # every stored chunk is of the recorded version
    manifest = json.loads((home / "manifest.json").read_text())
    assert not manifest["in_progress"]
    assert sum(e["chunks"] for e in manifest["files"].values()) == len(ids)
