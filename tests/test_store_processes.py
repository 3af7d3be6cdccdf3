"""One local store, two processes: a running server and `assistant index` beside it.

chromadb's client holds the vector index as its process loaded it. Without reopening, the
server's searches miss what the other process indexed, and the server's next write persists its
stale index over the other's (a new process then fails with "Error finding id")."""

import json
import os
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

import index.store
from assistant.app import App
from assistant.settings import load_settings

FOREIGN = "The honey reserve in Quebec holds twelve hundred jars of clover honey."
# over chromadb's default sync_threshold (1,000): each process persists its vector index
SECTIONS = 1_100


def _dense(app: App, question: str) -> list[str]:
    retriever = app.retriever(k=1).model_copy(update={"bm25_weight": 0.0})
    return [d.page_content for d in retriever.invoke(question)]


def _cli(cwd: Path, *argv: str) -> str:
    env = {**os.environ, "ASSISTANT_BM25_WEIGHT": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *argv],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def hashing_env(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")  # similar words, near vectors
    return fake_env


def _indexed_with_loaded_store(env: Path) -> App:
    """A server that has searched (so holds the vector index), then `assistant index` beside it."""
    server = App(load_settings())
    server.indexer.sync([Path("data")])
    assert _dense(server, FOREIGN) and FOREIGN not in _dense(server, FOREIGN)
    Path("honey.md").write_text(f"# Honey\n\n{FOREIGN}\n\n" + _ledger("cider"))
    _cli(env, "index", "honey.md")
    return server


def _ledger(product: str) -> str:
    """Sections of varied words (near-identical ones would tie in the vector index, where an
    approximate search can miss the one sentence unlike them all)."""
    rng = random.Random(product)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) for _ in range(3000)]
    return "\n\n".join(
        f"## Section {i}\n\nLedger {i} of {product}: {' '.join(rng.choices(words, k=12))}."
        for i in range(SECTIONS)
    )


def test_a_server_finds_what_another_process_indexed(
    hashing_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index.store, "REREAD_S", 0.0)
    server = _indexed_with_loaded_store(hashing_env)
    assert _dense(server, FOREIGN) == [FOREIGN]


def test_a_server_upload_keeps_what_another_process_indexed(
    hashing_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index.store, "REREAD_S", 3600.0)  # the write alone must read afresh
    server = _indexed_with_loaded_store(hashing_env)
    upload = Path("upload.md")
    upload.write_text(_ledger("maple syrup"))
    report = server.indexer.sync([upload])
    assert report.chunks_written > 1_000 and not report.errors

    cider, syrup = _ledger("cider").split("\n\n")[-1], _ledger("maple syrup").split("\n\n")[-1]
    for question, source in [(FOREIGN, "honey.md"), (cider, "honey.md"), (syrup, "upload.md")]:
        rows = json.loads(_cli(hashing_env, "retrieve", "--json", question))
        assert (rows[0]["source"], rows[0]["text"]) == (source, question)


def test_a_reader_opens_the_store_afresh_at_most_every_reread_s(
    hashing_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = App(load_settings())
    server.indexer.sync([Path("data")])
    before = server.chroma.client()
    Path("honey.md").write_text(f"# Honey\n\n{FOREIGN}\n")
    _cli(hashing_env, "index", "honey.md")
    monkeypatch.setattr(index.store, "REREAD_S", 3600.0)
    assert server.chroma.client() is before  # a search within REREAD_S keeps its copy
    assert server.chroma.client(fresh=True) is not before  # a writer never does
    after = server.chroma.client()
    monkeypatch.setattr(index.store, "REREAD_S", 0.0)
    assert server.chroma.client() is after  # nothing new since
    Path("own.md").write_text("# Own\n\nThe cedar shingles came from Nova Scotia.\n")
    assert server.indexer.sync([Path("own.md")]).chunks_written == 1  # this process's own write
    assert server.chroma.client() is after
