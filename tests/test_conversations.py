"""The conversation store: what the sidebar, `chat --resume` and exports read."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.errors import UserError
from assistant.serving.conversations import NEW_TITLE, Conversations


def _answer(question: str) -> Answer:
    cite = Citation(
        n=1, source="data/a.txt", title="A", url=None, chunk_id="c", start=0, end=9,
        text="It is 5,525 miles.", quote="It is 5,525 miles.", supported=True,
    )  # fmt: skip
    return Answer(question=question, answer="5,525 miles [1].", refused=False,
                  citations=[cite], model="fake")  # fmt: skip


def test_a_conversation_keeps_its_answers_with_citations(tmp_path: Path) -> None:
    store = Conversations(tmp_path / "c.sqlite")
    cid = store.create()
    assert store.title(cid) == NEW_TITLE
    store.add(cid, _answer("How long is the land border?"))
    store.add(cid, _answer("And the maritime one?"))
    again = Conversations(tmp_path / "c.sqlite")  # a restarted server
    answers = again.answers(cid)
    assert [a.question for a in answers] == [
        "How long is the land border?",
        "And the maritime one?",
    ]
    assert answers[0].citations[0].quote == "It is 5,525 miles."
    assert again.title(cid) == "How long is the land border?"  # named by its first question
    [summary] = again.list()
    assert (summary.id, summary.answers) == (cid, 2)


def test_rename_delete_find_and_export(tmp_path: Path) -> None:
    store = Conversations(tmp_path / "c.sqlite")
    first, second = store.create(), store.create()
    store.add(first, _answer("How long?"))
    store.rename(first, "  Borders  ")
    assert store.title(first) == "Borders" and store.find("Borders") == first
    assert store.find(first[:8]) == first
    with pytest.raises(UserError, match="no conversation match"):
        store.find("nothing")
    with pytest.raises(UserError, match="name is empty"):
        store.rename(first, " ")
    exported = json.loads(store.export_json(first))
    assert exported["title"] == "Borders" and exported["answers"][0]["citations"][0]["n"] == 1
    markdown = store.export_markdown(first)
    assert markdown.startswith("# Borders") and "  > It is 5,525 miles." in markdown
    store.delete(first)
    assert [s.id for s in store.list()] == [second] and store.answers(first) == []
    with pytest.raises(UserError, match="was deleted"):
        store.add(first, _answer("Late?"))


def test_answers_added_from_many_threads_are_all_kept_in_order(tmp_path: Path) -> None:
    store = Conversations(tmp_path / "c.sqlite")
    cid = store.create()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: store.add(cid, _answer(f"Q{i}")), range(40)))
    assert sorted(a.question for a in store.answers(cid)) == sorted(f"Q{i}" for i in range(40))


def test_a_corrupt_store_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="move the file away") as caught:
        Conversations(path)
    assert "\n" not in str(caught.value)
