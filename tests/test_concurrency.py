"""Many users at once: generation one at a time per model instance and in arrival order,
waiting shown, server models in parallel up to the limit, retrieval safe beside a running
index sync, and no request ever sees another's history, settings or citations."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from assistant.answer import Answer
from assistant.app import App
from assistant.engine import Engine, Turn, Waiting
from assistant.fake_llm import QuotingFakeChatModel
from assistant.llm import LLMPool, make_pool
from assistant.prompts import Prompts
from assistant.settings import load_settings
from assistant.text import MARKER

BORDER = "How long is the land border between the United States and Canada?"
NORAD = "What is the crown jewel of U.S.-Canada defense cooperation?"
TRADE = "How much did the two countries trade in goods and services in 2019?"


class Counting:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.prompts: dict[str, list[str]] = {}

    def enter(self) -> None:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)

    def leave(self) -> None:
        with self.lock:
            self.inside -= 1


COUNTER = Counting()


class ExclusiveModel(QuotingFakeChatModel):
    """Like llama.cpp, it must never run twice at once; it records the most it ever did."""

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Iterator[Any]:
        COUNTER.enter()
        try:
            shown = "\n".join(str(m.content) for m in messages)
            with COUNTER.lock:
                COUNTER.prompts[threading.current_thread().name] = [shown]
            time.sleep(0.05)
            yield from super()._stream(messages, *args, **kwargs)
        finally:
            COUNTER.leave()


@pytest.fixture
def app(seed_app: App) -> App:
    global COUNTER
    COUNTER = Counting()
    return seed_app


def _engine(app: App, pool: LLMPool) -> Engine:
    return Engine(
        app.retriever(),
        pool,
        Prompts(app.settings.prompts_dir),
        app.embeddings,
        pool.name,
        answerability=app.answerability,
    )


def _run_all(jobs: list[Any], while_running: Any = None) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,), name=f"user-{i}") for i in range(len(jobs))]
    for t in threads:
        t.start()
    if while_running:
        while_running()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_one_model_instance_generates_one_answer_at_a_time(app: App) -> None:
    pool = LLMPool("embedded", [ExclusiveModel()])
    engine = _engine(app, pool)
    alone = {q: engine.ask(q) for q in (BORDER, NORAD, TRADE)}
    assert not any(a.refused for a in alone.values())
    questions = [BORDER, NORAD, TRADE] * 4

    def ask(q: str) -> tuple[list[Any], str]:
        events = list(engine.stream(q))
        return events, q

    busy = pool.queue.enter()  # the model is busy until every question has queued behind it
    assert busy.wait(0) == 0

    def release_when_all_queued() -> None:
        deadline = time.monotonic() + 60
        while pool.queue.waiting() < len(questions) and time.monotonic() < deadline:
            time.sleep(0.01)
        busy.release()

    results = _run_all([lambda q=q: ask(q) for q in questions], release_when_all_queued)
    assert COUNTER.most == 1
    waits = [e for events, _ in results for e in events if isinstance(e, Waiting)]
    assert max(w.ahead for w in waits) == len(questions)  # the queue was shown, with its length
    for events, q in results:
        answer = events[-1]
        assert isinstance(answer, Answer) and answer.question == q
        assert answer.answer == alone[q].answer  # the same answer it gets alone


def test_a_server_model_runs_requests_side_by_side_up_to_the_limit(app: App) -> None:
    model = ExclusiveModel()
    engine = _engine(app, LLMPool("server", [model] * 3))
    _run_all([lambda: engine.ask(BORDER) for _ in range(9)])
    assert COUNTER.most == 3


def test_pools_follow_the_settings(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_PARALLEL", "5")
    monkeypatch.setenv("ASSISTANT_LLM_WORKERS", "2")
    settings = load_settings()
    assert make_pool(settings, "openai:m@http://127.0.0.1:9/v1").queue.slots == 5
    assert make_pool(settings, "fake").queue.slots == 5
    smol = make_pool(settings, "smollm2")
    assert smol.queue.slots == 2 and smol.models[0] is not smol.models[1]


def test_no_request_sees_another_ones_history_or_settings(app: App) -> None:
    engine = _engine(app, LLMPool("embedded", [ExclusiveModel()]))
    histories = {
        i: [Turn(f"Earlier question number {i}?", f"Earlier answer number {i} [1].")]
        for i in range(8)
    }

    def ask(i: int) -> Answer:
        return engine.ask("How old is it?" if i % 2 else NORAD, histories[i], k=2 + i % 4)

    answers = _run_all([lambda i=i: ask(i) for i in range(8)])
    for i, answer in enumerate(answers):
        assert len(answer.retrieved) == 2 + i % 4
        assert {c.chunk_id for c in answer.citations} <= {r.chunk_id for r in answer.retrieved}
        shown = COUNTER.prompts.get(f"user-{i}")
        if shown:  # refused or fallback answers never reach the model
            assert f"number {i}?" in shown[0]
            assert not any(f"number {j}?" in shown[0] for j in range(8) if j != i)


def test_questions_are_answered_the_same_while_files_are_indexed(app: App) -> None:
    engine = _engine(app, LLMPool("embedded", [ExclusiveModel()]))
    questions = [BORDER, NORAD, TRADE]

    def answer(q: str) -> tuple[str, list[str]]:
        """The text without [n] (new files may shift passage numbers) and the quotes."""
        got = engine.ask(q, mode="extractive")
        return MARKER.sub("", got.answer), [c.quote for c in got.citations]

    alone = {q: answer(q) for q in questions}
    stop = threading.Event()
    synced: list[int] = []

    def keep_indexing() -> None:
        i = 0
        while not stop.is_set():
            path = Path(f"data/upload-{i % 3}.md")
            path.write_text(
                f"# Quokkas {i}\n\nQuokka habitats on Rottnest island shrank by {i} hectares.\n"
            )
            app.indexer.sync([path])
            synced.append(i)
            i += 1

    indexer = threading.Thread(target=keep_indexing)
    indexer.start()
    try:
        answers = _run_all([lambda q=q: answer(q) for q in questions * 6])
    finally:
        stop.set()
        indexer.join(30)
    assert synced, "the index never changed during the test"
    assert answers == [alone[q] for q in questions * 6]


def test_two_syncs_at_once_take_turns(app: App) -> None:
    for i in range(6):
        Path(f"data/extra-{i}.md").write_text(f"# Extra {i}\n\nParagraph {i} about ferries.\n")
    reports = _run_all(
        [lambda: App(load_settings()).indexer.sync([Path("data")]) for _ in range(3)]
    )
    assert sum(len(r.added) for r in reports) == 6  # each file added once, by one of them
    stored = App(load_settings()).store.get(include=[])["ids"]
    assert len(stored) == len(set(stored)) == App(load_settings()).chunk_count()


@pytest.mark.slow
def test_the_embedded_model_survives_concurrent_questions(fake_env: Path) -> None:
    """Three generative questions at once used to kill the server (llama.cpp segfault)."""
    app = App(load_settings(llm="smollm2", embeddings="minilm"))
    app.indexer.sync([Path("data")])
    engine = app.engine
    answers = _run_all([lambda q=q: engine.ask(q) for q in (BORDER, NORAD, TRADE, BORDER)])
    assert all(a.answer and not a.refused for a in answers)
    assert "5,525" in answers[0].answer and "NORAD" in answers[1].answer
