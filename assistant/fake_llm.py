"""`ASSISTANT_LLM=fake`: a deterministic model that quotes the first passage it is shown."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

FIRST_PASSAGE = re.compile(r"^\[(\d+)\] ([^\n]+)", re.MULTILINE)


class QuotingFakeChatModel(BaseChatModel):
    refusal: str = "The documents do not contain the answer to this question."
    delay: float = 0.0  # seconds per streamed token, so that a browser can watch it stream

    @property
    def _llm_type(self) -> str:
        return "fake-quoting"

    def _answer(self, messages: list[BaseMessage]) -> str:
        match = FIRST_PASSAGE.search(str(messages[-1].content))
        if not match:
            return self.refusal
        first = re.split(r"(?<=[.!?])\s", match.group(2).strip(), maxsplit=1)[0]
        return f"{first} [{match.group(1)}]"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self._answer(messages)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for token in re.findall(r"\S+\s*", self._answer(messages)):
            time.sleep(self.delay)
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))
