"""A large sync chunks in a second process and writes the local store from a third; what it
stores is what one process would store."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.app import App
from assistant.settings import load_settings
from index import chunk_workers, store_writer
from index.chunk_workers import prepare, prepared_in_order
from index.chunking import Chunk
from index.documents import SourceDocument, load_document


def _stored(app: App) -> list[tuple[str, dict[str, object]]]:
    got = app.store.get(include=["metadatas"])
    return sorted(zip(got["ids"], got["metadatas"], strict=True), key=lambda x: x[0])


def test_a_large_sync_chunks_and_writes_in_other_processes_and_stores_the_same(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = sorted(Path("data").iterdir())[:2]
    in_process = App(load_settings())
    in_process.indexer.sync([first])
    pooled_home = Path(".assistant-pool").resolve()
    monkeypatch.setenv("ASSISTANT_HOME", str(pooled_home))
    app = App(load_settings())
    app.indexer.sync([first])  # small: in this process, which then searches (loads the store)
    assert app.retriever(k=2).invoke("border")

    pools: list[object] = []
    real_pool = chunk_workers.ProcessPoolExecutor

    def pool(*args: object, **kwargs: object) -> object:
        pools.append(real_pool(*args, **kwargs))
        return pools[-1]

    writers: list[int] = []

    class Writer(store_writer.StoreWriter):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            writers.append(self._process.pid or 0)

    first.write_text(first.read_text() + "\n\nThe cedar shingles came from Nova Scotia.\n")
    for indexer in (in_process.indexer, app.indexer):  # one changed file, one new
        report = indexer.sync([Path("data")], alone=True)
        assert len(report.added) == len(report.updated) == 1 and not report.errors
        monkeypatch.setattr(chunk_workers, "ProcessPoolExecutor", pool)
        monkeypatch.setattr(store_writer, "StoreWriter", Writer)
        monkeypatch.setattr(chunk_workers, "POOL_CHARS", 0)
    assert len(pools) == 1 and len(writers) == 1 and writers[0] != os.getpid()
    query = "border crossing"
    assert _stored(app) == _stored(in_process)
    assert app.bm25.search(query, 10) == in_process.bm25.search(query, 10)
    dense = app.retriever(k=3).model_copy(update={"bm25_weight": 0.0})
    expected = in_process.retriever(k=3).model_copy(update={"bm25_weight": 0.0})
    assert [d.id for d in dense.invoke(query)] == [d.id for d in expected.invoke(query)]
    assert any(second.name in d.metadata["source"] for d in dense.invoke(second.read_text()))


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


WORKER = (
    "from index.chunk_workers import prepared_in_order\n"
    "from index.documents import load_document\n"
    "docs = [(p.name, load_document(p)) for p in sorted(Path('data').iterdir())] * 50\n"
    "stream = prepared_in_order(iter(docs), 300, 10**9)\n"
    "next(stream)\n"
    "pids = [p.pid for p in stream.gi_frame.f_locals['pool']._processes.values()]\n"
)
WRITER = (
    "from index.store_writer import StoreWriter\n"
    "writer = StoreWriter(Path('.assistant'), 'assistant')\n"
    "writer.get(limit=1)\n"
    "pids = [writer._process.pid]\n"
)


@pytest.mark.parametrize("helper", [WORKER, WRITER], ids=["chunking worker", "store writer"])
def test_a_helper_process_exits_when_the_indexing_process_is_killed(
    fake_env: Path, helper: str
) -> None:
    script = "import time\nfrom pathlib import Path\n" + helper
    script += "print(*pids, flush=True)\ntime.sleep(60)\n"
    root = Path(__file__).resolve().parents[1]
    indexing = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert indexing.stdout is not None
    helpers = [int(pid) for pid in indexing.stdout.readline().split()]
    assert helpers
    os.kill(indexing.pid, signal.SIGKILL)
    indexing.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(pid) for pid in helpers):
        time.sleep(0.1)
    assert not any(_running(pid) for pid in helpers)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status
