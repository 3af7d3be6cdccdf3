"""The segmented keyword index: a change costs a segment the size of the change, scores do not
depend on which segment holds a chunk, deletions hide chunks at once, segments stay few."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from index import bm25_store
from index.bm25_store import BM25Store

WORDS = [
    "border",
    "maple",
    "syrup",
    "reserve",
    "honey",
    "defence",
    "treaty",
    "river",
    "lake",
    "mountain",
    "pipeline",
    "tariff",
    "election",
    "minister",
    "climate",
    "arctic",
    "salmon",
    "harbour",
    "railway",
    "wheat",
    "copper",
    "nickel",
    "uranium",
]


def _corpus(n: int, seed: int = 0) -> dict[str, str]:
    rng = random.Random(seed)
    return {f"c{i:05d}": " ".join(rng.choices(WORDS, k=rng.randint(5, 40))) for i in range(n)}


def _add(store: BM25Store, ids: list[str], texts: list[str], source: str = "f.md") -> None:
    store.upsert(ids, texts, [source] * len(ids))


def _segments(store: BM25Store) -> list[tuple[str, int]]:
    state = store._state()
    assert state is not None
    return [(s.name, len(s.ids)) for s in state.segments]


def test_rankings_do_not_depend_on_how_the_index_was_split(tmp_path: Path) -> None:
    corpus = _corpus(600)
    whole = BM25Store(tmp_path / "whole")
    _add(whole, list(corpus), list(corpus.values()))
    whole.save()
    pieces = BM25Store(tmp_path / "pieces")
    items = list(corpus.items())
    for start in range(0, len(items), 37):  # odd sizes: several segments survive merging
        part = items[start : start + 37]
        _add(pieces, [i for i, _ in part], [t for _, t in part])
        pieces.save()
    assert len(_segments(pieces)) >= 3
    overlap = 0.0
    for query in ("maple syrup reserve", "arctic salmon harbour", "copper nickel uranium tariff"):
        a, b = whole.search(query, 10), pieces.search(query, 10)
        overlap += len({i for i, _ in a} & {i for i, _ in b}) / 10
        # the same chunk scores alike in both (segments differ only in length normalisation)
        scores = dict(b)
        for chunk_id, score in a:
            if chunk_id in scores:
                assert scores[chunk_id] == pytest.approx(score, rel=0.15)
    assert overlap / 3 >= 0.8


def test_a_file_added_later_is_found_first_for_its_own_words(tmp_path: Path) -> None:
    """With segment-local idf a one-chunk segment would score its rare words low."""
    store = BM25Store(tmp_path / "bm25")
    corpus = _corpus(2000)
    _add(store, list(corpus), list(corpus.values()))
    store.save()
    _add(store, ["new"], ["The zeppelin hangar stores maple syrup"])
    store.save()
    assert store.search("zeppelin hangar", 3)[0][0] == "new"
    assert store.search("zeppelin maple syrup", 3)[0][0] == "new"


def test_a_word_is_found_with_or_without_its_accents(tmp_path: Path) -> None:
    store = BM25Store(tmp_path / "bm25")
    corpus = _corpus(200)
    _add(store, list(corpus), list(corpus.values()))
    _add(store, ["b", "m"], ["Beyoncé went to school in Houston", "Montreal harbour opens"])
    store.save()
    assert store.search("Where did Beyonce go to school?", 1)[0][0] == "b"
    assert store.search("Montréal harbour", 1)[0][0] == "m"


def test_adding_one_file_writes_one_small_segment_and_keeps_the_big_one(tmp_path: Path) -> None:
    store = BM25Store(tmp_path / "bm25")
    corpus = _corpus(3000)
    _add(store, list(corpus), list(corpus.values()))
    store.save()
    [(big, size)] = _segments(store)
    assert size == 3000
    mtime = (tmp_path / "bm25" / big / "ids.json").stat().st_mtime_ns
    _add(store, ["one", "two"], ["maple syrup", "honey reserve"])
    store.save()
    assert _segments(store) == [(big, 3000), (_segments(store)[1][0], 2)]
    assert (tmp_path / "bm25" / big / "ids.json").stat().st_mtime_ns == mtime


def test_segments_stay_logarithmic_under_many_small_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bm25_store, "RETIRE_S", 0.0)
    store = BM25Store(tmp_path / "bm25")
    for i in range(128):
        _add(store, [f"d{i}"], [f"{WORDS[i % len(WORDS)]} item {i}"])
        store.save()
    assert len(store.ids()) == 128
    assert len(_segments(store)) <= 8
    assert len(list((tmp_path / "bm25").glob("seg-*"))) == len(_segments(store))  # no leftovers


def test_a_long_sync_leaves_its_full_segments_unmerged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bm25_store, "SEGMENT_CHUNKS", 100)
    store = BM25Store(tmp_path / "bm25")
    ids = list(_corpus(190).items())
    for start in (0, 100):  # the indexer's batches: a segment is written at 100 chunks
        batch = ids[start : start + 100]
        _add(store, [i for i, _ in batch], [t for _, t in batch])
    store.save()
    assert [size for _, size in _segments(store)] == [100, 90]
    assert len(store.ids()) == 190


def test_deleted_chunks_vanish_at_once_and_a_mostly_deleted_segment_is_rewritten(
    tmp_path: Path,
) -> None:
    store = BM25Store(tmp_path / "bm25")
    corpus = _corpus(100)
    _add(store, list(corpus), list(corpus.values()))
    store.save()
    gone = [i for i, _ in store.search("maple", 100)]
    assert gone
    store.delete(gone)
    store.save()
    assert store.search("maple", 100) == []
    assert store.ids() == set(corpus) - set(gone)
    reader = BM25Store(tmp_path / "bm25")  # another process sees the same
    assert reader.search("maple", 100) == [] and reader.ids() == store.ids()
    rest = sorted(store.ids())
    store.delete(rest[: len(rest) // 2])
    store.save()
    [(_, size)] = _segments(store)
    assert size == len(rest) - len(rest) // 2  # rewritten without the deleted chunks


def test_a_re_upserted_chunk_is_held_once(tmp_path: Path) -> None:
    store = BM25Store(tmp_path / "bm25")
    _add(store, ["a", "b"], ["maple syrup", "honey"])
    store.save()
    _add(store, ["a"], ["maple syrup"])
    store.save()
    assert [i for i, _ in store.search("maple", 10)] == ["a"]
    assert store.ids() == {"a", "b"}


def test_clear_then_save_empties_the_index(tmp_path: Path) -> None:
    store = BM25Store(tmp_path / "bm25")
    _add(store, ["a"], ["maple syrup"])
    store.save()
    store.clear()
    store.save()
    assert store.ids() == set() and store.search("maple", 5) == []


def test_a_save_killed_before_the_switch_leaves_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BM25Store(tmp_path / "bm25")
    _add(store, ["a"], ["maple syrup"])
    store.save()

    def killed(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bm25_store.os, "replace", killed)
    _add(store, ["b"], ["honey reserve"])
    with pytest.raises(KeyboardInterrupt):
        store.save()
    assert BM25Store(tmp_path / "bm25").ids() == {"a"}


def test_searches_beside_a_writer_always_see_a_whole_state(tmp_path: Path) -> None:
    store = BM25Store(tmp_path / "bm25")
    _add(store, ["base"], ["maple syrup base"])
    store.save()
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        reader = BM25Store(tmp_path / "bm25")
        while not done.is_set():
            try:
                assert "base" in {i for i, _ in reader.search("maple syrup", 50)}
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(40):
        _add(store, [f"x{i}"], [f"maple syrup {i}"])
        store.save()
    done.set()
    for t in threads:
        t.join()
    assert not errors


def test_delete_sources_takes_out_every_chunk_of_those_files_saved_or_pending(
    tmp_path: Path,
) -> None:
    store = BM25Store(tmp_path / "bm25")
    _add(store, ["a1", "a2"], ["maple syrup", "maple leaf"], "a.md")
    _add(store, ["b1"], ["maple honey"], "b.md")
    store.save()
    _add(store, ["a3"], ["maple tree"], "a.md")  # not saved yet
    store.delete_sources(["a.md"])
    assert store.ids() == {"b1"}
    store.save()
    assert [i for i, _ in BM25Store(tmp_path / "bm25").search("maple", 10)] == ["b1"]


def test_the_top_k_of_a_segment_are_the_k_highest_positive_scores() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    for n, k, zeros in [(5, 30, 0.0), (40, 30, 0.5), (1000, 30, 0.0), (5000, 30, 0.99)]:
        for _ in range(20):
            scores = rng.choice([0.5, 1.0, 2.0, 3.0], n).astype(np.float32)  # ties
            scores = np.where(rng.random(n) < zeros, 0, scores * rng.random(n) ** 2)
            scores = scores.astype(np.float32)
            if n > 1000:  # the best chunks exactly where the sample looks: its floor is the k-th
                scores[::16] += 10 * rng.random(len(scores[::16])).astype(np.float32)
            got = bm25_store._top(scores, k)
            positive = sorted(scores[scores > 0], reverse=True)
            assert sorted(scores[got], reverse=True) == positive[:k]
            assert len(set(got.tolist())) == len(got)
