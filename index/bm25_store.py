"""A persisted BM25 index (bm25s) over chunk ids, updated on sync and loaded once for queries.

Each save writes a complete snapshot (token lists + bm25s matrices) into a new folder and then
switches the CURRENT pointer atomically, so a killed sync leaves the previous snapshot usable.
Searches read one immutable loaded snapshot and switch to a newer one when CURRENT moves (a
sync in this process or in another one), so they are safe beside a running sync.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

WORD = re.compile(r"\w+")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    words = WORD.findall(THOUSANDS.sub("", text.lower()))
    return _stemmer().stemWords([w for w in words if w not in _stopwords()])


@dataclass(frozen=True)
class _Loaded:
    name: str
    ids: list[str]
    index: Any
    vocab: frozenset[str]


class BM25Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._tokens: dict[str, list[str]] | None = None
        self._loaded: _Loaded | None = None
        self._load_lock = threading.Lock()

    @property
    def tokens(self) -> dict[str, list[str]]:
        if self._tokens is None:
            snapshot = self._current()
            path = snapshot / "tokens.json" if snapshot else None
            self._tokens = json.loads(path.read_text()) if path and path.exists() else {}
        return self._tokens

    def upsert(self, ids: list[str], texts: list[str]) -> None:
        for chunk_id, text in zip(ids, texts, strict=True):
            self.tokens[chunk_id] = tokenize(text)

    def delete(self, ids: list[str]) -> None:
        for chunk_id in ids:
            self.tokens.pop(chunk_id, None)

    def clear(self) -> None:
        self._tokens = {}

    def save(self) -> None:
        import bm25s

        self.directory.mkdir(parents=True, exist_ok=True)
        previous = self._current()
        version = int(previous.name[1:]) + 1 if previous else 1
        target = self.directory / f"v{version}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        ids = sorted(self.tokens)
        if ids:
            model = bm25s.BM25()
            model.index([self.tokens[i] or [""] for i in ids], show_progress=False)
            model.save(str(target / "bm25"), show_progress=False)
        (target / "ids.json").write_text(json.dumps(ids))
        (target / "tokens.json").write_text(json.dumps(self.tokens))
        pointer = self.directory / "CURRENT.tmp"
        pointer.write_text(target.name)
        os.replace(pointer, self.directory / "CURRENT")
        for old in self.directory.glob("v*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The k best chunk ids for the query with their BM25 scores (positive only)."""
        loaded = self._snapshot()
        if loaded is None or not loaded.ids:
            return []
        terms = [t for t in tokenize(query) if t in loaded.vocab]
        if not terms:
            return []
        docs, scores = loaded.index.retrieve(
            [terms], k=min(k, len(loaded.ids)), show_progress=False, n_threads=1
        )
        return [
            (loaded.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def knows(self, text: str) -> bool:
        """Does any indexed chunk hold every word of text?"""
        loaded = self._snapshot()
        words = tokenize(text)
        return bool(words) and loaded is not None and all(w in loaded.vocab for w in words)

    def _snapshot(self) -> _Loaded | None:
        """The loaded snapshot, reloaded when CURRENT names a newer one."""
        for _ in range(3):  # another process may delete a snapshot while we load it
            snapshot = self._current()
            if snapshot is None:
                return None
            loaded = self._loaded
            if loaded is not None and loaded.name == snapshot.name:
                return loaded
            with self._load_lock:
                if self._loaded is None or self._loaded.name != snapshot.name:
                    try:
                        self._loaded = _load(snapshot)
                    except (FileNotFoundError, NotADirectoryError):
                        continue
                return self._loaded
        return self._loaded

    def _current(self) -> Path | None:
        try:
            name = (self.directory / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        snapshot = self.directory / name
        return snapshot if name and snapshot.is_dir() else None


def _load(snapshot: Path) -> _Loaded:
    import bm25s

    ids = json.loads((snapshot / "ids.json").read_text())
    if not ids:
        return _Loaded(snapshot.name, [], None, frozenset())
    index = bm25s.BM25.load(str(snapshot / "bm25"), show_progress=False)
    return _Loaded(snapshot.name, ids, index, frozenset(index.vocab_dict))
