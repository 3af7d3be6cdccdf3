"""First answer after start vs later ones: starts `assistant ui` on data/ with the configured
models, records when /health says ready, then times the seed suite's first questions over
POST /v1/ask, asked one after another. Usage: python scripts/first_answer.py [N] [MODE]"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def main(n: int = 6, mode: str = "generative") -> None:
    cases = yaml.safe_load((ROOT / "tests/suites/seed.yaml").read_text())["cases"]
    questions = [c["question"] for c in cases if "question" in c][:n]
    port, log_path = _port(), Path(tempfile.mkdtemp()) / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-m", "assistant.cli", "index"], cwd=ROOT, env=env, check=True)
    t0 = time.perf_counter()
    log = log_path.open("wb")  # closed in the finally block below
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        served = ready = None
        while ready is None:
            try:
                if _get(f"{base}/health")["status"] == "ready":
                    ready = time.perf_counter() - t0
                served = served or time.perf_counter() - t0
            except OSError:
                if proc.poll() is not None:
                    raise SystemExit(log_path.read_text()) from None
            time.sleep(0.2)
        times = []
        for q in questions:
            body = json.dumps({"question": q, "mode": mode}).encode()
            request = urllib.request.Request(
                f"{base}/v1/ask", body, {"Content-Type": "application/json"}
            )
            t = time.perf_counter()
            urllib.request.urlopen(request, timeout=600).read()
            times.append(time.perf_counter() - t)
        print(json.dumps({
            "mode": mode,
            "page_served_s": round(served or 0, 1),
            "models_ready_s": round(ready, 1),
            "first_answer_s": round(times[0], 2),
            "later_answers_median_s": round(statistics.median(times[1:]), 2),
            "answers_s": [round(t, 2) for t in times],
        }))  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


if __name__ == "__main__":
    main(*(int(a) if a.isdigit() else a for a in sys.argv[1:]))  # type: ignore[arg-type]
