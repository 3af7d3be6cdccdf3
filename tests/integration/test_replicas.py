"""Replicas on one Chroma server: two homes (two machines' worth of local state) pointed at one
server answer from the same documents, each picking up the other's changes within seconds
without a restart; a server that goes away mid-index costs one line and nothing stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.app import App
from assistant.settings import load_settings
from tests.integration.conftest import ChromaServer

pytestmark = pytest.mark.slow
PICKUP_S = 10.0  # "within seconds": a replica polls the catalog every 2 s


def _replica(root: Path, name: str, url: str) -> App:
    folder = root / name
    (folder / "docs").mkdir(parents=True)
    return App(
        load_settings(
            home=folder / ".assistant",
            data_dir=folder / "docs",
            chroma_url=url,
            embeddings="hashing",
            llm="fake",
        )
    )


def _sources(app: App, question: str) -> set[str]:
    return {Path(d.metadata["source"]).name for d in app.retriever(k=4).invoke(question)}


def _keyword_hits(app: App, question: str) -> set[str]:
    app.indexed.files()  # a query's way in: the replica polls the catalog
    return {chunk_id for chunk_id, _ in app.bm25.search(question, 10)}


def _within(seconds: float, check: Callable[[], bool]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"not seen within {seconds} s")


def test_two_replicas_answer_from_the_same_documents_and_follow_each_other(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    a = _replica(tmp_path, "a", chroma_server.url)
    b = _replica(tmp_path, "b", chroma_server.url)
    assert b.retriever(k=4).invoke("maple syrup reserve") == []  # b is running, nothing yet

    maple = a.settings.data_dir / "maple.md"
    maple.write_text("# Reserves\n\nThe strategic maple syrup reserve holds 3,100 barrels.\n")
    assert len(a.indexer.sync([a.settings.data_dir]).added) == 1

    # b never indexed anything, holds no manifest entry, and finds a's document by keyword
    _within(PICKUP_S, lambda: bool(_keyword_hits(b, "maple syrup barrels")))
    assert "maple.md" in _sources(b, "maple syrup reserve barrels")
    assert [Path(s).name for s in b.indexed.files()] == ["maple.md"]
    assert b.chunk_count() == a.chunk_count() > 0
    assert not (b.settings.home / "manifest.json").exists()

    honey = b.settings.data_dir / "honey.md"
    honey.write_text("# Stores\n\nThe honey cooperative keeps 1,200 jars in Moncton.\n")
    b.indexer.sync([b.settings.data_dir])
    _within(PICKUP_S, lambda: bool(_keyword_hits(a, "honey jars Moncton")))
    assert "honey.md" in _sources(a, "honey cooperative jars Moncton")

    # a changes its file: b forgets the old words and learns the new ones
    maple.write_text("# Reserves\n\nThe strategic birch sap reserve holds 800 barrels.\n")
    a.indexer.sync([a.settings.data_dir])
    _within(PICKUP_S, lambda: bool(_keyword_hits(b, "birch sap")))
    assert not _keyword_hits(b, "maple syrup")

    # a removes it: b no longer retrieves it, by keyword or by vector
    a.indexer.remove([str(maple)])
    _within(PICKUP_S, lambda: not _keyword_hits(b, "birch sap"))
    assert "maple.md" not in _sources(b, "strategic birch sap reserve barrels")
    assert {Path(s).name for s in b.indexed.files()} == {"honey.md"}


def test_a_replica_started_later_derives_its_keyword_index_from_chroma(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    a = _replica(tmp_path, "a", chroma_server.url)
    for i in range(5):
        (a.settings.data_dir / f"note{i}.md").write_text(f"# Note {i}\n\nQuokka census item {i}.\n")
    a.indexer.sync([a.settings.data_dir])
    late = _replica(tmp_path, "late", chroma_server.url)
    assert len(_keyword_hits(late, "quokka census")) == 5
    assert late.bm25.ids() == a.bm25.ids()


def test_the_chroma_server_going_away_mid_index_costs_one_line_and_nothing_stored(
    chroma_server: ChromaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        body = " ".join(f"Paragraph {j} of file {i} about quokkas and wombats." for j in range(30))
        (folder / f"f{i:03d}.md").write_text(f"# File {i}\n\n{body}\n")
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(tmp_path / "home"),
        "ASSISTANT_CHROMA_URL": chroma_server.url,
        "ASSISTANT_EMBEDDINGS": "fake",
    }
    cmd = [sys.executable, "-m", "assistant.cli", "index", str(folder)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    app = App(load_settings(home=tmp_path / "home", chroma_url=chroma_server.url))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # kill once chunks are stored
        try:
            if app.client.get_collection(app.settings.collection).count() > 0:
                break
        except Exception:
            pass
        time.sleep(0.05)
    assert proc.poll() is None, "indexing ended before the server could be stopped"
    chroma_server.kill()
    _, err = proc.communicate(timeout=120)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2, err.decode()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err.decode()
    assert "run the same `assistant index` again" in lines[0]

    chroma_server.start()  # same data, same port
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    fresh = App(load_settings(home=tmp_path / "home", chroma_url=chroma_server.url))
    stored = fresh.store.get(include=["metadatas"])
    assert len({m["source"] for m in stored["metadatas"]}) == 400
    assert len(stored["ids"]) == fresh.chunk_count() == len(fresh.bm25.ids())
    assert len(fresh.indexed.files()) == 400
