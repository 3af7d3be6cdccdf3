"""MiniLM's ONNX twin embeds the few texts of a question with the model's own vectors."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import onnx_encoder
from index.embeddings import FEW_TEXTS, SentenceTransformerEmbeddings, make_embeddings
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
    embeddings = make_embeddings("minilm", cache)
    assert isinstance(embeddings, SentenceTransformerEmbeddings)
    return embeddings


def _counted(embeddings: SentenceTransformerEmbeddings) -> list[int]:
    """Counts the PyTorch model's encodes from now on."""
    model = embeddings._load()
    real, sizes = model.encode, []

    def encode(texts: list[str], **kwargs: Any) -> Any:
        sizes.append(len(texts))
        return real(texts, **kwargs)

    model.encode = encode
    return sizes


def test_a_question_goes_through_the_twin_and_gets_the_model_s_vector(tmp_path: Path) -> None:
    embeddings = _minilm(tmp_path)
    assert isinstance(embeddings._few(), OnnxEncoder)
    expected = embeddings._load().encode(TEXTS, normalize_embeddings=True)
    sizes = _counted(embeddings)
    few = np.array(embeddings.embed_documents(TEXTS))
    one = np.array(embeddings.embed_query(TEXTS[1]))
    assert sizes == []  # PyTorch did none of it
    assert np.abs(few - expected).max() < 1e-5 and np.abs(one - expected[1]).max() < 1e-5
    many = [f"{t} ({i})" for i, t in enumerate(TEXTS * 4)][: FEW_TEXTS + 1]
    embeddings.embed_documents(many)  # a batch for indexing
    assert sizes == [FEW_TEXTS + 1]


def test_the_export_is_made_once_per_model_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(_minilm(tmp_path)._few(), OnnxEncoder)
    assert len(list(tmp_path.glob("*.onnx"))) == 1 and not list(tmp_path.glob("*.tmp"))

    def export(*_: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_encoder, "_export", export)
    assert isinstance(_minilm(tmp_path)._few(), OnnxEncoder)


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
    assert not embeddings._few()
    assert len(embeddings.embed_query(TEXTS[0])) == 384 and sizes[-1] == 1
