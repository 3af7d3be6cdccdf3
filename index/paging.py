"""Reading a whole Chroma collection, a page at a time."""

from __future__ import annotations

from typing import Any

GET_PAGE = 10_000  # a get of more rows than SQLite allows variables (32,766) fails in Chroma


def get_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
    """Every record of the collection (ids and the included fields), a page at a time:
    chromadb's local store fails one `get` of the whole of a large collection."""
    got: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
    while True:
        page = collection.get(include=include, limit=GET_PAGE, offset=len(got["ids"]))
        for field in got:
            got[field] += page[field]
        if len(page["ids"]) < GET_PAGE:
            return got
