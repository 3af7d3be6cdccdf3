"""The short version of `assistant bench load`: a real server process, a few users, fake models."""

import json
import os
from pathlib import Path

from assistant.evaluation.load import conversations
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_conversations_come_from_the_suite() -> None:
    convs = conversations(ROOT / "tests" / "suites" / "seed.yaml")
    assert all(1 <= len(c) <= 3 for c in convs)
    assert any(len(c) > 1 and c[1].lower().startswith(("how old", "and", "what")) for c in convs)


def test_bench_load_runs_users_against_a_real_server(fake_env: Path) -> None:
    env = {**os.environ, "ASSISTANT_EMBEDDINGS": "hashing", "ASSISTANT_LLM": "fake"}
    assert run_cli(["index"], env, cwd=fake_env).returncode == 0
    out = fake_env / "load.json"
    done = run_cli(
        [
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
        env,
        cwd=fake_env,
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
