"""Structure-aware chunking with exact offsets.

The body is read as blocks (headings, bullets, paragraphs). Blocks of one section are packed
into chunks up to `size` characters; a block that is too long is split between sentences,
and only a single sentence longer than twice `size` is split between words. Each chunk is a
contiguous slice of the file's text (`text == file_text[start:end]`) and carries its heading
path ("Document title > Section"), which is indexed with it.

LangChain's splitters strip and re-join text, so they lose exact offsets; this module works on
spans instead (the textbook baseline in `index/baseline.py` uses RecursiveCharacterTextSplitter).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from index.documents import SourceDocument
from index.injection import instruction_spans, is_instruction

TEXT_KEY = "text"  # the field that holds a chunk's text
PACKED_KEY = "chunk"  # the metadata field holding every field but the source and text, as JSON
CHUNKER_VERSION = 8  # 4: the file's hash and flagged instruction spans; 5: a dateline's date;
# 6: keyword tokens without accents; 7: "together.North" is two sentences; 8: tokens without
# any combining mark (as names are compared), not only Latin accents
BULLET = re.compile(r"[ \t]*(?:[•▪◦‣\-*–]|\d{1,3}[.)])[ \t]+\S")
MD_HEADING = re.compile(r"[ \t]*(#{1,6})[ \t]+(.+?)[ \t#]*$")
BOLD_LINE = re.compile(r"\*\*([^*\n]{2,100})\*\*:?$")
SENTENCE_GAP = re.compile(
    r"(?<=[.!?\]])[\"”’)\]]*\s+(?!\[\d)(?=[\"“(\[]?[A-Z0-9•])"
    # a sentence whose full stop the source forgot to follow with a space: "together.North"
    r"|(?<=[a-z]{3}\.)(?<!www\.)(?=[A-Z][a-z]+\b)"
)
ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Gov|Sen|Rep|No|Inc|Ltd|Co|Corp|vs|etc|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|e\.g|i\.e))\.$"
)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    source: str
    title: str
    url: str | None
    date: str | None
    start: int
    end: int
    text: str
    heading: str  # "Document title > Section"
    page: int | None = None
    sha256: str = ""  # the file version this chunk was cut from
    flagged: tuple[tuple[int, int], ...] = ()  # spans (in text) addressed to an AI assistant
    title_flagged: bool = False

    @property
    def indexed_text(self) -> str:
        """What embeddings and BM25 see: the heading path, then the passage."""
        return stored_text({"heading": self.heading}, self.text)

    def metadata(self, with_text: bool) -> dict[str, str]:
        """What Chroma stores with the vector: the source (which `where` filters select on),
        every other field packed as one JSON string, and (with a Chroma server) the text. Each
        metadata field is a row and an index entry of its own: ten fields wrote 1.6x slower
        than three. The local store keeps the text beside Chroma (index/texts.py). The text is
        never a document: Chroma gives documents a full-text index this project never queries,
        which halves the local store's write speed. With a server, the text stays a field of
        its own, because an index entry over ~1 KB spills into a page of its own (README,
        Large folders)."""
        fields = self.fields()
        text = fields.pop(TEXT_KEY)
        meta = {"source": self.source, PACKED_KEY: json.dumps(fields)}
        return {**meta, TEXT_KEY: text} if with_text else meta

    def fields(self) -> dict[str, str | int | bool]:
        """Every stored field but the source, as `unpacked` gives them back."""
        meta: dict[str, str | int | bool] = {
            TEXT_KEY: self.text,
            "title": self.title,
            "heading": self.heading,
            "start": self.start,
            "end": self.end,
            "sha256": self.sha256,
            "flagged": json.dumps([list(span) for span in self.flagged]),
            "title_flagged": self.title_flagged,
        }
        for key, value in (("url", self.url), ("date", self.date), ("page", self.page)):
            if value is not None:
                meta[key] = value
        return meta


def unpacked(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """A stored chunk's fields, from the packed layout or from an index written before it (one
    metadata field each)."""
    packed = metadata.get(PACKED_KEY)
    if not isinstance(packed, str):
        return dict(metadata)
    return {**json.loads(packed), **{k: v for k, v in metadata.items() if k != PACKED_KEY}}


def chunk_text(metadata: Mapping[str, Any], document: str | None) -> str:
    """A chunk's text as Chroma holds it: a field of its metadata, or (in an index written
    before that) the document."""
    text = unpacked(metadata).get(TEXT_KEY)
    return text if isinstance(text, str) else document or ""


def chunk_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """A stored chunk's fields without its text."""
    return {k: v for k, v in unpacked(metadata).items() if k != TEXT_KEY}


def stored_text(metadata: Mapping[str, Any], document: str | None) -> str:
    """A chunk's indexed text rebuilt from what Chroma holds (its metadata and document)."""
    fields = unpacked(metadata)
    return f"{fields.get('heading', '')}\n{chunk_text(fields, document)}"


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    heading: str | None = None  # set when the block is a heading
    level: int = 1


def chunk_document(doc: SourceDocument, size: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    hostile = instruction_spans(doc.text)
    title_flagged = is_instruction(doc.title)
    for start, end, heading in _spans(doc, size):
        text = doc.text[start:end]
        digest = hashlib.sha256(f"{doc.source}\0{text}".encode()).hexdigest()[:24]
        seen[digest] = seen.get(digest, 0) + 1
        chunk_id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
        page = doc.page_at(start)
        flagged = tuple(
            (max(s, start) - start, min(e, end) - start)
            for s, e in hostile
            if s < end and e > start
        )
        chunks.append(
            Chunk(
                chunk_id,
                doc.source,
                doc.title,
                doc.url,
                doc.date,
                start,
                end,
                text,
                heading,
                page,
                doc.sha256,
                flagged,
                title_flagged,
            )
        )
    return chunks


def _spans(doc: SourceDocument, size: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, heading path) of each chunk, in document order."""
    context = doc.context
    sections: list[tuple[int, str]] = []  # (level, heading) stack
    current: list[Block] = []

    def heading_path() -> str:
        return " > ".join([context, *(h for _, h in sections)])

    def flush() -> Iterator[tuple[int, int, str]]:
        for group in _pack(doc.text, current, size):
            yield group[0], group[1], heading_path()
        current.clear()

    for block in _blocks(doc.text, doc.body_start, doc.page_starts):
        line = " ".join(doc.text[block.start : block.end].split())
        if line == doc.title and not line.endswith((".", "!", "?")):
            continue  # a title line: every chunk carries the title already
        if block.heading is not None:
            yield from flush()
            sections[:] = [s for s in sections if s[0] < block.level] + [
                (block.level, block.heading)
            ]
            continue
        current.append(block)
    yield from flush()


def _pack(text: str, blocks: list[Block], size: int) -> Iterator[tuple[int, int]]:
    start = end = -1
    for block in blocks:
        for piece_start, piece_end in _fit(text, block, size):
            if start >= 0 and piece_end - start > size:
                yield start, end
                start = -1
            if start < 0:
                start = piece_start
            end = piece_end
    if start >= 0:
        yield start, end


def _fit(text: str, block: Block, size: int) -> Iterator[tuple[int, int]]:
    """The block whole, or its sentences, or (for a giant sentence) word-bounded pieces."""
    if block.end - block.start <= size:
        yield block.start, block.end
        return
    for s_start, s_end in sentence_spans(text, block.start, block.end):
        while s_end - s_start > 2 * size:
            cut = text.rfind(" ", s_start, s_start + size)
            cut = cut if cut > s_start else s_start + size
            yield s_start, cut
            s_start = cut + 1 if text[cut : cut + 1] == " " else cut
        yield s_start, s_end


def sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    for gap in SENTENCE_GAP.finditer(text, start, end):
        if ABBREVIATION.search(text, max(cursor, gap.start() - 12), gap.start()):
            continue
        closing = len(gap.group()) - len(gap.group().lstrip('"”’)]'))
        yield cursor, gap.start() + closing
        cursor = gap.end()
    if cursor < end:
        yield cursor, end


def _blocks(text: str, body_start: int, page_starts: tuple[int, ...]) -> Iterator[Block]:
    """Paragraphs (ended by a blank line or a page break), bullets and headings, trimmed."""
    start: int | None = None
    end = body_start
    pages = set(page_starts)
    for line_start, line_end in _lines(text, body_start):
        line = text[line_start:line_end]
        stripped = line.strip()
        heading = _heading(stripped)
        new_block = not stripped or heading or BULLET.match(line) or line_start in pages
        if new_block and start is not None:
            yield _trimmed(text, start, end)
            start = None
        if heading:
            level, title = heading
            yield Block(line_start, line_end, title, level)
        elif stripped:
            start = line_start if start is None else start
            end = line_end
    if start is not None:
        yield _trimmed(text, start, end)


def _lines(text: str, start: int) -> Iterator[tuple[int, int]]:
    for match in re.finditer(r"[^\n]*\n?", text[start:]):
        if match.group():
            s = start + match.start()
            yield s, s + len(match.group().rstrip("\r\n"))


def _heading(line: str) -> tuple[int, str] | None:
    if m := MD_HEADING.match(line):
        return len(m.group(1)), m.group(2).strip("*_ ")
    if m := BOLD_LINE.match(line):
        return 3, m.group(1).strip()
    if len(line) > 120:  # an all-caps heading is short
        return None
    letters = [c for c in line if c.isalpha()]
    mostly_letters = len(letters) * 2 >= len(line.replace(" ", ""))
    if len(letters) >= 3 and mostly_letters and "".join(letters).isupper():
        return 2, " ".join(line.split())
    return None


def _trimmed(text: str, start: int, end: int) -> Block:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Block(start, end)
