"""The short version of `assistant bench load`: a real server process, a few users, fake models."""

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.evaluation.load import conversations

ROOT = Path(__file__).resolve().parents[2]


def test_conversations_come_from_the_suite() -> None:
    convs = conversations(ROOT / "tests" / "suites" / "seed.yaml")
    assert all(1 <= len(c) <= 3 for c in convs)
    assert any(len(c) > 1 and c[1].lower().startswith(("how old", "and", "what")) for c in convs)


def test_bench_load_runs_users_against_a_real_server(fake_env: Path) -> None:
    env = {**os.environ, "ASSISTANT_EMBEDDINGS": "hashing", "ASSISTANT_LLM": "fake"}
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "index"], cwd=fake_env, env=env, check=True
    )
    out = fake_env / "load.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "bench",
            "load",
            "--users",
            "4",
            "--minutes",
            "0.25",
            "--warmup",
            "0",
            "--out",
            str(out),
        ],
        cwd=fake_env,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result == json.loads(done.stdout)
    assert result["server_crashed"] is False and result["http_5xx"] == 0
    assert result["extractive_mismatches"] == 0 and result["errors"] == {}
    assert result["answered"] >= 8
    ways = set(result["latency_s"]) - {"all"}
    assert {w.split("/")[0] for w in ways} == {"api", "stream", "browser"}
    assert result["rss_mb"]["start"] > 0 and result["rss_mb"]["end"] > 0
