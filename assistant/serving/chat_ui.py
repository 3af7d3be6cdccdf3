"""The Gradio chat: conversations in a sidebar (stored, resumable), the chat with Stop and a
queue, every answer's citations, settings per browser session, documents, evaluation."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import UserError
from assistant.serving.chat import ChatRunner, View
from assistant.serving.workspace import Workspace

CSS_FILE = Path(__file__).with_name("chat.css")
DOC_HEADERS = ["Title", "Type", "Size", "Chunks", "Last indexed", "Source"]


def status_markdown(workspace: Workspace) -> str:
    if not workspace.ready.is_set():
        return "**⏳ Loading models…** questions asked now wait until they are ready."
    st = workspace.status()
    return (
        f"**Index:** {st['documents']} documents · {st['chunks']} chunks · "
        f"last sync {st['last_sync']}"
    )


def documents_table(workspace: Workspace) -> list[list[Any]]:
    return [
        [
            d.title,
            d.kind,
            _size(d.size),
            d.chunks,
            d.indexed.strftime("%Y-%m-%d %H:%M UTC"),
            d.source + (" (uploaded)" if d.uploaded else ""),
        ]
        for d in workspace.documents()
    ]


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def create_app(workspace: Workspace, title: str = "Document assistant") -> gr.Blocks:
    runner = ChatRunner(workspace, workspace.conversations)
    PROGRESS = gr.Progress()  # Gradio fills in a tracker per call
    store = workspace.conversations

    def listing(cid: str) -> Any:
        choices = [(s.title, s.id) for s in store.list()]
        return gr.update(choices=choices, value=cid or None)

    def documents() -> tuple[list[list[Any]], Any]:
        rows = documents_table(workspace)
        return rows, gr.update(choices=[r[5].removesuffix(" (uploaded)") for r in rows], value=None)

    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        cid = gr.BrowserState(
            "", storage_key="assistant-conversation", secret=workspace.browser_secret()
        )
        with gr.Sidebar(label="Conversations", elem_id="sidebar"):
            new = gr.Button("New conversation", elem_id="new-conversation")
            picker = gr.Radio([], label="Conversations", elem_id="conversations")
            name = gr.Textbox(label="Name", elem_id="conversation-name")
            with gr.Row():
                rename = gr.Button("Rename", size="sm", elem_id="rename")
                delete = gr.Button("Delete", size="sm", variant="stop", elem_id="delete")
            with gr.Row():
                export_md = gr.Button("Export Markdown", size="sm", elem_id="export")
                export_json = gr.Button("Export JSON", size="sm", elem_id="export-json")
            exported = gr.File(label="Export", height=80, elem_id="exported")
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
                    stop = gr.Button("Stop", variant="stop", elem_id="stop")
                if workspace.examples:
                    gr.Examples(examples=[[e] for e in workspace.examples], inputs=[question])
            with gr.Column(scale=2):
                gr.Markdown("### Cited passages")
                citations = gr.HTML(elem_id="citations")
        with gr.Accordion("Settings (this conversation only)", open=False):
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
            apply = gr.Button("Check settings", elem_id="apply")
            applied = gr.Markdown(elem_id="applied")
        with gr.Accordion("Documents", open=False, elem_id="documents"):
            table = gr.Dataframe(
                headers=DOC_HEADERS, interactive=False, wrap=True, elem_id="documents-table"
            )
            with gr.Row():
                chosen = gr.Dropdown([], label="Document", elem_id="document-choice")
                remove = gr.Button("Remove from the index", variant="stop", elem_id="remove")
                reindex = gr.Button("Re-index all", elem_id="reindex")
            uploads = gr.File(
                label="Add files (.txt .md .html .pdf .docx)",
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
        loading = gr.Timer(2.0, active=not workspace.ready.is_set())

        def on_load(current: str) -> tuple[Any, ...]:
            """Shows the conversation this browser had open. It never sets the conversation id
            (a question asked before the page finished loading may have set it already)."""
            rows, choice = documents()
            known = current if current and store.exists(current) else ""
            shown: tuple[Any, ...] = (gr.update(), gr.update(), gr.update())
            if known:
                chat, cited = runner.view(known)
                shown = (chat, cited, store.title(known))
            return (listing(known), *shown, status_markdown(workspace), rows, choice)

        def on_enqueue(
            message: str, current: str, request: gr.Request
        ) -> tuple[str, list[dict[str, Any]], str]:
            current = runner.conversation(current, request.session_hash)
            chat, cited = runner.enqueue(current, message)
            return current, chat, cited

        def on_work(current: str, how: str, k_value: float, llm: str | None) -> Iterator[View]:
            if current:
                yield from runner.work(
                    current, how, k=int(k_value), llm=(llm or "").strip() or None
                )

        def on_pick(picked: str | None) -> tuple[str, list[dict[str, Any]], str, str]:
            current = picked or ""
            chat, cited = runner.view(current)
            return current, chat, cited, store.title(current) if current else ""

        def on_new(request: gr.Request) -> tuple[str, list[Any], str, str, Any]:
            runner.leave(request.session_hash)
            return "", [], "", "", listing("")

        def on_rename(current: str, new_name: str) -> Any:
            if current:
                try:
                    store.rename(current, new_name)
                except UserError as exc:
                    gr.Warning(str(exc))
            return listing(current)

        def on_delete(current: str, request: gr.Request) -> tuple[str, list[Any], str, str, Any]:
            if current:
                runner.stop(current)
                store.delete(current)
            return on_new(request)

        def on_export(current: str, kind: str) -> str | None:
            if not current or not store.answers(current):
                return None
            text = store.export_json(current) if kind == "json" else store.export_markdown(current)
            out = Path(tempfile.mkdtemp()) / f"conversation.{'json' if kind == 'json' else 'md'}"
            out.write_text(text, encoding="utf-8")
            return str(out)

        def on_apply(k_value: float, llm: str | None) -> str:
            try:
                return html.escape(workspace.check_settings(int(k_value), llm or ""))
            except UserError as exc:
                return html.escape(f"⚠ {exc}")

        def on_add(files: list[str] | None, progress: Any = PROGRESS) -> tuple[Any, ...]:
            progress(0, desc="indexing")
            message = workspace.add_files(files or [], on_file=lambda f: progress(None, desc=f))
            return html.escape(message), status_markdown(workspace), *documents()

        def on_remove(source: str | None) -> tuple[Any, ...]:
            try:
                message = workspace.remove_document(source or "")
            except UserError as exc:
                message = f"⚠ {exc}"
            return html.escape(message), status_markdown(workspace), *documents()

        def on_reindex() -> tuple[Any, ...]:
            return html.escape(workspace.reindex()), status_markdown(workspace), *documents()

        def on_run(suite_name: str | None) -> tuple[str, str]:
            if not suite_name:
                return "Choose a suite first.", ""
            try:
                table_md, report = workspace.run_suite(suite_name)
            except UserError as exc:
                return html.escape(f"⚠ {exc}"), ""
            href = html.escape(f"/reports/{report}", quote=True)
            return (
                table_md,
                f'<a id="open-report" href="{href}" target="_blank">Open the HTML report</a>',
            )

        def on_tick() -> tuple[str, Any]:
            return status_markdown(workspace), gr.Timer(active=not workspace.ready.is_set())

        for trigger in (question.submit, send.click):
            trigger(
                on_enqueue,
                [question, cid],
                [cid, chatbot, citations],
                queue=False,
                trigger_mode="multiple",
                api_name=False,
            ).then(on_work, [cid, mode, k, model], [chatbot, citations], api_name=False).then(
                listing, cid, picker, api_name=False
            )
            # Emptied in the browser at once: a reply must not wipe a question typed meanwhile.
            trigger(None, None, question, js="() => ''", queue=False, api_name=False)
        stop.click(runner.stop, cid, [chatbot, citations], queue=False, api_name=False)
        new.click(on_new, None, [cid, chatbot, citations, name, picker], api_name=False)
        picker.input(on_pick, picker, [cid, chatbot, citations, name], api_name=False)
        rename.click(on_rename, [cid, name], picker, api_name=False)
        delete.click(on_delete, cid, [cid, chatbot, citations, name, picker], api_name=False)
        export_md.click(lambda c: on_export(c, "md"), cid, exported, api_name=False)
        export_json.click(lambda c: on_export(c, "json"), cid, exported, api_name=False)
        apply.click(on_apply, [k, model], applied, api_name=False)
        docs_out = [added, status, table, chosen]
        add.click(on_add, uploads, docs_out, api_name=False)
        remove.click(on_remove, chosen, docs_out, api_name=False)
        reindex.click(on_reindex, None, docs_out, api_name=False)
        run.click(on_run, suite, [results, report_link], api_name=False)
        loading.tick(on_tick, None, [status, loading], api_name=False)

        def ask(
            message: str, conversation: str, how: str, k_value: float, llm: str
        ) -> tuple[str, list[dict[str, Any]]]:
            """One question through the queue, in a stored conversation ("" starts one)."""
            current = runner.conversation(conversation, None)  # "" always starts one
            runner.enqueue(current, message)
            for _view in on_work(current, how, k_value, llm):
                pass
            return current, runner.view(current)[0]

        gr.api(ask, api_name="ask")
        demo.load(
            on_load,
            cid,
            [picker, chatbot, citations, name, status, table, chosen],
            api_name=False,
        )
    return demo


def css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")
