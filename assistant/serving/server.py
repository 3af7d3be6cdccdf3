"""One server: the Gradio chat at /, the HTTP API at /v1 (OpenAPI schema at /docs). Models load
in the background as it starts, so that the first question is as fast as later ones."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from assistant.errors import UserError

if TYPE_CHECKING:
    import socket

    import uvicorn
    from langchain_core.messages import BaseMessage

    from assistant.app import App
    from assistant.llm import LLMPool
    from assistant.serving.workspace import Workspace

QUEUE_WORKERS = 16  # browser questions run side by side; the model queue orders generation
WARM_QUESTION = "What is this about?"
WARM_TOKENS = 8  # enough to run the one-token steps of an answer
SHUTDOWN_GRACE_S = 5  # after SIGTERM, answers still streaming get this long before they are cut
log = logging.getLogger(__name__)


def check_exposure(host: str, secret: str | None, insecure: bool) -> None:
    """Refuse to serve beyond this machine without a secret, unless told to."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not secret and not insecure:
        raise UserError(
            f"refusing to serve on {host} without a secret: set ASSISTANT_API_KEY "
            "(or pass --insecure to serve it open to the network)"
        )


def warm_up(workspace: Workspace) -> None:
    """Load what the first answer needs: parser, embedder, indexes, answerability model, LLM."""
    from assistant.answering import parser

    t0 = time.perf_counter()
    try:
        parser.load()
        engine = workspace.app.engine
        # retrieval and the gate load the embedder, the indexes, the reader and the
        # answerability model on the way
        _warm_embedded_models(engine.pool(), engine.prompt(WARM_QUESTION))
    except Exception as exc:  # a model that cannot load is reported when a question needs it
        log.warning("warm-up stopped: %s", exc)
    finally:
        workspace.ready.set()
        log.info("models loaded in %.1f s", time.perf_counter() - t0)


def _warm_embedded_models(pool: LLMPool, messages: list[BaseMessage]) -> None:
    """Load each embedded model and have it begin an answer to a prompt of the real shape:
    llama.cpp then keeps the system prompt as the cached prefix of every answer's prompt, and
    the first question runs no step (reading a prompt, producing a token) for the first time.
    Every slot of the model queue is held, so that no question shares a model with it."""
    tickets = [pool.queue.enter() for _ in pool.models]
    try:
        for ticket in tickets:
            model = pool.models[ticket.wait() or 0]
            if hasattr(model, "_client"):  # llama.cpp in this process, not a server
                for produced, _ in enumerate(model.stream(messages), 1):
                    if produced >= WARM_TOKENS:
                        break
    finally:
        for ticket in tickets:
            ticket.release()


def launch(app: App, host: str, port: int, insecure: bool = False) -> None:
    check_exposure(host, app.settings.secret, insecure)
    from index import store

    store.set_owner(f"`assistant ui` on http://{host}:{port}/")
    app.chroma.claim()  # before it listens: the home may be another process's
    import gradio as gr
    import uvicorn

    from assistant.serving.api import create_api
    from assistant.serving.chat_ui import create_app, css
    from assistant.serving.workspace import Workspace

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    workspace = Workspace(app)
    workspace.ready.clear()
    threading.Thread(target=warm_up, args=(workspace,), name="warm-up", daemon=True).start()
    demo = create_app(workspace).queue(default_concurrency_limit=QUEUE_WORKERS)
    password = app.settings.secret
    server = gr.mount_gradio_app(
        create_api(
            workspace, app.settings.llm, app.settings.home / "reports", password, workspace.ready
        ),
        demo,
        path="/",
        server_name=host,
        server_port=port,
        auth=("assistant", password) if password else None,
        show_error=False,
        max_file_size=int(app.settings.max_upload_mb * 1_000_000),
        css=css(),
    )
    print(f"chat on http://{host}:{port}/  ·  API docs on http://{host}:{port}/docs", flush=True)
    config = uvicorn.Config(
        server,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    _announced(uvicorn.Server)(config).run()


def _announced(base: type[uvicorn.Server]) -> type[uvicorn.Server]:
    """uvicorn's server, saying when it stops (uvicorn's own log is silent at "warning")."""

    class Server(base):  # type: ignore[misc,valid-type]
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            print(f"stopping: answers in progress get {SHUTDOWN_GRACE_S} s", flush=True)
            await super().shutdown(sockets)

    return Server
