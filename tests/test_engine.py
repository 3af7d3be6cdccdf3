import json
from pathlib import Path

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answer import Answer
from assistant.app import App
from assistant.engine import Engine, Turn
from assistant.errors import UserError
from assistant.prompts import Prompts
from assistant.settings import load_settings


@pytest.fixture
def app(fake_env: Path) -> App:
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    return app


def _engine(app: App, *replies: str) -> Engine:
    llm = GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))
    return Engine(app.retriever(), llm, Prompts(app.settings.prompts_dir), "fake")


def test_answer_json_matches_the_contract(app: App) -> None:
    engine = _engine(app, "Placeholder")
    passages = engine.retrieve("What about the border?")
    first = passages[0]
    engine = _engine(app, f"{first.text.split('.')[0]} [1].")
    answer = engine.ask("What about the border?")
    data = json.loads(answer.model_dump_json())
    assert set(data) == {
        "question",
        "answer",
        "refused",
        "citations",
        "retrieved",
        "model",
        "timings_ms",
    }
    assert data["refused"] is False
    cite = data["citations"][0]
    assert cite["n"] == 1 and cite["chunk_id"] == first.chunk_id
    file_text = Path(cite["source"]).read_bytes().decode("utf-8")
    assert file_text[cite["start"] : cite["end"]] == cite["text"]
    assert cite["quote"] in cite["text"]
    assert set(data["timings_ms"]) == {"retrieve", "first_token", "total"}
    assert len(data["retrieved"]) == app.settings.k


def test_stream_yields_tokens_then_the_answer(app: App) -> None:
    events = list(_engine(app, "NORAD is sixty years old [2].").stream("How old is NORAD?"))
    assert isinstance(events[-1], Answer)
    tokens = [e for e in events if isinstance(e, str)]
    assert len(tokens) > 1 and "".join(tokens) == "NORAD is sixty years old [2]."


def test_model_saying_it_does_not_know_is_a_refusal(app: App) -> None:
    answer = _engine(app, "The passages do not mention that.").ask("What is the population?")
    assert answer.refused and answer.citations == []
    assert "do not contain" in answer.answer


def test_empty_and_overlong_questions_are_rejected(app: App) -> None:
    engine = _engine(app, "x")
    with pytest.raises(UserError, match="empty"):
        engine.ask("   ")
    with pytest.raises(UserError, match="2000"):
        engine.ask("why " * 600)


def test_history_reaches_the_model(app: App) -> None:
    seen: list[list] = []
    engine = _engine(app, "It is 60 years old [1].")
    original = engine.llm.stream

    def spy(messages, *a, **k):
        seen.append(messages)
        return original(messages, *a, **k)

    object.__setattr__(engine.llm, "stream", spy)
    engine.ask("How old is it?", [Turn("What is NORAD?", "NORAD is a binational command [1].")])
    contents = [m.content for m in seen[0]]
    assert "What is NORAD?" in contents and "NORAD is a binational command [1]." in contents


def test_empty_index_refuses_without_calling_the_model(fake_env: Path) -> None:
    app = App(load_settings())
    answer = _engine(app).ask("How long is the border?")
    assert answer.refused and answer.retrieved == []
