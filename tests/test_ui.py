from collections.abc import Iterator
from typing import ClassVar

from assistant.answer import Answer, Citation, Retrieved
from assistant.engine import Turn
from assistant.errors import ModelUnavailable, UserError
from assistant.ui import create_app, render_citations, respond

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


def test_respond_streams_then_shows_citations() -> None:
    engine = FakeEngine()
    steps = list(respond(engine, "How long?", [], []))
    assert [s[0][-1]["content"] for s in steps[:2]] == [
        "The border ",
        "The border is 5,525 miles [1].",
    ]
    chat, citations, turns, box, answers = steps[-1]
    assert answers[0]["citations"][0]["n"] == 1
    assert chat[0] == {"role": "user", "content": "How long?"}
    assert "<mark>The border is 5,525 miles.</mark>" in citations
    assert "href" not in citations  # a document's URL is text naming its domain, not a link
    assert "source: example.org (https://example.org/a?x=1&amp;y=2)" in citations
    assert turns == [Turn("How long?", "The border is 5,525 miles [1].")] and box == ""


def test_follow_up_receives_the_history() -> None:
    engine = FakeEngine()
    *_, (chat, _, turns, _, _) = respond(engine, "First?", [], [])
    list(respond(engine, "And then?", chat, turns))
    assert engine.histories[1] == [Turn("First?", "The border is 5,525 miles [1].")]


def test_document_html_is_escaped() -> None:
    html_out = render_citations(_answer("q"))
    assert "<script>" not in html_out and "<img" not in html_out
    assert "&lt;script&gt;" in html_out
    *_, (chat, _, _, _, _) = respond(FakeEngine(), EVIL, [], [])
    assert "<script>" not in chat[0]["content"]


def test_errors_are_shown_in_the_chat() -> None:
    *_, (chat, citations, turns, box, _) = respond(FakeEngine(), "  ", [], [])
    assert "question is empty" in chat[-1]["content"] and turns == [] and citations == ""
    assert box == "  "  # the question stays in the box to be corrected


def test_app_builds_with_examples() -> None:
    demo = create_app(FakeEngine())  # type: ignore[arg-type]
    config = demo.get_config_file()
    assert config["analytics_enabled"] is False
    types = {c["type"] for c in config["components"]}
    assert {"chatbot", "textbox", "html", "dataset"} <= types


def test_mode_switch_reaches_the_engine() -> None:
    engine = FakeEngine()
    list(respond(engine, "How long?", [], [], "extractive"))
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
        retrieved=[Retrieved(chunk_id="c", source="data/a.txt", score=0.1, text=EVIL)],
    )
    shown = render_citations(refused)
    assert "Related passages" in shown and "<script>" not in shown


def test_a_waiting_question_shows_how_many_are_ahead() -> None:
    from assistant.engine import Waiting

    class QueuedEngine(FakeEngine):
        def stream(self, question, history, mode=None, **options):
            yield Waiting(2)
            yield Waiting(1)
            yield from super().stream(question, history, mode)

    steps = list(respond(QueuedEngine(), "How long?", [], []))
    shown = [s[0][-1]["content"] for s in steps]
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


def test_a_model_that_cannot_be_reached_gets_an_extractive_answer_marked_as_such() -> None:
    engine = DownModelEngine()
    *_, (chat, citations, turns, box, answers) = respond(engine, "How long?", [], [])
    assert answers[-1]["answer"] == "The border is 5,525 miles [1]."
    reply = chat[-1]["content"]
    assert reply.startswith("⚠ the model openai:m@") and " failed. " in reply
    assert "without the model (extractive)" in reply and "5,525 miles [1]" in reply
    assert engine.modes == [None, "extractive"] and "5,525" in citations
    assert turns == [Turn("How long?", "The border is 5,525 miles [1].")] and box == ""
