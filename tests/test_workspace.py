import re
from pathlib import Path

import pytest

from assistant.app import App
from assistant.errors import UserError
from assistant.serving.conversations import conversation_markdown
from assistant.serving.workspace import Workspace, safe_name
from assistant.settings import load_settings


@pytest.fixture
def workspace(fake_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Workspace:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    monkeypatch.setenv("ASSISTANT_MODE", "extractive")
    monkeypatch.setenv("ASSISTANT_MAX_UPLOAD_MB", "0.001")  # 1 kB
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "mini.yaml").write_text(
        "name: mini\nthresholds: {fact_accuracy: 1.0}\ncases:\n"
        "  - id: border\n    question: How long is the land border between the US and Canada?\n"
        "    expect: {facts: [['5,525']]}\n"
    )
    monkeypatch.setenv("ASSISTANT_SUITES_DIR", str(suites))
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    return Workspace(app)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\evil.md", "evil.md"),
        (".hidden.txt", "hidden.txt"),
        ("my report (final).pdf", "my_report_final_.pdf"),
        ("", "upload"),
    ],
)
def test_upload_names_are_sanitised(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_upload_is_indexed_and_can_be_asked_about(workspace: Workspace, tmp_path: Path) -> None:
    upload = tmp_path / "upload dir"
    upload.mkdir()
    note = upload / "Maple Facts.md"
    note.write_text("# Maple\n\nThe maple syrup reserve holds 3,100 barrels of syrup.\n")
    message = workspace.add_files([note])
    assert message == "added Maple_Facts.md"
    assert Path("data/Maple_Facts.md").read_text() == note.read_text()
    assert workspace.status()["documents"] == 3
    answer = workspace.app.engine.ask("How many barrels of maple syrup does the reserve hold?")
    assert "3,100" in answer.answer and answer.citations[0].source == "data/Maple_Facts.md"
    again = workspace.add_files([note])
    assert again == "added Maple_Facts-1.md", "an upload never overwrites"


def test_bad_uploads_change_nothing(workspace: Workspace, tmp_path: Path) -> None:
    before = sorted(p.name for p in Path("data").iterdir())
    chunks = workspace.status()["chunks"]
    (tmp_path / "tool.exe").write_bytes(b"MZ" * 10)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_text("word " * 1000)
    message = workspace.add_files(
        [tmp_path / "tool.exe", tmp_path / "empty.txt", tmp_path / "big.txt"]
    )
    assert "tool.exe: unsupported file type" in message
    assert "empty.txt: empty file" in message
    assert "big.txt: 0.0 MB is over the 0.001 MB limit" in message
    assert sorted(p.name for p in Path("data").iterdir()) == before
    assert workspace.status()["chunks"] == chunks


def test_status_and_settings(workspace: Workspace) -> None:
    st = workspace.status()
    assert st["documents"] == 2 and st["chunks"] > 10 and st["last_sync"].endswith("UTC")
    assert workspace.check_settings(6, "") == "k = 6, model = fake (this conversation only)"
    with pytest.raises(UserError, match="valid forms"):
        workspace.check_settings(4, "gpt-5")
    assert "model = openai:llama3@http://127.0.0.1:9/v1" in workspace.check_settings(
        4, "openai:llama3@http://127.0.0.1:9/v1"
    )
    engine = workspace.app.engine
    assert engine.retriever.k == 4 and engine.model_name == "fake"  # nothing server-wide moved


def test_settings_belong_to_one_conversation(workspace: Workspace) -> None:
    question = "How long is the land border?"
    wide = list(workspace.stream(question, [], "extractive", k=6))[-1]
    narrow = list(workspace.stream(question, [], "extractive", k=2))[-1]
    default = list(workspace.stream(question, [], "extractive"))[-1]
    assert (len(wide.retrieved), len(narrow.retrieved), len(default.retrieved)) == (6, 2, 4)
    with pytest.raises(UserError, match="valid forms"):
        list(workspace.stream(question, [], "generative", llm="gpt-5"))
    assert list(workspace.stream(question, [], "generative"))[-1].model == "fake"


def test_run_suite_writes_a_report(workspace: Workspace) -> None:
    [suite] = workspace.suites()
    table, report = workspace.run_suite(suite)
    assert "**mini**: passed" in table and "| fact_accuracy | 1.0 |" in table
    assert (workspace.app.settings.home / "reports" / report).read_text().startswith("<!doctype")
    with pytest.raises(UserError, match="choose one of the listed suites"):
        workspace.run_suite("/etc/passwd")


def test_documents_are_listed_removed_and_come_back_when_indexed_by_name(
    workspace: Workspace, tmp_path: Path
) -> None:
    docs = {d.source: d for d in workspace.documents()}
    assert len(docs) == 2 and all(d.chunks > 0 and d.size > 0 for d in docs.values())
    source = next(s for s in docs if s.endswith(".txt"))
    question = "How long is the land border between the United States and Canada?"
    assert "5,525" in workspace.app.engine.ask(question).answer
    assert "stays in its folder" in workspace.remove_document(source)
    assert Path(source).exists() and source not in {d.source for d in workspace.documents()}
    assert all(p.source != source for p in workspace.app.engine.retrieve(question))
    workspace.reindex()  # the folder's sync skips a document the user removed
    assert source not in {d.source for d in workspace.documents()}
    workspace.app.indexer.sync([Path(source)])  # indexed by name: wanted again
    assert source in {d.source for d in workspace.documents()}
    with pytest.raises(UserError, match="not in the index"):
        workspace.remove_document("data/nothing.md")


def test_removing_an_upload_deletes_its_file(workspace: Workspace, tmp_path: Path) -> None:
    note = tmp_path / "maple.md"
    note.write_text("# Maple\n\nThe maple syrup reserve holds 3,100 barrels.\n")
    workspace.add_files([note])
    [upload] = [d for d in workspace.documents() if d.uploaded]
    assert upload.source == "data/maple.md" and upload.kind == "md"
    assert "deleted the uploaded file" in workspace.remove_document(upload.source)
    assert not Path("data/maple.md").exists() and len(workspace.documents()) == 2
    answer = workspace.app.engine.ask("How many barrels does the maple syrup reserve hold?")
    assert "3,100" not in answer.answer


def test_conversation_export() -> None:
    md = conversation_markdown(
        [
            {
                "question": "How long?",
                "answer": "5,525 miles [1].",
                "citations": [
                    {
                        "n": 1,
                        "title": "T",
                        "source": "data/a.txt",
                        "page": None,
                        "start": 3,
                        "end": 9,
                        "quote": "It is 5,525 miles.",
                    }
                ],
            }
        ]
    )
    assert "**Q:** How long?" in md and "- [1] T (data/a.txt, characters 3–9)" in md
    assert "  > It is 5,525 miles." in md


def test_models_warm_up_in_the_background_and_the_status_says_so(workspace: Workspace) -> None:
    from assistant.serving.chat_ui import status_markdown
    from assistant.serving.server import warm_up

    workspace.ready.clear()
    assert "Loading models" in status_markdown(workspace)
    warm_up(workspace)
    assert workspace.ready.is_set() and "2 documents" in status_markdown(workspace)
    assert "engine" in workspace.app.__dict__  # built, so the first question pays nothing


def test_warm_up_has_each_embedded_model_begin_a_real_answer(workspace: Workspace) -> None:
    from langchain_core.messages import AIMessageChunk

    from assistant.serving.server import WARM_QUESTION, WARM_TOKENS, warm_up

    read: list[tuple[list, int]] = []

    class Embedded:  # has a llama.cpp client, as the bundled model does
        _client = object()

        def stream(self, messages: list):
            produced = [messages, 0]
            read.append(produced)  # type: ignore[arg-type]
            for _ in range(100):
                produced[1] += 1
                yield AIMessageChunk(content="x ")

    from assistant.llm import LLMPool

    engine = workspace.app.engine
    engine._pools[engine.model_name] = LLMPool("smollm2", [Embedded(), Embedded()])  # type: ignore[list-item]
    warm_up(workspace)
    assert [tokens for _, tokens in read] == [WARM_TOKENS, WARM_TOKENS]  # stopped early
    system, user = read[0][0]
    assert system.content == engine.system_prompt()  # kept by llama.cpp as the cached prefix
    assert f"Question: {WARM_QUESTION}" in user.content  # and passages, numbered as retrieved
    assert re.search(r"^\[\d+\] ", user.content, re.MULTILINE)
