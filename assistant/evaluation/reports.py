"""What a run leaves behind: RUN.json, a self-contained HTML report, JUnit XML, a terminal table."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from assistant.evaluation.suite import LOWER_IS_BETTER


def write_json(run: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, indent=1, ensure_ascii=False), encoding="utf-8")


def load_run(path: Path) -> dict[str, Any]:
    from assistant.errors import UserError

    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: baseline run not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{path}: not a RUN.json written by `assistant eval --out`") from None
    if not isinstance(run, dict) or "totals" not in run or "cases" not in run:
        raise UserError(f"{path}: not a RUN.json written by `assistant eval --out`")
    return run


def compare(run: dict[str, Any], baseline: dict[str, Any], tolerance: float) -> dict[str, Any]:
    """Per-metric deltas, cases gone from pass to fail, and regressions beyond tolerance."""
    deltas, regressions = {}, []
    for name, value in run["totals"].items():
        old = baseline["totals"].get(name)
        if old is None or name in {"cases", "turns"} or "latency" in name:
            continue
        deltas[name] = round(value - old, 4)
        lower_better = name in LOWER_IS_BETTER or name == "errors"
        worse = value - old if lower_better else old - value
        if worse > tolerance:
            regressions.append(f"{name}: {old:.3f} → {value:.3f}")
    before = {c["id"]: c["passed"] for c in baseline["cases"]}
    newly_failing = [c["id"] for c in run["cases"] if not c["passed"] and before.get(c["id"])]
    return {"deltas": deltas, "newly_failing": newly_failing, "regressions": regressions}


def print_totals(run: dict[str, Any], console: Console) -> None:
    table = Table(title=f"suite {run['manifest']['suite']}: totals")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("threshold", justify="right")
    thresholds = run["manifest"]["thresholds"]
    deltas = (run.get("baseline") or {}).get("deltas", {})
    if deltas:
        table.add_column("Δ baseline", justify="right")
    for name, value in run["totals"].items():
        row = [name, _fmt(value), _fmt(thresholds.get(name, ""))]
        if deltas:
            row.append(f"{deltas[name]:+.3f}" if name in deltas else "")
        table.add_row(*row)
    console.print(table)


def write_junit(run: dict[str, Any], path: Path) -> None:
    cases = run["cases"]
    suite = ET.Element(
        "testsuite",
        name=run["manifest"]["suite"],
        tests=str(len(cases)),
        failures=str(sum(not c["passed"] for c in cases)),
        time=f"{run['manifest']['duration_s']:.2f}",
    )
    for case in cases:
        el = ET.SubElement(suite, "testcase", classname=run["manifest"]["suite"], name=case["id"])
        reasons = [
            r for t in case["turns"] for r in t["reasons"] + ([t["error"]] if t["error"] else [])
        ]
        if not case["passed"]:
            failure = ET.SubElement(el, "failure", message=reasons[0] if reasons else "failed")
            failure.text = "\n".join(reasons)
    for failure_text in run["threshold_failures"]:
        el = ET.SubElement(
            suite, "testcase", classname="thresholds", name=failure_text.split(" ")[0]
        )
        ET.SubElement(el, "failure", message=failure_text)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
.pass{color:#137333}.fail{color:#b3261e}details{border:1px solid #ddd;margin:.4rem 0;padding:.4rem}
blockquote{background:#f6f6f6;margin:.3rem 0;padding:.4rem .8rem;white-space:pre-wrap}
mark{background:#fff2a8}.why{color:#b3261e}small{color:#666}
"""


def write_html(run: dict[str, Any], path: Path) -> None:
    e = html.escape
    man = run["manifest"]
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{_fmt(v)}</td><td>{_fmt(man['thresholds'].get(k, ''))}</td></tr>"
        for k, v in run["totals"].items()
    )
    failures = "".join(f"<li class='fail'>{e(f)}</li>" for f in run["threshold_failures"])
    verdict = "FAILED" if run["threshold_failures"] else "PASSED"
    settings = {k: v for k, v in man.items() if k != "thresholds"}
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(man['suite'])} — eval</title>",
        f"<style>{CSS}</style></head><body><h1>Suite {e(man['suite'])}: "
        f"<span class='{'fail' if failures else 'pass'}'>{verdict}</span></h1>",
        f"<p><small>{e(json.dumps(settings))}</small></p>",
        f"<ul>{failures}</ul><table><tr><th>metric</th><th>value</th><th>threshold</th></tr>",
        f"{rows}</table>",
        "<h2>Cases</h2>",
    ]
    for case in run["cases"]:
        status = "pass" if case["passed"] else "fail"
        body = "".join(_turn_html(t) for t in case["turns"])
        parts.append(
            f"<details{'' if case['passed'] else ' open'}><summary class='{status}'>"
            f"{status.upper()} {e(case['id'])} <small>{e(', '.join(case['tags']))}</small>"
            f"</summary>{body}</details>"
        )
    parts.append("</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")


def _turn_html(turn: dict[str, Any]) -> str:
    e = html.escape
    out = [f"<p><b>Q:</b> {e(turn['question'])}</p>"]
    answer = turn["answer"]
    if turn["error"]:
        out.append(f"<p class='why'>error: {e(turn['error'])}</p>")
    if answer:
        refused = " <small>(refused)</small>" if answer["refused"] else ""
        out.append(f"<p><b>A:</b> {e(answer['answer'])}{refused}</p>")
        for c in answer["citations"]:
            text, quote = e(c["text"]), e(c["quote"])
            if quote and quote in text:
                text = text.replace(quote, f"<mark>{quote}</mark>", 1)
            out.append(
                f"<small>[{c['n']}] {e(c['title'])} — {e(c['source'])}:{c['start']}–{c['end']}"
                f"</small><blockquote>{text}</blockquote>"
            )
    out += [f"<p class='why'>✗ {e(r)}</p>" for r in turn["reasons"]]
    shown = {k: round(v, 3) for k, v in turn["metrics"].items()}
    out.append(f"<p><small>{e(json.dumps(shown))}</small></p>")
    return "".join(out)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)
