"""What the browser can do besides chatting: upload files, see the index, change settings, run
an evaluation suite, export a conversation. Wraps App; the UI talks only to this."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.app import App
from assistant.engine import Event, Turn
from assistant.errors import UserError
from assistant.serving.conversations import Conversations
from index.documents import SUPPORTED_SUFFIXES
from index.formats import content_problem

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Document:
    source: str
    title: str
    kind: str
    size: int
    chunks: int
    indexed: datetime
    uploaded: bool


class Workspace:
    def __init__(self, app: App) -> None:
        self.app = app
        self.conversations = Conversations(app.settings.home / "conversations.sqlite")
        self.ready = threading.Event()  # models loaded (the server clears it while warming up)
        self.ready.set()

    @property
    def examples(self) -> list[str]:
        return self.app.settings.examples

    def stream(
        self, question: str, history: list[Turn], mode: str | None = None, **options: Any
    ) -> Generator[Event, None, None]:
        self.ready.wait()  # questions asked while the models load wait for them
        yield from self.app.engine.stream(question, history, mode, **options)  # type: ignore[arg-type]

    def browser_secret(self) -> str:
        """Signs what the browser keeps (its conversation id); stable across restarts."""
        path = self.app.settings.home / "browser-state.key"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        if not path.exists():
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # the first process to get here sets it for everyone
            tmp.unlink()
        return path.read_text().strip()

    def check_settings(self, k: int, llm: str) -> str:
        """Validate one conversation's settings (they never change other conversations)."""
        spec = llm.strip() or self.app.settings.llm
        self.app.engine.pool(spec)
        return f"k = {int(k)}, model = {spec} (this conversation only)"

    def status(self) -> dict[str, Any]:
        path = self.app.indexed.path
        synced = (
            datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            if path.exists()
            else "never"
        )
        return {
            "documents": len(self.app.indexed.files()),
            "chunks": self.app.chunk_count(),
            "last_sync": synced,
        }

    def add_files(
        self, uploads: Sequence[str | Path], on_file: Callable[[str], None] = lambda _: None
    ) -> str:
        """Copy uploaded files into the corpus folder (checked, renamed safely), then sync."""
        s = self.app.settings
        corpus = s.data_dir.resolve()
        accepted: list[Path] = []
        problems: list[str] = []
        if len(uploads) > s.max_uploads:
            problems.append(
                f"{len(uploads) - s.max_uploads} files not added: at most {s.max_uploads} "
                "per upload (ASSISTANT_MAX_UPLOADS)"
            )
            uploads = uploads[: s.max_uploads]
        for upload in uploads:
            src = Path(upload)
            name = safe_name(src.name)
            size = src.stat().st_size if src.exists() else 0
            if src.suffix.lower() not in SUPPORTED_SUFFIXES:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(f"{name}: unsupported file type; supported: {kinds}")
            elif size == 0:
                problems.append(f"{name}: empty file, nothing to index")
            elif size > s.max_upload_mb * 1_000_000:
                problems.append(
                    f"{name}: {size / 1e6:.1f} MB is over the {s.max_upload_mb} MB limit"
                )
            elif problem := content_problem(src.suffix.lower(), _head(src)):
                problems.append(f"{name}: {problem}")
            else:
                accepted.append(src)
        if not accepted:
            return "; ".join(problems) or "no file was given"
        corpus.mkdir(parents=True, exist_ok=True)
        targets = []
        for src in accepted:
            target = _free_target(corpus, safe_name(src.name))
            shutil.copyfile(src, target)
            targets.append(target)
        from index.documents import source_name

        self.app.indexer.mark_uploaded(source_name(t) for t in targets)
        report = self.app.indexer.sync(targets, on_file)
        lines = [f"added {t.name}" for t in targets] + problems + report.errors
        return "; ".join(lines)

    def documents(self) -> list[Document]:
        """What the index holds, newest first."""
        indexed = self.app.indexed.files()
        uploaded = self.app.indexed.uploaded()
        rows = [
            Document(
                source=source,
                title=Path(source).stem,
                kind=Path(source).suffix.lstrip(".").lower(),
                size=int(entry.get("size", 0)),
                chunks=int(entry.get("chunks", 0)),
                indexed=datetime.fromtimestamp(
                    entry.get("indexed_at", entry.get("mtime_ns", 0) / 1e9), UTC
                ),
                uploaded=source in uploaded,
            )
            for source, entry in indexed.items()
        ]
        return sorted(rows, key=lambda d: d.source)

    def remove_document(self, source: str) -> str:
        """Out of the index; out of the folder too when it came in as an upload."""
        doc = next((d for d in self.documents() if d.source == source), None)
        if doc is None:
            raise UserError(f"{source}: not in the index; `assistant docs list` shows what is")
        self.app.indexer.remove([source])
        if doc.uploaded:
            Path(source).unlink(missing_ok=True)
            return f"removed {source} from the index and deleted the uploaded file"
        return f"removed {source} from the index (the file stays in its folder)"

    def reindex(self) -> str:
        """Sync the corpus folder, and re-read every indexed file that lives elsewhere."""
        folder = self.app.settings.data_dir
        elsewhere = [Path(s) for s in self.app.indexed.files() if not _under(Path(s), folder)]
        return self.app.indexer.sync([folder, *[p for p in elsewhere if p.exists()]]).summary()

    def suites(self) -> list[str]:
        return sorted(str(p) for p in self.app.settings.suites_dir.glob("*.yaml"))

    def run_suite(self, suite: str) -> tuple[str, str]:
        """Run a suite; returns (Markdown totals, name of the HTML report under /reports/)."""
        from assistant.evaluation.command import run_eval

        path = Path(suite)
        if path.resolve().parent != self.app.settings.suites_dir.resolve():
            raise UserError(f"{suite}: choose one of the listed suites")
        reports = self.app.settings.home / "reports"
        name = f"{path.stem}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.html"
        code, run = run_eval(self.app, path, report=reports / name)
        verdict = "passed" if code == 0 else "FAILED: " + "; ".join(run["threshold_failures"])
        rows = "\n".join(f"| {k} | {v} |" for k, v in run["totals"].items())
        return f"**{path.stem}**: {verdict}\n\n| metric | value |\n|---|---|\n{rows}", name


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8192)


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, only letters, digits, '.', '_', '-'."""
    base = SAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).lstrip("._") or "upload"
    return base[:120]


def _free_target(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix, n = target.stem, target.suffix, 1
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    if target.resolve().parent != folder:
        raise UserError(f"{name}: refused, it would be written outside the corpus folder")
    return target


def _under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
