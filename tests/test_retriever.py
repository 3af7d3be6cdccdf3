from pathlib import Path

import pytest

from assistant.app import App
from assistant.settings import load_settings


@pytest.fixture
def app(fake_env: Path) -> App:
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    return app


def test_bm25_finds_exact_terms_that_fake_embeddings_cannot(app: App) -> None:
    docs = app.retriever(k=3).invoke("Kovrig Spavor detentions")
    assert "Kovrig" in docs[0].page_content
    assert docs[0].metadata["bm25_rank"] == 1
    assert docs[0].metadata["score"] >= docs[-1].metadata["score"]


def test_every_hit_carries_both_signals(app: App) -> None:
    for doc in app.retriever(k=5).invoke("NORAD crown jewel"):
        meta = doc.metadata
        assert isinstance(meta["dense_score"], float)
        assert meta["dense_rank"] is not None or meta["bm25_rank"] is not None
        assert {"source", "start", "end", "title", "heading"} <= set(meta)


def test_dense_only_and_bm25_only_are_settings(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_DENSE_WEIGHT", "0")
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    docs = app.retriever(k=3).invoke("Wales Defense Investment Pledge")
    assert all(d.metadata["dense_rank"] is None for d in docs)
    assert "Wales" in docs[0].page_content


def test_mmr_avoids_near_duplicates(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Maple syrup exports grew strongly in the spring season this year."
    for i in range(3):
        Path(f"data/copy{i}.txt").write_text(f"Copy {i}\n\n{text}\n")
    monkeypatch.setenv("ASSISTANT_MMR_LAMBDA", "0.3")
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    texts = [d.page_content for d in app.retriever(k=3).invoke("maple syrup exports")]
    assert texts.count(text) == 1
    monkeypatch.delenv("ASSISTANT_MMR_LAMBDA")
    plain = [
        d.page_content for d in App(load_settings()).retriever(k=3).invoke("maple syrup exports")
    ]
    assert plain.count(text) == 3


def test_it_plugs_into_a_langchain_chain(app: App) -> None:
    from langchain_core.runnables import RunnableLambda

    chain = app.retriever(k=2) | RunnableLambda(lambda docs: [d.metadata["source"] for d in docs])
    assert len(chain.invoke("border")) == 2


def test_chunks_of_an_unfinished_sync_are_never_returned(app: App) -> None:
    """A sync killed after writing Chroma and BM25 but before the manifest leaves chunks of a
    file version nobody recorded; retrieval must skip them however well they rank."""
    stale = "Kovrig Spavor stale unrecorded draft text about detentions."
    meta = {"source": "data/000_8e8d18d6546258b1.txt", "sha256": "not-the-recorded-hash"}
    app.indexer.collection.upsert(
        ids=["stale-1"],
        embeddings=app.embeddings.embed_documents([stale]),
        documents=[stale],
        metadatas=[{**meta, "title": "t", "heading": "h", "start": 0, "end": len(stale)}],
    )
    app.bm25.upsert(["stale-1"], [stale], [meta["source"]])
    app.bm25.save()
    unfiltered = app.retriever(k=3).model_copy(update={"live": None})
    assert unfiltered.invoke(stale)[0].id == "stale-1"  # it would be the top hit
    docs = app.retriever(k=3).invoke(stale)
    assert len(docs) == 3 and "stale-1" not in {d.id for d in docs}


def test_a_chunk_whose_text_was_just_deleted_is_skipped(app: App) -> None:
    """A search can read a vector just before a sync deletes that chunk (its text first
    gone): the chunk is skipped, never returned without its text."""
    top = app.retriever(k=3).invoke("land border miles")
    assert app.chroma.texts is not None
    app.chroma.texts.delete([top[0].id])
    again = app.retriever(k=3).invoke("land border miles")
    assert len(again) == 3 and top[0].id not in {d.id for d in again}
    assert all(d.page_content for d in again)
