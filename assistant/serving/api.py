"""The HTTP API served beside the Gradio app: the Answer JSON, and an OpenAI-compatible chat
endpoint so that other chat front ends can use the assistant as a model."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.answer import Answer, Citation
from assistant.engine import ChatEngine, Draft, Turn, Waiting
from assistant.errors import ModelUnavailable, UserError

REPORT_NAME = re.compile(r"[A-Za-z0-9_.-]+\.html")
SOURCES_BLOCK = re.compile(r"\n\nSources:\n(?:\[\d+\] [^\n]*(?:\n|$))+\s*$")
TOKEN = re.compile(r"\w+|[^\w\s]")
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    422: "invalid_request_error",
    503: "service_unavailable",
}


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    mode: Literal["generative", "extractive"] | None = None
    k: int | None = Field(default=None, ge=1, le=20, description="passages to retrieve")
    history: list[Turn] = Field(default_factory=list, description="earlier turns, oldest first")


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[TextPart]

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text for part in self.content)


class ChatRequest(BaseModel):
    model: str = "assistant"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


def authorized(header: str | None, secret: str) -> bool:
    """`Authorization: Bearer SECRET` (OpenAI clients) or Basic `assistant:SECRET` (browsers)."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            user, _, given = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if user != "assistant":
            return False
    else:
        return False
    return secrets.compare_digest(given.encode(), secret.encode())


def create_api(
    engine: ChatEngine,
    model_name: str = "assistant",
    reports: Path | None = None,
    password: str | None = None,
    ready: threading.Event | None = None,
) -> FastAPI:
    """With a secret (ASSISTANT_API_KEY), every route asks for it as a Bearer token or as
    HTTP Basic credentials with the user "assistant"."""

    def check(request: Request) -> None:
        if password is None or authorized(request.headers.get("authorization"), password):
            return
        raise HTTPException(
            status_code=401,
            detail="this server needs its API key: send 'Authorization: Bearer KEY' "
            "(or the user 'assistant' with the key as password)",
            headers={"WWW-Authenticate": 'Bearer, Basic realm="assistant"'},
        )

    api = FastAPI(
        title="Document assistant API",
        description="Answers from your documents, with verified citations.",
        version="1",
    )
    api.add_exception_handler(HTTPException, _openai_error)  # type: ignore[arg-type]
    api.add_exception_handler(RequestValidationError, _openai_error)  # type: ignore[arg-type]
    guarded = APIRouter(dependencies=[Depends(check)])
    started = int(time.time())

    @api.get("/health")
    def health() -> dict[str, str]:
        """ "loading" while the models load at start-up, then "ready"."""
        return {"status": "ready" if ready is None or ready.is_set() else "loading"}

    @guarded.get("/v1/models")
    def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": model_name, "object": "model", "created": started, "owned_by": "assistant"}
            ],
        }

    @guarded.post("/v1/ask", response_model=Answer)
    def ask(request: AskRequest) -> Answer:
        options = {"k": request.k} if request.k else {}
        return _final(engine.stream(request.question, request.history, request.mode, **options))

    @guarded.post("/v1/chat/completions", response_model=None)
    def chat(request: ChatRequest) -> dict[str, Any] | StreamingResponse:
        if request.model not in (model_name, "assistant"):
            raise HTTPException(
                status_code=404,
                detail=f"model {request.model!r} does not exist; /v1/models lists {model_name!r}",
            )
        question, history = _conversation(request.messages)
        events = engine.stream(question, history)
        if request.stream:
            return StreamingResponse(
                _sse(events, model_name, request.messages), media_type="text/event-stream"
            )
        answer = _final(events)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model_name,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": with_sources(answer)},
                    "finish_reason": "stop",
                }
            ],
            "usage": usage(request.messages, with_sources(answer)),
            "citations": [c.model_dump() for c in answer.citations],
            "refused": answer.refused,
        }

    @guarded.get("/reports/{name}", include_in_schema=False)
    def report(name: str) -> FileResponse:
        path = (reports / name) if reports else None
        if path is None or not REPORT_NAME.fullmatch(name) or not path.is_file():
            raise HTTPException(status_code=404, detail="no such report")
        return FileResponse(path, media_type="text/html")

    api.include_router(guarded)
    return api


def with_sources(answer: Answer) -> str:
    """The answer text followed by its numbered sources, for clients that show only text."""
    if not answer.citations:
        return answer.answer
    return answer.answer + "\n\nSources:\n" + "\n".join(_source(c) for c in answer.citations)


def strip_sources(text: str) -> str:
    """An answer as a client sends it back in the history, without the Sources block."""
    return SOURCES_BLOCK.sub("", text)


def tokens(text: str) -> int:
    """Words and punctuation marks: the count `usage` reports (the assistant answers from
    passages, so there is no one model tokenizer to count with)."""
    return len(TOKEN.findall(text))


def usage(messages: list[ChatMessage], answer: str) -> dict[str, int]:
    prompt = sum(tokens(m.text) for m in messages)
    completion = tokens(answer)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _openai_error(request: Request, exc: Exception) -> JSONResponse:
    """Errors in the shape OpenAI clients parse: {"error": {"message", "type", "code"}}."""
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        status, message = 422, f"{where}: {first.get('msg', 'invalid request')}"
    else:
        assert isinstance(exc, HTTPException)
        status, message = exc.status_code, str(exc.detail)
    kind = ERROR_TYPES.get(status, "api_error")
    body = {"error": {"message": message, "type": kind, "param": None, "code": status}}
    # the API's own clients read `detail`; OpenAI clients read `error`
    return JSONResponse({**body, "detail": message}, status, headers=getattr(exc, "headers", None))


def _source(c: Citation) -> str:
    where = f"{c.source}, page {c.page}" if c.page else c.source
    return f"[{c.n}] {c.title} ({where}): “{c.quote}”"


def _final(events: Iterator[str | Answer]) -> Answer:
    try:
        for event in events:
            if isinstance(event, Answer):
                return event
    except ModelUnavailable as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from None
    except UserError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    raise HTTPException(status_code=500, detail="the engine produced no answer")


def _conversation(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The last user message is the question; earlier user/assistant pairs are the history."""
    if messages[-1].role != "user":
        raise HTTPException(status_code=422, detail="messages: the last message must be the user's")
    history, pending = [], None
    for m in messages[:-1]:
        if m.role == "user":
            pending = m.text
        elif m.role == "assistant" and pending is not None:
            history.append(Turn(pending, strip_sources(m.text)))
            pending = None
    return messages[-1].text, history


def _sse(events: Iterator[str | Answer], model: str, messages: list[ChatMessage]) -> Iterator[str]:
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant"})
    streamed = ""
    try:
        for event in events:
            if isinstance(event, Waiting):
                yield f": {event.ahead} questions ahead\n\n"  # an SSE comment: clients skip it
            elif isinstance(event, Draft):
                continue  # only checked text is sent
            elif isinstance(event, Answer):
                tail = event.answer[len(streamed) :]  # the engine streams only checked text
                sources = with_sources(event)[len(event.answer) :]
                yield chunk(
                    {"content": tail + sources},
                    "stop",
                    citations=[c.model_dump() for c in event.citations],
                    refused=event.refused,
                    usage=usage(messages, with_sources(event)),
                )
            else:
                streamed += event
                yield chunk({"content": event})
    except UserError as exc:
        yield chunk({"content": f"error: {exc}"}, "stop")
    yield "data: [DONE]\n\n"
