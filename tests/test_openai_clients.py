"""The API as real OpenAI clients use it: the `openai` package and LangChain's ChatOpenAI,
with the conversation's history held by the client."""

import openai
import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from assistant.serving.api import create_api
from tests.test_api import FakeEngine

MODEL = "smollm2"


@pytest.fixture
def served() -> tuple[openai.OpenAI, FakeEngine, TestClient]:
    engine = FakeEngine()
    http = TestClient(create_api(engine, model_name=MODEL))
    client = openai.OpenAI(base_url="http://testserver/v1", api_key="none", http_client=http)
    return client, engine, http


def test_models_lists_the_served_model(
    served: tuple[openai.OpenAI, FakeEngine, TestClient],
) -> None:
    client, _, _ = served
    assert [m.id for m in client.models.list()] == [MODEL]


def test_a_three_turn_conversation_held_by_the_client(
    served: tuple[openai.OpenAI, FakeEngine, TestClient],
) -> None:
    client, engine, _ = served
    messages: list[dict[str, object]] = []
    for question in ("How long is the border?", "And the ports?", "Who guards it?"):
        messages.append({"role": "user", "content": [{"type": "text", "text": question}]})
        reply = client.chat.completions.create(model=MODEL, messages=messages)  # type: ignore[arg-type]
        text = reply.choices[0].message.content or ""
        assert "Sources:\n[1]" in text  # shown to people; stripped when it comes back
        assert reply.usage and reply.usage.completion_tokens > 0
        assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
        messages.append({"role": "assistant", "content": text})
    question, history, _ = engine.calls[-1]
    assert question == "Who guards it?"
    assert [t.question for t in history] == ["How long is the border?", "And the ports?"]
    assert all(t.answer == "The border is 5,525 miles [1]." for t in history), history


def test_streamed_and_whole_answers_are_the_same_text(
    served: tuple[openai.OpenAI, FakeEngine, TestClient],
) -> None:
    client, _, _ = served
    asked = [{"role": "user", "content": "How long is the border?"}]
    whole = client.chat.completions.create(model=MODEL, messages=asked)  # type: ignore[arg-type]
    parts = client.chat.completions.create(model=MODEL, messages=asked, stream=True)  # type: ignore[arg-type]
    streamed = "".join(c.choices[0].delta.content or "" for c in parts if c.choices)
    assert streamed == whole.choices[0].message.content


def test_client_mistakes_are_openai_errors_never_500(
    served: tuple[openai.OpenAI, FakeEngine, TestClient],
) -> None:
    client, _, http = served
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.UnprocessableEntityError, match="messages"):
        client.chat.completions.create(model=MODEL, messages=[])
    r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": 3}]})
    assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_request_error"


def test_langchain_chat_openai_as_a_client(
    served: tuple[openai.OpenAI, FakeEngine, TestClient],
) -> None:
    _, engine, http = served
    chat = ChatOpenAI(
        model=MODEL,
        base_url="http://testserver/v1",
        api_key="none",
        http_client=http,  # type: ignore[arg-type]
    )
    reply = chat.invoke([HumanMessage("How long is the border?")])
    assert str(reply.content).startswith("The border is 5,525 miles [1].")
    assert engine.calls[-1][:2] == ("How long is the border?", [])
    streamed = "".join(str(c.content) for c in chat.stream([HumanMessage("How long?")]))
    assert streamed == reply.content
