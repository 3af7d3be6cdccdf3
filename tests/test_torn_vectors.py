"""A run killed while Chroma saves its HNSW files can leave them newer than the id map and
sequence number saved beside them; Chroma then fails every read ("Failed to apply logs to the
hnsw segment writer", chroma-core/chroma#7678). The state is made here as such a kill leaves
it: a question gets a one-line error, and the next `assistant index` rebuilds the vectors."""

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from assistant.app import App
from assistant.settings import load_settings
from index.sync import SyncReport
from tests.conftest import run_cli
from tests.test_kill_during_index import _state

FILES = 30
VERSIONS = 6


def _write(data: Path, version: int) -> None:
    for f in range(FILES):
        (data / f"note-{f:02d}.md").write_text(
            f"# Note {f}\n\n"
            + "\n\n".join(
                f"Note {f}, version {version}: paragraph {p} is about harbour cranes {p * version}."
                for p in range(20)
            )
        )


def _vector_segment(db: sqlite3.Connection) -> str:
    return str(db.execute("SELECT id FROM segments WHERE scope = 'VECTOR'").fetchone()[0])


def _index(home: Path, data: Path) -> SyncReport:
    """`assistant index`, in this process (faster), leaving the store closed."""
    app = App(load_settings(home=home))
    report = app.indexer.sync([data])
    app.chroma.release()
    assert not report.errors
    return report


def test_a_torn_vector_index_is_one_line_then_rebuilt_by_the_next_index(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    env = dict(os.environ)
    home, data = fake_env / ".assistant", fake_env / "data"
    for seed in data.iterdir():
        seed.unlink()
    sqlite_path = home / "chroma" / "chroma.sqlite3"

    def saved_at() -> int | None:
        """The log position of the last HNSW save (Chroma saves every 1,000 writes)."""
        if not sqlite_path.exists():
            return None
        with sqlite3.connect(sqlite_path) as db:
            row = db.execute(
                "SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (_vector_segment(db),)
            ).fetchone()
        return None if row is None else int(row[0])

    version = 0
    while saved_at() is None and version < VERSIONS:
        version += 1
        _write(data, version)  # every file changes: old chunks deleted, new ones written
        _index(home, data)
    seq = saved_at()
    assert seq is not None, "Chroma never saved its HNSW files: write more chunks"
    with sqlite3.connect(sqlite_path) as db:
        segment = _vector_segment(db)
        # keep the log, as Chroma does for the records a torn save had not made durable
        db.execute(
            "UPDATE embeddings_queue_config SET config_json_str = ?",
            ('{"automatically_purge": false, "_type": "EmbeddingsQueueConfigurationInternal"}',),
        )
    id_map = home / "chroma" / segment / "index_metadata.pickle"
    saved = fake_env / "id_map.pickle"
    shutil.copy(id_map, saved)
    while saved_at() == seq and version < 2 * VERSIONS:
        version += 1
        _write(data, version)
        _index(home, data)
    assert saved_at() != seq, "Chroma did not save its HNSW files again: write more chunks"
    # the kill: HNSW files saved, the id map and sequence number beside them not yet
    shutil.copy(saved, id_map)
    with sqlite3.connect(sqlite_path) as db:
        db.execute("UPDATE max_seq_id SET seq_id = ? WHERE segment_id = ?", (seq, segment))
    manifest = json.loads((home / "manifest.json").read_text())
    (home / "manifest.json").write_text(json.dumps({**manifest, "in_progress": True}))

    asked = run_cli(["ask", "harbour cranes", "--mode", "extractive"], env, cwd=fake_env)
    assert asked.returncode != 0 and "Traceback" not in asked.stderr, asked.stderr
    assert "run `assistant index`" in asked.stderr.strip().splitlines()[-1], asked.stderr

    repaired = run_cli(["index", "data"], env, cwd=fake_env)
    assert repaired.returncode == 0, repaired.stderr
    assert "rebuilt (Chroma could not load its vector index" in repaired.stdout, repaired.stdout
    asked = run_cli(["ask", "harbour cranes", "--mode", "extractive"], env, cwd=fake_env)
    assert asked.returncode == 0 and f"version {version}: paragraph" in asked.stdout, asked
    clean = fake_env / ".clean"
    _index(clean, data)
    files, ids, bm25, pairs = _state(home)
    assert (files, ids, bm25) == _state(clean)[:3] and len(files) == FILES
    assert pairs == set(files.items())  # every stored chunk is of the indexed version
    again = _index(home, data)
    assert len(again.unchanged) == FILES and not again.rebuilt
