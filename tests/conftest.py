from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from assistant.app import App

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# MiniLM's ONNX export (index/onnx_encoder.py) is kept here, not in the user's ~/.cache
os.environ.setdefault("XDG_CACHE_HOME", str(Path(tempfile.gettempdir()) / "assistant-tests-cache"))

ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path = ROOT, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`assistant ARGS` as a child process, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


SEEDS = ROOT / "data"


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # unix sockets
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that connects anywhere but loopback."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: object) -> None:
        if not _is_loopback(address):
            raise RuntimeError(f"test tried to reach the network: {address!r}")

    def connect(self: socket.socket, address: object) -> None:
        guard(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        guard(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a copy of the seed corpus and a fresh ASSISTANT_HOME."""
    data = tmp_path / "data"
    data.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (data / seed.name).write_bytes(seed.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / ".assistant"))
    return tmp_path


@pytest.fixture
def fake_env(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_LLM", "fake")
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "fake")
    return workdir


@pytest.fixture
def seed_app(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    """The shipped documents indexed with the bag-of-words embedder (similarity that means
    something) and the fake language model."""
    from assistant.app import App
    from assistant.settings import load_settings

    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    return app


def tiny_benchmarks(folder: Path) -> Path:
    """Synthetic data in the public datasets' formats (CI may not have ../shared)."""
    squad = folder / "squad2-train-subset"
    squad.mkdir(parents=True)
    articles = []
    for title, impossible in (("Spectre_(2015_film)", True), ("Maple_syrup", False)):
        qas = []
        for i in range(30):
            qas.append(
                {
                    "question": f"What colour is the {title} item x{i}?",
                    "id": f"{title}{i}",
                    "is_impossible": impossible and i % 2 == 1,
                    "answers": [] if impossible and i % 2 else [{"text": "red", "answer_start": 0}],
                }
            )
        context = " ".join(f"The {title} item x{i} is red." for i in range(0, 30, 2))
        articles.append({"title": title, "paragraphs": [{"context": context, "qas": qas}]})
    (squad / "train-v2.0-10-articles.json").write_text(json.dumps({"data": articles}))
    nq = folder / "nq-open-oracle"
    nq.mkdir()
    rows = [
        {
            "question": f"who painted picture p{i}",
            "answers": [f"Painter q{i}"],
            "ctxs": [
                {"title": f"Picture p{i}", "text": f"Picture p{i} was painted by Painter q{i}."}
            ],
        }
        for i in range(1600)
    ]
    (nq / "nq-open-oracle.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    mh = folder / "multihop-rag"
    mh.mkdir()
    articles = [
        {
            "title": f"Harbour report {i}",
            "url": f"https://news.example/{i}",
            "published_at": "2023-10-0{i}T00:00:00+00:00",
            "source": "The Example Times",
            "category": "business",
            "author": "None",
            "body": f"The harbour in town t{i} moved {i} million tonnes of grain in 2023.",
        }
        for i in range(1, 6)
    ]
    (mh / "corpus.json").write_text(json.dumps(articles))
    queries = [
        {
            "query": f"How much grain did the harbour in town t{i % 5 + 1} move in 2023?",
            "answer": f"{i % 5 + 1} million tonnes",
            "question_type": "inference_query",
            "evidence_list": [],
        }
        if i % 3 == 1
        else {  # a yes/no question of two claims: the verdict model's data
            "query": f"Did the harbour in town t{i % 5 + 1} move grain in 2023, while the "
            f"harbour in town t{(i + 1) % 5 + 1} moved {'grain' if i % 2 else 'coal'} too?",
            "answer": "Yes" if i % 2 else "No",
            "question_type": "comparison_query",
            "evidence_list": [],
        }
        if i % 3 == 2
        else {
            "query": f"How much coal did the airport in city c{i} handle in 1990?",
            "answer": "Insufficient information.",
            "question_type": "null_query",
            "evidence_list": [],
        }
        for i in range(1800)
    ]
    (mh / "MultiHopRAG.json").write_text(json.dumps(queries))
    return folder
