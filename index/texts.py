"""The chunks' text in a local store, kept beside Chroma in one SQLite table.

Chroma indexes every string field of a chunk's metadata: the text there took a quarter of the
local store's write time (index entries of ~1 KB), and as a document its full-text index took
more. Chroma holds the vectors, the source and the other fields; this file the text, by chunk
id. A writer stores the text before the vector, so a chunk in Chroma always has its text; text
whose chunk was never stored (a killed sync) is removed with the orphans. With a Chroma server
the text stays in Chroma (replicas on other machines read it there).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from index.chunking import TEXT_KEY

BATCH = 900  # ids per statement (SQLite's variable limit is far above)


class ChunkTexts:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # one connection per thread

    def put(self, ids: list[str], texts: list[str]) -> None:
        with self._db() as db:
            rows = zip(ids, texts, strict=True)
            db.executemany("INSERT OR REPLACE INTO texts (id, text) VALUES (?, ?)", rows)

    def get(self, ids: Iterable[str]) -> dict[str, str]:
        wanted, found = list(ids), {}
        db = self._db()
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            found.update(db.execute(f"SELECT id, text FROM texts WHERE id IN ({marks})", batch))
        return found

    def delete(self, ids: Iterable[str]) -> None:
        wanted = list(ids)
        with self._db() as db:
            for start in range(0, len(wanted), BATCH):
                batch = wanted[start : start + BATCH]
                db.execute(f"DELETE FROM texts WHERE id IN ({','.join('?' * len(batch))})", batch)

    def ids(self) -> set[str]:
        return {row[0] for row in self._db().execute("SELECT id FROM texts")}

    def keep_only(self, ids: set[str]) -> None:
        """Remove the text of every chunk not in ids (after an interrupted sync)."""
        self.delete(self.ids() - ids)

    def clear(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM texts")

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")  # readers beside a writer in another process
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS texts (id TEXT PRIMARY KEY, text TEXT NOT NULL)")
            db.commit()
            self._local.db = db
        return db


def with_texts(got: dict[str, Any], texts: ChunkTexts | None) -> dict[str, Any]:
    """A Chroma get (with metadatas) where each chunk whose text Chroma does not hold has it
    as its document, so that `chunk_text` reads every layout alike."""
    if texts is None:
        return got
    documents = list(got.get("documents") or [None] * len(got["ids"]))
    rows = zip(got["ids"], got["metadatas"], documents, strict=True)
    missing = [i for i, meta, doc in rows if doc is None and TEXT_KEY not in meta]
    found = texts.get(missing)
    position = {chunk_id: n for n, chunk_id in enumerate(got["ids"])}
    for chunk_id, text in found.items():
        documents[position[chunk_id]] = text
    return {**got, "documents": documents}
