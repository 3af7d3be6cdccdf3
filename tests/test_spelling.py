"""A question read with its words as the documents write them: names typed in lower case, and
a word one letter away from a word of the passages found."""

from __future__ import annotations

from assistant.answering.spelling import as_written
from assistant.app import App

PASSAGES = [
    "The visit\n\nPresident Biden met Prime Minister Trudeau in Ottawa. They spoke about "
    "the land border and NORAD, and it may snow there in May."
]


def _known(word: str) -> bool:
    return word.lower() in {"border", "long", "old", "happen", "snow", "met", "visit"}


def test_a_short_question_in_lower_case_takes_the_case_of_the_passages() -> None:
    assert as_written("who's trudeau", PASSAGES, _known) == "who's Trudeau"
    assert as_written("how old is norad", PASSAGES, _known) == "how old is NORAD"
    # words the passages write in lower case too, or function words ("may"), stay as typed
    assert as_written("what may happen to the border", PASSAGES, _known) is None
    # a question typed with capitals, or a long one, is read as typed
    assert as_written("Who met trudeau in Ottawa?", PASSAGES, _known) is None
    # in sentence case, a word the passages write only in a name is no name ("Pledge" of
    # "Wales Defense Investment Pledge")
    assert as_written("What is the visit?", ["The Visit of Biden ended."], _known) is None
    assert as_written("when did the president meet the prime minister there", PASSAGES) is None


def test_a_word_no_document_uses_one_letter_from_a_word_found_is_that_word() -> None:
    assert as_written("How long is the boarder?", PASSAGES, _known) == "How long is the border?"
    assert as_written("How long is the broder?", PASSAGES, _known) == "How long is the border?"
    # a word the index knows, a short word, or one with no single neighbour, is left alone
    assert as_written("How long is the border?", PASSAGES, _known) is None
    assert as_written("How long is the bordr?", PASSAGES) is None  # nothing known: no fixing
    assert as_written("What is the population?", PASSAGES, _known) is None
    # nor is a stop word, which the index never knows ("these" is not "those")
    assert as_written("What are these?", ["He said those were the days."], _known) is None


def test_the_engine_reads_the_question_as_the_documents_write_it(seed_app: App) -> None:
    app = seed_app
    typo = app.engine.ask("How long is the boarder between the US and Canada?", mode="extractive")
    assert not typo.refused and "5,525 miles" in typo.answer, typo.answer
    assert typo.question == "How long is the boarder between the US and Canada?"  # as asked
    lower = app.engine.ask("who's trudeau", mode="extractive")
    assert not lower.answer.startswith("Biden"), lower.answer
    assert "Trudeau" in lower.citations[0].quote, lower.answer
