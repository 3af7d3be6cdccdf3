import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assistant.app import App
from assistant.cli import main
from assistant.evaluation.command import run_eval
from assistant.settings import load_settings

SUITE = """
name: mini
thresholds: {fact_accuracy: 0.4, recall_at_5: 0.5}
cases:
  - id: border
    question: How long is the land border between the United States and Canada?
    expect: {facts: [["5,525"]], sources: ["000_8e8d18d6546258b1.txt"]}
    reference: The land border is 5,525 miles long.
    tags: [single]
  - id: absent
    question: How long is the land border between the US and Canada <script>alert(1)</script>?
    expect: {facts: [["zzz-not-there"]]}
  - id: crash
    question: CRASH please
    expect: {facts: [["x"]]}
  - id: population
    question: What is the population of Atlantis?
    expect: {refuse: true}
  - id: convo
    turns:
      - question: What is the crown jewel of defense cooperation?
        expect: {facts: [["NORAD"]], sources: ["000_8e8d18d6546258b1.txt"]}
      - question: How old is it?
        expect: {facts: [["60"]]}
"""


@pytest.fixture
def app(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    monkeypatch.setenv("ASSISTANT_MODE", "extractive")  # engine modes are tested in test_engine
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    app.engine.judge.model = None  # the eval command is tested here, not the fitted gate
    real_ask = app.engine.ask

    def ask(question: str, history=()):
        if question.startswith("CRASH"):
            raise RuntimeError("engine exploded")
        return real_ask(question, history)

    monkeypatch.setattr(app.engine, "ask", ask)
    return app


def _suite(tmp_path: Path, app: App, thresholds: str | None = None) -> Path:
    text = SUITE
    if thresholds:
        text = text.replace("{fact_accuracy: 0.4, recall_at_5: 0.5}", thresholds)
    path = tmp_path / "mini.yaml"
    path.write_text(text)
    return path


def test_run_writes_json_html_and_junit(app: App, tmp_path: Path) -> None:
    out, report, junit = tmp_path / "run.json", tmp_path / "r.html", tmp_path / "j.xml"
    code, run = run_eval(app, _suite(tmp_path, app), out=out, report=report, junit=junit)
    saved = json.loads(out.read_text())
    assert saved["totals"] == run["totals"]
    assert {"llm", "embeddings", "chunk_size", "k", "corpus_hash", "code_version"} <= set(
        saved["manifest"]
    )
    cases = {c["id"]: c for c in saved["cases"]}
    assert cases["border"]["passed"] is True
    assert 0.2 < cases["border"]["turns"][0]["metrics"]["token_f1"] < 1.0
    assert cases["border"]["turns"][0]["answer"]["citations"]
    assert cases["population"]["passed"] is True
    assert cases["absent"]["passed"] is False
    assert "missing fact: zzz-not-there" in cases["absent"]["turns"][0]["reasons"]
    assert cases["crash"]["turns"][0]["error"] == "RuntimeError: engine exploded"
    assert cases["convo"]["passed"] is True and len(cases["convo"]["turns"]) == 2
    assert run["totals"]["errors"] == 1 and run["totals"]["refusal_accuracy"] == 1.0
    assert run["totals"]["fact_accuracy"] == pytest.approx(3 / 4)
    assert code == 0

    page = report.read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "FAIL</summary>" not in page and "FAIL absent" in page
    xml = ET.parse(junit).getroot()
    assert xml.get("tests") == "5" and xml.get("failures") == "2"


def test_failed_threshold_exits_1(app: App, tmp_path: Path) -> None:
    suite = _suite(tmp_path, app, "{fact_accuracy: 0.9}")
    code, run = run_eval(app, suite)
    assert code == 1 and run["threshold_failures"] == [
        "fact_accuracy = 0.750 is below the threshold 0.9"
    ]


def test_baseline_reports_deltas_and_newly_failing_cases(app: App, tmp_path: Path) -> None:
    suite = _suite(tmp_path, app)
    _, good = run_eval(app, suite, out=tmp_path / "good.json")
    # Make the baseline better than reality: pretend "absent" used to pass with full accuracy.
    for case in good["cases"]:
        case["passed"] = True
    good["totals"]["fact_accuracy"] = 1.0
    (tmp_path / "good.json").write_text(json.dumps(good))
    code, run = run_eval(app, suite, baseline=tmp_path / "good.json")
    assert code == 1
    assert run["baseline"]["deltas"]["fact_accuracy"] == pytest.approx(-0.25)
    assert set(run["baseline"]["newly_failing"]) == {"absent", "crash"}
    assert run["baseline"]["regressions"] == ["fact_accuracy: 1.000 → 0.750"]


def test_cli_eval_and_its_errors(fake_env: Path, capfd: pytest.CaptureFixture[str]) -> None:
    good = Path("good.yaml")
    good.write_text("name: x\ncases: [{id: q1, question: hi, expect: {refuse: true}}]\n")
    assert main(["eval", str(good)]) == 2  # nothing indexed yet
    err = capfd.readouterr().err
    assert "the index is empty" in err and "assistant index data" in err
    assert "Traceback" not in err
    assert main(["index"]) == 0
    bad = Path("bad.yaml")
    bad.write_text("name: x\ncases: [{id: q1, questoin: hi}]\n")
    assert main(["eval", str(bad)]) == 2
    err = capfd.readouterr().err
    assert "bad.yaml: case 'q1'" in err and "questoin" in err and "Traceback" not in err
    assert main(["eval", "missing.yaml"]) == 2
    assert "suite file not found" in capfd.readouterr().err


def test_retrieval_only_skips_the_llm(app: App, tmp_path: Path) -> None:
    _, run = run_eval(app, _suite(tmp_path, app), retrieval_only=True)
    turn = run["cases"][0]["turns"][0]
    assert turn["answer"] is None and "recall_at_5" in turn["metrics"]
    assert "fact_accuracy" not in run["totals"] and "recall_at_5" in run["totals"]
