"""Conversations kept in SQLite under ASSISTANT_HOME: each answer is stored whole (Answer
JSON), so a conversation resumes with its citations after a restart."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answer import Answer
from assistant.errors import UserError

NEW_TITLE = "New conversation"
TITLE_CHARS = 60
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (conversation, n)
);
"""


@dataclass(frozen=True)
class Summary:
    id: str
    title: str
    updated: float
    answers: int


class Conversations:
    """Safe to share between threads and processes: every call opens its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA journal_mode = WAL")
                yield db
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise UserError(
                f"{self.path}: cannot use the conversation store ({exc}); move the file away "
                "to start a new one"
            ) from None

    def create(self, title: str = NEW_TITLE) -> str:
        cid = uuid.uuid4().hex
        now = time.time()
        with self._db() as db:
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?)", (cid, _title(title), now, now)
            )
        return cid

    def exists(self, cid: str) -> bool:
        with self._db() as db:
            return (
                db.execute("SELECT 1 FROM conversations WHERE id = ?", (cid,)).fetchone()
                is not None
            )

    def add(self, cid: str, answer: Answer) -> None:
        """Append an answer; the first question names a conversation that has no name yet."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                raise UserError(f"conversation {cid} was deleted; start a new one")
            n = db.execute(
                "SELECT COALESCE(MAX(n), 0) + 1 FROM answers WHERE conversation = ?", (cid,)
            ).fetchone()[0]
            db.execute("INSERT INTO answers VALUES (?, ?, ?)", (cid, n, answer.model_dump_json()))
            title = _title(answer.question) if row[0] == NEW_TITLE else row[0]
            db.execute(
                "UPDATE conversations SET updated = ?, title = ? WHERE id = ?",
                (time.time(), title, cid),
            )
            db.execute("COMMIT")

    def answers(self, cid: str) -> list[Answer]:
        with self._db() as db:
            rows = db.execute(
                "SELECT answer FROM answers WHERE conversation = ? ORDER BY n", (cid,)
            ).fetchall()
        return [Answer.model_validate_json(r[0]) for r in rows]

    def list(self) -> list[Summary]:
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.updated, COUNT(a.n) FROM conversations c "
                "LEFT JOIN answers a ON a.conversation = c.id "
                "GROUP BY c.id ORDER BY c.updated DESC"
            ).fetchall()
        return [Summary(*r) for r in rows]

    def title(self, cid: str) -> str:
        with self._db() as db:
            row = db.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()
        if row is None:
            raise UserError(f"no conversation {cid}; `assistant chat --list` shows them")
        return str(row[0])

    def rename(self, cid: str, title: str) -> None:
        if not title.strip():
            raise UserError("the new name is empty; type a name for the conversation")
        with self._db() as db:
            changed = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ?", (_title(title), cid)
            ).rowcount
        if not changed:
            raise UserError(f"no conversation {cid}")

    def delete(self, cid: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (cid,))

    def find(self, prefix: str) -> str:
        """The one conversation whose id starts with prefix, or whose title is prefix."""
        matches = [s.id for s in self.list() if s.id.startswith(prefix) or s.title == prefix]
        if len(matches) != 1:
            what = "no conversation" if not matches else f"{len(matches)} conversations"
            raise UserError(f"{what} match '{prefix}'; `assistant chat --list` shows them")
        return matches[0]

    def export_json(self, cid: str) -> str:
        answers = [a.model_dump() for a in self.answers(cid)]
        return json.dumps({"id": cid, "title": self.title(cid), "answers": answers}, indent=1)

    def export_markdown(self, cid: str) -> str:
        return conversation_markdown([a.model_dump() for a in self.answers(cid)], self.title(cid))


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


def conversation_markdown(answers: list[dict[str, Any]], title: str = "Conversation") -> str:
    """A conversation with its citations, as Markdown."""
    out = [f"# {title}", ""]
    for a in answers:
        out += [f"**Q:** {a['question']}", "", f"**A:** {a['answer']}", ""]
        for c in a.get("citations", []):
            where = c["source"] + (f", page {c['page']}" if c.get("page") else "")
            out.append(f"- [{c['n']}] {c['title']} ({where}, characters {c['start']}–{c['end']})")
            out.append(f"  > {c['quote']}")
        out.append("")
    return "\n".join(out)
