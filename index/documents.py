"""Load files into SourceDocuments: full text, where the body starts, title, url and date."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown"})


class LoadError(Exception):
    """A file that cannot be indexed; the message is one line naming the problem."""


@dataclass(frozen=True)
class SourceDocument:
    source: str  # the path shown to users, relative to the working directory when possible
    text: str  # the file's full text; chunk offsets index into it
    body_start: int  # where the text after any front matter begins
    title: str
    url: str | None
    date: str | None
    sha256: str


def source_name(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for each indexable file, or (path, error) for a path that is not."""
    for path in paths:
        if not path.exists():
            yield path, "no such file or directory"
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden and file.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield file, None
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            yield path, f"unsupported file type {path.suffix or '(none)'}; supported: {kinds}"
        else:
            yield path, None


def load_document(path: Path) -> SourceDocument:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError("file vanished before it could be read") from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}") from None
    if not raw.strip():
        raise LoadError("empty file, nothing to index")
    if b"\x00" in raw[:8192]:
        raise LoadError("binary file, not text; convert it to .txt or .md")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"not UTF-8 text (bad byte at offset {exc.start}); re-save the file as UTF-8"
        ) from None
    meta, body_start = _front_matter(text)
    title = _clean(meta.get("title")) or _first_line(text[body_start:]) or path.stem
    url = _clean(meta.get("url") or meta.get("source_url")) or None
    date = _clean(meta.get("date")) or None
    return SourceDocument(
        source=source_name(path),
        text=text,
        body_start=body_start,
        title=title,
        url=url,
        date=date,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _front_matter(text: str) -> tuple[dict[str, object], int]:
    if not text.startswith("---\n"):
        return {}, 0
    end = text.find("\n---", 4)
    if end < 0:
        return {}, 0
    close = text.find("\n", end + 1)
    body_start = len(text) if close < 0 else close + 1
    try:
        meta = yaml.safe_load(text[4:end])
    except yaml.YAMLError:
        return {}, 0
    return (meta if isinstance(meta, dict) else {}), body_start


def _first_line(body: str) -> str:
    for line in body.splitlines():
        cleaned = _clean(line.strip().lstrip("#").strip("*_ "))
        if cleaned:
            return cleaned[:200]
    return ""


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""
