"""`assistant bench answers`: scoring, and a whole run on the seed suite with the fakes."""

import json
import os
from pathlib import Path

from assistant.evaluation.answers import Outcome, _correct, score
from tests.conftest import run_cli, tiny_benchmarks

ROOT = Path(__file__).resolve().parents[2]


def test_yes_no_gold_needs_the_right_word_and_not_the_other() -> None:
    assert _correct("Yes. The report says so [1].", ("Yes",))
    assert not _correct("Yes. No report says otherwise [1].", ("Yes",))
    assert _correct("No. It was cancelled [1].", ("no",))
    assert _correct("Sam Bankman-Fried: he founded FTX [1].", ("Sam Bankman-Fried",))
    assert not _correct("FTX was founded in 2019 [1].", ("Sam Bankman-Fried",))


def test_scores_split_answerable_and_unanswerable() -> None:
    outcomes = [
        Outcome(True, False, True, 1.0, 0.1),  # answered right
        Outcome(True, False, False, 0.5, 0.2),  # answered wrong
        Outcome(True, True, False, None, 0.3),  # falsely refused
        Outcome(False, True, False, None, 0.4),  # rightly refused
    ]
    got = score(outcomes)
    assert got["answer_accuracy"] == round(1 / 3, 3)
    assert got["accuracy_of_answered"] == 0.5
    assert got["false_refusal_rate"] == round(1 / 3, 3)
    assert got["refusal_accuracy"] == 1.0
    assert got["citation_support"] == 0.75 and got["p50_s"] == 0.25


def test_a_run_on_the_seed_suite_writes_every_pipeline(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDINGS": "hashing",
        "ASSISTANT_LLM": "fake",
    }
    out = tmp_path / "bench"
    command = ["bench", "answers", "seed", "--limit", "8", "--out", str(out)]
    done = run_cli(command, env)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "answers.json").read_text())["seed"]
    assert set(results) == {"project generative", "project extractive", "textbook", "by_group"}
    for label in ("project generative", "project extractive", "textbook"):
        row = results[label]
        assert row["questions"] == 8
        assert 0 <= row["answer_accuracy"] <= 1 and row["p50_s"] > 0
    assert results["project extractive"]["citation_support"] is not None
    assert sum(g["questions"] for g in results["by_group"]["textbook"].values()) == 8


def test_a_design_choice_is_weighed_on_the_fit_split_only_when_asked(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDINGS": "hashing",
        "ASSISTANT_LLM": "fake",
        "ASSISTANT_BENCHMARKS_DIR": str(tiny_benchmarks(tmp_path / "benchmarks")),
    }
    for split in ("fit", None):
        out = tmp_path / f"bench-{split}"
        command = ["bench", "answers", "nq-open", "--limit", "4", "--no-textbook"]
        command += ["--out", str(out)]
        done = run_cli([*command, "--split", split] if split else command, env)
        assert done.returncode == 0, done.stderr[-2000:]
        results = json.loads((out / "answers.json").read_text())
        assert list(results) == [f"nq-open-{split or 'report'}"]  # the report split by default
        assert results[f"nq-open-{split or 'report'}"]["project extractive"]["questions"] == 4
