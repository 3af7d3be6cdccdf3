import pytest

from assistant.answering.question import read_question
from assistant.app import App
from assistant.engine import Turn
from assistant.followup import (
    chosen_items,
    filtered_list,
    is_follow_up,
    item_chosen,
    item_named,
    of_named_items,
    resolved_question,
    standalone_query,
)

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
        "Which countries would it bring together?",
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


@pytest.mark.parametrize(
    ("question", "previous", "resolved"),
    [
        ("How old is it?", "NORAD is the crown jewel of defense. [1]", "How old is NORAD?"),
        ("What is its budget?", "It is run by NORAD and the Pentagon.", "What is NORAD's budget?"),
        ("What did he say?", "Secretary Blinken spoke.", "What did Secretary Blinken say?"),
        ("Who is part of it?", "Finally, the leaders revive the North American Summit.",
         "Who is part of North American Summit?"),
        ("How long is it?", "The land border is 5,525 miles. [1]", None),  # names nothing
        ("And the maritime border?", "NORAD is old.", None),  # no pronoun
    ],
)  # fmt: skip
def test_a_pronoun_is_replaced_by_what_the_last_answer_names_first(
    question: str, previous: str, resolved: str | None
) -> None:
    assert resolved_question(question, [Turn("q", previous)]) == resolved


@pytest.mark.parametrize(
    ("asked", "follow_up", "resolved"),
    [
        ("What is NORAD?", "How old is it?", "How old is NORAD?"),
        ("Who is Michael Kovrig?", "Where is he detained?", "Where is Michael Kovrig detained?"),
        (
            "Describe the Arctic Dialogue.",
            "What will it cover?",
            "What will Arctic Dialogue cover?",
        ),
        # the question asked for a thing: the answer names it first
        ("What is the crown jewel of defense cooperation?", "How old is it?", "How old is NORAD?"),
    ],
)
def test_a_pronoun_after_a_question_about_a_name_is_that_name(
    asked: str, follow_up: str, resolved: str
) -> None:
    answer = "The United States and Canada work through NORAD. NORAD is the crown jewel. [1]"
    if asked.startswith("What is the crown"):
        answer = "NORAD is the crown jewel of U.S.-Canada defense cooperation. [1]"
    assert resolved_question(follow_up, [Turn(asked, answer)]) == resolved


@pytest.mark.parametrize(
    ("asked", "answer", "follow_up", "resolved"),
    [
        (  # the answer repeats the question's names before giving its own
            "Who directed Spectre?",
            "Spectre was directed by Sam Mendes. [1]",
            "What else did he direct?",
            "What else did Sam Mendes direct?",
        ),
        (  # the name of the thing asked for, not the first new one
            "Which declaration did the United States help launch?",
            "The United States helped launch the Canadian-drafted “Declaration Against Arbitrary "
            "Detention in State-to-State Relations”. [1]",
            "Who drafted it?",
            "Who drafted Declaration Against Arbitrary Detention?",
        ),
        (
            "Which moon of Saturn is the largest?",
            "Of the moons of Saturn, Titan is the largest. [2]",
            "How thick is its atmosphere?",
            "How thick is Titan's atmosphere?",
        ),
    ],
)
def test_a_pronoun_prefers_the_name_the_answer_added(
    asked: str, answer: str, follow_up: str, resolved: str
) -> None:
    assert read_question(follow_up, [Turn(asked, answer)]).resolved == resolved


def test_besides_a_name_is_no_question_of_what_else() -> None:
    summit = Turn(
        "Which summit will the leaders revive?", "The North American Leaders' Summit [1]."
    )
    named = read_question("Which third country besides the US and Canada is part of it?", [summit])
    assert named.follow_up and not named.besides
    assert read_question("Which other countries are part of it?", [summit]).besides
    assert read_question("Who else is part of it besides them?", [summit]).besides


@pytest.mark.parametrize(
    ("turns", "follow_up", "whole"),
    [
        (
            ["What did the leaders agree on about COVID-19?"],
            "And about the Arctic?",
            "What did the leaders agree on about the Arctic?",
        ),
        (
            ["What did the leaders agree on about COVID-19?", "And about the Arctic?"],
            "What about climate change?",  # the ellipsis before it made whole first
            "What did the leaders agree on about climate change?",
        ),
        (["What was trade worth in 2020?"], "And in 2019?", "What was trade worth in 2019?"),
        (["What was trade worth?"], "And in 2019?", "What was trade worth in 2019?"),
        (["What is planned for the US?"], "And for Canada?", "What is planned for Canada?"),
        # a period in place of the year or period the question gave
        (["How much did they trade in 2019?"], "And per day?", "How much did they trade per day?"),
        (["How much do they trade every day?"], "What about annually?",
         "How much do they trade annually?"),
        # a noun phrase of the same head, or "one" for it
        (["How long is the land border?"], "And the maritime one?",
         "How long is the maritime border?"),
        (["How long is the land border?"], "What about the sea border?",
         "How long is the sea border?"),
        (["How many land ports are there?"], "And the sea ones?", "How many sea ports are there?"),
    ],
)  # fmt: skip
def test_an_ellipsis_is_the_previous_question_with_its_phrase_changed(
    turns: list[str], follow_up: str, whole: str
) -> None:
    read = read_question(follow_up, [Turn(q, "An answer. [1]") for q in turns])
    assert read.text == read.resolved == read.query == whole
    assert read.follow_up and read.previous == "An answer. [1]"


@pytest.mark.parametrize(
    ("before", "follow_up"),
    [
        ("What does the State Department say about climate change?", "What about the White House?"),
        ("Who is Michael Spavor?", "What about Kovrig?"),  # no phrase of that kind to change
        ("What is NORAD?", "What about it?"),
        ("Who did Biden call first?", "And Trudeau?"),
        ("How long is the land border?", "And the other one?"),  # no modifier of its kind
        ("What did they agree on about COVID-19?", "And the Arctic?"),  # no phrase of that head
    ],
)
def test_other_short_follow_ups_are_no_ellipsis(before: str, follow_up: str) -> None:
    read = read_question(follow_up, [Turn(before, "An answer. [1]")])
    assert read.text == follow_up and read.follow_up


PRIORITIES = Turn(
    "What are the priorities of the Roadmap?",
    "The Roadmap will prioritize: [1]\n- Combating COVID-19: The top priority is to end it. [1]\n"
    "- Building Back Better: A sustainable recovery. [2]\n"
    "- Accelerating Climate Ambitions: Through the Roadmap, they will launch a ministerial. [3]",
)


def test_an_item_of_the_last_list_is_named_by_its_place() -> None:
    history = [PRIORITIES]
    assert item_named("Tell me more about the third one.", history) == (
        "Tell me more about Accelerating Climate Ambitions."
    )
    assert item_named("And item 2?", history) == "And Building Back Better?"
    # the noun of the question the list answered, even a turn later
    later = [PRIORITIES, Turn("Tell me more about the third one.", "They will launch it. [1]")]
    assert item_named("What does the last priority involve?", later) == (
        "What does Accelerating Climate Ambitions involve?"
    )
    people = [Turn("Who is named?", "- Michael Spavor [1]\n- Michael Kovrig [1]")]
    assert item_named("Who is the second one?", people) == "Who is Michael Kovrig?"
    # a thing of its own ("the first call"), an item past the end, or no list: not an item
    assert item_named("Who made the first call?", history) is None
    assert item_named("What about the fifth one?", history) is None
    assert item_named("Tell me more about the third one.", [NORAD]) is None


def test_an_item_of_the_last_list_is_chosen_by_what_it_says() -> None:
    history = [PRIORITIES]
    assert item_chosen("Which one is about climate?", history) == (
        "Tell me about Accelerating Climate Ambitions."
    )
    assert item_chosen("Which of them mentions the recovery?", history) == (
        "Tell me about Building Back Better."
    )
    # the noun of the list's question, or of any item; not another kind of thing
    assert item_chosen("Which priority deals with the climate?", history) is not None
    assert item_chosen("Which country deals with the climate?", history) is None
    # no item says it: not chosen; two or three say it as much: each of them
    assert item_chosen("Which one is about NATO?", history) is None
    twice = Turn("Who is named?", "- Michael Spavor [1]\n- Michael Kovrig [1]")
    assert item_chosen("Which one is called Michael?", [twice]) == (
        "Tell me about Michael Spavor and Michael Kovrig."
    )
    four = Turn("Who is named?", "".join(f"- Michael {n} [1]\n" for n in "ABCD"))
    assert item_chosen("Which one is called Michael?", [four]) is None
    assert item_chosen("Which one is about climate?", [NORAD]) is None


def test_a_list_filtered_by_what_its_items_say_is_asked_as_the_list_first() -> None:
    assert filtered_list("Which priorities of the Roadmap involve NATO?", []) == (
        "What are the priorities of the Roadmap?",
        "Which of them involve NATO?",
    )
    assert filtered_list("Which priorities deal with the climate?", []) == (
        "What are the priorities?",
        "Which of them deal with the climate?",
    )
    assert filtered_list("Which priority mentions racism?", []) == (  # one of the priorities
        "What are the priorities?",
        "Which of them mentions racism?",
    )
    # a list asked for by what its items do is no filter; nor a document (the folder is read);
    # nor anything with a list already told
    assert filtered_list("Which countries signed the USMCA?", []) is None
    assert filtered_list("Which artist did Beyonce marry?", []) is None  # "did" says nothing
    assert filtered_list("Which songs did she release?", []) is None
    assert filtered_list("Which document mentions the Arctic?", []) is None
    assert filtered_list("Which priorities involve NATO?", [PRIORITIES]) is None
    # items are told apart by their names, not in lists of sentences
    assert of_named_items(PRIORITIES)
    assert of_named_items(Turn("Which?", "- NATO [1]\n- the Five Eyes community [2]"))
    sentences = "- The leaders will meet in Ottawa next spring to talk about trade. [1]\n- NATO [2]"
    assert not of_named_items(Turn("Which?", sentences))
    # the items kept keep their citation markers when asked to
    cited = Turn("What are the priorities?", "- A: about NATO. [1]\n- B: climate. [2]")
    assert chosen_items("Which of them involve NATO?", cited, cited=True) == ["A: about NATO. [1]"]
    assert chosen_items("Which of them involve NATO?", cited) == ["A: about NATO."]


def test_tell_me_more_about_an_item_gives_its_paragraph(seed_app: App) -> None:
    engine = seed_app.engine
    listed = engine.ask("What are the priorities of the Roadmap?", mode="extractive")
    assert "Accelerating Climate Ambitions" in listed.answer, listed.answer
    third = next(
        n
        for n, line in enumerate(x for x in listed.answer.splitlines() if x.startswith("- "))
        if "Accelerating Climate Ambitions" in line
    )
    ordinal = ("first", "second", "third", "fourth", "fifth", "sixth")[third]
    more = engine.ask(
        f"Tell me more about the {ordinal} one.",
        [Turn(listed.question, listed.answer)],
        mode="extractive",
    )
    assert not more.refused, more.answer
    # the item's sentence and the one after it that goes on about it ("They will commit …")
    assert "Climate Ministerial" in more.answer and "net-zero" in more.answer, more.answer


def test_an_item_asked_by_ellipsis_is_asked_as_the_question_before() -> None:
    history = [PRIORITIES, Turn("Tell me more about the third one.", "They will. [1]")]
    assert read_question("And the first one?", history).resolved == (
        "Tell me more about Combating COVID-19?"
    )
    assert read_question("What about item 2?", history).resolved == (
        "Tell me more about Building Back Better?"
    )


def test_who_else_after_a_pronoun_turn_names_the_other_one(seed_app: App) -> None:
    engine = seed_app.engine
    history: list[Turn] = []
    for question in ("Who is Michael Spavor?", "Where is he detained?"):
        asked = engine.ask(question, history, mode="extractive")
        history.append(Turn(question, asked.answer))
    other = engine.ask("Who else is detained?", history, mode="extractive")
    assert other.answer.startswith("Michael Kovrig"), other.answer
