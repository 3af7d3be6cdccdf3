import pytest

from assistant.answering.doers import acted
from assistant.answering.question import read_question

DECLARATION = (
    "The United States is honored to have participated in the launch of the Canadian-drafted "
    "Declaration Against Arbitrary Detention."
)
PARIS = (
    "Under the Biden Administration, the U.S. government wasted no time reengaging the world, "
    "rejoining the Paris Agreement."
)
MEETING = "President Biden held his first bilateral meeting with Prime Minister Trudeau."


@pytest.mark.parametrize(
    ("question", "sentence", "verdict"),
    [
        ("Did Canada draft the declaration?", DECLARATION, True),  # its nationality
        ("Did the United States draft the declaration?", DECLARATION, False),
        ("Did the United States rejoin the Paris Agreement?", PARIS, True),  # "U.S." alias
        ("Did Canada rejoin the Paris Agreement?", PARIS, False),
        ("Did President Biden hold a meeting with Trudeau?", MEETING, True),  # "held"
        # the verb's own phrase names the one asked about: a meeting is held with him
        ("Did Trudeau hold a meeting with Biden?", MEETING, None),
        ("Did Canada sign the declaration?", DECLARATION, None),  # no such verb in it
    ],
)
def test_who_did_it_is_read_from_the_doer_of_the_asked_verb(
    question: str, sentence: str, verdict: bool | None
) -> None:
    read = read_question(question)
    assert read.actor and read.act
    assert acted(read.actor, read.act, sentence) is verdict


def test_only_a_yes_no_question_with_a_named_subject_asks_who_did_it() -> None:
    assert read_question("Who drafted the declaration?").actor == ""
    assert read_question("Did the documents mention the declaration?").actor == ""
