"""CI gate: the seed suite with the real bundled models must hold the suite's thresholds."""

from pathlib import Path

import pytest

from assistant.app import App
from assistant.evaluation.command import run_eval
from assistant.evaluation.suite import load_suite
from assistant.settings import load_settings

pytestmark = pytest.mark.slow
SEED = Path(__file__).resolve().parents[1] / "suites" / "seed.yaml"


@pytest.mark.parametrize("mode", ["generative", "extractive"])
def test_seed_suite_meets_its_thresholds(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: str
) -> None:
    monkeypatch.setenv("ASSISTANT_MODE", mode)
    monkeypatch.setenv("ASSISTANT_LLM", "smollm2")
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "minilm")
    assert load_suite(SEED).thresholds, "the seed suite must gate CI with thresholds"
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    code, run = run_eval(app, SEED, out=tmp_path / "run.json", report=tmp_path / "report.html")
    assert run["totals"]["errors"] == 0
    assert run["threshold_failures"] == [], run["totals"]
    assert code == 0
