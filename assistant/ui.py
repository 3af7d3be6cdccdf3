"""The Gradio app. create_app() builds the Blocks around a Workspace; launch() serves it with
the HTTP API on the same server."""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answer import Answer, Citation
from assistant.engine import Turn
from assistant.errors import UserError
from assistant.workspace import Workspace, conversation_markdown

if TYPE_CHECKING:
    import gradio as gr

    from assistant.app import App


class ChatEngine(Protocol):
    def stream(
        self, question: str, history: list[Turn], mode: str | None = None
    ) -> Iterator[str | Answer]: ...


def render_citations(answer: Answer | None) -> str:
    """The cited passages as escaped HTML, the supporting quote highlighted."""
    if answer is None:
        return ""
    if answer.refused:
        related = "".join(
            f"<li><small>{html.escape(r.source)}</small><blockquote>{html.escape(r.text)}"
            "</blockquote></li>"
            for r in answer.retrieved[:3]
        )
        return f'<p class="refused">{html.escape(answer.answer)}</p>' + (
            f"<p>Related passages:</p><ul>{related}</ul>" if related else ""
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
    title = html.escape(c.title)
    if c.url and c.url.startswith(("http://", "https://")):
        title = (
            f'<a href="{html.escape(c.url, quote=True)}" target="_blank" rel="noopener">{title}</a>'
        )
    text = html.escape(c.text)
    quote = html.escape(c.quote)
    if quote and quote in text:
        text = text.replace(quote, f"<mark>{quote}</mark>", 1)
    flag = "" if c.supported else ' <span class="unsupported">not supported by this passage</span>'
    return (
        f'<div class="citation"><b>[{c.n}]</b> {title}{flag}<br>'
        f"<small>{html.escape(c.source)} · characters {c.start}–{c.end}</small>"
        f"<blockquote>{text}</blockquote></div>"
    )


def respond(
    engine: ChatEngine,
    message: str,
    chat: list[dict[str, Any]],
    turns: list[Turn],
    mode: str | None = None,
    answers: list[dict[str, Any]] | None = None,
) -> Iterator[tuple[list[dict[str, Any]], str, list[Turn], str, list[dict[str, Any]]]]:
    """One chat turn: stream the answer into the chat, then show its citations."""
    answers = list(answers or [])
    chat = [*chat, {"role": "user", "content": html.escape(message)}]

    def with_reply(text: str) -> list[dict[str, Any]]:
        return [*chat, {"role": "assistant", "content": html.escape(text)}]

    streamed = ""
    try:
        for event in engine.stream(message, list(turns), mode):
            if isinstance(event, Answer):
                turns = [*turns, Turn(event.question, event.answer)]
                answers.append(event.model_dump())
                yield with_reply(event.answer), render_citations(event), turns, "", answers
                return
            streamed += event
            yield with_reply(streamed), "", turns, "", answers
    except UserError as exc:
        yield with_reply(f"⚠ {exc}"), "", turns, message, answers


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
        ) -> Iterator[tuple[list[dict[str, Any]], str, list[Turn], str, list[dict[str, Any]]]]:
            yield from respond(workspace, message, chat, state, how, done)

        def on_apply(k_value: float, llm: str) -> str:
            try:
                return html.escape(workspace.configure(int(k_value), llm))
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

        inputs = [question, chatbot, turns, mode, answers]
        outputs = [chatbot, citations, turns, question, answers]
        question.submit(on_submit, inputs, outputs)
        send.click(on_submit, inputs, outputs)
        clear.click(lambda: ([], "", [], "", []), None, outputs)
        apply.click(on_apply, [k, model], applied)
        add.click(on_add, uploads, [added, status])
        run.click(on_run, suite, [results, report_link])
        export.click(on_export, answers, exported)
        demo.load(lambda: status_markdown(workspace), None, status)
    return demo


def launch(app: App, host: str, port: int) -> None:
    """Serve the chat at / and the HTTP API at /v1 (OpenAPI schema at /docs) on one server."""
    import gradio as gr
    import uvicorn

    from assistant.api import create_api

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    workspace = Workspace(app)
    demo = create_app(workspace).queue()
    password = app.settings.ui_password
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
