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


MAX_UNZIPPED = 50_000_000  # a DOCX that inflates past this is refused (zip bomb)
MAX_RATIO = 100  # and so is any member compressed more than this
MAX_HTML_DEPTH = 400


def content_problem(suffix: str, raw: bytes) -> str | None:
    """Why the bytes are not the kind of file the name says, or None."""
    head = raw[:1024]
    if suffix == ".pdf" and b"%PDF-" not in head:
        return "not a PDF (no %PDF- header); is it another kind of file renamed?"
    if suffix == ".docx" and not head.startswith(b"PK\x03\x04"):
        return "not a DOCX (not a zip package); is it an old .doc or another file renamed?"
    if suffix in (".html", ".htm", ".txt", ".md", ".markdown") and b"\x00" in raw[:8192]:
        return "binary file, not text; convert it to .txt or .md"
    return None


def check_zip(raw: bytes) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise LoadError(f"unreadable DOCX ({type(exc).__name__}); is the file complete?") from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED or any(
        m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise LoadError(f"DOCX would inflate to {total / 1e6:.0f} MB (a zip bomb?); refused")


DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form")
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "td", "dt", "dd")


def html_text(raw: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    if _tag_depth(raw) > MAX_HTML_DEPTH:  # before a parser builds a tree of it all
        raise LoadError(f"HTML nested more than {MAX_HTML_DEPTH} levels deep; refused")
    soup = BeautifulSoup(raw, "html.parser")
    if _tree_depth(soup) > MAX_HTML_DEPTH:  # a parser may still nest what the scan did not
        soup.decompose()
        raise LoadError(f"HTML nested more than {MAX_HTML_DEPTH} levels deep; refused")
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
    soup.decompose()  # the tree is full of reference cycles: free it now, not at the next GC
    return Extracted("\n\n".join(blocks), title)


TAG = re.compile(rb"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")
VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())


OPTIONAL_END = frozenset(b"p li td th tr dt dd option".split())


def _tag_depth(raw: bytes) -> int:
    """How deep the tags nest, from a scan of the bytes. A <p>, <li>, <td> … opened while the
    same tag is open closes it, as HTML parsers do, so pages that omit those end tags pass."""
    stack: list[bytes] = []
    deepest = 0
    for closing, name, self_closing in TAG.findall(raw):
        name = name.lower()
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
        elif not self_closing and name not in VOID:
            if name in OPTIONAL_END and stack and stack[-1] == name:
                stack.pop()
            stack.append(name)
            deepest = max(deepest, len(stack))
            if deepest > MAX_HTML_DEPTH:
                break
    return deepest


def _tree_depth(soup: object) -> int:
    from bs4 import Tag

    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_HTML_DEPTH:
            break
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tag))  # type: ignore[attr-defined]
    return deepest


def pdf_text(raw: bytes) -> Extracted:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not our report
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise LoadError("encrypted PDF; save an unencrypted copy to index it")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except LoadError:
        raise
    except (PdfReadError, Exception) as exc:  # a corrupt PDF can fail in any of pypdf's parts
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

    check_zip(raw)
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, Exception) as exc:
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
