"""Public question sets as (corpus files, questions), with fit and report splits fixed here,
before any result was looked at:

- squad2: SQuAD 2.0 train subset, one document per article. Fit: every question of
  Spectre_(2015_film) (188 unanswerable) and every 4th question of the answerable-only
  articles except Zelda. Report: every question of The_Legend_of_Zelda:_Twilight_Princess.
- nq-open: NQ-open oracle. The corpus holds the gold passages of questions 0–299 and
  1000–1299. Fit: 0–299 (answerable) and 300–599 (asked without their passage:
  unanswerable). Report: 1000–1299 and 1300–1599 the same way. 1600 on are untouched.
- multihop-rag: all 609 articles. Fit: queries 0–1199; report: 1200–1799 (null_query is
  unanswerable). 1800 on are untouched.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from index.documents import source_name

if TYPE_CHECKING:
    from assistant.app import App
    from assistant.settings import Settings

Split = Literal["fit", "report"]
REPORT_ARTICLE = "The_Legend_of_Zelda:_Twilight_Princess"
FIT_NEGATIVE_ARTICLE = "Spectre_(2015_film)"
NQ_RANGES = {
    "fit": (range(0, 300), range(300, 600)),
    "report": (range(1000, 1300), range(1300, 1600)),
}
MULTIHOP_RANGES = {"fit": range(0, 1200), "report": range(1200, 1800)}


@dataclass(frozen=True)
class QA:
    question: str
    answers: tuple[str, ...]  # empty when unanswerable
    group: str  # article or source, for reporting

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class Dataset:
    name: str
    documents: dict[str, str]  # file name → text
    questions: list[QA]

    def write_corpus(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.documents.items():
            path = folder / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
        return folder


def dataset_app(settings: Settings, dataset: Dataset, workdir: Path) -> App:
    """An App whose own home indexes the dataset's corpus (in workdir/NAME/, reused)."""
    from assistant.app import App

    base = dataset.name.removesuffix("-fit").removesuffix("-report")
    folder = dataset.write_corpus(workdir / base / "corpus")
    home = workdir / base / ".assistant"
    manifest = home / "manifest.json"
    if manifest.exists():  # a home that holds files of another folder (a moved workdir):
        own = source_name(folder).rstrip("/") + "/"  # its passages would count twice
        if any(not s.startswith(own) for s in json.loads(manifest.read_text())["files"]):
            shutil.rmtree(home)
    app = App(settings.model_copy(update={"home": home}))
    app.indexer.sync([folder], alone=True)
    return app


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]


def check_benchmarks(benchmarks: Path) -> None:
    from assistant.errors import UserError

    needed = [
        benchmarks / "squad2-train-subset" / "train-v2.0-10-articles.json",
        benchmarks / "nq-open-oracle" / "nq-open-oracle.jsonl",
        benchmarks / "multihop-rag" / "corpus.json",
        benchmarks / "multihop-rag" / "MultiHopRAG.json",
    ]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise UserError(
            f"benchmark data not found: {missing[0]}; set ASSISTANT_BENCHMARKS_DIR to the "
            "folder that holds squad2-train-subset/, nq-open-oracle/ and multihop-rag/"
        )


def squad2(benchmarks: Path, split: Split) -> Dataset:
    data = json.loads(
        (benchmarks / "squad2-train-subset" / "train-v2.0-10-articles.json").read_text()
    )
    documents, questions = {}, []
    for i, article in enumerate(data["data"]):
        title = article["title"]
        paragraphs = [p["context"] for p in article["paragraphs"]]
        documents[f"{i:02d}_{_safe(title)}.txt"] = (
            title.replace("_", " ") + "\n\n" + "\n\n".join(paragraphs)
        )
        qas = [qa for p in article["paragraphs"] for qa in p["qas"]]
        if split == "report":
            chosen = qas if title == REPORT_ARTICLE else []
        elif title == FIT_NEGATIVE_ARTICLE:
            chosen = qas
        elif title == REPORT_ARTICLE:
            chosen = []
        else:
            chosen = qas[::4]
        for qa in chosen:
            answers = () if qa.get("is_impossible") else tuple(a["text"] for a in qa["answers"])
            questions.append(QA(qa["question"], answers, title))
    return Dataset(f"squad2-{split}", documents, questions)


def nq_open(benchmarks: Path, split: Split) -> Dataset:
    lines = (benchmarks / "nq-open-oracle" / "nq-open-oracle.jsonl").read_text().splitlines()
    items = [json.loads(line) for line in lines[:1600]]
    documents = {}
    for i in [*range(0, 300), *range(1000, 1300)]:
        ctx = items[i]["ctxs"][0]
        documents[f"nq_{i:04d}.txt"] = f"{ctx['title']}\n\n{ctx['text']}"
    present, absent = NQ_RANGES[split]
    questions = [
        QA(items[i]["question"], tuple(items[i]["answers"]), "gold indexed") for i in present
    ]
    questions += [QA(items[i]["question"], (), "gold not indexed") for i in absent]
    return Dataset(f"nq-open-{split}", documents, questions)


def multihop_rag(benchmarks: Path, split: Split) -> Dataset:
    from assistant.evaluation.benchmarks import multihop_articles, with_front_matter

    docs, _ = multihop_articles(benchmarks)
    documents = {name: with_front_matter(meta, body) for name, meta, body in docs}
    queries = json.loads((benchmarks / "multihop-rag" / "MultiHopRAG.json").read_text())
    questions = [
        QA(
            q["query"],
            () if q["question_type"] == "null_query" else (q["answer"],),
            q["question_type"],
        )
        for q in (queries[i] for i in MULTIHOP_RANGES[split])
    ]
    return Dataset(f"multihop-rag-{split}", documents, questions)


DATASETS = {"squad2": squad2, "nq-open": nq_open, "multihop-rag": multihop_rag}
