"""Scale-out: the seed suite through a real Chroma server and a real OpenAI-compatible server
(llama-cpp-python's, serving the bundled GGUF), both started here on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app import App
from assistant.evaluation.command import run_eval
from assistant.llm import smollm2_path
from assistant.settings import load_settings

pytestmark = pytest.mark.slow
SEED = Path(__file__).resolve().parents[1] / "suites" / "seed.yaml"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}: {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    chroma_port, llm_port = _free_port(), _free_port()
    log = (tmp_path / "servers.log").open("wb")
    env = {"ANONYMIZED_TELEMETRY": "False", "PATH": str(BIN)}
    procs = [
        subprocess.Popen(
            [
                str(BIN / "chroma"),
                "run",
                "--path",
                str(tmp_path / "chroma-server"),
                "--host",
                "127.0.0.1",
                "--port",
                str(chroma_port),
            ],
            stdout=log,
            stderr=log,
            env=env,
        ),
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
        _wait(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", procs[0])
        _wait(f"http://127.0.0.1:{llm_port}/v1/models", procs[1])
        yield f"http://127.0.0.1:{chroma_port}", f"http://127.0.0.1:{llm_port}/v1"
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
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
