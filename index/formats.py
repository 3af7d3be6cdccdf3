"""Text extraction for HTML, PDF and DOCX. Each returns the text that citations index into."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass


class LoadError(Exception):
    """A file that cannot be indexed; the message is one line naming the problem."""


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    page_starts: tuple[int, ...] = ()


DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form")
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "td", "dt", "dd")


def html_text(raw: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(DROP_TAGS):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks = []
    for el in root.find_all(BLOCK_TAGS):
        if el.find(BLOCK_TAGS):
            continue  # its children are blocks of their own
        words = " ".join(el.get_text(" ", strip=True).split())
        if not words:
            continue
        if el.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            words = f"{'#' * int(el.name[1])} {words}"
        elif el.name == "li":
            words = f"• {words}"
        blocks.append(words)
    if not blocks:
        blocks = [" ".join(root.get_text(" ", strip=True).split())]
    if not title:
        h1 = root.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else None
    return Extracted("\n\n".join(blocks), title)


def pdf_text(raw: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise LoadError("encrypted PDF; save an unencrypted copy to index it")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"unreadable PDF ({type(exc).__name__}); is the file complete?") from None
    text, starts = "", []
    for page in pages:
        starts.append(len(text))
        text += re.sub(r"[ \t]+\n", "\n", page).strip() + "\n\n"
    return Extracted(text, title, tuple(starts))


def docx_text(raw: bytes) -> Extracted:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"unreadable DOCX ({type(exc).__name__}); is the file complete?") from None
    blocks = []
    for para in document.paragraphs:
        words = " ".join(para.text.split())
        if not words:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style.startswith("Heading") and style[-1:].isdigit():
            words = f"{'#' * int(style[-1])} {words}"
        elif style == "Title":
            words = f"# {words}"
        elif "List" in style:
            words = f"• {words}"
        blocks.append(words)
    title = document.core_properties.title or None
    return Extracted("\n\n".join(blocks), title)


EXTRACTORS: dict[str, Callable[[bytes], Extracted]] = {
    ".html": html_text,
    ".htm": html_text,
    ".pdf": pdf_text,
    ".docx": docx_text,
}
