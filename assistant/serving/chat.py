"""Chat turns for the browser: questions queue per conversation, answer one at a time, can be
stopped, and are stored as they complete. The chat shown is always rebuilt from the store plus
the question in progress, so a second event (a queued question, a reload) never overwrites it."""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import Answer
from assistant.engine import ChatEngine, Draft, Turn, Waiting
from assistant.errors import ModelUnavailable, UserError
from assistant.serving.conversations import Conversations
from assistant.serving.render import STOPPED, assistant_message, chat_messages, citations_panel

View = tuple[list[dict[str, Any]], str]  # (Chatbot messages, citations panel HTML)
STARTED_KEPT = 4096  # browser sessions whose newest conversation is remembered


@dataclass
class Live:
    """A conversation's work in progress (not yet stored)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    queued: deque[str] = field(default_factory=deque)
    running: str | None = None
    partial: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    problem: str = ""  # why the last question got no answer (an empty question, say)


class ChatRunner:
    def __init__(self, engine: ChatEngine, store: Conversations) -> None:
        self.engine = engine
        self.store = store
        self._live: dict[str, Live] = {}
        self._lock = threading.Lock()
        self._started: OrderedDict[str, tuple[str, str]] = OrderedDict()  # session → (asked, made)
        self._starting = threading.Lock()  # not self._lock: every streamed view takes that one

    def conversation(self, cid: str, session: str | None) -> str:
        """The conversation a question goes to: `cid`, or a new one when it is "" or was deleted.
        In a browser session, a question sent before the browser learnt the new id (two asked
        in quick succession) goes to the same new conversation, not to a second one."""
        with self._starting:
            if cid and self.store.exists(cid):
                return cid
            asked, made = self._started.get(session or "", ("", ""))
            if session and made and asked == cid and self.store.exists(made):
                return made
            made = self.store.create()
            if session:
                self._started[session] = (cid, made)
                self._started.move_to_end(session)
                while len(self._started) > STARTED_KEPT:
                    self._started.popitem(last=False)
            return made

    def leave(self, session: str | None) -> None:
        """The session asked for a fresh conversation: its next "" starts one."""
        with self._starting:
            self._started.pop(session or "", None)

    def live(self, cid: str) -> Live:
        with self._lock:
            return self._live.setdefault(cid, Live())

    def view(self, cid: str) -> View:
        return self._view(cid, self.store.answers(cid) if cid else [])

    def _view(self, cid: str, answers: list[Answer]) -> View:
        """The view with the stored answers already read (a streamed token reads no store)."""
        live = self.live(cid)
        with live.lock:
            messages = chat_messages(answers, live.running, live.partial, tuple(live.queued))
            if live.problem:
                messages.append(assistant_message(live.problem))
        return messages, citations_panel(answers)

    def enqueue(self, cid: str, question: str) -> View:
        """Show the question at once; work() answers it when the ones before it are done."""
        live = self.live(cid)
        with live.lock:
            live.problem = ""
            live.queued.append(question)
        return self.view(cid)

    def stop(self, cid: str) -> View:
        """Stop the answer being written and drop the questions queued behind it."""
        live = self.live(cid)
        with live.lock:
            live.queued.clear()
            if live.running is not None:
                live.stop.set()
        return self.view(cid)

    def work(self, cid: str, mode: str | None = None, **options: Any) -> Iterator[View]:
        """Answer this conversation's queue; returns at once when another call already is."""
        live = self.live(cid)
        with live.lock:
            if live.running is not None or not live.queued:
                return
            live.running, live.partial = live.queued.popleft(), ""
            live.stop.clear()
        try:
            while True:
                assert live.running is not None
                yield from self._answer(cid, live, live.running, mode, options)
                with live.lock:
                    live.partial = ""
                    if not live.queued or live.stop.is_set():
                        live.running = None
                        live.queued.clear()
                        break
                    live.running = live.queued.popleft()
        finally:
            with live.lock:
                live.running, live.partial = None, ""
                live.stop.clear()
        yield self.view(cid)

    def _answer(
        self, cid: str, live: Live, question: str, mode: str | None, options: dict[str, Any]
    ) -> Iterator[View]:
        stored = self.store.answers(cid)  # read once per question, not per streamed token
        history = [Turn(a.question, a.answer) for a in stored if a.answer != STOPPED]
        options = {k: v for k, v in options.items() if v is not None}
        note = ""  # why the answer was made without the model, when it was
        for attempt in (mode, "extractive"):
            events = self.engine.stream(question, history, attempt, **options)
            streamed = draft = ""
            try:
                for event in events:
                    if live.stop.is_set():
                        stopped = Answer(question=question, answer=STOPPED, refused=True, model="")
                        self._keep(cid, stopped)
                        return
                    if isinstance(event, Answer):
                        self._keep(cid, event.model_copy(update={"answer": note + event.answer}))
                        return
                    if isinstance(event, Draft):  # work in progress, shown as such until checked
                        draft += event.token
                        live.partial = f"✍ drafting and checking… {draft}"
                    elif isinstance(event, Waiting):
                        ahead = f"{event.ahead} question{'s' if event.ahead != 1 else ''}"
                        live.partial = f"⏳ waiting for the model: {ahead} ahead of yours…"
                    else:
                        streamed += event
                        live.partial = note + streamed
                    yield self._view(cid, stored)
            except ModelUnavailable as exc:  # this conversation's model: answer without it
                note = f"⚠ {exc}. Answered from the documents without the model (extractive):\n\n"
                continue
            except UserError as exc:
                with live.lock:
                    live.problem = f"⚠ {exc}"
                return
            finally:
                events.close()

    def _keep(self, cid: str, answer: Answer) -> None:
        try:
            self.store.add(cid, answer)
        except UserError as exc:  # the conversation was deleted while it was being answered
            with self.live(cid).lock:
                self.live(cid).problem = f"⚠ {exc}"
