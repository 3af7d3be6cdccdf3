"""Load files into SourceDocuments: their text, where the body starts, title, url, date, pages."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from index import formats
from index.formats import LoadError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | formats.EXTRACTORS.keys()

__all__ = ["SUPPORTED_SUFFIXES", "LoadError", "SourceDocument", "discover", "load_document"]


@dataclass(frozen=True)
class SourceDocument:
    source: str  # the path shown to users, relative to the working directory when possible
    text: str  # the file's text (extracted text for HTML, PDF, DOCX); offsets index into it
    body_start: int  # where the text after any front matter begins
    title: str
    url: str | None
    date: str | None
    sha256: str
    publisher: str | None = None
    page_starts: tuple[int, ...] = ()  # PDF: the offset at which each page's text begins

    @property
    def context(self) -> str:
        """The document's identity as indexed with each chunk: title (publisher, date)."""
        extra = ", ".join(x for x in (self.publisher, self.date) if x)
        return f"{self.title} ({extra})" if extra else self.title

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)


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
        elif not path.is_dir() and not path.is_file():
            yield path, "not a regular file (a device, socket or pipe?); refused"
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if hidden or file.suffix.lower() not in SUPPORTED_SUFFIXES or file.is_dir():
                    continue
                if file.is_file():
                    yield file, None
                elif file.is_symlink():
                    yield file, "broken or looping symbolic link; refused"
                else:
                    yield file, "not a regular file (a device, socket or pipe?); refused"
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            yield path, f"unsupported file type {path.suffix or '(none)'}; supported: {kinds}"
        else:
            yield path, None


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; never more than max_bytes in memory, even if it grows while read."""
    try:
        size = path.stat().st_size
        if size <= max_bytes:
            with open(path, "rb") as handle:
                raw = handle.read(max_bytes + 1)
            size = max(size, len(raw))
        if size > max_bytes:
            raise LoadError(
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit "
                "(raise ASSISTANT_MAX_FILE_MB to index it)"
            )
        return raw
    except FileNotFoundError:
        raise LoadError("file vanished before it could be read") from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}") from None


def load_document(path: Path, max_bytes: int = 20_000_000) -> SourceDocument:
    raw = read_bytes(path, max_bytes)
    if not raw.strip():
        raise LoadError("empty file, nothing to index")
    suffix = path.suffix.lower()
    problem = formats.content_problem(suffix, raw)
    if problem:
        raise LoadError(problem)
    if suffix in formats.EXTRACTORS:
        try:
            extracted = formats.EXTRACTORS[suffix](raw)
        except RecursionError:
            raise LoadError("the file is nested too deeply to read; refused") from None
        except MemoryError:
            raise LoadError("the file needs too much memory to read; refused") from None
        if not extracted.text.strip():
            raise LoadError("no text could be extracted (scanned or image-only?)")
        return SourceDocument(
            source=source_name(path),
            text=extracted.text,
            body_start=0,
            title=_clean(extracted.title) or _first_line(extracted.text) or path.stem,
            url=None,
            date=None,
            sha256=hashlib.sha256(raw).hexdigest(),
            page_starts=extracted.page_starts,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"not UTF-8 text (bad byte at offset {exc.start}); re-save the file as UTF-8"
        ) from None
    meta, body_start = _front_matter(text)
    return SourceDocument(
        source=source_name(path),
        text=text,
        body_start=body_start,
        title=_clean(meta.get("title")) or _first_line(text[body_start:]) or path.stem,
        url=_clean(meta.get("url") or meta.get("source_url")) or None,
        date=_clean(meta.get("date")) or _dateline(text[body_start:]) or None,
        sha256=hashlib.sha256(raw).hexdigest(),
        publisher=_clean(meta.get("publisher") or meta.get("source")) or None,
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


DATELINE_LINES = 4  # a dateline is among the first lines of the text
# a line that is only a date, perhaps with a time: "02/26/2021 03:12 PM EST", "March 3, 2021"
DATELINE = re.compile(
    r"(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})"
    r"(?:,? \d{1,2}:\d{2}(?: ?[AaPp]\.?[Mm]\.?)?(?: [A-Z]{2,4})?)?"
)
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y")


def _dateline(body: str) -> str | None:
    """The date of a text that gives one on a line of its own near its start, as ISO: a
    month/day/year date only where it cannot be read day first ("02/26/2021", not
    "03/02/2021")."""
    lines = [line.strip() for line in body.splitlines() if line.strip()][:DATELINE_LINES]
    for line in lines:
        found = DATELINE.fullmatch(line)
        if not found:
            continue
        written = found["date"]
        if "/" in written and int(written.split("/")[1]) <= 12:
            return None  # 03/02/2021: March 2 or 3 February
        for layout in DATE_FORMATS:
            try:
                return datetime.strptime(written, layout).date().isoformat()
            except ValueError:
                continue
    return None


def _first_line(body: str) -> str:
    for line in body.splitlines():
        cleaned = _clean(line.strip().lstrip("#").strip("*_ "))
        if cleaned:
            return cleaned[:200]
    return ""


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""
