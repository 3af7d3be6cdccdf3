"""The Gradio app. create_app() builds the Blocks around a Workspace; launch() serves it with
the HTTP API on the same server."""

from __future__ import annotations

import html
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answer import Answer, Citation, Span
from assistant.answering import parser
from assistant.engine import Draft, Turn, Waiting
from assistant.errors import ModelUnavailable, UserError
from assistant.links import defang_urls, domain
from assistant.workspace import Workspace, conversation_markdown

QUEUE_WORKERS = 16  # browser questions run side by side; the model queue orders generation

if TYPE_CHECKING:
    import gradio as gr

    from assistant.app import App


class ChatEngine(Protocol):
    def stream(
        self, question: str, history: list[Turn], mode: str | None = None, **options: Any
    ) -> Iterator[str | Waiting | Answer]: ...


FLAG_NOTE = (
    '<span class="flagged-note">⚠ text addressed to an AI assistant, not to readers: '
    "never used as an answer</span>"
)


def marked_text(text: str, flagged: list[Span], quote: str = "") -> str:
    """Escaped passage text: flagged spans struck out and labelled, the quote highlighted."""
    out, at = [], 0
    for start, end in sorted(flagged):
        out.append(_highlight(text[at:start], quote))
        out.append(f'<del class="flagged">{html.escape(text[start:end])}</del>')
        at = max(at, end)
    out.append(_highlight(text[at:], quote))
    return "".join(out)


def _highlight(text: str, quote: str) -> str:
    escaped, q = html.escape(text), html.escape(quote)
    if q and q in escaped:
        return escaped.replace(q, f"<mark>{q}</mark>", 1)
    return escaped


def render_citations(answer: Answer | None) -> str:
    """The cited passages as escaped HTML, the supporting quote highlighted."""
    if answer is None:
        return ""
    if answer.refused:
        related = "".join(
            f"<li><small>{html.escape(r.source)}</small>{FLAG_NOTE if r.flagged else ''}"
            f"<blockquote>{marked_text(r.text, r.flagged)}</blockquote></li>"
            for r in answer.retrieved[:3]
        )
        nearest = "".join(_citation_html(c) for c in answer.citations)
        return (
            f'<p class="refused">{html.escape(answer.answer)}</p>'
            + nearest
            + (f"<p>Related passages:</p><ul>{related}</ul>" if related else "")
        )
    parts = [_citation_html(c) for c in answer.citations]
    if answer.unsupported:
        removed = "".join(f"<li><del>{html.escape(u)}</del></li>" for u in answer.unsupported)
        parts.append(
            '<div class="unsupported"><b>⚠ Removed: not supported by the passages, '
            "or not an answer to the question</b>"
            f"<ul>{removed}</ul></div>"
        )
    return "".join(parts)


def _citation_html(c: Citation) -> str:
    """A document's URL is shown as text naming its domain, never as a link."""
    title = html.escape(c.title)
    where = html.escape(c.source)
    if c.url:
        where += f" · source: {html.escape(domain(c.url))} ({html.escape(c.url)})"
    flag = "" if c.supported else ' <span class="unsupported">not supported by this passage</span>'
    if c.flagged:
        flag += " " + FLAG_NOTE
    return (
        f'<div class="citation"><b>[{c.n}]</b> {title}{flag}<br>'
        f"<small>{where} · characters {c.start}–{c.end}</small>"
        f"<blockquote>{marked_text(c.text, c.flagged, c.quote)}</blockquote></div>"
    )


def respond(
    engine: ChatEngine,
    message: str,
    chat: list[dict[str, Any]],
    turns: list[Turn],
    mode: str | None = None,
    answers: list[dict[str, Any]] | None = None,
    **options: Any,
) -> Iterator[tuple[list[dict[str, Any]], str, list[Turn], str, list[dict[str, Any]]]]:
    """One chat turn: stream the answer into the chat, then show its citations. options (k,
    llm) are this conversation's settings."""
    answers = list(answers or [])
    chat = [*chat, {"role": "user", "content": html.escape(message)}]
    options = {k: v for k, v in options.items() if v is not None}

    def with_reply(text: str) -> list[dict[str, Any]]:
        return [*chat, {"role": "assistant", "content": html.escape(defang_urls(text))}]

    note = ""  # why the answer was made without the model, when it was
    for attempt in (mode, "extractive"):
        streamed = draft = ""
        try:
            for event in engine.stream(message, list(turns), attempt, **options):
                if isinstance(event, Draft):  # work in progress, shown as such until checked
                    draft += event.token
                    yield with_reply(f"✍ drafting and checking… {draft}"), "", turns, "", answers
                    continue
                if isinstance(event, Waiting):
                    ahead = f"{event.ahead} question{'s' if event.ahead != 1 else ''}"
                    waiting = with_reply(f"⏳ waiting for the model: {ahead} ahead of yours…")
                    yield waiting, "", turns, "", answers
                    continue
                if isinstance(event, Answer):
                    turns = [*turns, Turn(event.question, event.answer)]
                    answers.append(event.model_dump())
                    reply = with_reply(note + event.answer)
                    yield reply, render_citations(event), turns, "", answers
                    return
                streamed += event
                yield with_reply(note + streamed), "", turns, "", answers
        except ModelUnavailable as exc:  # this conversation's model: answer without it, say so
            note = f"⚠ {exc}. Answered from the documents without the model (extractive):\n\n"
            continue
        except UserError as exc:
            yield with_reply(f"⚠ {exc}"), "", turns, message, answers
            return


def status_markdown(workspace: Workspace) -> str:
    st = workspace.status()
    return (
        f"**Index:** {st['documents']} documents · {st['chunks']} chunks · "
        f"last sync {st['last_sync']}"
    )


def create_app(workspace: Workspace, title: str = "Document assistant") -> gr.Blocks:
    import gradio as gr

    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        gr.Markdown(
            f"## {html.escape(title)}\nAnswers come only from your documents, with citations."
        )
        status = gr.Markdown(elem_id="index-status")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Conversation", height=460, allow_tags=False, elem_id="chat"
                )
                question = gr.Textbox(
                    label="Question",
                    placeholder="Ask about your documents…",
                    autofocus=True,
                    elem_id="question",
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="ask")
                    clear = gr.Button("New conversation")
                    export = gr.Button("Export as Markdown", elem_id="export")
                exported = gr.File(label="Conversation", height=80, elem_id="exported")
                if workspace.examples:
                    gr.Examples(examples=[[e] for e in workspace.examples], inputs=[question])
            with gr.Column(scale=2):
                gr.Markdown("### Cited passages")
                citations = gr.HTML(elem_id="citations")
        with gr.Accordion("Settings", open=False):
            mode = gr.Radio(
                ["generative", "extractive"],
                value="generative",
                label="Answer mode",
                info="extractive quotes the passages and never calls the language model",
                elem_id="mode",
            )
            k = gr.Slider(1, 10, value=4, step=1, label="Passages retrieved (k)", elem_id="k")
            model = gr.Textbox(
                label="Model", placeholder="smollm2 or openai:MODEL@URL", elem_id="model"
            )
            apply = gr.Button("Apply settings", elem_id="apply")
            applied = gr.Markdown(elem_id="applied")
        with gr.Accordion("Add documents", open=False):
            uploads = gr.File(
                label="Files (.txt .md .html .pdf .docx)",
                file_count="multiple",
                elem_id="upload",
            )
            add = gr.Button("Add to the index", elem_id="add")
            added = gr.Markdown(elem_id="added")
        with gr.Accordion("Evaluation", open=False):
            suite = gr.Dropdown(workspace.suites(), label="Suite", elem_id="suite")
            run = gr.Button("Run suite", elem_id="run-suite")
            results = gr.Markdown(elem_id="eval-results")
            report_link = gr.HTML(elem_id="report-link")
        turns = gr.State([])
        answers = gr.State([])

        def on_submit(
            message: str,
            chat: list[dict[str, Any]],
            state: list[Turn],
            how: str,
            done: list[dict[str, Any]],
            k_value: float,
            llm: str | None,
        ) -> Iterator[tuple[list[dict[str, Any]], str, list[Turn], str, list[dict[str, Any]]]]:
            yield from respond(
                workspace,
                message,
                chat,
                state,
                how,
                done,
                k=int(k_value),
                llm=(llm or "").strip() or None,
            )

        def on_apply(k_value: float, llm: str | None) -> str:
            try:
                return html.escape(workspace.check_settings(int(k_value), llm or ""))
            except UserError as exc:
                return html.escape(f"⚠ {exc}")

        def on_add(files: list[str] | None) -> tuple[str, str]:
            message = workspace.add_files(files or [])
            return html.escape(message), status_markdown(workspace)

        def on_run(name: str | None) -> tuple[str, str]:
            if not name:
                return "Choose a suite first.", ""
            try:
                table, report = workspace.run_suite(name)
            except UserError as exc:
                return html.escape(f"⚠ {exc}"), ""
            href = html.escape(f"/reports/{report}", quote=True)
            return (
                table,
                f'<a id="open-report" href="{href}" target="_blank">Open the HTML report</a>',
            )

        def on_export(done: list[dict[str, Any]]) -> str | None:
            if not done:
                return None
            out = Path(tempfile.mkdtemp()) / "conversation.md"
            out.write_text(conversation_markdown(done), encoding="utf-8")
            return str(out)

        inputs = [question, chatbot, turns, mode, answers, k, model]
        outputs = [chatbot, citations, turns, question, answers]
        question.submit(on_submit, inputs, outputs, api_name="ask")
        send.click(on_submit, inputs, outputs)
        clear.click(lambda: ([], "", [], "", []), None, outputs)
        apply.click(on_apply, [k, model], applied)
        add.click(on_add, uploads, [added, status])
        run.click(on_run, suite, [results, report_link])
        export.click(on_export, answers, exported)
        demo.load(lambda: status_markdown(workspace), None, status)
    return demo


def check_exposure(host: str, secret: str | None, insecure: bool) -> None:
    """Refuse to serve beyond this machine without a secret, unless told to."""
    import ipaddress

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not secret and not insecure:
        raise UserError(
            f"refusing to serve on {host} without a secret: set ASSISTANT_API_KEY "
            "(or pass --insecure to serve it open to the network)"
        )


def launch(app: App, host: str, port: int, insecure: bool = False) -> None:
    """Serve the chat at / and the HTTP API at /v1 (OpenAPI schema at /docs) on one server."""
    check_exposure(host, app.settings.secret, insecure)
    import gradio as gr
    import uvicorn

    from assistant.api import create_api

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    threading.Thread(target=parser.load, name="load-parser", daemon=True).start()
    workspace = Workspace(app)
    demo = create_app(workspace).queue(default_concurrency_limit=QUEUE_WORKERS)
    password = app.settings.secret
    server = gr.mount_gradio_app(
        create_api(app.engine, app.settings.llm, app.settings.home / "reports", password),
        demo,
        path="/",
        server_name=host,
        server_port=port,
        auth=("assistant", password) if password else None,
        show_error=False,
        max_file_size=int(app.settings.max_upload_mb * 1_000_000),
    )
    print(f"chat on http://{host}:{port}/  ·  API docs on http://{host}:{port}/docs")
    uvicorn.run(server, host=host, port=port, log_level="warning")
