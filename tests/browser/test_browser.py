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
    page.locator("#documents").get_by_text("Documents").first.click()
    page.locator("#upload input[type=file]").set_input_files(str(note))
    page.wait_for_timeout(1000)
    page.locator("#add").click()
    page.locator("#added").get_by_text("added maple.md").wait_for()
    page.get_by_text("4 documents").wait_for()
    page.locator("#documents-table").get_by_text("data/maple.md (uploaded)").wait_for()
    maple = "How many barrels of maple syrup does the reserve hold?"
    assert "3,100" in ask(page, maple)[-1]
    # delete it, and it is gone from the list and from answers
    page.locator("#document-choice input").click()
    page.get_by_role("option", name="data/maple.md").click()
    page.locator("#remove").click()
    page.locator("#added").get_by_text("deleted the uploaded file").wait_for()
    page.get_by_text("3 documents").wait_for()
    assert "3,100" not in ask(page, maple)[-1]


def test_unsupported_upload_is_refused_with_a_message(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ" * 50)
    page.locator("#documents").get_by_text("Documents").first.click()
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


def test_conversation_is_resumed_with_its_citations_after_a_restart(
    browser: Any, tmp_path: Path
) -> None:
    from tests.browser.conftest import free_port, make_workdir, running_server

    env, port = make_workdir(tmp_path), free_port()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        with running_server(tmp_path, env, port) as url:
            page = context.new_page()
            page.goto(url)
            assert "5,525" in ask(page, BORDER_Q)[-1]
        with running_server(tmp_path, env, port) as url:  # a new process, same store
            page = context.new_page()
            page.goto(url)
            page.locator("#chat").get_by_text("5,525").first.wait_for()
            assert "5,525 miles" in page.locator("#citations mark").first.inner_text()
            page.locator("#conversations").get_by_text(BORDER_Q[:40]).wait_for()
            assert "NORAD" in ask(page, "What is the crown jewel of defense cooperation?")[-1]
    finally:
        context.close()


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
    assert text.startswith("# ") and "5,525" in text and "> " in text


def test_stop_ends_the_answer_and_the_chat_goes_on(page: Any) -> None:
    page.locator("#question textarea").fill(BORDER_Q)
    page.locator("#ask").click()
    bot = page.locator('[data-testid="bot"]').last
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=bot]')].pop()"
        "?.innerText.includes('drafting')"
    )
    page.locator("#stop").click()
    page.locator("#chat").get_by_text("⏹ Stopped.").wait_for(timeout=10_000)
    assert "5,525" not in bot.inner_text()
    assert "5,525" in ask(page, BORDER_Q)[-1]


SLOW_REPLIES = """
const fetched = window.fetch;
window.fetch = async (...args) => {
  const reply = await fetched(...args);
  if (String(args[0]).includes('run/predict')) await new Promise((ok) => setTimeout(ok, 1500));
  return reply;
};
"""


def test_two_questions_in_a_row_are_both_answered_in_order(page: Any) -> None:
    page.add_init_script(SLOW_REPLIES)  # a busy server: the second is sent before the first's reply
    page.reload()
    box = page.locator("#question textarea")
    box.fill(BORDER_Q)
    page.locator("#ask").click()
    box.fill("What is the crown jewel of defense cooperation?")
    page.locator("#ask").click()
    page.wait_for_function(
        "() => { const b = [...document.querySelectorAll('[data-testid=bot]')];"
        " return b.length === 2 && b[1].innerText.includes('NORAD')"
        " && b[0].innerText.includes('5,525'); }",
        timeout=60_000,
    )
    users = page.locator('[data-testid="user"]').all_inner_texts()
    assert [u.strip() for u in users] == [
        BORDER_Q,
        "What is the crown jewel of defense cooperation?",
    ]
    page.locator("#citations details").nth(1).wait_for()  # every answer's citations


CONTRAST = """(selector) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(selector)].map((el) => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_citations_are_legible_in_light_and_dark_themes(page: Any, server: str, theme: str) -> None:
    page.goto(f"{server}?__theme={theme}")
    page.locator("#chat").wait_for()  # Gradio sets the theme class once the app has rendered
    assert ("dark" in (page.locator("body").get_attribute("class") or "")) == (theme == "dark")
    ask(page, BORDER_Q)
    for selector in ("#citations mark", "#citations blockquote", "#citations small"):
        ratios = page.evaluate(CONTRAST, selector)
        assert ratios and min(ratios) >= 4.5, (theme, selector, ratios)
