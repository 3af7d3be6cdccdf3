"""The Gradio app in headless Chromium: the flows a person uses, end to end."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
BORDER_Q = "How long is the land border between the United States and Canada?"


def ask(page: Any, question: str) -> list[str]:
    """Ask, and return the successive texts of the answer bubble while it streams."""
    before = page.locator('[data-testid="bot"]').count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    bot = page.locator('[data-testid="bot"]').nth(before)
    bot.wait_for()
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = bot.inner_text()
        if not seen or text != seen[-1]:
            seen.append(text)
        if (
            page.locator("#ask").is_enabled()
            and page.locator('#chat [data-testid="status-tracker"].generating').count() == 0
            and "[" in text
        ):
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(300)
    seen.append(bot.inner_text())
    return seen


def test_answer_streams_then_shows_cited_passage_with_highlighted_quote(page: Any) -> None:
    seen = ask(page, BORDER_Q)
    partial = [t for t in seen[:-1] if t.strip()]
    assert len(set(partial)) >= 3, f"expected to watch the answer grow: {seen}"
    assert "5,525" in seen[-1]
    mark = page.locator("#citations mark").first
    assert "5,525 miles" in mark.inner_text()
    assert "000_8e8d18d6546258b1.txt" in page.locator("#citations").inner_text()


def test_follow_up_question_uses_the_conversation(page: Any) -> None:
    assert "NORAD" in ask(page, "What is the crown jewel of defense cooperation?")[-1]
    assert "60" in ask(page, "How old is it?")[-1]


def test_index_status_upload_then_ask(page: Any, tmp_path: Path) -> None:
    page.locator("#index-status").get_by_text("3 documents").wait_for()
    note = tmp_path / "maple.md"
    note.write_text("# Maple\n\nThe maple syrup reserve holds 3,100 barrels of syrup.\n")
    page.get_by_text("Add documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(note))
    page.wait_for_timeout(1000)
    page.locator("#add").click()
    page.locator("#added").get_by_text("added maple.md").wait_for()
    page.get_by_text("4 documents").wait_for()
    assert "3,100" in ask(page, "How many barrels of maple syrup does the reserve hold?")[-1]


def test_unsupported_upload_is_refused_with_a_message(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ" * 50)
    page.get_by_text("Add documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    page.wait_for_timeout(1000)
    page.locator("#add").click()
    page.locator("#added").get_by_text("unsupported file type").wait_for()


def test_run_a_suite_and_open_its_report(page: Any) -> None:
    page.get_by_text("Evaluation").click()
    page.locator("#suite input").click()
    page.get_by_role("option", name="mini.yaml").or_(page.get_by_text("mini.yaml")).first.click()
    page.locator("#run-suite").click()
    page.locator("#eval-results").get_by_text("passed").wait_for(timeout=60_000)
    with page.context.expect_page() as new_page:
        page.locator("#open-report").click()
    report = new_page.value
    report.wait_for_load_state()
    assert "Suite mini" in report.locator("h1").inner_text()


def test_document_html_is_shown_as_text_never_run(page: Any) -> None:
    ask(page, "What is the hostile widget described here?")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    shown = page.locator("#citations").inner_text() + page.locator("#chat").inner_text()
    assert "<script>" in shown or "<img src=x" in shown
    assert page.locator("#citations img, #chat img[src='x']").count() == 0


def test_export_conversation_as_markdown(page: Any) -> None:
    ask(page, BORDER_Q)
    page.locator("#export").click()
    link = page.locator("#exported a").first
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("# Conversation") and "5,525" in text and "> " in text
