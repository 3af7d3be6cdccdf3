"""Make the index match the files: add new, re-embed changed, remove deleted, skip unchanged."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from langchain_chroma import Chroma

from index.chunking import chunk_document
from index.documents import LoadError, discover, load_document, source_name

BATCH = 64


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks_written: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} skipped with errors; "
            f"{self.chunks_written} chunks embedded"
        )


class Manifest:
    """source → {sha256, chunks}; written atomically after the store holds the change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: dict[str, dict[str, object]] = {}
        if path.exists():
            self.files = json.loads(path.read_text(encoding="utf-8")).get("files", {})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"files": self.files}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


class Indexer:
    def __init__(
        self, store: Chroma, manifest_path: Path, chunk_size: int, chunk_overlap: int
    ) -> None:
        self.store = store
        self.manifest = Manifest(manifest_path)
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap

    def sync(
        self, paths: Iterable[Path], on_file: Callable[[str], None] = lambda _: None
    ) -> SyncReport:
        report = SyncReport()
        roots = list(paths)
        seen: set[str] = set()
        for path, problem in discover(roots):
            name = source_name(path)
            on_file(name)
            if problem:
                report.errors.append(f"{name}: {problem}")
                continue
            seen.add(name)
            try:
                self._sync_file(path, report)
            except LoadError as exc:
                report.errors.append(f"{name}: {exc}")
        for source in self._sources_under(roots) - seen:
            if not Path(source).exists():
                self._remove(source)
                report.removed.append(source)
        return report

    def _sync_file(self, path: Path, report: SyncReport) -> None:
        doc = load_document(path)
        previous = self.manifest.files.get(doc.source)
        if previous and previous.get("sha256") == doc.sha256:
            report.unchanged.append(doc.source)
            return
        chunks = chunk_document(doc, self.chunk_size, self.chunk_overlap)
        ids = [c.chunk_id for c in chunks]
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i : i + BATCH]
            self.store.add_texts(
                [c.text for c in batch], [c.metadata() for c in batch], ids=ids[i : i + BATCH]
            )
        # Delete by source, not by the manifest, so an interrupted earlier run leaves no orphans.
        stale = set(self._ids_of(doc.source)) - set(ids)
        if stale:
            self.store.delete(ids=sorted(stale))
        self.manifest.files[doc.source] = {"sha256": doc.sha256, "chunks": len(chunks)}
        self.manifest.save()
        report.chunks_written += len(chunks)
        (report.updated if previous else report.added).append(doc.source)

    def _remove(self, source: str) -> None:
        ids = self._ids_of(source)
        if ids:
            self.store.delete(ids=ids)
        self.manifest.files.pop(source, None)
        self.manifest.save()

    def _ids_of(self, source: str) -> list[str]:
        return self.store.get(where={"source": source}, include=[])["ids"]

    def _sources_under(self, roots: list[Path]) -> set[str]:
        dirs = [source_name(r) for r in roots if r.is_dir()]
        return {
            s
            for s in self.manifest.files
            if any(d == "." or s.startswith(d.rstrip("/") + "/") for d in dirs)
        }
