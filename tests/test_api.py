import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.answer import Answer
from assistant.app import App
from assistant.engine import Turn
from assistant.errors import UserError
from assistant.serving.api import create_api
from assistant.settings import load_settings
from tests.test_cli import closed_port
from tests.test_ui import _answer


class FakeEngine:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Turn], str | None]] = []

    def stream(
        self, question: str, history: list[Turn], mode: str | None = None
    ) -> Iterator[str | Answer]:
        if question == "bad":
            raise UserError("the question is empty; type a question about your documents")
        self.calls.append((question, list(history), mode))
        yield "The border "
        yield "is 5,525 miles [1]."
        yield _answer(question)


def _client() -> tuple[TestClient, FakeEngine]:
    engine = FakeEngine()
    return TestClient(create_api(engine)), engine


def test_ask_returns_the_answer_json() -> None:
    client, engine = _client()
    r = client.post(
        "/v1/ask",
        json={
            "question": "How long?",
            "mode": "extractive",
            "history": [{"question": "Hi?", "answer": "Hello [1]."}],
        },
    )
    assert r.status_code == 200
    assert r.json()["citations"][0]["quote"] == "The border is 5,525 miles."
    assert engine.calls == [("How long?", [Turn("Hi?", "Hello [1].")], "extractive")]


def test_bad_requests_get_422_with_a_message() -> None:
    client, _ = _client()
    assert client.post("/v1/ask", json={}).status_code == 422
    r = client.post("/v1/ask", json={"question": "x" * 2001})
    assert r.status_code == 422 and "2000" in r.text
    r = client.post("/v1/ask", json={"question": "bad"})
    assert r.status_code == 422 and "question is empty" in r.json()["detail"]
    assert client.post("/v1/chat/completions", json={"messages": []}).status_code == 422
    r = client.post(
        "/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "x"}]}
    )
    assert r.status_code == 422 and "last message" in r.text


def test_chat_completions_carries_history_and_citations() -> None:
    client, engine = _client()
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "What is NORAD?"},
        {"role": "assistant", "content": "A command [1]."},
        {"role": "user", "content": "How old is it?"},
    ]
    body = client.post(
        "/v1/chat/completions", json={"model": "assistant", "messages": messages}
    ).json()
    content = body["choices"][0]["message"]["content"]
    assert content.startswith("The border is 5,525 miles [1].") and "Sources:\n[1]" in content
    assert body["citations"][0]["source"] == "data/a.txt" and body["object"] == "chat.completion"
    assert engine.calls[0][:2] == ("How old is it?", [Turn("What is NORAD?", "A command [1].")])


def test_chat_completions_streams_server_sent_events() -> None:
    client, _ = _client()
    with client.stream(
        "POST",
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "How long?"}], "stream": True},
    ) as r:
        lines = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.startswith("The border is 5,525 miles [1].") and "Sources:" in text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]


def test_openapi_schema_documents_both_endpoints() -> None:
    client, _ = _client()
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/chat/completions"} <= set(paths)


def test_a_password_guards_every_route() -> None:
    client = TestClient(create_api(FakeEngine(), password="s3cret"))
    body = {"question": "How long?"}
    assert client.post("/v1/ask", json=body).status_code == 401
    assert client.post("/v1/ask", json=body, auth=("assistant", "wrong")).status_code == 401
    assert client.post("/v1/ask", json=body, auth=("assistant", "s3cret")).status_code == 200
    assert client.get("/reports/x.html").status_code == 401


def test_reports_are_served_by_name_only(tmp_path) -> None:
    (tmp_path / "seed.html").write_text("<h1>Suite seed</h1>")
    client = TestClient(create_api(FakeEngine(), reports=tmp_path))
    assert "Suite seed" in client.get("/reports/seed.html").text
    assert client.get("/reports/..%2Fsecret.html").status_code == 404
    assert client.get("/reports/missing.html").status_code == 404


def test_a_model_server_that_is_down_is_503_not_500(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_LLM", f"openai:m@http://127.0.0.1:{closed_port()}/v1")
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    client = TestClient(create_api(app.engine))
    r = client.post("/v1/ask", json={"question": "How long is the land border?"})
    assert r.status_code == 503 and "ASSISTANT_LLM" in r.json()["detail"]
    r = client.post(
        "/v1/ask", json={"question": "How long is the land border?", "mode": "extractive"}
    )
    assert r.status_code == 200 and "5,525" in r.json()["answer"]


def test_health_says_loading_until_the_models_are_ready() -> None:
    import threading

    ready = threading.Event()
    client = TestClient(create_api(FakeEngine(), ready=ready))
    assert client.get("/health").json() == {"status": "loading"}
    ready.set()
    assert client.get("/health").json() == {"status": "ready"}


def test_k_is_a_per_request_setting_and_is_validated() -> None:
    class KEngine(FakeEngine):
        def stream(self, question, history, mode=None, **options):
            self.options = options
            yield from super().stream(question, history, mode)

    engine = KEngine()
    client = TestClient(create_api(engine))
    assert client.post("/v1/ask", json={"question": "q", "k": 7}).status_code == 200
    assert engine.options == {"k": 7}
    r = client.post("/v1/ask", json={"question": "q", "k": 0})
    assert r.status_code == 422 and "k" in json.dumps(r.json())
