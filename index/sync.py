"""Make the index match the files: add new, re-embed changed, move renamed, remove deleted.

The manifest (file → hash, size, mtime, chunk count) is the record of what the stores hold.
Changing the embedding model or the chunking settings rebuilds everything. Work is committed
in batches (Chroma, then the BM25 snapshot, then the manifest); a run that is killed leaves
an `in_progress` mark, and the next run re-does the unrecorded files and sweeps orphans.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import UserError
from index import chunk_workers
from index.bm25_store import BM25Store, tokenize
from index.catalog import Replica
from index.chunk_workers import prepared_in_order
from index.chunking import Chunk, chunk_document, chunk_text, stored_text
from index.documents import LoadError, SourceDocument, discover, load_document, source_name
from index.locks import exclusive
from index.paging import get_all
from index.texts import with_texts

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from index.store import ChromaStore

FLUSH_CHUNKS = 512  # embed and commit after this many pending chunks
HELD_CHARS = 50_000_000  # text kept in memory between discovery and chunking; the rest is re-read
UPSERT_BATCH = 1000


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks_written: int = 0
    seconds: float = 0.0  # the whole sync
    store_seconds: float = 0.0  # of which writing Chroma (its own rate bounds the sync's)
    rebuilt: str = ""  # why the whole index was built again, if it was

    def summary(self) -> str:
        head = f"rebuilt ({self.rebuilt}): " if self.rebuilt else ""
        return (
            f"{head}{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.renamed)} renamed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} skipped with errors; "
            f"{self.chunks_written} chunks embedded"
            + (
                f" in {self.seconds:.1f} s (Chroma writes {self.store_seconds:.2f} s)"
                if self.chunks_written
                else ""
            )
        )


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        data: dict[str, Any] = {}
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
        self.config: dict[str, Any] = data.get("config", {})
        self.files: dict[str, dict[str, Any]] = data.get("files", {})
        self.in_progress: bool = data.get("in_progress", False)
        # removed by the user while the file stays in the folder: syncs of the folder skip it
        self.excluded: set[str] = set(data.get("excluded", []))
        self.uploaded: set[str] = set(data.get("uploaded", []))  # copied in through the UI

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {
            "config": self.config,
            "in_progress": self.in_progress,
            "excluded": sorted(self.excluded),
            "uploaded": sorted(self.uploaded),
            "files": self.files,
        }
        tmp.write_text(json.dumps(data), encoding="utf-8")  # indent would use the slow encoder
        os.replace(tmp, self.path)


class IndexedFiles:
    """What the manifest on disk records, re-read whenever the file is replaced: readers (the
    retriever, the status line) see each committed state whole, whichever process wrote it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key: tuple[int, int, int] | None = None
        self._files: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, str] = {}
        self._uploaded: set[str] = set()
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._key, self._files, self._versions, self._uploaded = None, {}, {}, set()
            return
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key == self._key:
            return
        with self._lock:
            if key != self._key:
                manifest = Manifest(self.path)
                files = manifest.files
                self._files, self._uploaded = files, manifest.uploaded
                self._versions = {s: str(e.get("sha256")) for s, e in files.items()}
                self._key = key

    def files(self) -> dict[str, dict[str, Any]]:
        self._refresh()
        return self._files

    def uploaded(self) -> set[str]:
        """The indexed files that came in through the browser's upload."""
        self._refresh()
        return self._uploaded

    def versions(self) -> dict[str, str]:
        """source → content hash of every indexed file."""
        self._refresh()
        return self._versions


@dataclass
class _Pending:
    doc: SourceDocument
    chunks: list[Chunk]
    tokens: list[list[str]]  # each chunk's keyword tokens
    entry: dict[str, Any]
    kind: str  # "added" | "updated"


class Indexer:
    """Keeps a Chroma collection, a BM25 store and the manifest in step with a set of files.
    One sync runs at a time, across threads (uploads) and processes (`assistant index`)."""

    def __init__(
        self,
        store: ChromaStore,
        embeddings: Embeddings,
        bm25: BM25Store,
        manifest_path: Path,
        config: dict[str, Any],
        chunk_size: int,
        max_bytes: int,
        replica: Replica | None = None,
    ) -> None:
        self.replica = replica  # with a Chroma server: the catalog other replicas follow
        self._written: set[str] = set()
        self._removed: set[str] = set()
        self.store = store
        self._collection: Any = None  # opened on first use in each sync
        self.embeddings = embeddings
        self.bm25 = bm25
        self.manifest = Manifest(manifest_path)
        self.config = config
        self.chunk_size = chunk_size
        self.max_bytes = max_bytes
        self._pending: list[_Pending] = []
        self._unrecorded: list[_Pending] = []  # written, not yet in the manifest
        self._resuming = False  # this sync finishes an interrupted one
        self._writer: ThreadPoolExecutor | None = None
        self._in_flight: Future[None] | None = None
        self._on_progress: Callable[[int, int, int], None] = lambda *_: None
        self._to_write = 0
        self._store_seconds = 0.0
        self._lock = threading.Lock()

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self.store.collection()
        return self._collection

    def sync(
        self,
        paths: Iterable[Path],
        on_file: Callable[[str], None] = lambda _: None,
        on_progress: Callable[[int, int, int], None] = lambda *_: None,
        alone: bool = False,
    ) -> SyncReport:
        """on_file(name) as each file is read; on_progress(files written, files to write,
        chunks written) as each batch is stored. alone: nothing else in this process searches
        the store meanwhile, so a bulk sync may hand its writes to a writer process."""
        with self._held():
            self._pending.clear()
            self._unrecorded = []
            self._in_flight = None
            self._on_progress = on_progress
            self._written, self._removed = set(), set()
            self._store_seconds = 0.0
            started = time.perf_counter()
            try:
                report = self._sync(paths, on_file, alone)
                report.seconds = time.perf_counter() - started
                report.store_seconds = self._store_seconds
                self._publish()
            except Exception as exc:
                from index.store import unreachable

                if unreachable(exc):
                    raise UserError(
                        f"the Chroma server stopped answering while indexing ({type(exc).__name__}"
                        "); what was stored is kept: run the same `assistant index` again to "
                        "finish"
                    ) from None
                raise
            return report

    def remove(self, sources: Iterable[str]) -> list[str]:
        """Take documents out of the index; a file still in its folder is excluded from later
        syncs of the folder until it is indexed by name again. Returns what was removed."""
        with self._held():
            removed = [s for s in sources if s in self.manifest.files]
            self._written, self._removed = set(), set(removed)
            if not removed:
                return removed
            self.manifest.in_progress = True  # a run killed while deleting is finished by the next
            self.manifest.save()
            for source in removed:
                self._delete_ids(self._ids_of(source))
                self.manifest.files.pop(source)
                self.manifest.excluded.add(source)
            self.manifest.in_progress = False
            self.bm25.save()
            self.manifest.save()
            self._publish()
            return removed

    @contextlib.contextmanager
    def _held(self) -> Iterator[None]:
        """The index to this thread and process alone, with the manifest as last saved (another
        process may have synced since this one last did) and the store opened on first use."""
        self.store.claim()
        with self._lock, exclusive(self.manifest.path.with_name("index.lock")):
            self.manifest = Manifest(self.manifest.path)
            self._collection = None
            try:
                yield
            finally:
                self._collection = None  # not kept stale until the next sync

    def _publish(self) -> None:
        """Tell the catalog (and through it every replica) what this sync wrote and removed."""
        if self.replica is None or not (self._written or self._removed):
            return
        entries = {s: self.manifest.files[s] for s in self._written if s in self.manifest.files}
        removed = self._removed - set(entries)
        self.replica.catalog.publish(entries, removed, self.config)
        self.replica.note(entries, removed)

    def mark_uploaded(self, sources: Iterable[str]) -> None:
        with self._held():
            self.manifest.uploaded.update(sources)
            self.manifest.save()

    def _sync(
        self, paths: Iterable[Path], on_file: Callable[[str], None], alone: bool
    ) -> SyncReport:
        report = SyncReport()
        roots = list(paths)
        interrupted = self._resuming = self.manifest.in_progress
        if self.bm25.legacy():  # written before the segmented format: derive it from Chroma
            self.bm25.clear()
            self._repair_keywords()
            self.bm25.save()
        if interrupted:  # what the catalog saw of the killed run is unknown: republish all
            self._written |= set(self.manifest.files)
        if self.manifest.config != self.config:
            shared = self.replica.catalog.config() if self.replica else None
            if shared == self.config:  # another replica built the collection with our settings
                self.manifest.config = dict(self.config)
            elif shared is not None and self.replica and self.replica.catalog.files():
                raise UserError(
                    f"the Chroma collection holds chunks made with {shared}, not {self.config}; "
                    "use the same ASSISTANT_EMBEDDINGS and chunk settings as the other "
                    "replicas, or another ASSISTANT_COLLECTION"
                )
            else:
                if self.manifest.files:
                    report.rebuilt = "embedding or chunking settings changed"
                self._reset()
        local = not self.store.chroma_url
        if interrupted and local and self.manifest.files and not self._vectors_readable():
            report.rebuilt = "Chroma could not load its vector index, left torn by a killed run"
            self._reset()
        changed: list[tuple[Path, str, SourceDocument | str, dict[str, int]]] = []
        seen: set[str] = set()
        held = 0
        named = {source_name(r) for r in roots if not r.is_dir()}
        self.manifest.excluded -= named  # a file indexed by name is wanted again
        for path, problem in discover(roots):
            name = source_name(path)
            on_file(name)
            if name in self.manifest.excluded:
                continue
            if problem:
                report.errors.append(f"{name}: {problem}")
                continue
            seen.add(name)
            if self._unchanged(path, name):
                report.unchanged.append(name)
                continue
            try:
                before = _stat(path)
                doc = load_document(path, self.max_bytes)
                if _stat(path) != before:
                    raise LoadError("file changed while it was being read; index it again")
            except FileNotFoundError:
                report.errors.append(f"{name}: file vanished while it was being read")
                continue
            except OSError as exc:
                report.errors.append(f"{name}: cannot read file: {exc.strerror}")
                continue
            except LoadError as exc:
                report.errors.append(f"{name}: {exc}")
                continue
            if self.manifest.files.get(name, {}).get("sha256") == doc.sha256:
                self.manifest.files[name].update(before)  # touched, not changed
                report.unchanged.append(name)
                continue
            held += len(doc.text)
            changed.append((path, name, doc if held <= HELD_CHARS else doc.sha256, before))
        gone = {s for s in self._sources_under(roots) - seen if not Path(s).exists()}
        self.manifest.excluded = {s for s in self.manifest.excluded if Path(s).exists()}
        self.manifest.uploaded = {s for s in self.manifest.uploaded if Path(s).exists()}
        if not changed and not gone and not self.manifest.in_progress:
            if report.unchanged:
                self.manifest.save()  # refreshed mtimes
            return report
        self.manifest.in_progress = True
        self.manifest.save()
        by_hash = {self.manifest.files[s]["sha256"]: s for s in sorted(gone)}
        self._to_write = len(changed)
        new: list[tuple[Path, str, SourceDocument | str, dict[str, int]]] = []
        with ThreadPoolExecutor(1, thread_name_prefix="index-writer") as self._writer:
            for path, name, doc, stat in changed:
                sha = doc if isinstance(doc, str) else doc.sha256
                old = by_hash.pop(sha, None) if name not in self.manifest.files else None
                loaded = self._reread(path, doc, report) if old is not None else None
                if old is not None and loaded is not None:
                    self._rename(old, loaded, stat)
                    gone.discard(old)
                    report.renamed.append(f"{old} → {name}")
                elif old is None:
                    new.append((path, name, doc, stat))
            reread = (
                (stat, loaded)
                for path, _name, doc, stat in new
                if (loaded := self._reread(path, doc, report)) is not None
            )
            chars = sum(stat["size"] for *_, stat in new)
            with self._store_writer(chars, alone):
                for stat, loaded, prepared in prepared_in_order(reread, self.chunk_size, chars):
                    self._queue(loaded, stat, *prepared, report)  # while the last is written
                self._flush(report)
                self._drain()
                self._recorded_all(report)
        self._writer = None
        for source in sorted(gone):
            self._delete_ids(self._ids_of(source))
            self.manifest.files.pop(source, None)
            report.removed.append(source)
            self._removed.add(source)
        if interrupted:
            self._sweep_orphans()
            self._repair_keywords()
        self.bm25.save()
        self.manifest.in_progress = False
        self.manifest.save()
        return report

    @contextlib.contextmanager
    def _store_writer(self, chars: int, alone: bool) -> Iterator[None]:
        """From POOL_CHARS of changed text on, a local store is written by a second process
        for the length of the bulk writes (index/store_writer.py)."""
        if chars < chunk_workers.POOL_CHARS or self.store.chroma_url or not alone:
            yield
            return
        from index.store_writer import StoreWriter

        writer = StoreWriter(self.store.home, self.store.name)
        self._collection = writer
        try:
            yield
        finally:
            writer.close()
            self._store_seconds += writer.busy_seconds
            self.store.reopen()  # as the writer left it
            self._collection = self.store.collection()

    @property
    def _writer_process(self) -> bool:
        """Does a writer process hold the store (index/store_writer.py)?"""
        from index.store_writer import StoreWriter

        return isinstance(self._collection, StoreWriter)

    def _reread(
        self, path: Path, doc: SourceDocument | str, report: SyncReport
    ) -> SourceDocument | None:
        """The document read during discovery, or (past HELD_CHARS) read again: a file that
        changed in between is reported and left for the next sync."""
        if not isinstance(doc, str):
            return doc
        try:
            loaded = load_document(path, self.max_bytes)
        except (OSError, LoadError):
            loaded = None
        if loaded is None or loaded.sha256 != doc:
            report.errors.append(f"{source_name(path)}: changed while indexing; index it again")
            return None
        return loaded

    def _unchanged(self, path: Path, name: str) -> bool:
        entry = self.manifest.files.get(name)
        try:
            return bool(entry) and {k: entry.get(k) for k in ("size", "mtime_ns")} == _stat(path)
        except OSError:
            return False

    def _vectors_readable(self) -> bool:
        """Can Chroma load the stored vectors? A process killed while Chroma saved its HNSW
        files can leave them out of step with its log (chroma-core/chroma#7678); each read
        then fails, and the vectors are lost: they are embedded again from the files."""
        from index.store import damaged

        try:
            self.collection.get(limit=1, include=[])
        except Exception as exc:  # chromadb.errors.InternalError
            if damaged(exc):
                return False
            raise
        return True

    def _reset(self) -> None:
        self._removed |= set(self.manifest.files)
        self._collection = self.store.reset()
        self.bm25.clear()
        self.manifest.files = {}
        self.manifest.config = dict(self.config)
        self.manifest.in_progress = True
        self.bm25.save()
        self.manifest.save()

    def _queue(
        self,
        doc: SourceDocument,
        stat: dict[str, int],
        chunks: list[Chunk],
        tokens: list[list[str]],
        report: SyncReport,
    ) -> None:
        kind = "updated" if doc.source in self.manifest.files else "added"
        entry = {"sha256": doc.sha256, "chunks": len(chunks), "indexed_at": time.time(), **stat}
        self._pending.append(_Pending(doc, chunks, tokens, entry, kind))
        if sum(len(p.chunks) for p in self._pending) >= FLUSH_CHUNKS:
            self._flush(report)

    def _flush(self, report: SyncReport) -> None:
        """Hand the pending files to the writer thread, which embeds and writes them while the
        next batch is chunked (one batch in flight at a time, so memory stays bounded)."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self._drain()
        if self._writer is None:
            self._write(batch, report)
        else:
            self._in_flight = self._writer.submit(self._write, batch, report)

    def _drain(self) -> None:
        """Wait for the batch being written; its error, if any, is raised here."""
        future, self._in_flight = self._in_flight, None
        if future is not None:
            future.result()

    def _write(self, batch: list[_Pending], report: SyncReport) -> None:
        """Embed a batch in one pass, write Chroma and the keyword tokens; record the files of
        the batch before, whose writes are stored by now (a writer process answers an upsert
        later: it stores this batch while the next one is embedded)."""
        chunks = [c for p in batch for c in p.chunks]
        vectors = self.embeddings.embed_documents([c.indexed_text for c in chunks])
        self._upsert(chunks, vectors, [t for p in batch for t in p.tokens])
        for p in batch:
            if p.kind == "updated" or self._resuming:  # older chunks of it may be stored
                keep = {c.chunk_id for c in p.chunks}
                self._delete_ids([i for i in self._ids_of(p.doc.source) if i not in keep])
        self._confirm(keep=1)
        if self._unrecorded:
            self._record(self._unrecorded, report)
        self._unrecorded = batch

    def _recorded_all(self, report: SyncReport) -> None:
        """Once every write of the sync is stored: record the last batch's files."""
        self._confirm(keep=0)
        if self._unrecorded:
            self._record(self._unrecorded, report)
        self._unrecorded = []

    def _confirm(self, keep: int) -> None:
        if self._writer_process:
            self._collection.confirm(keep)

    def _record(self, batch: list[_Pending], report: SyncReport) -> None:
        """The manifest entries of files whose chunks are stored."""
        for p in batch:
            self.manifest.files[p.doc.source] = p.entry
            self._written.add(p.doc.source)
            getattr(report, p.kind).append(p.doc.source)
        report.chunks_written += sum(len(p.chunks) for p in batch)
        written = len(report.added) + len(report.updated)
        self._on_progress(written, self._to_write, report.chunks_written)
        # The keyword index is rebuilt once, at the end of the sync (a rebuild per batch made
        # indexing quadratic); a run killed before then is repaired by _repair_keywords.
        self.manifest.save()

    def _upsert(
        self,
        chunks: list[Chunk],
        vectors: list[list[float]],
        tokens: list[list[str]] | None = None,
    ) -> None:
        started = time.perf_counter()
        texts = self.store.texts
        if texts is not None:  # before the vectors: a stored chunk always has its text
            texts.put([c.chunk_id for c in chunks], [c.text for c in chunks])
        texts_done = time.perf_counter()
        for i in range(0, len(chunks), UPSERT_BATCH):
            batch = chunks[i : i + UPSERT_BATCH]
            self.collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[i : i + UPSERT_BATCH],
                metadatas=[c.metadata(with_text=texts is None) for c in batch],
            )
        # a writer process times its own Chroma writes (added when it closes)
        finished = texts_done if self._writer_process else time.perf_counter()
        self._store_seconds += finished - started
        self.bm25.upsert_tokens(
            [c.chunk_id for c in chunks],
            tokens if tokens is not None else [tokenize(c.indexed_text) for c in chunks],
            [c.source for c in chunks],
        )

    def _rename(self, old: str, doc: SourceDocument, stat: dict[str, int]) -> None:
        """Same content under a new name: move the vectors instead of re-embedding."""
        self._drain()
        chunks = chunk_document(doc, self.chunk_size)
        old_ids = self._ids_of(old)
        stored = with_texts(
            self.collection.get(ids=old_ids, include=["embeddings", "metadatas", "documents"]),
            self.store.texts,
        )
        rows = zip(stored["metadatas"], stored["documents"], stored["embeddings"], strict=True)
        by_text = {chunk_text(m, d): e for m, d, e in rows}
        if all(c.text in by_text for c in chunks):
            self._upsert(chunks, [list(map(float, by_text[c.text])) for c in chunks])
        else:  # the chunking differs after all: embed afresh
            self._upsert(chunks, self.embeddings.embed_documents([c.indexed_text for c in chunks]))
        self._delete_ids(old_ids)
        self.manifest.files.pop(old, None)
        self._removed.add(old)
        self._written.add(doc.source)
        self.manifest.files[doc.source] = {
            "sha256": doc.sha256,
            "chunks": len(chunks),
            "indexed_at": time.time(),
            **stat,
        }

    def _delete_ids(self, ids: list[str]) -> None:
        if ids:
            self.collection.delete(ids=ids)
            if self.store.texts is not None:
                self.store.texts.delete(ids)
            self.bm25.delete(ids)

    def _ids_of(self, source: str) -> list[str]:
        return self.collection.get(where={"source": source}, include=[])["ids"]

    def _sweep_orphans(self) -> None:
        """After an interrupted run: drop chunks of files the manifest does not hold."""
        stored = get_all(self.collection, ["metadatas"])
        orphans = [
            i
            for i, meta in zip(stored["ids"], stored["metadatas"], strict=True)
            if meta.get("source") not in self.manifest.files
        ]
        self._delete_ids(orphans)
        live = set(stored["ids"]) - set(orphans)
        self.bm25.delete(self.bm25.ids() - live)
        if self.store.texts is not None:
            self.store.texts.keep_only(live)

    def _repair_keywords(self) -> None:
        """After an interrupted run: tokenize the stored chunks the keyword index lacks."""
        stored = with_texts(get_all(self.collection, ["metadatas", "documents"]), self.store.texts)
        rows = zip(stored["ids"], stored["metadatas"], stored["documents"], strict=True)
        held = self.bm25.ids()
        missing = [(i, m, d) for i, m, d in rows if i not in held]
        if missing:
            self.bm25.upsert(
                [i for i, _, _ in missing],
                [stored_text(m, d) for _, m, d in missing],
                [m["source"] for _, m, _ in missing],
            )

    def _sources_under(self, roots: list[Path]) -> set[str]:
        dirs = [source_name(r) for r in roots if r.is_dir()]
        return {
            s
            for s in self.manifest.files
            if any(d == "." or s.startswith(d.rstrip("/") + "/") for d in dirs)
        }


def _stat(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
