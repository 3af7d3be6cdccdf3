from pathlib import Path

from assistant.app import App
from assistant.settings import load_settings


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
    texts = app.store.get(where={"source": "data/extra.md"})["documents"]
    assert all("new document" not in t for t in texts)

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
