"""One secret (ASSISTANT_API_KEY) guards the API as a Bearer token (so OpenAI clients work) and
as HTTP Basic; serving beyond loopback without it is refused; uploads are limited and checked
by content."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.errors import UserError
from assistant.serving.api import create_api
from assistant.serving.server import check_exposure
from tests.test_api import FakeEngine

KEY = "k3y-for-tests"


def test_bearer_and_basic_are_both_accepted() -> None:
    client = TestClient(create_api(FakeEngine(), password=KEY))
    body = {"question": "How long?"}
    assert client.post("/v1/ask", json=body).status_code == 401
    bearer = {"Authorization": f"Bearer {KEY}"}
    assert client.post("/v1/ask", json=body, headers=bearer).status_code == 200
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/v1/ask", json=body, headers=wrong).status_code == 401
    assert client.post("/v1/ask", json=body, auth=("assistant", KEY)).status_code == 200
    assert client.post("/v1/ask", json=body, auth=("someone", KEY)).status_code == 401
    garbled = {"Authorization": "Basic !!!not-base64"}
    assert client.post("/v1/ask", json=body, headers=garbled).status_code == 401
    r = client.post("/v1/ask", json=body)
    assert "Bearer" in r.json()["detail"] and "Bearer" in r.headers["www-authenticate"]


@pytest.fixture
def served() -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_api(FakeEngine(), password=KEY), host="127.0.0.1", port=port, log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(10)


def test_the_openai_client_authenticates_with_the_key(served: str) -> None:
    from openai import AuthenticationError, OpenAI

    client = OpenAI(base_url=served, api_key=KEY, max_retries=0)
    reply = client.chat.completions.create(
        model="assistant", messages=[{"role": "user", "content": "How long?"}]
    )
    assert reply.choices[0].message.content.startswith("The border is 5,525 miles")
    with pytest.raises(AuthenticationError):
        OpenAI(base_url=served, api_key="wrong", max_retries=0).chat.completions.create(
            model="assistant", messages=[{"role": "user", "content": "How long?"}]
        )


def test_serving_beyond_loopback_needs_a_secret() -> None:
    check_exposure("127.0.0.1", None, False)
    check_exposure("localhost", None, False)
    check_exposure("0.0.0.0", KEY, False)
    check_exposure("0.0.0.0", None, True)
    with pytest.raises(UserError, match="ASSISTANT_API_KEY"):
        check_exposure("0.0.0.0", None, False)
    with pytest.raises(UserError, match="--insecure"):
        check_exposure("192.168.1.20", None, False)


def test_the_cli_refuses_an_open_network_bind_in_one_line(fake_env: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANT_API_KEY",)}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ui", "--host", "0.0.0.0", "--port", "9"],
        cwd=fake_env,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "ASSISTANT_API_KEY" in done.stderr


def test_uploads_are_limited_in_count_and_checked_by_content(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.app import App
    from assistant.serving.workspace import Workspace
    from assistant.settings import load_settings

    monkeypatch.setenv("ASSISTANT_MAX_UPLOADS", "3")
    workspace = Workspace(App(load_settings()))
    incoming = fake_env / "incoming"
    incoming.mkdir()
    (incoming / "fake.pdf").write_bytes(b"MZ\x90\x00 this is an executable")
    (incoming / "fake.docx").write_bytes(b"%PDF-1.4 not a zip")
    (incoming / "ok.md").write_text("# Ok\n\nMaple syrup exports grew.\n")
    (incoming / "extra.md").write_text("# Extra\n\nOne too many.\n")
    files = [incoming / n for n in ("fake.pdf", "fake.docx", "ok.md", "extra.md")]
    message = workspace.add_files(files)
    assert "1 files not added: at most 3 per upload" in message
    assert "fake.pdf: not a PDF" in message and "fake.docx: not a DOCX" in message
    assert "added ok.md" in message
    assert sorted(p.name for p in Path("data").iterdir() if not p.name.startswith("0")) == ["ok.md"]
