"""The RAG engine: retrieve → prompt → generate (streaming) → resolve citations → Answer."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.retrievers import BaseRetriever

from assistant.answer import Answer, Passage, Retrieved
from assistant.citations import resolve
from assistant.errors import UserError
from assistant.followup import standalone_query
from assistant.prompts import Prompts

REFUSAL_PHRASES = re.compile(
    r"\b(do(es)? not|don't|doesn't|cannot|can't)\s+(contain|say|mention|provide|state|"
    r"specify|include|know|answer|find)|\bno (information|mention)\b|\bnot (mentioned|provided|"
    r"stated|specified)\b",
    re.IGNORECASE,
)
HISTORY_TURNS = 2


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


class Engine:
    def __init__(
        self,
        retriever: BaseRetriever,
        llm: BaseChatModel,
        prompts: Prompts,
        model_name: str,
        max_question_chars: int = 2000,
    ) -> None:
        self.retriever = retriever
        self.llm = llm
        self.prompts = prompts
        self.model_name = model_name
        self.max_question_chars = max_question_chars

    def check_question(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise UserError("the question is empty; type a question about your documents")
        if len(question) > self.max_question_chars:
            raise UserError(
                f"the question is {len(question)} characters long; "
                f"the limit is {self.max_question_chars}, so shorten it"
            )
        return question

    @staticmethod
    def retrieval_query(question: str, history: Sequence[Turn] = ()) -> str:
        return standalone_query(question, history)

    def retrieve(self, question: str, history: Sequence[Turn] = ()) -> list[Passage]:
        return [_passage(d) for d in self.retriever.invoke(self.retrieval_query(question, history))]

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[str | Answer]:
        """Yield the answer's text as it is generated, then the final Answer."""
        question = self.check_question(question)
        t0 = time.perf_counter()
        passages = self.retrieve(question, history)
        t_retrieve = time.perf_counter()
        refusal = self.prompts.text("refusal.txt")
        first_token: float | None = None
        parts: list[str] = []
        if passages:
            for chunk in self.llm.stream(self._messages(question, passages, history, refusal)):
                token = str(chunk.content)
                if not token:
                    continue
                first_token = first_token or time.perf_counter()
                parts.append(token)
                yield token
        text = "".join(parts).strip()
        refused = not text or not passages or bool(REFUSAL_PHRASES.search(text))
        citations = []
        if refused:
            text = refusal
        else:
            text, citations = resolve(text, passages)
        done = time.perf_counter()
        yield Answer(
            question=question,
            answer=text,
            refused=refused,
            citations=citations,
            retrieved=[
                Retrieved(chunk_id=p.chunk_id, source=p.source, score=p.score, text=p.text)
                for p in passages
            ],
            model=self.model_name,
            timings_ms={
                "retrieve": _ms(t_retrieve - t0),
                "first_token": _ms((first_token or done) - t0),
                "total": _ms(done - t0),
            },
        )

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                return event
        raise RuntimeError("the engine produced no answer")  # unreachable: stream ends with one

    def _messages(
        self, question: str, passages: list[Passage], history: Sequence[Turn], refusal: str
    ) -> list[BaseMessage]:
        messages: list[BaseMessage] = [
            SystemMessage(self.prompts.render("answer_system.j2", refusal=refusal))
        ]
        for turn in history[-HISTORY_TURNS:]:
            messages += [HumanMessage(turn.question), AIMessage(turn.answer)]
        user = self.prompts.render("answer_user.j2", passages=passages, question=question)
        messages.append(HumanMessage(user))
        return messages


def _passage(doc: Document) -> Passage:
    m = doc.metadata
    return Passage(
        chunk_id=str(doc.id),
        source=m["source"],
        title=m.get("title", m["source"]),
        url=m.get("url"),
        start=int(m["start"]),
        end=int(m["end"]),
        text=doc.page_content,
        score=float(m.get("score", 0.0)),
    )


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
