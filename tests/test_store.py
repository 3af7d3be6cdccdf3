"""The store's one-line errors: a Chroma server that cannot be reached, a bad URL."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from assistant.errors import UserError
from index.store import chroma_client, unreachable


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_chroma_server_that_is_not_running_is_one_line_naming_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(UserError) as error:
        chroma_client(tmp_path, url)
    message = str(error.value)
    assert url in message and "unset ASSISTANT_CHROMA_URL" in message and "\n" not in message


def test_a_malformed_chroma_url_names_the_expected_form(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="expected http://HOST:PORT"):
        chroma_client(tmp_path, "chroma.example:8000")


def test_only_transport_failures_count_as_the_server_going_away() -> None:
    assert unreachable(httpx.ConnectError("refused"))
    assert unreachable(httpx.ReadError("reset"))
    assert unreachable(ConnectionResetError())
    assert unreachable(
        ValueError("Could not connect to a Chroma server. Are you sure it is running?")
    )
    assert not unreachable(ValueError("Expected metadata value to be a str"))
    assert not unreachable(KeyError("source"))


def test_a_whole_collection_is_read_a_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import paging

    collection = chroma_client(tmp_path, None).get_or_create_collection("pages")
    ids = [f"c{i}" for i in range(25)]
    collection.add(
        ids=ids,
        embeddings=[[float(i), 1.0] for i in range(25)],
        metadatas=[{"n": i} for i in range(25)],
    )
    calls: list[int] = []
    real_get = collection.get

    def get(**kwargs: object) -> object:
        calls.append(1)
        return real_get(**kwargs)

    monkeypatch.setattr(paging, "GET_PAGE", 7)
    monkeypatch.setattr(collection, "get", get)
    got = paging.get_all(collection, ["metadatas"])
    assert sorted(got["ids"]) == sorted(ids) and len(got["ids"]) == 25
    assert all(m["n"] == int(i[1:]) for i, m in zip(got["ids"], got["metadatas"], strict=True))
    assert len(calls) == 4  # 7 + 7 + 7 + 4
