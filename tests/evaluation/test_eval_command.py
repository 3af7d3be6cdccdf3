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
  - id: first-sentence
    question: What is this document?
    expect: {facts: [["{fact}"]], sources: ["000_8e8d18d6546258b1.txt", "002_ec2a0a35004d6a3e.txt"]}
    reference: "{fact}"
    tags: [single]
  - id: absent
    question: Something the fake can never get right <script>alert(1)</script>
    expect: {facts: [["zzz-not-there"]]}
  - id: crash
    question: CRASH please
    expect: {facts: [["x"]]}
  - id: convo
    turns:
      - question: First question
        expect: {sources: ["000_8e8d18d6546258b1.txt"]}
      - question: Second question
"""


@pytest.fixture
def app(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    real_ask = app.engine.ask

    def ask(question: str, history=()):
        if question.startswith("CRASH"):
            raise RuntimeError("engine exploded")
        return real_ask(question, history)

    monkeypatch.setattr(app.engine, "ask", ask)
    return app


def _suite(tmp_path: Path, app: App, thresholds: str | None = None) -> Path:
    fact = app.engine.ask("What is this document?").answer.split(" [")[0]
    text = SUITE.replace("{fact}", fact.replace('"', '\\"'))
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
    assert cases["first-sentence"]["passed"] is True
    assert cases["first-sentence"]["turns"][0]["metrics"]["token_f1"] == 1.0
    assert cases["first-sentence"]["turns"][0]["answer"]["citations"]
    assert cases["absent"]["passed"] is False
    assert "missing fact: zzz-not-there" in cases["absent"]["turns"][0]["reasons"]
    assert cases["crash"]["turns"][0]["error"] == "RuntimeError: engine exploded"
    assert len(cases["convo"]["turns"]) == 2 and run["totals"]["errors"] == 1
    assert run["totals"]["fact_accuracy"] == pytest.approx(1 / 2)
    assert code == 0

    page = report.read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "FAIL</summary>" not in page and "FAIL absent" in page
    xml = ET.parse(junit).getroot()
    assert xml.get("tests") == "4" and xml.get("failures") == "2"


def test_failed_threshold_exits_1(app: App, tmp_path: Path) -> None:
    suite = _suite(tmp_path, app, "{fact_accuracy: 0.9}")
    code, run = run_eval(app, suite)
    assert code == 1 and run["threshold_failures"] == [
        "fact_accuracy = 0.500 is below the threshold 0.9"
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
    assert run["baseline"]["deltas"]["fact_accuracy"] == pytest.approx(-0.5)
    assert set(run["baseline"]["newly_failing"]) == {"absent", "crash"}
    assert run["baseline"]["regressions"] == ["fact_accuracy: 1.000 → 0.500"]


def test_cli_eval_and_its_errors(fake_env: Path, capfd: pytest.CaptureFixture[str]) -> None:
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
