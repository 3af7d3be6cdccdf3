"""URLs that come from documents (or that the model writes) are shown as plain text naming
their domain, never as links: a document must not be able to put a clickable link in an answer."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`)\]]+|\bwww\.[^\s<>\"'`)\]]+", re.IGNORECASE)


def domain(url: str) -> str:
    host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    return host.removeprefix("www.")


def defang_urls(text: str) -> str:
    """Each URL becomes `domain/path` in a code span, which Markdown never turns into a link."""

    def plain(match: re.Match[str]) -> str:
        url = match.group().rstrip(".,;:!?")
        trail = match.group()[len(url) :]
        parts = urlsplit(url if "://" in url else f"http://{url}")
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return f"`{domain(url)}{rest}`{trail}"

    return URL.sub(plain, text)
