"""What the browser shows, as escaped HTML: the chat messages, and the cited passages of every
answer with the supporting quote highlighted. Documents are data: nothing in them is markup."""

from __future__ import annotations

import html
import re
from typing import Any

from assistant.answer import Answer, Citation, Span
from assistant.links import defang_urls, domain

FLAG_NOTE = (
    '<span class="flagged-note">⚠ text addressed to an AI assistant, not to readers: '
    "never used as an answer</span>"
)
STRONG = re.compile(r"\*\*([^*<>\n]+?)\*\*|__([^_<>\n]+?)__")
EMPHASIS_MARK = re.compile(r"\*\*|__")
HEADING = re.compile(r"^#{1,6} +(.+)$", re.MULTILINE)
SNIPPET_CHARS = 320
STOPPED = "⏹ Stopped."
QUEUED = "⏳ queued: answered after the question before it"


def marked_text(text: str, flagged: list[Span], quote: str = "") -> str:
    """Escaped passage text: flagged spans struck out and labelled, the quote highlighted,
    Markdown emphasis and headings shown as such."""
    out, at = [], 0
    for start, end in sorted(flagged):
        out.append(_highlight(text[at:start], quote))
        out.append(f'<del class="flagged">{html.escape(text[start:end])}</del>')
        at = max(at, end)
    out.append(_highlight(text[at:], quote))
    return _markdown("".join(out))


def _highlight(text: str, quote: str) -> str:
    escaped, q = html.escape(text), html.escape(quote)
    if q and q in escaped:
        return escaped.replace(q, f"<mark>{q}</mark>", 1)
    return escaped


def _markdown(escaped: str) -> str:
    """Bold and headings in already-escaped text; a marker whose span crosses a tag is dropped."""
    escaped = HEADING.sub(r"<b>\1</b>", escaped)
    escaped = STRONG.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", escaped)
    return EMPHASIS_MARK.sub("", escaped)


def snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1].rsplit(" ", 1)[0] + " …"


def answer_citations(answer: Answer) -> str:
    """One answer's cited passages (or, for a refusal, the nearest ones with a snippet)."""
    if answer.refused:
        related = "".join(
            f"<li><small>{html.escape(r.source)}</small>{FLAG_NOTE if r.flagged else ''}"
            f"<blockquote>{_markdown(html.escape(snippet(r.text)))}</blockquote></li>"
            for r in answer.retrieved[:3]
        )
        nearest = "".join(_citation_html(c) for c in answer.citations)
        return (
            f'<p class="refused">{html.escape(answer.answer)}</p>'
            + nearest
            + (f"<p>Nearest passages:</p><ul>{related}</ul>" if related else "")
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


def render_citations(answer: Answer | None) -> str:
    return "" if answer is None else answer_citations(answer)


def citations_panel(answers: list[Answer]) -> str:
    """Every answer's citations, newest first and open; earlier ones one click away."""
    sections = []
    for n, answer in reversed(list(enumerate(answers, 1))):
        opened = " open" if n == len(answers) else ""
        sections.append(
            f'<details class="answer-sources" id="sources-{n}"{opened}>'
            f"<summary>Answer {n}: {html.escape(snippet(answer.question, 90))}</summary>"
            f"{answer_citations(answer)}</details>"
        )
    return "".join(sections)


def _citation_html(c: Citation) -> str:
    """A document's URL is shown as text naming its domain, never as a link."""
    title = html.escape(c.title)
    where = html.escape(c.source)
    if c.page:
        where += f", page {c.page}"
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


def user_message(text: str) -> dict[str, Any]:
    return {"role": "user", "content": html.escape(text)}


def assistant_message(text: str) -> dict[str, Any]:
    """Answer text for the Chatbot, which renders Markdown: HTML escaped, links defanged."""
    return {"role": "assistant", "content": html.escape(defang_urls(text))}


def chat_messages(
    answers: list[Answer],
    running: str | None = None,
    partial: str = "",
    queued: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The conversation as Chatbot messages: stored answers, the one being written, the queue."""
    out: list[dict[str, Any]] = []
    for a in answers:
        out += [user_message(a.question), assistant_message(a.answer)]
    if running is not None:
        out += [user_message(running), assistant_message(partial or "…")]
    for q in queued:
        out += [user_message(q), assistant_message(QUEUED)]
    return out
