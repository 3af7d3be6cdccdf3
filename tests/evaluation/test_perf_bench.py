"""`assistant bench perf` end to end on a small fake MultiHop-RAG corpus (real child processes)."""

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.evaluation.perf import _median_ci, bench_perf
from assistant.settings import load_settings
from tests.evaluation.test_benchmarks import _fake_benchmarks


def _stories(tmp_path: Path) -> Path:
    root = _fake_benchmarks(tmp_path / "bench")
    article = json.loads((root / "multihop-rag" / "corpus.json").read_text())[0]
    articles = [
        {**article, "title": f"Story {n}", "url": f"https://example.org/{n}",
         "body": f"Story {n} says this. " * 120}
        for n in range(30)
    ]  # fmt: skip
    (root / "multihop-rag" / "corpus.json").write_text(json.dumps(articles))
    return root


def test_perf_bench_measures_a_corpus_of_the_asked_size(
    fake_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "fake")
    settings = load_settings().model_copy(update={"benchmarks_dir": _stories(tmp_path)})
    result = bench_perf(settings, 60, "fake", tmp_path / "work", seed_limit=2, starts=2)
    assert 60 <= result["estimated_chunks"] < 80  # the first articles, up to the size asked
    assert result["chunks"] == result["estimated_chunks"] + 2  # plus the two files added
    assert result["index_chunks_per_s"] > 0 and result["index_peak_rss_mb"] > 50
    assert result["unchanged_reindex_s"] > 0 and result["add_one_file_warm_s"] > 0
    for key in (
        "retrieval_hybrid_with_query_embedding",
        "retrieval_dense_only_with_query_embedding",
        "retrieval_bm25",
    ):
        assert 0 < result[key]["p50_ms"] <= result[key]["p95_ms"]
    textbook = result["textbook"]  # the LangChain splitter + Chroma on the same corpus
    assert textbook["chunks"] > 0 and textbook["index_chunks_per_s"] > 0
    p50 = textbook["retrieval_dense_with_query_embedding"]["p50_ms"]
    assert 0 < p50 <= textbook["retrieval_dense_with_query_embedding"]["p95_ms"]
    assert result["hybrid_vs_dense_p50"] > 0
    encode = result["minilm_query_embedding"]["p50_ms"]  # a fake index, a real query embedding
    hybrid = result["retrieval_hybrid_with_minilm_query"]
    assert 0 < encode < hybrid["p50_ms"] <= hybrid["p95_ms"]
    assert result["hybrid_vs_dense_p50_with_minilm_query"] > 0
    assert 0 < result["index_chroma_writes_s"] <= result["index_s"]  # parsed from `assistant index`
    seed = result["seed_answers"]  # the shipped defaults answering seed questions, warm
    assert seed["questions"] >= 2 and seed["warm_up_s"] >= 0
    assert 0 < seed["first_token_p50_ms"] <= seed["full_answer_p50_ms"]
    starts = seed["starts"]  # fresh processes on the same home, after this one let it go
    assert starts["processes"] == len(starts["cold_and_warm_ms"]) == 2
    assert starts["cold_not_slower"] == sum(c <= w for c, w in starts["cold_and_warm_ms"])
    low, high = starts["cold_minus_warm_p50_ci95_ms"]
    differences = [c - w for c, w in starts["cold_and_warm_ms"]]
    assert min(differences) - 1 <= low <= starts["cold_minus_warm_p50_ms"] <= high
    assert high <= max(differences) + 1
    assert starts["first_question_after_start_p50_ms"] > 0
    assert starts["same_question_warm_p50_ms"] > 0


@pytest.mark.slow
def test_perf_bench_with_minilm_sets_the_index_beside_raw_encode(
    fake_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "minilm")
    settings = load_settings().model_copy(update={"benchmarks_dir": _stories(tmp_path)})
    result = bench_perf(settings, 150, "minilm", tmp_path / "work", textbook=False)
    raw, load = result["raw_minilm_chunks_per_s"], result["minilm_load_s"]
    assert raw > 0 and 0 < load < result["index_s"]
    assert result["index_vs_raw_minilm"] == pytest.approx(result["index_chunks_per_s"] / raw, 0.01)
    once_loaded = result["estimated_chunks"] / (result["index_s"] - load) / raw
    assert result["index_vs_raw_minilm_once_loaded"] == pytest.approx(once_loaded, rel=0.05)
    assert result["index_vs_raw_minilm_once_loaded"] > result["index_vs_raw_minilm"]
    # each timed search embeds its query: none reuses the vector the other search computed
    hybrid = result["retrieval_hybrid_with_query_embedding"]["p50_ms"]
    dense = result["retrieval_dense_only_with_query_embedding"]["p50_ms"]
    assert dense > 0.5 * hybrid


def test_the_median_interval_holds_the_median_and_narrows_with_more_starts() -> None:
    rng = np.random.default_rng(1)
    few, many = rng.normal(5, 40, 8), rng.normal(5, 40, 200)
    for values in (few, many):
        low, high = _median_ci(values)
        assert low <= np.median(values) <= high
    assert np.subtract(*_median_ci(many)[::-1]) < np.subtract(*_median_ci(few)[::-1]) / 2
    assert _median_ci(np.full(10, 7.0)) == [7.0, 7.0]
