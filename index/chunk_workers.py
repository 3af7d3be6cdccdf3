"""Chunking and tokenising a large sync in a second process, while this one writes Chroma.

chromadb's local store holds the GIL while it writes, so a thread cannot overlap chunking with
the writes; a process can. Small syncs (an upload, one changed file) stay in this process: a
second interpreter takes longer to start than their chunking takes.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from index.bm25_store import tokenize
from index.chunking import Chunk, chunk_document
from index.documents import SourceDocument

POOL_CHARS = 4_000_000  # changed text from which a sync chunks in a second process
AHEAD = 16  # documents handed to the worker before their chunks are taken (bounds memory)
PARENT_POLL_S = 0.5
PR_SET_PDEATHSIG = 1

Key = TypeVar("Key")
Prepared = tuple[list[Chunk], list[list[str]]]


def prepare(doc: SourceDocument, size: int) -> Prepared:
    """A document's chunks and each chunk's keyword tokens."""
    chunks = chunk_document(doc, size)
    return chunks, [tokenize(c.indexed_text) for c in chunks]


def prepared_in_order(
    docs: Iterable[tuple[Key, SourceDocument]], size: int, chars: int
) -> Iterator[tuple[Key, SourceDocument, Prepared]]:
    """Each (key, document) with its chunks and tokens, in the order given. `chars` is the
    text the sync will chunk; from POOL_CHARS on, the chunking runs in a second process."""
    if chars < POOL_CHARS:
        for key, doc in docs:
            yield key, doc, prepare(doc, size)
        return
    pool = ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=exit_with,
        initargs=(os.getpid(),),
    )
    ahead: deque[tuple[Key, SourceDocument, Future[Prepared]]] = deque()
    try:
        for key, doc in docs:
            ahead.append((key, doc, _submitted(pool, doc, size)))
            if len(ahead) > AHEAD:
                yield _taken(ahead, size)
        while ahead:
            yield _taken(ahead, size)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def exit_with(parent: int) -> None:
    """In a helper process: exit when the indexing process is gone (killed, it cannot say so;
    the helper would wait for work forever, or write beside the next run). On Linux the kernel
    kills it at once; elsewhere a thread looks every PARENT_POLL_S."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # gone before the kernel was asked
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _submitted(pool: ProcessPoolExecutor, doc: SourceDocument, size: int) -> Future[Prepared]:
    try:
        return pool.submit(prepare, doc, size)
    except BrokenProcessPool:  # the worker died (killed, out of memory): chunk here instead
        done: Future[Prepared] = Future()
        done.set_result(prepare(doc, size))
        return done


def _taken(
    ahead: deque[tuple[Key, SourceDocument, Future[Prepared]]], size: int
) -> tuple[Key, SourceDocument, Prepared]:
    key, doc, future = ahead.popleft()
    try:
        return key, doc, future.result()
    except BrokenProcessPool:
        return key, doc, prepare(doc, size)
