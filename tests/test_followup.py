import pytest

from assistant.engine import Turn
from assistant.followup import is_follow_up, standalone_query

NORAD = Turn(
    "What is the crown jewel of defense cooperation?",
    "NORAD is the crown jewel of U.S.-Canada defense cooperation [1].",
)


@pytest.mark.parametrize(
    "question",
    [
        "How old is it?",
        "How many years has it existed?",
        "And the ports?",
        "What about 2020?",
        "Who is called on for their immediate release?",
        "In which year?",
    ],
)
def test_follow_ups_are_detected(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is the population of Canada?",
        "How long is the land border between the countries?",
        "When did the High-Level Policy Review Group last meet?",
    ],
)
def test_standalone_questions_are_left_alone(question: str) -> None:
    assert not is_follow_up(question)
    assert standalone_query(question, [NORAD]) == question


def test_follow_up_query_carries_the_topic() -> None:
    query = standalone_query("How many years has it existed?", [NORAD])
    assert "NORAD" in query and "crown jewel" in query and query.endswith("existed?")
    assert standalone_query("How old is it?", []) == "How old is it?"
