from assistant.answer import Passage
from assistant.citations import is_supported, resolve, split_sentences

BORDER = (
    "The United States and Canada collaborate on a daily basis to secure and share the world's "
    "longest land border –5,525 miles – and its 120 land ports-of-entry. Trade crosses it daily."
)
NORAD = "NORAD is the crown jewel of U.S.-Canada defense cooperation. After 60 years, it remains."


def _passages() -> list[Passage]:
    return [
        Passage(
            chunk_id=f"c{i}",
            source=f"data/{i}.txt",
            title=f"T{i}",
            start=0,
            end=len(t),
            text=t,
            score=0.5,
        )
        for i, t in enumerate([BORDER, NORAD], 1)
    ]


def test_markers_resolve_to_passages_with_quotes() -> None:
    answer, cites = resolve(
        "The land border is 5,525 miles long [1]. NORAD is 60 [2].", _passages()
    )
    assert [c.n for c in cites] == [1, 2]
    assert cites[0].source == "data/1.txt" and cites[0].supported
    assert "5,525 miles" in cites[0].quote and "Trade" not in cites[0].quote
    assert answer.endswith("[2].")


def test_invalid_markers_are_dropped() -> None:
    answer, cites = resolve("The border is 5,525 miles long [1, 7]. [9]", _passages())
    assert "[7]" not in answer and "[9]" not in answer
    assert [c.n for c in cites] == [1]


def test_wrong_number_is_not_supported() -> None:
    _, cites = resolve("The land border is 6,000 miles long [1].", _passages())
    assert cites[0].supported is False
    assert not is_supported("The border is 5,525 km", "nothing relevant here")


def test_uncited_answer_is_attributed_to_the_passage_that_states_it() -> None:
    answer, cites = resolve("NORAD is the crown jewel of defense cooperation.", _passages())
    assert answer.endswith("[2]") and cites[0].n == 2 and cites[0].supported


def test_sentences_keep_abbreviations_and_numbers() -> None:
    assert split_sentences("It is 5,525 miles. NORAD is 60.") == [
        "It is 5,525 miles.",
        "NORAD is 60.",
    ]


def test_a_marker_after_the_full_stop_stays_with_its_sentence() -> None:
    assert split_sentences("It is 5,525 miles. [1] NORAD is 60. [2]") == [
        "It is 5,525 miles. [1]",
        "NORAD is 60. [2]",
    ]
