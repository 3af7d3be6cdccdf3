import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

from assistant.answer import Answer, Citation, Retrieved
from assistant.engine import Turn
from assistant.errors import ModelUnavailable, UserError
from assistant.serving.chat import ChatRunner
from assistant.serving.chat_ui import create_app
from assistant.serving.conversations import Conversations
from assistant.serving.render import STOPPED, citations_panel, render_citations

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _answer(question: str, text: str = "The border is 5,525 miles [1].") -> Answer:
    cite = Citation(
        n=1,
        source="data/a.txt",
        title=f"Title {EVIL}",
        url="https://example.org/a?x=1&y=2",
        chunk_id="c1",
        start=0,
        end=40,
        text=f"Before. The border is 5,525 miles. {EVIL}",
        quote="The border is 5,525 miles.",
        supported=True,
    )
    return Answer(question=question, answer=text, refused=False, citations=[cite], model="fake")


class FakeEngine:
    examples: ClassVar[list[str]] = ["How long is the border?"]

    def suites(self) -> list[str]:
        return ["tests/suites/seed.yaml"]

    def __init__(self) -> None:
        self.histories: list[list[Turn]] = []
        self.modes: list[str | None] = []

    def stream(
        self, question: str, history: list[Turn], mode: str | None = None
    ) -> Iterator[str | Answer]:
        if not question.strip():
            raise UserError("the question is empty; type a question about your documents")
        self.histories.append(history)
        self.modes.append(mode)
        yield "The border "
        yield "is 5,525 miles [1]."
        yield _answer(question)


def _runner(tmp_path: Path, engine: object | None = None) -> tuple[ChatRunner, str]:
    store = Conversations(tmp_path / "conversations.sqlite")
    return ChatRunner(engine or FakeEngine(), store), store.create()  # type: ignore[arg-type]


def ask(runner: ChatRunner, cid: str, question: str, mode: str | None = None) -> list:
    runner.enqueue(cid, question)
    return list(runner.work(cid, mode))


def test_the_question_shows_at_once_then_the_answer_streams_then_its_citations(
    tmp_path: Path,
) -> None:
    runner, cid = _runner(tmp_path)
    chat, _ = runner.enqueue(cid, "How long?")
    assert chat == [
        {"role": "user", "content": "How long?"},
        {"role": "assistant", "content": "⏳ queued: answered after the question before it"},
    ]
    steps = list(runner.work(cid))
    assert [s[0][-1]["content"] for s in steps[:2]] == [
        "The border ",
        "The border is 5,525 miles [1].",
    ]
    chat, citations = steps[-1]
    assert chat[0] == {"role": "user", "content": "How long?"}
    assert "<mark>The border is 5,525 miles.</mark>" in citations and "<b>[1]</b>" in citations
    assert "href" not in citations  # a document's URL is text naming its domain, not a link
    assert "source: example.org (https://example.org/a?x=1&amp;y=2)" in citations
    assert runner.store.answers(cid)[0].answer == "The border is 5,525 miles [1]."


def test_follow_up_receives_the_history(tmp_path: Path) -> None:
    engine = FakeEngine()
    runner, cid = _runner(tmp_path, engine)
    ask(runner, cid, "First?")
    ask(runner, cid, "And then?")
    assert engine.histories[1] == [Turn("First?", "The border is 5,525 miles [1].")]


def test_a_question_sent_while_one_runs_is_queued_and_answered_next(tmp_path: Path) -> None:
    engine = FakeEngine()
    runner, cid = _runner(tmp_path, engine)
    runner.enqueue(cid, "First?")
    first = runner.work(cid)
    next(first)  # the first answer is being written
    chat, _ = runner.enqueue(cid, "Second?")
    assert [m["content"] for m in chat[-4:-1:2]] == ["First?", "Second?"]
    assert list(runner.work(cid)) == []  # another call is already answering this conversation
    list(first)
    assert [a.question for a in runner.store.answers(cid)] == ["First?", "Second?"]
    assert engine.histories[1] == [Turn("First?", "The border is 5,525 miles [1].")]


class BlockingEngine(FakeEngine):
    """Streams a token, then waits until the test lets it go on."""

    def __init__(self) -> None:
        super().__init__()
        self.go_on = threading.Event()
        self.closed = False

    def stream(self, question, history, mode=None, **options):
        try:
            yield "Partial "
            self.go_on.wait(10)
            yield "answer"
            yield _answer(question)
        finally:
            self.closed = True


def test_stop_ends_the_answer_and_drops_the_queue(tmp_path: Path) -> None:
    engine = BlockingEngine()
    runner, cid = _runner(tmp_path, engine)
    runner.enqueue(cid, "First?")
    runner.enqueue(cid, "Queued?")
    first = runner.work(cid)
    assert next(first)[0][-3]["content"] == "Partial "
    chat, _ = runner.stop(cid)
    assert "Queued?" not in [m["content"] for m in chat]
    engine.go_on.set()
    list(first)
    answers = runner.store.answers(cid)
    assert [(a.question, a.answer) for a in answers] == [("First?", STOPPED)] and engine.closed
    assert ask(runner, cid, "Again?")[-1][0][-1]["content"].startswith("The border")


def test_a_conversation_resumes_with_every_answers_citations_after_a_restart(
    tmp_path: Path,
) -> None:
    runner, cid = _runner(tmp_path)
    ask(runner, cid, "First?")
    ask(runner, cid, "Second?")
    restarted = ChatRunner(FakeEngine(), Conversations(tmp_path / "conversations.sqlite"))
    chat, citations = restarted.view(cid)
    assert [m["content"] for m in chat[::2]] == ["First?", "Second?"]
    assert 'id="sources-1"' in citations and 'id="sources-2" open' in citations
    assert citations.count("<b>[1]</b>") == 2  # numbered from [1] in every answer


def test_two_conversations_at_once_never_mix(tmp_path: Path) -> None:
    runner, _ = _runner(tmp_path)
    ids = [runner.store.create() for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda c: ask(runner, c, f"Question {c}?"), ids))
    for c in ids:
        assert [a.question for a in runner.store.answers(c)] == [f"Question {c}?"]


def test_quick_questions_from_one_browser_session_start_one_conversation(tmp_path: Path) -> None:
    runner, _ = _runner(tmp_path)
    first = runner.conversation("", "session-a")
    assert runner.conversation("", "session-a") == first  # sent before the browser knew `first`
    assert runner.conversation(first, "session-a") == first
    assert runner.conversation("", "session-b") != first  # other browsers never share it
    runner.leave("session-a")  # "New conversation"
    second = runner.conversation("", "session-a")
    assert second != first and runner.store.exists(second)
    api = {runner.conversation("", None) for _ in range(3)}  # API calls: each "" is a new one
    assert len(api) == 3 and first not in api
    runner.store.delete(second)
    assert runner.conversation(second, "session-a") not in {first, second}


def test_document_html_is_escaped(tmp_path: Path) -> None:
    html_out = render_citations(_answer("q"))
    assert "<script>" not in html_out and "<img" not in html_out
    assert "&lt;script&gt;" in html_out
    runner, cid = _runner(tmp_path)
    chat, panel = ask(runner, cid, EVIL)[-1]
    assert "<script>" not in chat[0]["content"] and "<script>" not in panel


def test_markdown_in_quotes_is_rendered_not_shown_raw() -> None:
    answer = _answer("q")
    cite = answer.citations[0].model_copy(
        update={"text": "# Facts\n\n**Land border** – 5,525 miles. A <b>tag</b>.", "quote": ""}
    )
    shown = render_citations(answer.model_copy(update={"citations": [cite]}))
    assert "<b>Facts</b>" in shown and "<b>Land border</b>" in shown and "**" not in shown
    assert "&lt;b&gt;tag&lt;/b&gt;" in shown


def test_errors_are_shown_in_the_chat_and_nothing_is_stored(tmp_path: Path) -> None:
    runner, cid = _runner(tmp_path)
    chat, citations = ask(runner, cid, "  ")[-1]
    assert "question is empty" in chat[-1]["content"] and citations == ""
    assert runner.store.answers(cid) == []


class FakeWorkspace(FakeEngine):
    def __init__(self, tmp_path: Path) -> None:
        super().__init__()
        self.conversations = Conversations(tmp_path / "c.sqlite")
        self.ready = threading.Event()
        self.ready.set()

    def documents(self) -> list:
        return []

    def browser_secret(self) -> str:
        return "test"

    def status(self) -> dict:
        return {"documents": 0, "chunks": 0, "last_sync": "never"}


def test_app_builds_with_examples(tmp_path: Path) -> None:
    demo = create_app(FakeWorkspace(tmp_path))  # type: ignore[arg-type]
    config = demo.get_config_file()
    assert config["analytics_enabled"] is False
    types = {c["type"] for c in config["components"]}
    assert {"chatbot", "textbox", "html", "dataset", "sidebar", "dataframe"} <= types


def test_mode_switch_reaches_the_engine(tmp_path: Path) -> None:
    engine = FakeEngine()
    runner, cid = _runner(tmp_path, engine)
    ask(runner, cid, "How long?", "extractive")
    assert engine.modes == ["extractive"]


def test_unsupported_sentences_and_refusals_are_shown() -> None:
    answer = _answer("q").model_copy(update={"unsupported": ["It is <b>9,999</b> miles."]})
    shown = render_citations(answer)
    assert "<del>It is &lt;b&gt;9,999&lt;/b&gt; miles.</del>" in shown and "⚠ Removed" in shown
    refused = Answer(
        question="q",
        answer="The documents do not contain the answer to this question.",
        refused=True,
        model="m",
        retrieved=[Retrieved(chunk_id="c", source="data/a.txt", score=0.1, text=EVIL + " x" * 400)],
    )
    shown = citations_panel([refused])
    assert "Nearest passages" in shown and "<script>" not in shown
    assert "data/a.txt" in shown and "&lt;script&gt;" in shown and shown.count(" x") < 200


def test_a_waiting_question_shows_how_many_are_ahead(tmp_path: Path) -> None:
    from assistant.engine import Waiting

    class QueuedEngine(FakeEngine):
        def stream(self, question, history, mode=None, **options):
            yield Waiting(2)
            yield Waiting(1)
            yield from super().stream(question, history, mode)

    runner, cid = _runner(tmp_path, QueuedEngine())
    shown = [s[0][-1]["content"] for s in ask(runner, cid, "How long?")]
    assert "2 questions ahead of yours" in shown[0] and "1 question ahead" in shown[1]
    assert shown[-1] == "The border is 5,525 miles [1]."


class DownModelEngine(FakeEngine):
    """Its model server is down: generative answers fail, extractive ones work."""

    def stream(
        self, question: str, history: list[Turn], mode: str | None = None
    ) -> Iterator[str | Answer]:
        if mode != "extractive":
            self.modes.append(mode)
            raise ModelUnavailable("the model openai:m@http://127.0.0.1:9/v1 failed")
        yield from super().stream(question, history, mode)


def test_a_model_that_cannot_be_reached_gets_an_extractive_answer_marked_as_such(
    tmp_path: Path,
) -> None:
    engine = DownModelEngine()
    runner, cid = _runner(tmp_path, engine)
    chat, citations = ask(runner, cid, "How long?")[-1]
    reply = chat[-1]["content"]
    assert reply.startswith("⚠ the model openai:m@") and " failed. " in reply
    assert "without the model (extractive)" in reply and "5,525 miles [1]" in reply
    assert engine.modes == [None, "extractive"] and "5,525" in citations
    stored = runner.store.answers(cid)[0].answer  # kept with its note, shown with links defanged
    assert stored.startswith("⚠ the model openai:m@http://127.0.0.1:9/v1 failed. Answered")
