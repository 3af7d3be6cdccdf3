"""The fitted answerability model: small, fast to load, re-created by its command."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.answering.answerability import (
    FEATURES,
    VERDICT_FEATURES,
    LogisticModel,
    artefact_for,
)
from assistant.evaluation.datasets import Dataset, dataset_app
from assistant.settings import load_settings
from tests.conftest import run_cli, tiny_benchmarks

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_models_are_small_and_load_fast() -> None:
    for embeddings in ("minilm", "hashing"):
        path = artefact_for(embeddings)
        assert path.stat().st_size < 5_000_000
        started = time.perf_counter()
        model = LogisticModel.load(path)
        assert time.perf_counter() - started < 0.2
        assert len(model.weights) == len(FEATURES) and 0 < model.threshold < 1
        assert "squad2" in model.trained_on
        verdict = artefact_for(embeddings, "verdict")
        assert verdict.stat().st_size < 5_000_000
        started = time.perf_counter()
        assert len(LogisticModel.load(verdict, VERDICT_FEATURES).weights) == len(VERDICT_FEATURES)
        assert time.perf_counter() - started < 0.2


def test_probability_follows_the_evidence() -> None:
    model = LogisticModel.load(artefact_for("minilm"))
    strong = dict.fromkeys(FEATURES, 0.0) | {
        "similarity": 0.8,
        "coverage": 1.0,
        "lexical": 1.0,
        "typed": 1.0,
        "margin": 0.5,
    }
    weak = dict.fromkeys(FEATURES, 0.0) | {
        "similarity": 0.1,
        "coverage": 0.0,
        "lexical": 0.0,
        "typed": 1.0,
        "beyond": 1.0,
        "sentence_missing": 1.0,
    }
    assert model.probability(strong) > model.threshold > model.probability(weak)


def test_the_training_command_recreates_an_artefact(tmp_path: Path) -> None:
    out = tmp_path / "answerability.json"
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDINGS": "hashing",
        "ASSISTANT_BENCHMARKS_DIR": str(tiny_benchmarks(tmp_path / "benchmarks")),
    }
    done = run_cli(
        [
            "fit-answerability",
            "--limit",
            "40",
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert 0 < summary["unanswerable"] < summary["questions"] <= 120  # logic refuses some first
    model = LogisticModel.load(out)
    assert len(model.weights) == len(FEATURES)
    verdict = LogisticModel.load(tmp_path / "verdict.json", VERDICT_FEATURES)
    assert summary["verdict_questions"] > 0 and 0 < verdict.threshold < 1
    # each dataset asked of the model fitted on the others, where both classes are there
    held_out = summary["held_out_dataset_false_refusals"]
    assert held_out and all(0 <= rate <= 1 for rate in held_out.values())


def test_missing_benchmark_data_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_BENCHMARKS_DIR": str(tmp_path / "nowhere")}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "fit-answerability", "--out", str(tmp_path / "x")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "ASSISTANT_BENCHMARKS_DIR" in done.stderr


def test_a_dataset_home_indexes_its_own_corpus_only(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    settings = load_settings()
    text = "The red bridge is 300 metres long."
    dataset = Dataset("bridges", {"a.txt": text}, [])
    old = dataset.write_corpus(fake_env / "old" / "corpus")  # indexed before the workdir moved
    home = fake_env / "w" / "bridges" / ".assistant"
    subprocess.run(  # another process, as a run before the move was
        [sys.executable, "-m", "assistant.cli", "index", str(old)],
        env={**os.environ, "ASSISTANT_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    app = dataset_app(settings, dataset, fake_env / "w")
    passages = app.engine.retrieve("How long is the red bridge?")
    assert [p.source for p in passages] == ["w/bridges/corpus/a.txt"]  # not twice
