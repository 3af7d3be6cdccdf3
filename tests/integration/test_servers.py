"""Scale-out: the seed suite through a real Chroma server and a real OpenAI-compatible server
(llama-cpp-python's, serving the bundled GGUF), both started here on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app import App
from assistant.evaluation.command import run_eval
from assistant.llm import smollm2_path
from assistant.settings import load_settings
from tests.integration.conftest import BIN, ChromaServer, free_port, stop, wait_for

pytestmark = pytest.mark.slow
SEED = Path(__file__).resolve().parents[1] / "suites" / "seed.yaml"


@pytest.fixture
def servers(chroma_server: ChromaServer, tmp_path: Path) -> Iterator[tuple[str, str]]:
    llm_port = free_port()
    log = (tmp_path / "llm-server.log").open("wb")
    env = {"ANONYMIZED_TELEMETRY": "False", "PATH": str(BIN)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(smollm2_path()),
                "--model_alias",
                "smollm2",
                "--host",
                "127.0.0.1",
                "--port",
                str(llm_port),
                "--n_ctx",
                "2048",
                "--verbose",
                "False",
            ],
            stdout=log,
            stderr=log,
            env=env,
        ),
    ]
    try:
        wait_for(f"http://127.0.0.1:{llm_port}/v1/models", procs[0])
        yield chroma_server.url, f"http://127.0.0.1:{llm_port}/v1"
    finally:
        stop(procs[0])
        log.close()


def test_seed_suite_through_a_chroma_server_and_an_openai_compatible_server(
    servers: tuple[str, str], workdir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chroma_url, llm_url = servers
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_url)
    monkeypatch.setenv("ASSISTANT_LLM", f"openai:smollm2@{llm_url}")
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "minilm")
    monkeypatch.setenv("OPENAI_API_KEY", "not-needed")
    app = App(load_settings())
    report = app.indexer.sync([Path("data")])
    assert len(report.added) == 2 and not report.errors
    assert not (workdir / ".assistant" / "chroma").exists(), "vectors must live in the server"
    code, run = run_eval(app, SEED, out=tmp_path / "run.json")
    assert run["manifest"]["chroma"] == chroma_url
    assert run["totals"]["errors"] == 0
    assert run["threshold_failures"] == [], run["totals"]
    modes = {t["answer"]["mode"] for c in run["cases"] for t in c["turns"]}
    assert "generative" in modes, "the remote model must have answered some questions"
    assert code == 0
