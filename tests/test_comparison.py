import pytest

from assistant.answering.comparison import compared, contrary, decide, manner


@pytest.mark.parametrize(
    ("question", "sentence", "verdict"),
    [
        ("Is NORAD older than 50 years?", "After 60 years, NORAD remains the only one.", True),
        ("Is NORAD older than 70 years?", "After 60 years, NORAD remains the only one.", False),
        (
            "Is the border longer than 6,000 miles?",
            "The land border –5,525 miles – and its 120 ports.",
            False,
        ),
        (
            "Is the border under 6,000 miles long?",
            "The land border –5,525 miles – and its 120 ports.",
            True,
        ),
        (
            "Did they trade more than $700 billion?",
            "They traded goods worth $725 billion in 2019.",
            True,
        ),
        (
            "Did they trade less than $700 billion?",
            "They traded goods worth $725 billion in 2019.",
            False,
        ),
        (
            "Does more than $500 million cross each day?",
            "Goods worth $1.9 billion cross every day.",
            True,
        ),
        (
            "Is it the top market for more than 20 states?",
            "It is the top market for more than 30 U.S. states.",
            True,
        ),
        (
            "Is it the top market for at least 30 states?",
            "It is the top market for more than 30 U.S. states.",
            True,
        ),
        (
            "Is it the top market for fewer than 30 states?",
            "It is the top market for more than 30 U.S. states.",
            False,
        ),
        ("Does it have at most 120 ports?", "The border has 120 land ports.", True),
        ("Does it have more than 120 ports?", "The border has 120 land ports.", False),
    ],
)
def test_a_comparison_is_decided_by_the_amount_of_the_same_unit(
    question: str, sentence: str, verdict: bool
) -> None:
    asked = compared(question)
    assert asked is not None
    assert decide(asked, sentence) is verdict


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # a bound that does not settle it: more than 30 may or may not be more than 40
        (
            "Is it the top market for more than 40 states?",
            "It is the top market for more than 30 U.S. states.",
        ),
        # a round figure close to the asked number
        ("Is daily trade more than $1.9 billion?", "Trade totals nearly $2 billion every day."),
        # no amount of the asked unit: 60 years says nothing of miles, nor COVID-19 of people
        ("Is the border longer than 50 miles?", "After 60 years, NORAD remains the only one."),
        ("Did more than 10 people fall ill?", "They fight COVID-19 together."),
    ],
)
def test_a_comparison_the_evidence_cannot_settle_is_undecided(question: str, sentence: str) -> None:
    asked = compared(question)
    assert asked is not None
    assert decide(asked, sentence) is None


def test_only_a_comparison_with_a_number_is_one() -> None:
    assert compared("Is NORAD older than NATO?") is None
    assert compared("How long is the border?") is None


def test_a_manner_is_decided_by_what_the_sentence_states_not_by_a_name() -> None:
    asked = "Did the leaders meet online?"
    assert manner(asked, "The leaders held a virtual meeting online.") is True
    assert manner(asked, "The leaders met in person in Ottawa.") is False
    assert manner(asked, "The leaders met in Ottawa.") is None
    named = "Does the article mention the Children's Online Privacy Protection Act?"
    assert manner(named, "It cites the Children's Online Privacy Protection Act.") is None


def test_a_contrary_predicate_is_found_only_in_a_claim_about_the_world() -> None:
    asked = "Is the shared border closed to essential travel?"
    assert contrary(asked, "They keep our shared border open to essential travel.") == "closed"
    assert contrary(asked, "The border was closed, then open again.") is None  # says both
    assert contrary(asked, "The border is long.") is None
    assert contrary("Did exports increase in 2019?", "Exports decreased in 2019.") == "increase"
    reports = "Did the Fortune article report that exports increased?"
    assert contrary(reports, "Exports decreased.") is None  # what reports say: not one sentence
