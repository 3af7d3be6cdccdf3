"""`assistant bench load`: many users at once against a real server process.

Starts `assistant ui` on a free loopback port (or uses --url), answers every suite question
alone in extractive mode to get the reference answers, then runs N users for M minutes. Each
user holds multi-turn conversations, alternating extractive and generative mode and three
ways in: POST /v1/ask, streamed /v1/chat/completions, and the browser's Gradio queue. It
reports throughput, latency percentiles, errors by kind, server RSS at start and end, and
whether the server survived; every extractive answer must equal its reference.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import UserError
from assistant.evaluation.suite import load_suite

TRANSPORTS = ("api", "stream", "browser")
READY_TIMEOUT_S = 180
REQUEST_TIMEOUT_S = 600


@dataclass
class Record:
    transport: str
    mode: str
    seconds: float
    error: str | None = None


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes] | None = None
    rss: list[int] = field(default_factory=list)  # sampled, in bytes

    def rss_now(self) -> int | None:
        if self.process is None:
            return None
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def crashed(self) -> int | None:
        """The exit code if the server died (negative: killed by that signal)."""
        return None if self.process is None else self.process.poll()


def conversations(suite: Path) -> list[list[str]]:
    """Each multi-turn case is a conversation; single questions are paired into two-turn ones."""
    convs, singles = [], []
    for case in load_suite(suite).cases:
        turns = [t.question for t in case.all_turns()]
        (convs.append(turns) if len(turns) > 1 else singles.extend(turns))
    convs += [singles[i : i + 2] for i in range(0, len(singles), 2)]
    if not convs:
        raise UserError(f"{suite}: no questions to ask")
    return convs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def start_server(log: Path) -> Iterator[Server]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        server = Server(url, process)
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise UserError(
                        f"the server exited at start (code {process.returncode}); see {log}"
                    )
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"{url}/openapi.json", timeout=2).close()
                    break
                if time.monotonic() > deadline:
                    raise UserError(
                        f"the server did not start within {READY_TIMEOUT_S} s; see {log}"
                    )
                time.sleep(0.5)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


class Client:
    """One user: their own conversation state on each way in."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = {"Content-Type": "application/json", **headers}
        self._gradio: Any = None

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url + path, json.dumps(body).encode(), self.headers, method="POST"
        )
        return urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S)

    def ask(self, question: str, history: list[dict[str, str]], mode: str) -> str:
        with self._post("/v1/ask", {"question": question, "mode": mode, "history": history}) as r:
            answer = json.load(r)
        if answer["question"] != question:
            raise MixUp(f"asked {question!r}, got the answer to {answer['question']!r}")
        return str(answer["answer"])

    def stream(self, question: str, history: list[dict[str, str]]) -> str:
        messages: list[dict[str, str]] = []
        for turn in history:
            messages += [
                {"role": "user", "content": turn["question"]},
                {"role": "assistant", "content": turn["answer"]},
            ]
        messages.append({"role": "user", "content": question})
        parts, done = [], False
        with self._post("/v1/chat/completions", {"messages": messages, "stream": True}) as r:
            for raw in r:
                line = raw.decode().strip()
                if line == "data: [DONE]":
                    done = True
                elif line.startswith("data: "):
                    delta = json.loads(line[6:])["choices"][0]["delta"]
                    parts.append(delta.get("content") or "")
        if not done:
            raise IncompleteStream("the stream ended without [DONE]")
        return "".join(parts).split("\n\nSources:\n")[0]

    def browser(self, question: str, conversation: str, mode: str) -> tuple[str, str]:
        """Through the Gradio queue, in a conversation the server stores ("" starts one)."""
        if self._gradio is None:
            from gradio_client import Client as GradioClient

            auth = self.headers.get("x-basic-auth")
            self._gradio = GradioClient(
                self.url + "/",
                verbose=False,
                auth=tuple(auth.split(":", 1)) if auth else None,  # type: ignore[arg-type]
            )
        conversation, chat = self._gradio.predict(
            question, conversation, mode, 4, "", api_name="/ask"
        )
        if _text(chat[-2]) != question:
            raise MixUp("the browser conversation shows another question")
        return _text(chat[-1]), conversation


def _text(message: dict[str, Any]) -> str:
    """A chat message's text, whether Gradio sends it as a string or as a list of parts."""
    content = message["content"]
    if isinstance(content, list):
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return html.unescape(str(content))


class MixUp(Exception):
    """An answer that belongs to another request."""


class IncompleteStream(Exception):
    pass


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"http {exc.code}"
    return type(exc).__name__


def run_user(
    user: int,
    client: Client,
    convs: list[list[str]],
    reference: dict[tuple[str, ...], str],
    deadline: float,
    records: list[Record],
    lock: threading.Lock,
) -> None:
    j = 0
    while time.monotonic() < deadline:
        turns = convs[(user + j * 7) % len(convs)]
        transport = TRANSPORTS[(user + j) % len(TRANSPORTS)]
        mode = "generative" if transport == "stream" or (user + j) % 2 else "extractive"
        j += 1
        history: list[dict[str, str]] = []
        conversation = ""
        asked: list[str] = []
        for question in turns:
            if time.monotonic() >= deadline:
                break
            asked.append(question)
            t0 = time.perf_counter()
            error = None
            try:
                if transport == "api":
                    answer = client.ask(question, history, mode)
                elif transport == "stream":
                    answer = client.stream(question, history)
                else:
                    answer, conversation = client.browser(question, conversation, mode)
                if mode == "extractive" and answer != reference[tuple(asked)]:
                    error = "extractive answer differs from the one asked alone"
                history.append({"question": question, "answer": answer})
            except Exception as exc:  # every failure is counted by kind, the user goes on
                error = _error_kind(exc)
            with lock:
                records.append(Record(transport, mode, time.perf_counter() - t0, error))
            if error:
                break


def references(client: Client, convs: list[list[str]]) -> dict[tuple[str, ...], str]:
    """Each conversation answered alone, in extractive mode, one request at a time."""
    out: dict[tuple[str, ...], str] = {}
    for turns in convs:
        history: list[dict[str, str]] = []
        for i, question in enumerate(turns):
            answer = client.ask(question, history, "extractive")
            out[tuple(turns[: i + 1])] = answer
            history.append({"question": question, "answer": answer})
    return out


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def summarise(
    records: list[Record], seconds: float, server: Server, crash: int | None
) -> dict[str, Any]:
    ok = [r for r in records if r.error is None]
    by_way: dict[str, list[float]] = defaultdict(list)
    for r in ok:
        by_way[f"{r.transport}/{r.mode}"].append(r.seconds)
    rss = [x for x in server.rss if x]
    start, end = (rss[0], rss[-1]) if rss else (None, None)
    return {
        "requests": len(records),
        "answered": len(ok),
        "answers_per_minute": round(len(ok) / seconds * 60, 1) if seconds else 0.0,
        "latency_s": {
            "all": {
                "p50": _percentile([r.seconds for r in ok], 0.5),
                "p95": _percentile([r.seconds for r in ok], 0.95),
            },
            **{
                way: {"n": len(v), "p50": _percentile(v, 0.5), "p95": _percentile(v, 0.95)}
                for way, v in sorted(by_way.items())
            },
        },
        "errors": dict(Counter(r.error for r in records if r.error)),
        "http_5xx": sum(1 for r in records if r.error and r.error.startswith("http 5")),
        "extractive_mismatches": sum(
            1 for r in records if r.error == "extractive answer differs from the one asked alone"
        ),
        "server_crashed": crash is not None,
        "server_exit_code": crash,
        "rss_mb": {
            "start": round(start / 1e6, 1) if start else None,
            "end": round(end / 1e6, 1) if end else None,
            "peak": round(max(rss) / 1e6, 1) if rss else None,
            "growth": round(end / start - 1, 4) if start and end else None,
        },
        "seconds": round(seconds, 1),
    }


def _run_users(
    users: int,
    server: Server,
    headers: dict[str, str],
    convs: list[list[str]],
    reference: dict[tuple[str, ...], str],
    seconds: float,
) -> list[Record]:
    records: list[Record] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=run_user,
            args=(u, Client(server.url, headers), convs, reference, deadline, records, lock),
        )
        for u in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return records


def bench_load(
    users: int,
    minutes: float,
    suite: Path,
    out: Path,
    url: str | None = None,
    api_key: str | None = None,
    warmup_minutes: float = 0.0,
) -> dict[str, Any]:
    """Warm-up (same users, not counted) lets caches and the model's buffers fill, so that
    RSS growth measures what the run adds, not what the first minutes touch."""
    convs = conversations(suite)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    if api_key:
        headers["x-basic-auth"] = f"assistant:{api_key}"
    with contextlib.ExitStack() as stack:
        server = Server(url) if url else stack.enter_context(start_server(out.with_suffix(".log")))
        reference = references(Client(server.url, headers), convs)
        for turns in convs:  # the generative model loads and answers once before timing
            with contextlib.suppress(Exception):
                Client(server.url, headers).ask(turns[0], [], "generative")
                break
        before_warmup = server.rss_now()
        if warmup_minutes > 0:
            _run_users(users, server, headers, convs, reference, warmup_minutes * 60)
        server.rss.append(server.rss_now() or 0)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(2.0):
                server.rss.append(server.rss_now() or 0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        records = _run_users(users, server, headers, convs, reference, minutes * 60)
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        server.rss.append(server.rss_now() or 0)
        result = summarise(records, elapsed, server, server.crashed())
    per_minute = server.rss[:: max(1, len(server.rss) // max(1, round(minutes)))]
    result["rss_mb"].update(
        before_warmup=round(before_warmup / 1e6, 1) if before_warmup else None,
        series=[round(x / 1e6, 1) for x in per_minute if x],
    )
    result.update(
        users=users,
        minutes=minutes,
        warmup_minutes=warmup_minutes,
        suite=str(suite),
        conversations=len(convs),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    return result
