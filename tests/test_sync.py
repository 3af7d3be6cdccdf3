import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app import App
from assistant.errors import UserError
from assistant.settings import load_settings
from index.chunking import PACKED_KEY, chunk_text, unpacked
from index.texts import with_texts


def _app() -> App:
    return App(load_settings())


def _sources(app: App) -> list[str]:
    return sorted({m["source"] for m in app.store.get(include=["metadatas"])["metadatas"]})


def test_index_twice_duplicates_nothing(fake_env: Path) -> None:
    app = _app()
    first = app.indexer.sync([Path("data")])
    assert len(first.added) == 2 and not first.errors
    count = app.chunk_count()
    second = _app().indexer.sync([Path("data")])
    assert second.added == [] and len(second.unchanged) == 2 and second.chunks_written == 0
    assert _app().chunk_count() == count


def test_changed_and_deleted_files_are_reflected(fake_env: Path) -> None:
    app = _app()
    app.indexer.sync([Path("data")])
    before = app.chunk_count()
    extra = Path("data/extra.md")
    extra.write_text("# Extra\n\nA new document about maple syrup exports.\n")
    report = app.indexer.sync([Path("data")])
    assert report.added == ["data/extra.md"]
    assert app.chunk_count() == before + 1

    extra.write_text("# Extra\n\nMaple syrup exports grew.\n\nA second paragraph.\n")
    report = app.indexer.sync([Path("data")])
    assert report.updated == ["data/extra.md"]
    texts = _texts(app, source="data/extra.md")
    assert texts and all("new document" not in t for t in texts)

    extra.unlink()
    report = app.indexer.sync([Path("data")])
    assert report.removed == ["data/extra.md"]
    assert app.chunk_count() == before
    assert "data/extra.md" not in _sources(app)


def test_bad_files_are_reported_and_leave_the_index_intact(fake_env: Path) -> None:
    app = _app()
    app.indexer.sync([Path("data")])
    before = sorted(app.store.get()["ids"])
    Path("data/empty.txt").write_bytes(b"")
    Path("data/binary.txt").write_bytes(b"\x00\x01\x02binary")
    Path("data/latin1.txt").write_bytes(b"caf\xe9")
    report = app.indexer.sync([Path("data"), Path("missing.txt")])
    reasons = "\n".join(report.errors)
    assert len(report.errors) == 4
    for name in ("empty.txt", "binary.txt", "latin1.txt", "missing.txt"):
        assert name in reasons
    assert sorted(app.store.get()["ids"]) == before
    assert len(report.unchanged) == 2


def test_a_file_that_turns_bad_keeps_its_indexed_chunks(fake_env: Path) -> None:
    app = _app()
    app.indexer.sync([Path("data")])
    before = app.chunk_count()
    Path("data/000_8e8d18d6546258b1.txt").write_bytes(b"\xff\xfe broken")
    report = app.indexer.sync([Path("data")])
    assert report.errors and "not UTF-8" in report.errors[0]
    assert app.chunk_count() == before


class _Spy:
    def __init__(self, inner, before) -> None:
        self.inner, self.before = inner, before

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.before(texts)
        return self.inner.embed_documents(texts)


def _texts(app: App, **where: str) -> list[str]:
    """Every stored chunk's text (kept beside Chroma in the local store)."""
    got = with_texts(app.store.get(where=where or None), app.chroma.texts)
    return [chunk_text(m, d) for m, d in zip(got["metadatas"], got["documents"], strict=True)]


def _state(app: App) -> tuple[list[str], list[str]]:
    """(Chroma ids, BM25 ids), sorted."""
    return sorted(app.store.get()["ids"]), sorted(App(load_settings()).bm25.ids())


def test_rename_moves_chunks_without_re_embedding(fake_env: Path) -> None:
    app = _app()
    app.indexer.sync([Path("data")])
    Path("data/000_8e8d18d6546258b1.txt").rename("data/renamed.txt")
    calls: list[int] = []
    app.indexer.embeddings = _Spy(app.embeddings, lambda texts: calls.append(len(texts)))
    report = app.indexer.sync([Path("data")])
    assert report.renamed == ["data/000_8e8d18d6546258b1.txt → data/renamed.txt"]
    assert calls == [] and report.removed == [] and report.added == []
    assert _sources(app) == ["data/002_ec2a0a35004d6a3e.txt", "data/renamed.txt"]
    chroma_ids, bm25_ids = _state(app)
    assert chroma_ids == bm25_ids


def test_changing_embeddings_or_chunking_rebuilds(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _app().indexer.sync([Path("data")])
    monkeypatch.setenv("ASSISTANT_CHUNK_SIZE", "300")
    app = _app()
    report = app.indexer.sync([Path("data")])
    assert report.rebuilt and len(report.added) == 2
    longest = max(len(t) for t in _texts(app))
    assert longest <= 600  # one long sentence: ≤ 2×
    stored = app.store.get()
    assert set(stored["documents"]) == {None}  # no document: Chroma would full-text index it
    assert all(set(m) == {"source", PACKED_KEY} for m in stored["metadatas"])  # text beside
    chroma_ids, bm25_ids = _state(app)
    assert chroma_ids == bm25_ids and len(chroma_ids) == app.chunk_count()
    assert not _app().indexer.sync([Path("data")]).rebuilt


def test_an_index_of_other_embeddings_is_not_searched_but_named(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _app().indexer.sync([Path("data")])
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    with pytest.raises(UserError, match="built with fake embeddings, not hashing; run"):
        _app().retriever()
    _app().indexer.sync([Path("data")])  # rebuilt with these: searched again
    assert _app().retriever().invoke("NORAD")


def test_interrupted_sync_keeps_the_old_index_and_the_next_run_finishes(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recovery reads every stored chunk: a page at a time (tiny pages here), since one
    `get` of a collection larger than SQLite's 32,766 variables fails."""
    import index.paging
    import index.sync

    monkeypatch.setattr(index.paging, "GET_PAGE", 3)

    _app().indexer.sync([Path("data")])
    for i in range(6):
        Path(f"data/new{i}.txt").write_text(
            f"New {i}\n\n" + f"Fresh paragraph {i} about lakes. " * 30
        )
    Path("data/002_ec2a0a35004d6a3e.txt").unlink()
    monkeypatch.setattr(index.sync, "FLUSH_CHUNKS", 2)
    app = _app()
    calls = {"n": 0}

    def die_on_third_call(_texts: list[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if killed in the middle of the run

    app.indexer.embeddings = _Spy(app.embeddings, die_on_third_call)
    with pytest.raises(KeyboardInterrupt):
        app.indexer.sync([Path("data")])

    survivor = _app()  # what a new process sees after the crash
    assert survivor.indexer.manifest.in_progress
    assert survivor.retriever(k=2).invoke("land border")  # still usable
    report = survivor.indexer.sync([Path("data")])
    assert not report.errors and not survivor.indexer.manifest.in_progress
    assert "data/002_ec2a0a35004d6a3e.txt" not in _sources(survivor)
    assert len(_sources(survivor)) == 7
    chroma_ids, bm25_ids = _state(survivor)
    assert chroma_ids == bm25_ids and len(chroma_ids) == survivor.chunk_count()
    assert survivor.chroma.texts is not None
    assert survivor.chroma.texts.ids() == set(chroma_ids)  # the killed run's texts swept


def test_unchanged_corpus_opens_no_store(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _app().indexer.sync([Path("data")])
    app = _app()

    def opened() -> None:
        raise AssertionError("the store was opened")

    monkeypatch.setattr(app.chroma, "client", opened)
    monkeypatch.setattr(app.chroma, "collection", opened)
    report = app.indexer.sync([Path("data")])
    assert len(report.unchanged) == 2
    app.chroma.release()  # for the process below
    script = (  # nor loads chromadb: an unchanged re-index is a process start and a scan
        "import sys\nfrom pathlib import Path\nfrom assistant.app import App\n"
        "from assistant.settings import load_settings\n"
        "assert App(load_settings()).indexer.sync([Path('data')]).unchanged\n"
        "assert 'chromadb' not in sys.modules, 'chromadb was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_file_that_vanishes_is_skipped(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.sync

    real = index.sync.load_document

    def vanish(path: Path, max_bytes: int):
        if path.name.startswith("000"):
            path.unlink()
        return real(path, max_bytes)

    monkeypatch.setattr(index.sync, "load_document", vanish)
    report = _app().indexer.sync([Path("data")])
    assert report.added == ["data/002_ec2a0a35004d6a3e.txt"]
    assert report.errors == ["data/000_8e8d18d6546258b1.txt: file vanished before it could be read"]


def test_progress_counts_files_and_chunks_as_batches_are_written(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.sync.FLUSH_CHUNKS", 5)  # several batches, written in a pipeline
    for n in range(6):
        Path(f"data/note{n}.md").write_text(f"# Note {n}\n\n" + f"Fact {n} is here. " * 200)
    calls: list[tuple[int, int, int]] = []
    app = _app()
    report = app.indexer.sync([Path("data")], on_progress=lambda *a: calls.append(a))
    assert len(calls) >= 3 and calls == sorted(calls)  # never goes backwards
    assert calls[-1] == (8, 8, report.chunks_written) and report.chunks_written == app.chunk_count()
    assert sorted(app.bm25.ids()) == sorted(app.store.get()["ids"])


def test_past_the_memory_budget_files_are_read_again_not_held(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder larger than HELD_CHARS indexes the same, re-reading each file before chunking;
    a file that changed in between is reported and left for the next sync."""
    from index import sync

    held = _app()
    held.indexer.sync([Path("data")])
    expected = _state(held)
    monkeypatch.setenv("ASSISTANT_HOME", str(Path(".assistant-reread").resolve()))
    monkeypatch.setattr(sync, "HELD_CHARS", 0)
    reads: list[str] = []
    real_load = sync.load_document

    def load(path: Path, max_bytes: int) -> object:
        reads.append(str(path))
        return real_load(path, max_bytes)

    monkeypatch.setattr(sync, "load_document", load)
    app = _app()
    report = app.indexer.sync([Path("data")])
    assert len(report.added) == 2 and not report.errors
    assert sorted(reads) == sorted(2 * [str(p) for p in Path("data").iterdir()])  # read twice
    assert _state(app) == expected

    extra = Path("data/late.md")
    extra.write_text("# Late\n\nFirst version.\n")

    def changing(path: Path, max_bytes: int) -> object:
        if path.name == "late.md" and str(path) in reads:  # changed since discovery read it
            extra.write_text("# Late\n\nSecond version.\n")
        reads.append(str(path))
        return real_load(path, max_bytes)

    monkeypatch.setattr(sync, "load_document", changing)
    report = app.indexer.sync([Path("data")])
    assert report.errors == ["data/late.md: changed while indexing; index it again"]
    assert "data/late.md" not in app.indexer.manifest.files
    monkeypatch.setattr(sync, "load_document", real_load)
    assert app.indexer.sync([Path("data")]).added == ["data/late.md"]


def _indexed_at_once(monkeypatch: pytest.MonkeyPatch) -> App:
    """data/ indexed, with replaced keyword segments deleted at once rather than 30 s later."""
    from index import bm25_store

    monkeypatch.setattr(bm25_store, "RETIRE_S", 0.0)
    app = _app()
    app.indexer.sync([Path("data")])
    return app


def test_a_keyword_index_of_the_earlier_format_is_derived_again_from_chroma(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    app = _indexed_at_once(monkeypatch)
    chroma_ids, _ = _state(app)
    folder = app.settings.home / "bm25"
    shutil.rmtree(folder)
    (folder / "v7").mkdir(parents=True)  # the whole-snapshot layout of earlier versions
    (folder / "v7" / "ids.json").write_text("[]")
    (folder / "CURRENT").write_text("v7")
    fresh = _app()
    assert fresh.bm25.legacy() and fresh.bm25.ids() == set()
    report = fresh.indexer.sync([Path("data")])
    assert len(report.unchanged) == 2 and report.chunks_written == 0  # nothing re-embedded
    assert sorted(_app().bm25.ids()) == chroma_ids
    assert not (folder / "v7").exists() and not _app().bm25.legacy()


@pytest.mark.parametrize("layout", ["text as a field", "text as document", "one field each"])
def test_an_index_of_an_earlier_layout_still_answers_and_syncs(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    app = _indexed_at_once(monkeypatch)
    stored = with_texts(app.store.get(include=["metadatas", "embeddings"]), app.chroma.texts)
    assert all(set(m) == {"source", PACKED_KEY} for m in stored["metadatas"])
    texts = stored["documents"]
    fields = [{**unpacked(m), "text": t} for m, t in zip(stored["metadatas"], texts, strict=True)]
    if layout == "text as a field":
        fields = [
            {"source": m["source"], "text": t, PACKED_KEY: m[PACKED_KEY]}
            for m, t in zip(stored["metadatas"], texts, strict=True)
        ]
    if layout == "text as document":
        for f in fields:
            del f["text"]
    assert app.chroma.texts is not None
    app.chroma.texts.clear()  # earlier versions kept the text in Chroma
    collection = app.indexer.collection
    collection.delete(ids=stored["ids"])  # written again the way earlier versions wrote it
    collection.add(
        ids=stored["ids"],
        embeddings=stored["embeddings"],
        metadatas=fields,
        documents=texts if layout == "text as document" else None,
    )
    fresh = _app()
    found = fresh.engine.retrieve("How long is the land border?")
    assert found and all(p.text in texts for p in found)
    assert all("text" not in r.metadata for r in fresh.retriever().invoke("border"))
    Path("data/000_8e8d18d6546258b1.txt").rename("data/renamed.txt")
    calls: list[int] = []
    fresh.indexer.embeddings = _Spy(fresh.embeddings, lambda batch: calls.append(len(batch)))
    report = fresh.indexer.sync([Path("data")])  # a rename reuses the documents' vectors
    assert report.renamed and calls == []
    chroma_ids, bm25_ids = _state(_app())
    assert chroma_ids == bm25_ids
