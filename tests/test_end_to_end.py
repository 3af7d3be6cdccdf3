"""The real bundled models on the seed corpus: MiniLM embeddings and SmolLM2 via llama.cpp."""

import json
from pathlib import Path

import pytest

from assistant.cli import main

pytestmark = pytest.mark.slow
BORDER_FILE = "000_8e8d18d6546258b1.txt"


@pytest.fixture
def real_env(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_LLM", "smollm2")
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "minilm")
    return workdir


def test_border_question_is_answered_and_cited_exactly(
    real_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert main(["index"]) == 0
    capfd.readouterr()
    assert main(["ask", "How long is the land border between the two countries?", "--json"]) == 0
    out, _ = capfd.readouterr()
    data = json.loads(out)
    assert "5,525" in data["answer"], data["answer"]
    assert not data["refused"]
    cited = [c for c in data["citations"] if c["source"].endswith(BORDER_FILE)]
    assert cited, data["citations"]
    for cite in cited:
        file_text = Path(cite["source"]).read_bytes().decode("utf-8")
        assert file_text[cite["start"] : cite["end"]] == cite["text"]
    assert any("5,525" in c["text"] for c in cited)
