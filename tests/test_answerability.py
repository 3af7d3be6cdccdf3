"""The fitted answerability model: small, fast to load, re-created by its command."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from assistant.answering.answerability import FEATURES, AnswerabilityModel, artefact_for

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_models_are_small_and_load_fast() -> None:
    for embeddings in ("minilm", "hashing"):
        path = artefact_for(embeddings)
        assert path.stat().st_size < 5_000_000
        started = time.perf_counter()
        model = AnswerabilityModel.load(path)
        assert time.perf_counter() - started < 0.2
        assert len(model.weights) == len(FEATURES) and 0 < model.threshold < 1
        assert "squad2" in model.trained_on


def test_probability_follows_the_evidence() -> None:
    model = AnswerabilityModel.load(artefact_for("minilm"))
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
    env = {**os.environ, "ASSISTANT_EMBEDDINGS": "hashing"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "fit-answerability",
            "--limit",
            "40",
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert 0 < summary["unanswerable"] < summary["questions"] <= 80  # logic refuses some first
    model = AnswerabilityModel.load(out)
    assert len(model.weights) == len(FEATURES)
