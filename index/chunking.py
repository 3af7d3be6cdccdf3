"""Split a document's body into passages that keep exact character offsets into the file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.documents import SourceDocument

# Paragraphs, then lines (bullets), then sentence ends, then words: never mid-word.
SEPARATORS = ["\n\n", "\n", ". ", "; ", ", ", " "]


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

    def metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            "source": self.source,
            "title": self.title,
            "start": self.start,
            "end": self.end,
        }
        if self.url:
            meta["url"] = self.url
        if self.date:
            meta["date"] = self.date
        return meta


def chunk_document(doc: SourceDocument, size: int, overlap: int) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=min(overlap, size // 2),
        separators=SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    cursor = doc.body_start
    for piece in splitter.split_text(doc.text[doc.body_start :]):
        start = doc.text.find(piece, cursor)  # chunks come in order; each starts after the last
        if start < 0:
            raise ValueError(f"chunk not found in {doc.source}: {piece[:40]!r}")
        end = start + len(piece)
        cursor = start + 1
        digest = hashlib.sha256(f"{doc.source}\0{piece}".encode()).hexdigest()[:24]
        seen[digest] = seen.get(digest, 0) + 1
        chunk_id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
        chunks.append(Chunk(chunk_id, doc.source, doc.title, doc.url, doc.date, start, end, piece))
    return chunks
