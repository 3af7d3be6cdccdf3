"""The store's writer process: upserts answered later, in order, with their failures."""

from pathlib import Path

import numpy as np
import pytest

from index.store import ChromaStore
from index.store_writer import StoreWriter


def test_reads_wait_for_the_writes_before_them_and_failures_reach_the_indexer(
    tmp_path: Path,
) -> None:
    writer = StoreWriter(tmp_path, "chunks")
    try:
        vectors = np.eye(3, 8, dtype=np.float32)
        for i in range(3):  # sent without waiting
            writer.upsert([f"c{i}"], vectors[i : i + 1], [{"source": f"s{i}"}])
        assert writer.get(where={"source": "s2"}, include=[])["ids"] == ["c2"]

        writer.upsert(["bad"], np.ones((1, 5), dtype=np.float32), [{"source": "x"}])  # 5 ≠ 8
        with pytest.raises(RuntimeError, match="dimension"):
            writer.confirm()
        writer.delete(ids=["c0"])  # it serves on after a failed request
        assert sorted(writer.get(include=[])["ids"]) == ["c1", "c2"]
        assert writer.busy_seconds > 0
    finally:
        writer.close()
    stored = ChromaStore(tmp_path, None, "chunks").collection()
    assert sorted(stored.get(include=[])["ids"]) == ["c1", "c2"]
