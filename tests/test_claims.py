"""Questions of several claims ("Does A report X, while B reports Y?"): each claim finds its
own documents, a name the index holds elsewhere does not refuse it, and a yes/no one is
answered Yes or No by the fitted verdict model, each claim's sentence cited."""

from pathlib import Path

import pytest
from langchain_core.documents import Document

from assistant.answering.answerability import VERDICT_FEATURES, LogisticModel, artefact_for
from assistant.answering.question import entity_of, parts_of, read_question
from assistant.app import App
from assistant.engine import interleaved
from assistant.settings import load_settings
from index.bm25_store import BM25Store


def test_a_question_of_several_claims_is_split_into_them() -> None:
    asked = (
        "Does the Harbour Times report that the port of Portville moved record grain, while "
        "the Rail Daily says that the Trainton line carried fewer passengers?"
    )
    assert parts_of(asked) == (
        "Does the Harbour Times report that the port of Portville moved record grain",
        "the Rail Daily says that the Trainton line carried fewer passengers?",
    )
    assert parts_of("How long is the land border between the United States and Canada?") == ()
    assert parts_of("Compare what the two documents say about NATO.") == ()
    compound = read_question("How long is the land border and how many ports does it have?")
    assert compound.parts == ("How long is the land border", "how many ports does it have?")
    assert compound.kinds == ("length", "count")
    assert read_question(asked).broad  # its names may be found across the passages


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Did the Harbour Times report on the grain record before the Rail Daily covered "
            "the new Trainton line?",
            (
                "Did the Harbour Times report on the grain record",
                "the Rail Daily covered the new Trainton line?",
            ),
        ),
        (
            "Between the Harbour Times report on the grain record and the Rail Daily report "
            "on the Trainton line, was there agreement on the harbour's future?",
            (
                "the Harbour Times report on the grain record",
                "the Rail Daily report on the Trainton line",
            ),
        ),
        (
            "After the Harbour Times reported the grain record on May 5, did the Rail Daily "
            "report fewer passengers on the Trainton line?",
            (
                "the Harbour Times reported the grain record on May 5",
                "did the Rail Daily report fewer passengers on the Trainton line?",
            ),
        ),
        (
            "Is the Harbour Times report on the grain record consistent with the Rail Daily "
            "report on the Trainton line?",
            (
                "Is the Harbour Times report on the grain record",
                "the Rail Daily report on the Trainton line?",
            ),
        ),
    ],
)
def test_questions_about_two_reports_are_split_into_them(question: str, parts: tuple) -> None:
    assert parts_of(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "Which team did Chopin's father join after the Russian army invaded Warsaw in 1831?",
        "Was the harbour busier after October 6 than before the strike?",
        "Between 2019 and 2021, did the harbour move more grain?",
        "What happened after the summit between Biden and Trudeau?",
        "Did the harbour authority raise its fees after officials left the city council meeting?",
    ],
)
def test_a_date_or_a_question_of_one_claim_is_not_split(question: str) -> None:
    assert parts_of(question) == ()


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who is Canada's Minister of National Defence?", "AGENT"),  # a person, or whoever acts
        ("Who did Secretary Blinken call first?", "AGENT"),
        ("Which individual was accused of fraud?", "PERSON"),
        ("Which company, covered by TechCrunch, sued Google?", "ORG"),
        ("What is the name of the organization that created ChatGPT?", "ORG"),
        ("Which online betting platform offers a bonus?", "ORG"),
        ("Which country hosted the summit?", "GPE"),
        ("Who are the leaders named?", None),  # a list
        ("What does the company sell?", None),
        ("Which climate agreement did the U.S. rejoin?", None),
    ],
)
def test_the_kind_of_named_thing_a_question_asks_for(question: str, kind: str | None) -> None:
    assert entity_of(question) == kind


def test_claims_take_turns_in_the_passages() -> None:
    def docs(*ids: str) -> list[Document]:
        return [Document(page_content=i, id=i) for i in ids]

    merged = interleaved([docs("a", "b", "c"), docs("d", "a"), docs("e")], 4)
    assert [d.id for d in merged] == ["a", "d", "e", "b"]


def test_the_keyword_index_knows_which_words_it_holds(tmp_path: Path) -> None:
    store = BM25Store(tmp_path / "bm25")
    assert not store.knows("harbour")
    store.upsert(["c1"], ["The harbour of Portville moved grain."], ["harbour.md"])
    store.save()
    assert store.knows("Portville") and store.knows("harbours")  # stemmed, any case
    assert not store.knows("Zeppelin") and not store.knows("")


HARBOUR = """---
title: Grain record at Portville
source: Harbour Times
date: '2023-10-02'
---
The port of Portville moved a record 5 million tonnes of grain in 2023, its operator said.
Dock workers unloaded ships through the night during the autumn harvest.
Maria Lopez, the director of the port, thanked the crews of the Harbour Times' city.
"""
RAIL = """---
title: Trainton line loses riders
source: Rail Daily
date: '2023-10-05'
---
The Trainton line carried fewer passengers in 2023 than in any year since it opened.
The operator blamed the closure of two stations for the fall in passengers.
"""
OTHER = """---
title: Weather in {name}
source: Weather Weekly
date: '2023-10-0{i}'
---
Rain fell on {name} for {i} days in a row, and the river rose by {i} metres.
"""


@pytest.fixture
def app(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    folder = fake_env / "news"
    folder.mkdir()
    (folder / "harbour.md").write_text(HARBOUR)
    (folder / "rail.md").write_text(RAIL)
    for i, name in enumerate(("Lakeside", "Hillford", "Marshton", "Cliffview"), 1):
        (folder / f"weather{i}.md").write_text(OTHER.format(name=name, i=i))
    app = App(load_settings(mode="extractive", k=2))
    app.indexer.sync([folder])
    return app


def test_a_yes_no_question_of_two_claims_cites_each_claims_document(app: App) -> None:
    answer = app.engine.ask(
        "Did the Harbour Times report that the port of Portville moved a record amount of "
        "grain, while the Rail Daily reported that the Trainton line carried fewer passengers?"
    )
    assert not answer.refused, answer.answer
    assert answer.answer.startswith(("Yes. ", "No. "))
    assert {c.source.rsplit("/", 1)[-1] for c in answer.citations} >= {"harbour.md", "rail.md"}


def test_a_claim_naming_what_the_index_never_holds_is_refused(app: App) -> None:
    answer = app.engine.ask(
        "Did the Harbour Times report that the port of Portville moved a record amount of "
        "grain, while the Zeppelin Gazette reported that the Trainton line carried fewer "
        "passengers?"
    )
    assert answer.refused, answer.answer


def test_the_verdict_follows_how_well_each_claim_is_supported() -> None:
    model = LogisticModel.load(artefact_for("minilm", "verdict"), VERDICT_FEATURES)
    neutral = dict.fromkeys(VERDICT_FEATURES, 0.0) | {"answerable": 0.5}
    supported = neutral | {
        "part_similarity_min": 0.8,
        "part_similarity_mean": 0.85,
        "part_coverage_min": 1.0,
        "part_coverage_mean": 1.0,
    }
    unsupported = neutral | {
        "part_similarity_min": 0.1,
        "part_similarity_mean": 0.4,
        "part_coverage_min": 0.1,
        "part_coverage_mean": 0.5,
    }
    assert model.probability(supported) > model.probability(unsupported)
    assert "multihop" in model.trained_on


def test_who_is_answered_with_the_person_the_evidence_names(app: App) -> None:
    answer = app.engine.ask("Who is the director of the port of Portville?")
    assert answer.answer.startswith("Maria Lopez: "), answer.answer
    assert answer.citations[0].source.endswith("harbour.md")
