import math

import pytest

from assistant.answer import Answer, Citation
from assistant.evaluation import metrics as m

PASSAGE = "The land border is 5,525 miles long. It has 120 land ports-of-entry."


@pytest.mark.parametrize(
    ("answer", "fact", "found"),
    [
        ("It is 5525 miles.", "5,525", True),
        ("It is 5,525 miles.", "5525", True),
        ("THE BORDER, is LONG", "the border is long", True),
        ("It is 15,525 miles.", "5,525", False),
        ("U.S.-Canada roadmap", "U.S. Canada", True),
        ("NORADs", "NORAD", False),
    ],
)
def test_fact_matching_normalises(answer: str, fact: str, found: bool) -> None:
    assert m.facts_found(answer, [[fact]]) == [found]


def test_token_f1() -> None:
    assert m.token_f1("the border is 5,525 miles", "The border is 5525 miles.") == 1.0
    assert m.token_f1("nothing", "something else") == 0.0
    assert m.token_f1("a b", "a c") == pytest.approx(0.5)


def test_document_retrieval_metrics() -> None:
    ranked = [("data/x.txt", ""), ("data/gold.txt", ""), ("data/gold.txt", ""), ("data/y.txt", "")]
    out = m.retrieval_metrics(ranked, ["gold.txt"], [])
    assert out["recall_at_1"] == 0.0 and out["recall_at_5"] == 1.0
    assert out["mrr_at_10"] == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3)
    assert out["ndcg_at_10"] == pytest.approx(dcg / idcg)


def test_evidence_metrics_follow_multihop_rag() -> None:
    ranked = [("a", "noise")] * 4 + [("b", "The gold\nfact is here.")]
    out = m.retrieval_metrics(ranked, [], ["gold fact is here"])
    assert out == {"hits_at_4": 0.0, "hits_at_10": 1.0, "mrr_at_10": 0.2}


def test_fact_hit_needs_every_group_in_top_k() -> None:
    ranked = [("a", PASSAGE), ("b", "other")]
    assert m.fact_hit(ranked, [["5,525"], ["120"]]) == 1.0
    assert m.fact_hit(ranked, [["5,525"], ["NORAD"]]) == 0.0


def _answer(text: str, cite_text: str = PASSAGE, refused: bool = False) -> Answer:
    cite = Citation(
        n=1,
        source="s",
        title="t",
        url=None,
        chunk_id="c",
        start=0,
        end=len(cite_text),
        text=cite_text,
        quote="",
        supported=True,
    )
    return Answer(question="q", answer=text, refused=refused, citations=[cite], model="m")


def test_citation_checks() -> None:
    assert m.citation_checks(_answer("The land border is 5,525 miles long [1]."), [["5,525"]]) == [
        (1, True, "")
    ]
    [(n, ok, why)] = m.citation_checks(_answer("The border is 6,000 miles [1]."), [])
    assert not ok and "does not support" in why
    [(_, ok, why)] = m.citation_checks(
        _answer("Border is 5,525 miles [1].", "other text"), [["5,525"]]
    )
    assert not ok and "does not contain '5,525'" in why
    [(_, ok, why)] = m.citation_checks(_answer("It is 5,525 miles [2]."), [])
    assert not ok and "cites no passage" in why
    [(n, ok, _)] = m.citation_checks(_answer("It is long."), [])
    assert n == 0 and not ok
    assert m.citation_checks(_answer("No.", refused=True), []) == []
    for verdict in ("Yes", "No"):  # the verdict is the answer's word, not the passage's
        said = _answer(f"{verdict}. The land border is 5,525 miles long [1].")
        assert m.citation_checks(said, [[verdict], ["5,525"]]) == [(1, True, "")]


def test_percentile() -> None:
    assert m.percentile([5, 1, 3, 2, 4], 50) == 3
    assert m.percentile(list(range(1, 101)), 95) == 95
    assert m.percentile([], 50) == 0.0
