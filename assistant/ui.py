"""The Gradio chat. create_app() builds the Blocks around any engine; launch() serves it."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answer import Answer, Citation
from assistant.engine import Turn
from assistant.errors import UserError

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
            '<div class="unsupported"><b>⚠ Removed: not supported by the passages</b>'
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
) -> Iterator[tuple[list[dict[str, Any]], str, list[Turn], str]]:
    """One chat turn: stream the answer into the chat, then show its citations."""
    chat = [*chat, {"role": "user", "content": html.escape(message)}]

    def with_reply(text: str) -> list[dict[str, Any]]:
        return [*chat, {"role": "assistant", "content": html.escape(text)}]

    streamed = ""
    try:
        for event in engine.stream(message, list(turns), mode):
            if isinstance(event, Answer):
                turns = [*turns, Turn(event.question, event.answer)]
                yield with_reply(event.answer), render_citations(event), turns, ""
                return
            streamed += event
            yield with_reply(streamed), "", turns, ""
    except UserError as exc:
        yield with_reply(f"⚠ {exc}"), "", turns, message


def create_app(
    engine: ChatEngine, examples: list[str], title: str = "Document assistant"
) -> gr.Blocks:
    import gradio as gr

    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        gr.Markdown(
            f"## {html.escape(title)}\nAnswers come only from your documents, with citations."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Conversation", height=480, allow_tags=False)
                question = gr.Textbox(
                    label="Question", placeholder="Ask about your documents…", autofocus=True
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    clear = gr.Button("New conversation")
                mode = gr.Radio(
                    ["generative", "extractive"],
                    value="generative",
                    label="Answer mode",
                    info="extractive quotes the passages and never calls the language model",
                )
                if examples:
                    gr.Examples(examples=[[e] for e in examples], inputs=[question])
            with gr.Column(scale=2):
                gr.Markdown("### Cited passages")
                citations = gr.HTML(elem_id="citations")
        turns = gr.State([])

        def on_submit(
            message: str, chat: list[dict[str, Any]], state: list[Turn], how: str
        ) -> Iterator[tuple[list[dict[str, Any]], str, list[Turn], str]]:
            yield from respond(engine, message, chat, state, how)

        inputs = [question, chatbot, turns, mode]
        outputs = [chatbot, citations, turns, question]
        question.submit(on_submit, inputs, outputs)
        send.click(on_submit, inputs, outputs)
        clear.click(lambda: ([], "", [], ""), None, outputs)
    return demo


def launch(app: App, host: str, port: int) -> None:
    """Serve the chat at / and the HTTP API at /v1 (OpenAPI schema at /docs) on one server."""
    import gradio as gr
    import uvicorn

    from assistant.api import create_api

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo = create_app(app.engine, app.settings.examples).queue()
    password = app.settings.ui_password
    server = gr.mount_gradio_app(
        create_api(app.engine, app.settings.llm),
        demo,
        path="/",
        server_name=host,
        server_port=port,
        auth=("assistant", password) if password else None,
        show_error=False,
    )
    print(f"chat on http://{host}:{port}/  ·  API docs on http://{host}:{port}/docs")
    uvicorn.run(server, host=host, port=port, log_level="warning")
