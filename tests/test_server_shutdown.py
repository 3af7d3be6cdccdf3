"""`assistant ui` stops soon after SIGTERM even while an answer is still streaming to a client:
a language model that never replies must not keep the server from stopping."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.serving.server import SHUTDOWN_GRACE_S
from tests.conftest import SEEDS, run_cli
from tests.integration.conftest import free_port


class Stalled(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible server that reads a request and never answers it."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.server.asked.set()  # type: ignore[attr-defined]
        time.sleep(120)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stalled_llm() -> Iterator[tuple[str, threading.Event]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Stalled)
    server.daemon_threads = True
    server.asked = threading.Event()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1", server.asked  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def test_ui_stops_within_its_grace_while_an_answer_streams(
    tmp_path: Path, stalled_llm: tuple[str, threading.Event]
) -> None:
    base_url, asked = stalled_llm
    shutil.copytree(SEEDS, tmp_path / "data")
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(tmp_path / ".assistant"),
        "ASSISTANT_EMBEDDINGS": "hashing",
        "ASSISTANT_LLM": f"openai:stalled@{base_url}",
        "OPENAI_API_KEY": "unused",
    }
    assert run_cli(["index"], env, cwd=tmp_path).returncode == 0
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _ready(url):
            assert proc.poll() is None and time.monotonic() < deadline, _read(tmp_path)
            time.sleep(0.3)
        body = {
            "model": "assistant",
            "stream": True,
            "messages": [{"role": "user", "content": "How long is the land border?"}],
        }
        request = urllib.request.Request(
            f"{url}/v1/chat/completions",
            json.dumps(body).encode(),
            {"content-type": "application/json"},
        )
        client = threading.Thread(target=_read_stream, args=(request,), daemon=True)
        client.start()
        assert asked.wait(60), "the answer never reached the language model"
        stopping = time.monotonic()
        proc.terminate()
        proc.wait(timeout=SHUTDOWN_GRACE_S + 15)
        assert time.monotonic() - stopping < SHUTDOWN_GRACE_S + 10
        assert "stopping" in _read(tmp_path)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as reply:
            return json.load(reply)["status"] == "ready"
    except OSError:
        return False


def _read_stream(request: urllib.request.Request) -> None:
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            reply.read()
    except (OSError, http.client.HTTPException):
        pass  # the server went away, as it should


def _read(work: Path) -> str:
    return (work / "server.log").read_text(errors="replace")
