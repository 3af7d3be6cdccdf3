"""One local store, one process at a time.

chromadb's local store is not process-safe: a process that searches it may persist its copy of
the vector index over what another process wrote. 8 threads searching beside another process's
`assistant index` crashed once and left a 34 GB HNSW file once. So a process claims the home on
first use, and another process is refused with a one-line error naming the holder."""

import os
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

import index.store
from assistant import cli
from assistant.app import App
from assistant.serving import workspace
from assistant.settings import load_settings
from index import chunk_workers, store_writer

FOREIGN = "The honey reserve in Quebec holds twelve hundred jars of clover honey."
SERVER = "`assistant ui` on http://127.0.0.1:7860/"
# over chromadb's default sync_threshold (1,000): each process persists its vector index
SECTIONS = 1_100


def _dense(app: App, question: str) -> list[str]:
    retriever = app.retriever(k=1).model_copy(update={"bm25_weight": 0.0})
    return [d.page_content for d in retriever.invoke(question)]


def _cli(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_BM25_WEIGHT": "0"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *argv],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _ledger(product: str) -> str:
    """Sections of varied words (near-identical ones would tie in the vector index, where an
    approximate search can miss the one sentence unlike them all)."""
    rng = random.Random(product)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) for _ in range(3000)]
    return "\n\n".join(
        f"## Section {i}\n\nLedger {i} of {product}: {' '.join(rng.choices(words, k=12))}."
        for i in range(SECTIONS)
    )


@pytest.fixture
def server(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    """A server's process: it has indexed and searched the home, and holds it."""
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")  # similar words, near vectors
    monkeypatch.setattr(index.store, "_owner", SERVER)
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    assert _dense(app, FOREIGN) and FOREIGN not in _dense(app, FOREIGN)
    Path("honey.md").write_text(f"# Honey\n\n{FOREIGN}\n\n" + _ledger("cider"))
    return app


def test_another_process_on_a_held_home_gets_one_line_naming_the_holder(
    fake_env: Path, server: App
) -> None:
    manifest = (server.settings.home / "manifest.json").read_bytes()
    for argv in (["index", "honey.md"], ["index"], ["retrieve", FOREIGN], ["ask", FOREIGN]):
        done = _cli(fake_env, *argv)
        assert done.returncode == 2, (argv, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert f"in use by {SERVER} (pid {os.getpid()})" in done.stderr
    assert (server.settings.home / "manifest.json").read_bytes() == manifest
    report = server.indexer.sync([Path("honey.md")])  # the holder indexes it itself
    assert report.chunks_written > SECTIONS and _dense(server, FOREIGN) == [FOREIGN]


def test_a_released_home_is_the_next_process_s_and_read_afresh_after(
    fake_env: Path, server: App
) -> None:
    server.chroma.release()
    done = _cli(fake_env, "index", "honey.md")
    assert done.returncode == 0, done.stderr
    assert _dense(server, FOREIGN) == [FOREIGN]  # claimed again, and loaded from disk
    assert _cli(fake_env, "index", "honey.md").returncode == 2  # and held again


def test_a_server_does_not_start_on_a_home_another_process_holds(
    fake_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def serve(*_: object) -> None:
        raise AssertionError("it went on to serve")

    monkeypatch.setattr(workspace, "Workspace", serve)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom pathlib import Path\nimport index.store as s\n"
         "s.set_owner('`assistant index`')\n"
         "s.ChromaStore(Path(sys.argv[1]), None, 'chunks').claim()\nprint('held', flush=True)\n"
         "sys.stdin.read()", str(load_settings().home)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert cli.main(["ui", "--port", "7999"]) == 2
        assert f"in use by `assistant index` (pid {holder.pid})" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


def test_only_a_sync_with_no_searches_beside_it_hands_writes_to_a_writer_process(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server's upload must not: its other threads search the store meanwhile."""
    writers: list[object] = []

    class Writer(store_writer.StoreWriter):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            writers.append(self)

    monkeypatch.setattr(store_writer, "StoreWriter", Writer)
    monkeypatch.setattr(chunk_workers, "POOL_CHARS", 0)
    app = App(load_settings())
    first, second = sorted(Path("data").iterdir())[:2]
    assert app.indexer.sync([first]).chunks_written and not writers
    assert app.indexer.sync([second], alone=True).chunks_written and len(writers) == 1
