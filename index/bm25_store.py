"""A persisted BM25 keyword index (bm25s) that grows with the change, not with the corpus.

The index is a list of immutable segments, each a bm25s index over some chunks with their token
ids kept beside it for merging. Adding a file writes one small segment; removing one marks its
chunks deleted. Scores use corpus-wide statistics: each query term's segment score is rescaled
by global idf / segment idf, so a chunk scores the same whichever segment holds it (within each
segment's own length normalisation). Segments of similar size are merged (cost ∝ their size),
and a segment with many deleted chunks is rewritten, so their number stays logarithmic up to
SEGMENT_CHUNKS; segments that large are left as they are. A sync writes one every
SEGMENT_CHUNKS chunks: at 50,000, a 95k-chunk sync ended by merging its two (seconds, and 250 MB
of peak RSS), and without that merge searched two (25 % slower than one). At 100,000 it writes
one segment, at 648 MB peak RSS for the whole index.

A save writes new segments, then a new state file listing them, then switches CURRENT
atomically: a killed save leaves the previous state usable. Searches read one immutable loaded
state and switch when CURRENT moves (a sync in this process or another one).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import threading
import time
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

WORD = re.compile(r"\w+")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
MERGE_RATIO = 2  # merge the newest two segments while the older is ≤ this × the newer
REWRITE_DELETED = 0.3  # rewrite a segment once this share of its chunks is deleted
RETIRE_S = 30.0  # an unused segment is deleted this long after it was replaced
SEGMENT_CHUNKS = 100_000  # a long sync writes a segment every this many chunks (bounded memory)


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def stop_words() -> frozenset[str]:
    """The words the keyword index leaves out ("the", "may", "us")."""
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def unaccented(text: str) -> str:
    """ "Beyoncé" as "Beyonce": people type names without their accents. (A loop over the
    characters: one regular expression of every combining mark was 2.5x slower.)"""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tokenize(text: str) -> list[str]:
    """Lower-case word stems without stop words or accents ("Beyonce" finds "Beyoncé")."""
    words = WORD.findall(THOUSANDS.sub("", unaccented(text).lower()))
    return _stemmer().stemWords([w for w in words if w not in stop_words()])


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores, unordered. The k-th best of every 16th score
    is at most the k-th best of all, so only the scores above it need a partial sort."""
    sample = scores[::16]
    floor = np.partition(sample, len(sample) - k)[len(sample) - k] if len(sample) > k else 0.0
    best = np.flatnonzero(scores >= max(floor, np.float32(1e-12)))
    return best[np.argpartition(-scores[best], k)[:k]] if len(best) > k else best


def _idf(df: int, n: int) -> float:
    """bm25s's default (Lucene) idf."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass
class _Segment:
    """One immutable bm25s index, loaded (memory-mapped) for searching."""

    name: str
    ids: list[str]
    sources: list[str]
    index: Any
    vocab: dict[str, int]
    df: dict[str, int]
    positions: dict[str, int] = field(init=False)
    matrix: Any = field(init=False, repr=False)  # chunks × terms, bm25s's scores

    def __post_init__(self) -> None:
        import scipy.sparse

        self.positions = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        scores = self.index.scores  # bm25s keeps them by term (CSC), memory-mapped
        self.matrix = scipy.sparse.csc_matrix(
            tuple(np.asarray(scores[key]) for key in ("data", "indices", "indptr")),
            shape=(len(self.ids), len(scores["indptr"]) - 1),
            copy=False,
        )

    def scores(self, terms: list[str], weights: list[float]) -> np.ndarray:
        """Each chunk's score: the terms' columns weighted and summed (one sparse product)."""
        columns = self.matrix[:, [self.vocab[t] for t in terms]]
        return np.asarray(columns @ np.asarray(weights, dtype=np.float32)).ravel()


@dataclass(frozen=True)
class _State:
    name: str
    segments: tuple[_Segment, ...]
    deleted: dict[str, frozenset[str]]  # segment name → its deleted chunk ids
    masks: dict[str, np.ndarray]  # segment name → 1.0 live / 0.0 deleted, per chunk
    n_docs: int
    vocab: frozenset[str]

    def live(self) -> set[str]:
        return {i for s in self.segments for i in s.ids if i not in self.deleted.get(s.name, ())}

    def ids_of(self, sources: set[str]) -> set[str]:
        return {
            i
            for s in self.segments
            for i, src in zip(s.ids, s.sources, strict=True)
            if src in sources
        }

    def df(self, term: str) -> int:
        return sum(s.df.get(term, 0) for s in self.segments)


class _Tokens:
    """Token lists as int arrays over one shared vocabulary (a few bytes per token)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {"": 0}
        self.docs: dict[str, array[int]] = {}
        self.sources: dict[str, str] = {}

    def add(self, chunk_id: str, source: str, tokens: Iterable[str]) -> None:
        vocab = self.vocab
        self.sources[chunk_id] = source
        self.docs[chunk_id] = array("i", (vocab.setdefault(t, len(vocab)) for t in tokens))

    def as_arrays(self, ids: list[str]) -> list[np.ndarray]:
        """Each chunk's token ids, as arrays (Python int lists would double bm25s's peak
        memory); an empty chunk holds the empty token, as bm25s expects."""
        empty = np.zeros(1, dtype=np.int32)
        return [np.frombuffer(self.docs[i], dtype=np.int32) if self.docs[i] else empty for i in ids]


class BM25Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._pending = _Tokens()
        self._deleted: set[str] = set()
        self._cleared = False
        self._loaded: _State | None = None
        self._cache: dict[str, _Segment] = {}
        self._load_lock = threading.Lock()

    # -- writing (one writer at a time: the indexer holds the index lock) --

    def upsert(self, ids: list[str], texts: list[str], sources: list[str]) -> None:
        self.upsert_tokens(ids, [tokenize(t) for t in texts], sources)

    def upsert_tokens(self, ids: list[str], tokens: list[list[str]], sources: list[str]) -> None:
        """Like upsert, with each text already through `tokenize`."""
        for chunk_id, words, source in zip(ids, tokens, sources, strict=True):
            self._deleted.add(chunk_id)  # an older copy in a saved segment, if any
            self._pending.add(chunk_id, source, words)
        if len(self._pending.docs) >= SEGMENT_CHUNKS:
            self.save()

    def delete(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            self._pending.docs.pop(chunk_id, None)
            self._pending.sources.pop(chunk_id, None)
            self._deleted.add(chunk_id)

    def delete_sources(self, sources: Iterable[str]) -> None:
        """Take out every chunk of these files."""
        wanted = set(sources)
        state = self._state()
        saved = state.ids_of(wanted) if state is not None and not self._cleared else set()
        pending = {i for i, src in self._pending.sources.items() if src in wanted}
        self.delete(saved | pending)

    def clear(self) -> None:
        self._pending, self._deleted, self._cleared = _Tokens(), set(), True

    def save(self) -> None:
        """Write the pending changes as a new state (and merge segments where due)."""
        if not (self._pending.docs or self._deleted or self._cleared):
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        state = self._read_state()
        segments: list[dict[str, Any]] = [] if self._cleared else state["segments"]
        deleted: dict[str, set[str]] = {
            s["name"]: set(state["deleted"].get(s["name"], ())) for s in segments
        }
        if self._deleted:
            for entry in segments:
                ids = self._segment_ids(entry["name"])
                deleted[entry["name"]] |= self._deleted & ids
        if self._pending.docs:
            segments.append(self._write_segment(state, self._pending))
            deleted[segments[-1]["name"]] = set()
        segments, deleted = self._compact(state, segments, deleted)
        self._write_state(state, segments, deleted)
        self._pending, self._deleted, self._cleared = _Tokens(), set(), False

    def _compact(
        self, state: dict[str, Any], segments: list[dict[str, Any]], deleted: dict[str, set[str]]
    ) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
        def live(entry: dict[str, Any]) -> int:
            return entry["size"] - len(deleted[entry["name"]])

        out: list[dict[str, Any]] = []
        for entry in segments:  # rewrite segments that are mostly deleted
            if live(entry) == 0:
                continue
            if len(deleted[entry["name"]]) > REWRITE_DELETED * entry["size"]:
                entry = self._merge(state, [entry], deleted)
                deleted[entry["name"]] = set()
            out.append(entry)
        while (
            len(out) >= 2
            and live(out[-2]) <= MERGE_RATIO * live(out[-1])
            and live(out[-2]) + live(out[-1]) <= SEGMENT_CHUNKS  # big ones stay: see above
        ):
            merged = self._merge(state, out[-2:], deleted)
            deleted[merged["name"]] = set()
            out[-2:] = [merged]
        return out, {e["name"]: deleted[e["name"]] for e in out}

    def _merge(
        self, state: dict[str, Any], entries: list[dict[str, Any]], deleted: dict[str, set[str]]
    ) -> dict[str, Any]:
        tokens = _Tokens()
        for entry in entries:
            folder = self.directory / entry["name"]
            ids = json.loads((folder / "ids.json").read_text())
            sources = json.loads((folder / "sources.json").read_text())
            words = json.loads((folder / "words.json").read_text())
            with np.load(folder / "tokens.npz") as stored:
                flat, offsets = stored["flat"], stored["offsets"]
            # the segment's token ids → the merged vocabulary's, for all tokens at once
            remap = np.array([tokens.vocab.setdefault(w, len(tokens.vocab)) for w in words])
            merged = remap[flat].astype(np.int32).tobytes()
            gone = deleted[entry["name"]]
            for i, chunk_id in enumerate(ids):
                if chunk_id not in gone:
                    tokens.sources[chunk_id] = sources[i]
                    tokens.docs[chunk_id] = array("i", merged[4 * offsets[i] : 4 * offsets[i + 1]])
        return self._write_segment(state, tokens)

    def _write_segment(self, state: dict[str, Any], tokens: _Tokens) -> dict[str, Any]:
        import bm25s

        state["next"] += 1
        name = f"seg-{state['next']:06d}"
        folder = self.directory / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        ids = list(tokens.docs)
        docs = [tokens.docs[i] for i in ids]
        flat = np.frombuffer(b"".join(d.tobytes() for d in docs), dtype=np.int32)
        offsets = np.cumsum([0, *map(len, docs)], dtype=np.int64)
        words = list(tokens.vocab)
        np.savez(folder / "tokens.npz", flat=flat, offsets=offsets)
        (folder / "words.json").write_text(json.dumps(words))
        (folder / "ids.json").write_text(json.dumps(ids))
        (folder / "sources.json").write_text(json.dumps([tokens.sources[i] for i in ids]))
        model = bm25s.BM25()
        model.index((tokens.as_arrays(ids), tokens.vocab), show_progress=False)
        model.save(str(folder / "bm25"), show_progress=False)
        return {"name": name, "size": len(ids)}

    def _segment_ids(self, name: str) -> set[str]:
        cached = self._cache.get(name)
        if cached is not None:
            return set(cached.ids)
        return set(json.loads((self.directory / name / "ids.json").read_text()))

    def _read_state(self) -> dict[str, Any]:
        path = self._current()
        if path is None:
            return {"next": 0, "segments": [], "deleted": {}}
        return json.loads(path.read_text())

    def _write_state(
        self, state: dict[str, Any], segments: list[dict[str, Any]], deleted: dict[str, set[str]]
    ) -> None:
        state["generation"] = state.get("generation", 0) + 1
        state["segments"] = segments
        state["deleted"] = {name: sorted(ids) for name, ids in deleted.items() if ids}
        target = self.directory / f"state-{state['generation']:06d}.json"
        target.write_text(json.dumps(state))
        pointer = self.directory / "CURRENT.tmp"
        pointer.write_text(target.name)
        os.replace(pointer, self.directory / "CURRENT")
        self._collect({target.name, *(s["name"] for s in segments)})

    def _collect(self, keep: set[str]) -> None:
        """Delete the segments and states no longer used, once no reader can still be opening
        them (a reader that read the previous state gets RETIRE_S to open its files)."""
        retired_path = self.directory / "retired.json"
        try:
            retired: dict[str, float] = json.loads(retired_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            retired = {}
        now = time.time()
        for old in self.directory.iterdir():
            legacy = old.name[:1] == "v" and old.name[1:].isdigit()  # earlier format
            if old.name in keep or not (legacy or old.name.startswith(("seg-", "state-"))):
                continue
            since = retired.setdefault(old.name, now)
            if now - since >= RETIRE_S:
                with contextlib.suppress(OSError):
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
                retired.pop(old.name)
        retired_path.write_text(json.dumps({n: t for n, t in retired.items() if n not in keep}))

    # -- reading (any number of threads and processes) --

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The k best chunk ids for the query with their BM25 scores (positive only)."""
        state = self._state()
        if state is None or not state.n_docs:
            return []
        terms = [t for t in tokenize(query) if t in state.vocab]
        if not terms:
            return []
        idf = {t: _idf(state.df(t), state.n_docs) for t in set(terms)}
        found: list[tuple[str, float]] = []
        for segment in state.segments:
            held = [t for t in terms if t in segment.df]
            if not held:
                continue
            weights = [idf[t] / _idf(segment.df[t], len(segment.ids)) for t in held]
            scores = segment.scores(held, weights)
            mask = state.masks.get(segment.name)
            if mask is not None:
                scores *= mask
            found += [(segment.ids[i], float(scores[i])) for i in _top(scores, k)]
        return sorted(found, key=lambda pair: -pair[1])[:k]

    def knows(self, text: str) -> bool:
        """Does any indexed chunk hold every word of text?"""
        state = self._state()
        words = tokenize(text)
        return bool(words) and state is not None and all(w in state.vocab for w in words)

    def ids(self) -> set[str]:
        """Every chunk id the index holds, with this writer's unsaved changes."""
        state = self._state()
        saved = set() if state is None or self._cleared else state.live()
        return (saved - self._deleted) | set(self._pending.docs)

    def _state(self) -> _State | None:
        """The loaded state, reloaded when CURRENT names a newer one."""
        for _ in range(3):  # another process may delete a segment while we load it
            path = self._current()
            if path is None:
                return None
            loaded = self._loaded
            if loaded is not None and loaded.name == path.name:
                return loaded
            with self._load_lock:
                if self._loaded is None or self._loaded.name != path.name:
                    try:
                        self._loaded = self._load(path)
                    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
                        continue
                return self._loaded
        return self._loaded

    def _load(self, path: Path) -> _State:
        state = json.loads(path.read_text())
        segments = []
        for entry in state["segments"]:
            name = entry["name"]
            if name not in self._cache:
                self._cache[name] = _load_segment(self.directory / name)
            segments.append(self._cache[name])
        self._cache = {s.name: s for s in segments}
        deleted = {name: frozenset(ids) for name, ids in state["deleted"].items()}
        masks = {}
        for segment in segments:
            gone = deleted.get(segment.name)
            if gone:
                mask = np.ones(len(segment.ids), dtype=np.float32)
                mask[[segment.positions[i] for i in gone if i in segment.positions]] = 0.0
                masks[segment.name] = mask
        return _State(
            path.name,
            tuple(segments),
            deleted,
            masks,
            sum(len(s.ids) - len(deleted.get(s.name, ())) for s in segments),
            frozenset(w for s in segments for w in s.df),
        )

    def legacy(self) -> bool:
        """Is this folder a keyword index of the earlier whole-snapshot format?"""
        pointer = self.directory / "CURRENT"
        return pointer.exists() and not pointer.read_text().startswith("state-")

    def _current(self) -> Path | None:
        try:
            name = (self.directory / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        path = self.directory / name
        return path if name.startswith("state-") and path.is_file() else None


def _load_segment(folder: Path) -> _Segment:
    import bm25s

    ids = json.loads((folder / "ids.json").read_text())
    sources = json.loads((folder / "sources.json").read_text())
    index = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
    indptr = np.asarray(index.scores["indptr"])
    vocab = {w: int(t) for w, t in index.vocab_dict.items() if w}
    df = {w: int(indptr[t + 1] - indptr[t]) for w, t in vocab.items()}
    return _Segment(folder.name, ids, sources, index, vocab, {w: n for w, n in df.items() if n})
