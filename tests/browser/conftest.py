"""A real server (`assistant ui`) and a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CLI = [sys.executable, "-m", "assistant.cli"]
MINI_SUITE = """name: mini
thresholds: {fact_accuracy: 1.0}
cases:
  - id: border
    question: How long is the land border between the US and Canada?
    expect: {facts: [["5,525"]]}
"""
EVIL_DOC = """# Tricky page

The hostile widget is <script>window.__xss = 1</script> described here.
The second widget is <img src=x onerror="window.__xss = 2"> shown here.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_workdir(work: Path) -> dict[str, str]:
    """A copy of data/ plus a tricky document and a mini suite; returns the server's env."""
    shutil.copytree(ROOT / "data", work / "data")
    (work / "data" / "tricky.md").write_text(EVIL_DOC)
    (work / "suites").mkdir()
    (work / "suites" / "mini.yaml").write_text(MINI_SUITE)
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(work / ".assistant"),
        "ASSISTANT_LLM": "fake:slow",
        "ASSISTANT_EMBEDDINGS": "minilm",  # the real gate: the browser sees what users see
        "ASSISTANT_SUITES_DIR": str(work / "suites"),
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    subprocess.run([*CLI, "index"], cwd=work, env=env, check=True, capture_output=True)
    return env


@contextlib.contextmanager
def running_server(work: Path, env: dict[str, str], port: int) -> Iterator[str]:
    """`assistant ui` on 127.0.0.1:port until the block ends."""
    log = (work / "server.log").open("ab")
    proc = subprocess.Popen(
        [*CLI, "ui", "--port", str(port)], cwd=work, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((work / "server.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("ui")
    env = make_workdir(work)
    with running_server(work, env, free_port()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium chromium-driver")
    with sync_playwright() as p:  # Playwright gives Chromium a fresh, temporary profile
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, server: str, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
