import json
import socket
from pathlib import Path

import pytest

from assistant.cli import main


def _run(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out, err


def test_index_then_ask_json_prints_exactly_one_object(
    fake_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capfd, "index")
    assert code == 0 and "2 added" in out
    code, out, _ = _run(capfd, "ask", "How long is the land border?", "--json")
    assert code == 0
    data = json.loads(out)  # fails on any extra output
    assert data["question"] == "How long is the land border?"
    assert data["model"] == "fake" and data["citations"]


def test_retrieve_json_ranks_passages(fake_env: Path, capfd: pytest.CaptureFixture[str]) -> None:
    _run(capfd, "index")
    code, out, _ = _run(capfd, "retrieve", "NORAD", "--k", "3", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["rank"] for r in rows] == [1, 2, 3]
    assert rows[0]["score"] >= rows[-1]["score"]


def test_index_reports_bad_files_in_one_line_each(
    fake_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    Path("data/empty.txt").write_bytes(b"")
    code, _, err = _run(capfd, "index", "data", "nope.md")
    assert code == 1  # the rest is indexed, the exit code says something was skipped
    lines = [line for line in err.splitlines() if line.startswith("skipped")]
    assert len(lines) == 2
    assert any("empty.txt" in line and "empty file" in line for line in lines)
    assert any("nope.md" in line and "no such file" in line for line in lines)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("question", "message"), [("", "question is empty"), ("x" * 2001, "limit is 2000")]
)
def test_bad_questions_get_a_clear_message(
    fake_env: Path, capfd: pytest.CaptureFixture[str], question: str, message: str
) -> None:
    code, out, err = _run(capfd, "ask", question)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_unknown_llm_lists_valid_forms(
    fake_env: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_LLM", "gpt-5")
    code, _, err = _run(capfd, "ask", "hello")
    assert code == 2
    assert "unknown ASSISTANT_LLM 'gpt-5'" in err and "openai:MODEL@BASE_URL" in err


def test_chat_keeps_the_conversation(
    fake_env: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capfd, "index")
    questions = iter(["What is NORAD?", "How old is it?", ""])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(questions))
    code, out, _ = _run(capfd, "chat")
    assert code == 0
    assert out.count("[1]") >= 2


def test_indexing_a_path_that_does_not_exist_is_one_line(
    fake_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capfd, "index", "/nonexistent")
    assert code == 2 and not out
    assert err.strip().splitlines() == [
        "error: /nonexistent: no such file or folder; give the files or folders to index"
    ]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_model_server_that_is_down_is_one_line(
    fake_env: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capfd, "index")
    url = f"http://127.0.0.1:{closed_port()}/v1"
    monkeypatch.setenv("ASSISTANT_LLM", f"openai:m@{url}")
    code, _, err = _run(capfd, "ask", "How long is the land border?")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"error: the model openai:m@{url} failed (")
    assert "ASSISTANT_LLM" in lines[0] and "--mode extractive" in lines[0]


def test_chat_is_stored_and_resumed_with_its_history(
    fake_env: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capfd, "index")
    questions = iter(["What is the crown jewel of defense cooperation?", ""])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(questions))
    code, out, _ = _run(capfd, "chat")
    short = out.strip().splitlines()[-1].split()[2].rstrip(":")
    assert code == 0 and "--resume" in out
    code, out, _ = _run(capfd, "chat", "--list")
    assert code == 0 and out.startswith(short) and "1 answers" in out
    questions = iter(["How old is it?", ""])
    code, out, _ = _run(capfd, "chat", "--resume", short)
    assert code == 0 and "Resuming: What is the crown jewel" in out and "NORAD" in out
    _, out, _ = _run(capfd, "chat", "--list")
    assert "2 answers" in out


def test_docs_list_and_remove(fake_env: Path, capfd: pytest.CaptureFixture[str]) -> None:
    _run(capfd, "index")
    code, out, _ = _run(capfd, "docs", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2 and all(r["chunks"] > 0 for r in rows)
    source = rows[0]["source"]
    code, out, _ = _run(capfd, "docs", "remove", source)
    assert code == 0 and "stays in its folder" in out
    _, out, _ = _run(capfd, "docs", "list")
    assert source not in out and len(out.splitlines()) == 1
    _run(capfd, "index")  # a removed document stays out of later syncs of the folder
    _, out, _ = _run(capfd, "docs", "list")
    assert source not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("docs", "remove", "data/nothing.md"), "data/nothing.md: not in the index"),
        (("docs", "remove"), "name the documents to remove"),
        (("chat", "--resume", "nothing"), "no conversation match 'nothing'"),
        (("chat", "--resume"), "there is no stored conversation to resume"),
        (("eval", "nope.yaml"), "nope.yaml: suite file not found"),
        (("ui", "--host", "0.0.0.0"), "refusing to serve on 0.0.0.0 without a secret"),
        (("retrieve", " "), "the question is empty"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(
    fake_env: Path, capfd: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, _, err = _run(capfd, *argv)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and message in lines[0], err
