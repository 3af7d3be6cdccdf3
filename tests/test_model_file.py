import os
from pathlib import Path

import pytest

from assistant.llm import make_llm, smollm2_path
from assistant.model_file import q8_copy
from assistant.settings import load_settings

Q8_0 = "7"  # llama.cpp's general.file_type for Q8_0


def test_the_bundled_model_is_reencoded_once_as_q8_0(tmp_path: Path) -> None:
    from llama_cpp import Llama

    copy = q8_copy(smollm2_path(), tmp_path)
    assert copy.parent == tmp_path and copy.name.endswith(".Q8_0.gguf")
    made = copy.stat().st_mtime_ns
    assert q8_copy(smollm2_path(), tmp_path) == copy and copy.stat().st_mtime_ns == made
    assert not list(tmp_path.glob("*.partial"))
    model = Llama(model_path=str(copy), n_ctx=256, verbose=False)
    assert model.metadata["general.file_type"] == Q8_0
    assert model.tokenize(b"Canada", add_bos=False)  # the vocabulary came across


def test_a_cache_that_cannot_be_written_leaves_the_bundled_file(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    assert q8_copy(smollm2_path(), blocked / "cache") == smollm2_path()


def test_an_unreadable_model_is_not_copied(tmp_path: Path) -> None:
    broken = tmp_path / "broken.Q4_1.gguf"
    broken.write_bytes(b"not a model")
    assert q8_copy(broken, tmp_path / "cache") == broken
    assert not list((tmp_path / "cache").glob("*"))


@pytest.mark.parametrize("workers", [1, 2])
def test_embedded_instances_share_the_cores(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_WORKERS", str(workers))
    llm = make_llm(load_settings(), "smollm2")
    assert llm.requantize  # type: ignore[attr-defined]
    assert llm.n_threads == max(1, (os.cpu_count() or 1) // workers)  # type: ignore[attr-defined]
