"""A large sync chunks in a second process; what it stores is what one process would store."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.app import App
from assistant.settings import load_settings
from index import chunk_workers
from index.chunk_workers import prepare, prepared_in_order
from index.chunking import Chunk
from index.documents import SourceDocument, load_document


def _stored(app: App) -> list[tuple[str, dict[str, object]]]:
    got = app.store.get(include=["metadatas"])
    return sorted(zip(got["ids"], got["metadatas"], strict=True), key=lambda x: x[0])


def test_a_large_sync_chunks_in_a_second_process_and_stores_the_same(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_process = App(load_settings())
    in_process.indexer.sync([Path("data")])
    expected = _stored(in_process), in_process.bm25.search("border crossing", 10)

    pools: list[object] = []
    real_pool = chunk_workers.ProcessPoolExecutor

    def pool(*args: object, **kwargs: object) -> object:
        pools.append(real_pool(*args, **kwargs))
        return pools[-1]

    monkeypatch.setattr(chunk_workers, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(chunk_workers, "POOL_CHARS", 0)
    monkeypatch.setenv("ASSISTANT_HOME", str(Path(".assistant-pool").resolve()))
    app = App(load_settings())
    report = app.indexer.sync([Path("data")])
    assert len(report.added) == 2 and not report.errors
    assert len(pools) == 1
    assert (_stored(app), app.bm25.search("border crossing", 10)) == expected


def test_a_worker_that_dies_leaves_its_documents_chunked_here(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [(p.name, load_document(p)) for p in sorted(Path("data").iterdir())] * 40
    expected = [(name, prepare(doc, 300)) for name, doc in docs]
    here: list[str] = []  # documents chunked in this process (the worker has its own module)
    real_chunk = chunk_workers.chunk_document

    def chunk(doc: SourceDocument, size: int) -> list[Chunk]:
        here.append(doc.source)
        return real_chunk(doc, size)

    monkeypatch.setattr(chunk_workers, "chunk_document", chunk)
    got = []
    stream = prepared_in_order(iter(docs), 300, chunk_workers.POOL_CHARS)
    for i, (name, _doc, prepared) in enumerate(stream):
        got.append((name, prepared))
        if i == 0:  # only the first AHEAD + 1 documents were handed over: kill the worker
            frame = stream.gi_frame
            assert frame is not None
            for process in frame.f_locals["pool"]._processes.values():
                os.kill(process.pid, signal.SIGKILL)
    assert got == expected
    assert len(here) >= len(docs) - chunk_workers.AHEAD - 1


def test_the_worker_exits_when_the_indexing_process_is_killed(fake_env: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from index.chunk_workers import prepared_in_order\n"
        "from index.documents import load_document\n"
        "docs = [(p.name, load_document(p)) for p in sorted(Path('data').iterdir())] * 50\n"
        "stream = prepared_in_order(iter(docs), 300, 10**9)\n"
        "next(stream)\n"
        "pool = stream.gi_frame.f_locals['pool']\n"
        "print(*[p.pid for p in pool._processes.values()], flush=True)\n"
        "time.sleep(60)\n"
    )
    root = Path(__file__).resolve().parents[1]
    indexing = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert indexing.stdout is not None
    workers = [int(pid) for pid in indexing.stdout.readline().split()]
    assert workers
    os.kill(indexing.pid, signal.SIGKILL)
    indexing.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status
