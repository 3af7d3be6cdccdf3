"""The question read once, and answers composed by shape from the seed documents."""

import re
from pathlib import Path

import numpy as np
import pytest

from assistant.answer import Passage
from assistant.answering.compose import _is_full_name, enough, relevant
from assistant.answering.enumerations import asked_things, enumerated
from assistant.answering.folder import byline
from assistant.answering.holders import ties
from assistant.answering.parser import doer, owner, syntax_of
from assistant.answering.question import read_question, shape_of
from assistant.app import App
from assistant.documents import passage_of
from assistant.engine import Turn
from assistant.evidence import EvidenceJudge, Judgement, Sentence
from assistant.settings import load_settings
from assistant.text import terms
from index.embeddings import HashingEmbeddings


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("How long is the land border?", "fact"),
        ("What is the crown jewel of defense cooperation?", "fact"),
        ("What does USMCA stand for?", "fact"),
        ("What makes NORAD unique among military commands?", "fact"),
        ("Which climate agreement did the U.S. government rejoin?", "fact"),
        ("List the people named in the documents.", "list"),
        ("Which Canadian citizens are arbitrarily detained by Beijing?", "list"),
        ("What are the commitments on climate?", "list"),
        ("Which countries take part in the summit?", "list"),
        ("What do the documents say about the detained Canadians?", "summary"),
        ("Summarize the partnership roadmap.", "summary"),
        ("Describe NORAD.", "summary"),
        ("What does the United States think about Beijing?", "summary"),  # what is said of it
        ("What did the leaders feel about the pandemic?", "summary"),
        ("Compare what the two documents say about NATO.", "compare"),
        ("How do the two documents differ on climate?", "compare"),
        ("Is the border closed?", "yesno"),
        ("Does NORAD defend both countries?", "yesno"),
        ("Is it NORAD or NATO?", "fact"),
        ("Give me an overview of the documents.", "summary"),
        ("Briefly summarize the fact sheet.", "summary"),
        ("What is the State Department document about?", "summary"),
        ("Give me a brief summary of the State Department document.", "summary"),
        ("Sum up the fact sheet.", "summary"),
        ("What is the gist of the State Department document?", "summary"),
        ("What are the key points of the fact sheet?", "summary"),
        ("Do the two documents agree on the daily trade figure?", "compare"),
        ("Does the fact sheet agree with NATO's view?", "yesno"),
        # a verb after one noun asked of is no plural ("mentions"); a tagger's first word is
        ("Which priority mentions racism?", "fact"),
        ("Which company makes chips?", "fact"),
        ("Which countries border Canada?", "list"),
        ("Which leaders met in February?", "list"),
    ],
)
def test_the_shape_of_a_question(question: str, shape: str) -> None:
    assert shape_of(question) == shape


def test_a_question_is_read_once_into_its_parts() -> None:
    q = read_question("How many land ports-of-entry did the U.S. have in 2019?")
    assert q.answer_type == "count" and q.numbers == {"2019"} and "u.s" in q.names
    assert "port" in q.topic and "mani" not in q.topic and q.query == q.text
    history = [Turn("What is the crown jewel of U.S.-Canada defense cooperation?", "NORAD [1].")]
    follow = read_question("How old is it?", history)
    assert follow.follow_up and "norad" in follow.names and "crown jewel" in follow.query
    first = read_question("How old is it?")  # a follow-up as the first turn stands alone
    assert not first.follow_up and first.query == "How old is it?"


def test_a_request_is_read_as_the_question_it_asks() -> None:
    assert read_question("Can you summarize the documents?").shape == "summary"
    could = read_question("Could you tell me how long the land border is?")
    assert could.shape == "fact" and could.answer_type is not None
    assert read_question("Can NORAD defend both countries?").shape == "yesno"
    like = read_question("I'd like to know what the documents say about clean energy.")
    assert like.shape == "summary" and like.text.startswith("what the documents")
    assert read_question("I want to know how long the land border is.").text.startswith("how long")


@pytest.mark.parametrize(
    ("question", "text", "length"),
    [
        ("Summarize the fact sheet in two sentences.", "Summarize the fact sheet.", 2),
        ("In one sentence, what is the fact sheet about?", "What is the fact sheet about?", 1),
        ("Describe NORAD briefly.", "Describe NORAD.", 2),
        ("List the priorities in 3 bullet points.", "List the priorities.", 3),
        ("Explain NORAD in 50 words.", "Explain NORAD.", 2),
        ("Explain NORAD in one paragraph.", "Explain NORAD.", None),
        (
            "Give me a two-sentence summary of the fact sheet.",
            "Give me a summary of the fact sheet.",
            2,
        ),
        ("Write a 3-sentence overview of NORAD.", "Write an overview of NORAD.", 3),
        ("Give me a brief summary of the Roadmap.", "Give me a summary of the Roadmap.", 2),
        # not a length: a count in the middle of a question, or no count at all
        ("Which team won in two points last season?", None, None),
        ("What was measured in points?", None, None),
    ],
)
def test_how_long_an_answer_may_be_is_no_part_of_what_it_asks(
    question: str, text: str | None, length: int | None
) -> None:
    read = read_question(question)
    assert read.text == (text or question) and read.length == length
    assert not {"sentenc", "bullet", "point", "word", "paragraph"} & read.topic


def test_a_contracted_question_word_is_read_as_written_out() -> None:
    read = read_question("What's the difference between the two documents?")
    assert read.text == "What is the difference between the two documents?"
    assert read.shape == "compare" and read.of_documents and not read.topic
    assert read_question("Who's death caused the protest?").text.startswith("Who's")  # whose


def test_whether_the_documents_mention_a_thing_is_asked_in_many_ways() -> None:
    for question, thing in (
        ("Is Mexico mentioned in the documents?", "Mexico"),
        ("Is there any mention of NORAD in the fact sheet?", "NORAD"),
        ("Was the G20 discussed?", "G20"),
        ("Does the State Department document mention the WTO?", "WTO"),
    ):
        read = read_question(question)
        assert read.asks_mention and read.mentioned == thing, (question, read.mentioned)
    for question in ("Was he named after his father?", "Was the city named for the river?"):
        assert not read_question(question).asks_mention, question


def test_what_are_of_a_name_alone_asks_what_is_said_of_it() -> None:
    eyes = read_question("What are the Five Eyes?")
    assert eyes.shape == "summary" and eyes.defines
    assert read_question("What are the priorities of the Roadmap?").shape == "list"


def test_who_holds_a_role_is_a_fact_and_who_a_name_is_a_summary() -> None:
    assert read_question("Who is the Prime Minister of Canada?").shape == "fact"
    kovrig = read_question("Who is Michael Kovrig?")
    assert kovrig.shape == "summary" and kovrig.defines


def test_a_list_of_people_is_asked_by_its_object_not_a_later_clause() -> None:
    leaders = read_question("List the leaders named in the documents.")
    assert leaders.answer_type == "person" and leaders.of_the_folder
    things = read_question("Can you list the multilateral institutions the leaders mention?")
    assert things.shape == "list" and things.answer_type is None


def test_a_source_the_question_names_is_not_what_the_answer_is_about() -> None:
    q = read_question("What does the State Department say about Beijing?")
    assert q.sources == {"state", "department"} and q.subjects == {"beijing"}
    q = read_question("Summarize the White House fact sheet.")
    assert q.sources == {"white", "house"} and q.of_documents
    q = read_question("According to a TechCrunch article, did Apple sue Epic?")
    assert q.sources == {"techcrunch"} and {"apple", "epic"} <= q.subjects
    assert not read_question("What does NORAD do?").sources


@pytest.mark.parametrize(
    ("question", "sentence", "subject"),
    [
        (
            "Who is challenging security and values?",
            "Beijing is now challenging our security and values, and the United States will "
            "work with Canada.",
            "Beijing",
        ),
        (
            "Who rejoined the Paris Agreement?",
            "Under the Biden Administration, the U.S. government wasted no time, rejoining the "
            "Paris Agreement.",
            "the U.S. government",
        ),
        ("Who will Blinken meet?", "Blinken will meet with Prime Minister Trudeau.", "Blinken"),
        (
            "Who drafted the declaration?",
            "The U.S. joined the launch of the Canadian-drafted “Declaration Against Arbitrary "
            "Detention”.",
            "Canadian",
        ),
        ("Who drafted the declaration?", "The declaration was drafted by Canada.", "Canada"),
        ("Who leads the response?", "The agencies are on the front lines of the response.", None),
    ],
)
def test_who_does_it_is_the_subject_of_the_asked_verb(
    question: str, sentence: str, subject: str | None
) -> None:
    assert doer(sentence, syntax_of(question).verbs) == subject


def folder_app(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, files: dict[str, str]
) -> App:
    """The assistant (extractive, bag-of-words embeddings) over a new folder of these files."""
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    folder = fake_env / name
    folder.mkdir()
    for file, text in files.items():
        (folder / file).write_text(text)
    app = App(load_settings(mode="extractive"))
    app.indexer.sync([folder])
    return app


@pytest.fixture
def minilm_app(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    """The shipped documents with MiniLM, the reader and its model: as users rank and gate."""
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "minilm")
    app = App(load_settings(mode="extractive"))
    app.indexer.sync([Path("data")])
    return app


@pytest.fixture
def app(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    app = App(load_settings(mode="extractive"))
    app.indexer.sync([Path("data")])
    # these tests are about composition and the gate's logic; the fitted model's decisions
    # with the bag-of-words fake are borderline, and its quality is measured with MiniLM
    # (`assistant bench answers`, tests/test_answerability.py)
    app.engine.judge.model = None
    return app


def test_a_list_gathers_items_from_several_passages(app: App) -> None:
    answer = app.engine.ask("Which Canadian citizens are arbitrarily detained by Beijing?")
    assert not answer.refused
    assert "Kovrig" in answer.answer and "Spavor" in answer.answer


def test_a_summary_is_several_cited_sentences(app: App) -> None:
    answer = app.engine.ask("What do the documents say about arbitrary detention?")
    assert not answer.refused
    assert answer.answer.count("[") >= 2 and "Kovrig" in answer.answer


def test_a_comparison_cites_each_document_on_its_own_side(app: App) -> None:
    answer = app.engine.ask("Compare what the two documents say about NATO.")
    assert not answer.refused
    sides = [part for part in answer.answer.split("\n\n") if part.strip()]
    assert len(sides) == 2 and len({c.source for c in answer.citations}) == 2
    for side, title in zip(sides, ("", ""), strict=True):
        assert side.startswith("**") and "NATO" in side, title


def test_a_yes_no_question_starts_with_the_verdict(app: App) -> None:
    answer = app.engine.ask("Is NORAD the crown jewel of U.S.-Canada defense cooperation?")
    assert answer.answer.startswith("Yes.") and "[" in answer.answer


@pytest.mark.parametrize(
    ("question", "verdict", "said"),
    [
        ("Is NORAD older than 50 years?", "Yes.", "60 years"),
        ("Is the land border longer than 6,000 miles?", "No.", "5,525 miles"),
        ("Did the two countries trade less than $700 billion in 2019?", "No.", "$725 billion"),
        ("Is NORAD older than fifty years?", "Yes.", "60 years"),  # an amount in words
        ("Is NORAD older than seventy years?", "No.", "60 years"),
        ("Is the land border longer than six thousand miles?", "No.", "5,525 miles"),
    ],
)
def test_a_yes_no_comparison_with_a_number_is_decided_by_the_amount_given(
    app: App, question: str, verdict: str, said: str
) -> None:
    answer = app.engine.ask(question)
    assert answer.answer.startswith(verdict) and said in answer.answer, answer.answer


def test_did_x_do_it_is_no_when_the_evidence_says_another_did(app: App) -> None:
    asked = "Did the United States draft the Declaration Against Arbitrary Detention?"
    assert app.engine.ask(asked).answer.startswith("No. "), asked
    asked = "Did Canada draft the Declaration Against Arbitrary Detention?"
    assert app.engine.ask(asked).answer.startswith("Yes. "), asked


def test_a_yes_no_question_may_ask_with_the_present_form_of_an_irregular_past() -> None:
    """ "hold" is never written, "held" is: the question is not about a word no one uses."""
    app_question = (
        "Did President Biden hold his first bilateral meeting with Prime Minister Trudeau?"
    )
    judge = EvidenceJudge(HashingEmbeddings(), indexed=lambda w: w.lower() != "hold")
    assert judge._unheard(read_question(app_question)) == []
    judge = EvidenceJudge(HashingEmbeddings(), indexed=lambda w: w.lower() not in ("hold", "held"))
    assert judge._unheard(read_question(app_question)) == ["hold"]


def test_a_comparison_the_documents_cannot_settle_is_still_refused(app: App) -> None:
    for question in (
        "Is the maritime border longer than 5,000 miles?",  # they give the land border
        "Did the two countries trade more than $700 billion in 2018?",  # they give 2019
        "Is Canada the number one export market for more than 40 U.S. states?",  # "more than 30"
    ):
        assert app.engine.ask(question).refused, question


def test_whether_the_documents_mention_a_thing_is_answered_by_the_sentence_that_does(
    app: App,
) -> None:
    for asked, said in (
        ("Does the fact sheet mention the G20?", "G20"),
        ("Do the documents talk about vaccines?", "vaccine"),
    ):
        answer = app.engine.ask(asked)
        assert answer.answer.startswith("Yes. ") and said in answer.answer, answer.answer
    never = app.engine.ask("Do the documents mention Russia?")  # said in no chunk: No
    assert not never.refused and not never.citations, never.answer
    assert never.answer == "No. None of the documents mentions “Russia”."


def test_a_follow_up_gets_new_information_not_the_previous_answer(app: App) -> None:
    first = app.engine.ask("What is the crown jewel of U.S.-Canada defense cooperation?")
    assert "NORAD" in first.answer
    history = [Turn(first.question, first.answer)]
    follow = app.engine.ask("And what will the two leaders do to modernize it?", history)
    assert not follow.refused and follow.answer != first.answer
    assert "moderniz" in follow.answer.lower() and "crown jewel" not in follow.answer


def test_what_else_is_never_what_was_already_told(minilm_app: App) -> None:
    first = minilm_app.engine.ask("Which forum will be reestablished to enhance law enforcement?")
    assert "Cross-Border Crime Forum" in first.answer, first.answer
    follow = minilm_app.engine.ask(
        "What else will the leaders do?", [Turn(first.question, first.answer)]
    )
    told = " ".join(first.citations[0].quote.split())
    assert told in first.answer
    assert not follow.refused and told not in follow.answer, follow.answer
    kovrig = minilm_app.engine.ask("Who is Michael Kovrig?")
    other = minilm_app.engine.ask("Who else is detained?", [Turn(kovrig.question, kovrig.answer)])
    assert other.answer.startswith("Michael Spavor: "), other.answer  # a name not yet asked about
    old = minilm_app.engine.ask("How old is NORAD?")
    done = minilm_app.engine.ask("What will they do to it?", [Turn(old.question, old.answer)])
    assert "moderniz" in done.answer and "60 years" not in done.answer, done.answer


def test_a_follow_up_asks_for_the_last_kind_of_answer_only_when_it_asks_for_none() -> None:
    old = [Turn("How old is NORAD?", "After 60 years, NORAD remains … [1]")]
    assert read_question("And the Five Eyes?", old).answer_type == "duration"
    assert read_question("What about the Arctic Dialogue?", old).answer_type == "duration"
    assert read_question("What will they do to it?", old).answer_type is None
    assert read_question("And who leads it?", old).answer_type is None


def test_a_follow_up_may_be_answered_by_what_a_summary_already_said(app: App) -> None:
    first = app.engine.ask("What is NORAD?")
    assert "60 years" in first.answer  # the summary already says how old it is
    follow = app.engine.ask("How old is it?", [Turn(first.question, first.answer)])
    assert not follow.refused and "60" in follow.answer, follow.answer


def test_a_follow_up_keeps_the_one_sentence_about_its_subject(app: App) -> None:
    first = app.engine.ask("Who is Michael Kovrig?")
    follow = app.engine.ask("Where is he detained?", [Turn(first.question, first.answer)])
    assert not follow.refused and "Kovrig" in follow.answer, follow.answer


def test_a_follow_up_keeps_the_sentence_told_that_gives_what_it_asks(minilm_app: App) -> None:
    """The sentence already told names the summit and Mexico: it is not pushed below
    sentences that name neither, though it says none of the follow-up's words."""
    first = minilm_app.engine.ask("Which summit will the leaders agree to work towards reviving?")
    assert "North American Leaders" in first.answer, first.answer
    follow = minilm_app.engine.ask(
        "Which third country besides the US and Canada is part of it?",
        [Turn(first.question, first.answer)],
    )
    assert not follow.refused and "Mexico" in follow.answer, follow.answer


def test_a_sentence_opening_with_a_pronoun_is_about_what_the_one_before_names(
    app: App,
) -> None:
    """ "They will commit to … the Paris Agreement" follows the sentence naming the leaders."""
    commit = "They will commit to strengthened implementation of the Paris Agreement"
    asked = app.engine.ask("What will President Biden and Prime Minister Trudeau commit to?")
    assert asked.answer.startswith(commit), asked.answer
    assert "Climate Ministerial" not in asked.answer  # "they" already named the leaders
    first = app.engine.ask("What will the two leaders launch to tackle the climate crisis?")
    assert "Climate Ministerial" in first.answer, first.answer
    follow = app.engine.ask("And what will they commit to?", [Turn(first.question, first.answer)])
    assert follow.answer.startswith(commit) and "launch" not in follow.answer, follow.answer


def test_a_question_knows_which_word_modifies_which() -> None:
    q = read_question("How long is the maritime border between the two countries?")
    assert ("maritim", "border") in q.modified
    assert not any("between" in pair for pair in q.modified)  # prepositions modify nothing
    assert not read_question("Who was the Canadian prime minister?").modified & {
        ("canadian", "prime")
    }  # names are checked as names
    for asked in (
        "Who was the youngest actress to be a Bond girl?",  # superlative
        "Where does new crust come from in sea floor spreading?",  # compound, "new"
        "How much money did the first film make?",  # quantifier, ordinal
    ):
        assert not read_question(asked).modified, asked


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("Which intelligence community is listed among the institutions?", "communiti"),
        ("What river flows through the capital?", "river"),
        ("What is the population of Halden?", "popul"),
        ("Which Canadian city hosts the summit?", "citi"),
        ("How many people died in the flood?", None),  # too generic to check
        ("Which year did the flood come?", None),
    ],
)
def test_the_focus_is_the_noun_the_asked_word_belongs_to(question: str, focus: str) -> None:
    assert read_question(question).focus == focus


def test_a_near_miss_is_refused_with_what_the_documents_give_instead(minilm_app: App) -> None:
    answer = minilm_app.engine.ask("How long is the maritime border between the two countries?")
    assert answer.refused
    assert "border, not the maritime border" in answer.answer
    assert len(answer.citations) == 1 and "border" in answer.citations[0].quote
    same = minilm_app.engine.ask("How long is the land border between the two countries?")
    assert not same.refused and "5,525" in same.answer
    budget = minilm_app.engine.ask("What is NORAD's annual budget?")
    assert budget.refused, budget.answer  # "After 60 years, NORAD …" gives no sum of money


def test_a_near_miss_on_any_folder(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "Bridges of the town\n\nThe red bridge over the river is 300 metres long. "
        "It was opened in 1931 and repainted in 2004.\n\nThe ferry crosses the lake twice a day."
    )
    app = folder_app(fake_env, monkeypatch, "bridges", {"bridges.txt": text})
    near = app.engine.ask("How long is the blue bridge over the river?")
    assert near.refused and "red bridge, not the blue bridge" in near.answer
    assert "300 metres" in near.citations[0].quote
    named = app.engine.ask("How long is the bridge over the Danube?")
    assert named.refused and "Danube" in named.answer
    assert not app.engine.ask("How long is the red bridge over the river?").refused


def test_a_number_month_negation_or_antonym_is_a_detail_the_evidence_must_state(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "The film\n\nThe Long Night is the twenty-fourth film of the studio. Filming took "
        "seven months, and over fifteen hundred extras were hired for the opening scene. "
        "Three actors returned: Ann Lee, Bo Chen and Cy Diaz. The film was released in June "
        "2015 in one scene-for-scene cut."
    )
    app = folder_app(fake_env, monkeypatch, "film", {"film.txt": text})
    app.engine.judge.model = None  # the logic is under test, not the bag-of-words model's score
    for near in (
        "What is the thirty-fourth film of the studio?",
        "What took eight months?",
        "What was filmed in two scenes?",  # "the opening scene": one
        "What was not hired for the opening scene?",
        "What film was released in May 2015?",
    ):
        answer = app.engine.ask(near)
        assert answer.refused, answer.answer
    closing = app.engine.ask("How many extras were hired for the closing scene?")
    assert closing.refused and "opening scene, not the closing scene" in closing.answer
    for asked, given in (
        ("What is the twenty-fourth film of the studio?", "The Long Night"),
        ("How many extras were hired for the opening scene?", "fifteen hundred"),
        ("Which three actors returned?", "Bo Chen"),  # the count of the answer's items
    ):
        answer = app.engine.ask(asked)
        assert not answer.refused and given in answer.answer, answer.answer


def test_a_generated_summary_is_enough_only_when_it_names_its_subject() -> None:
    """The model's draft of "Summarize … COVID-19." was two true sentences about other
    things; the extractive summary, which names COVID-19, answers instead."""
    covid = read_question("Summarize what the documents say about COVID-19.")
    meta = "They discuss shared priorities [1]. They discuss climate change [2]."
    assert not enough(covid, meta)
    assert enough(covid, "COVID-19 is the top priority [1]. They fund the WHO [2].")
    both = read_question("What do the documents say about NATO and NORAD?")
    assert both.units == (("NATO",), ("NORAD",))
    assert not enough(both, "NORAD is the crown jewel [1]. It is 60 years old [1].")
    forum = read_question("What is the Cross-Border Crime Forum?")
    assert forum.units == (("Cross", "Border", "Crime", "Forum"),)


def test_who_are_with_only_names_asks_what_is_said_of_them() -> None:
    assert read_question("Who are Michael Spavor and Michael Kovrig?").shape == "summary"
    cabinet = read_question("Who are the cabinet members Blinken will meet?")
    assert (cabinet.shape, cabinet.answer_type) == ("list", "person")


def test_whom_someone_meets_is_each_person_of_the_series_the_sentence_names(app: App) -> None:
    met = app.engine.ask("Who will Blinken meet?")
    assert met.answer.startswith("Trudeau and Garneau: During his visit"), met.answer
    # two clauses, each with its own person: not one series
    called = app.engine.ask("Who did Biden call first?")
    assert called.answer.startswith("Trudeau: "), called.answer


def test_who_is_never_answered_with_someone_the_question_names(app: App) -> None:
    called = app.engine.ask("Who was the first foreign leader President Biden called?")
    assert called.answer.startswith("Trudeau:"), called.answer
    minister = app.engine.ask("Who is Canada's Foreign Minister?")
    assert minister.answer.startswith("Garneau:"), minister.answer


def test_which_document_mentions_a_thing_names_each_document_with_its_sentence(app: App) -> None:
    both = app.engine.ask("Which documents mention NORAD?")
    assert both.answer.count("**") == 4 and both.answer.count("NORAD") >= 2, both.answer
    assert len({c.source for c in both.citations}) == 2
    eyes = app.engine.ask("Which document mentions the Five Eyes?")
    assert eyes.answer.startswith("**FACT SHEET") and "Five Eyes" in eyes.answer, eyes.answer
    assert app.engine.ask("Which document mentions Mexico City?").refused
    spokesperson = app.engine.ask("Which document was published by the Office of the Spokesperson?")
    assert spokesperson.answer.startswith("**The United States and Canada"), spokesperson.answer


def test_a_name_ending_in_s_is_no_plural() -> None:
    assert shape_of("What will the leaders do to modernize NORAD?") == "fact"  # not a list
    assert read_question("What is the Wales Defense Investment Pledge?").shape != "list"
    assert read_question("Which countries border Wales?").shape == "list"


def test_a_summary_of_a_name_reads_the_sentences_that_name_all_of_it(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Harbour notes\n\nThe Harbour Safety Board inspects every pier each spring. "
        "The harbour has three piers and a safety office. "
        "The Harbour Safety Board reports to the town council."
    )
    app = folder_app(fake_env, monkeypatch, "harbour", {"harbour.txt": text})
    answer = app.engine.ask("What is the Harbour Safety Board?")
    assert "inspects every pier" in answer.answer and "reports to" in answer.answer
    assert "three piers" not in answer.answer, answer.answer


def test_a_near_miss_by_a_noun_that_modifies(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Ports of the coast\n\nThe coast has 12 river ports-of-entry and one road bridge. "
        "After 60 years of service, the road bridge is the oldest in the province.\n\n"
        "The ferry crosses the bay twice a day."
    )
    app = folder_app(fake_env, monkeypatch, "coast", {"coast.txt": text})
    sea = app.engine.ask("How many sea ports-of-entry does the coast have?")
    assert sea.refused and "river ports-of-entry, not the sea ports-of-entry" in sea.answer
    river = app.engine.ask("How many river ports-of-entry does the coast have?")
    assert not river.refused and "12" in river.answer
    paid = folder_app(fake_env, monkeypatch, "paid", {"paid.txt": f"{text} It cost $4 million."})
    assert "$4 million" in paid.engine.ask("What was the cost of the road bridge?").answer


def test_a_list_the_documents_introduce_is_given_item_by_item(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = ["Clean Water", "Safer Roads", "Public Libraries", "Night Buses", "Tree Planting"]
    body = (
        "funding for this work comes from the regional budget, which the council reviews every "
        "spring together with residents, engineers and the neighbouring towns"
    )
    items = "\n\n".join(
        f"**{label}**: The council will work on {label.lower()}; {body}." for label in labels
    )
    text = (
        "The town plan\n\nThe town plan was adopted in March after a long public debate.\n\n"
        f"Today, the council will present the plan, which will\nprioritize:\n\n{items}\n\n"
        "The mayor thanked the residents for their many letters."
    )
    app = folder_app(fake_env, monkeypatch, "plan", {"plan.txt": text})
    for asked in ("What are the priorities of the town plan?", "What will the plan prioritize?"):
        answer = app.engine.ask(asked)
        lines = answer.answer.splitlines()
        assert lines[0].endswith("which will prioritize: [1]"), answer.answer
        assert [line.split(":")[0] for line in lines[1:]] == [f"- {x}" for x in labels]
        assert len({c.n for c in answer.citations}) > 1  # the items come from later chunks


@pytest.mark.parametrize(
    ("nouns", "sentence", "items"),
    [
        (
            "institutions",
            "It acts through institutions, including the United Nations, G7 and G20, the WTO, "
            "NATO, and the Five Eyes community.",
            ["the United Nations", "G7", "G20", "the WTO", "NATO", "the Five Eyes community"],
        ),
        (  # a short clause of the noun's own before the items
            "institutions",
            "We support institutions that are on the front lines, including the World Health "
            "Organization (WHO) and UN development agencies.",
            ["the World Health Organization (WHO)", "UN development agencies"],
        ),
        (  # items between semicolons may be phrases
            "concerns",
            "These concerns include combatting COVID-19; driving economic recovery; and "
            "leading on climate change.",
            ["combatting COVID-19", "driving economic recovery", "leading on climate change"],
        ),
        ("forces", "The forces include the navy, which is large.", []),  # one, then a clause
        (  # the series names the publications, not the scores
            "scores",
            "It received perfect scores from major publications such as 1UP.com and GameSpy.",
            [],
        ),
        (  # an initial's full stop ends no item
            "influences",
            "Influences include Polish folk music, the music of J. S. Bach, and the salons.",
            ["Polish folk music", "the music of J. S. Bach", "the salons"],
        ),
        ("institutions", "The United States is committed to multilateral institutions.", []),
        (
            "agencies",
            "Its agencies include the FBI and a long list of other offices that "
            "work together on border crime across the whole continent every year.",
            [],
        ),
    ],
)
def test_the_things_a_sentence_names_one_by_one_after_the_asked_noun(
    nouns: str, sentence: str, items: list[str]
) -> None:
    assert enumerated(frozenset(terms(nouns)), sentence) == items


@pytest.mark.parametrize(
    ("question", "things"),
    [
        ("List the multilateral institutions mentioned.", {"institut"}),
        ("What establishments did Chopin visit in Paris?", {"establish"}),
        ("Which multilateral institutions does the Roadmap name?", {"institut"}),
        ("What are the priorities of the Roadmap?", {"prioriti"}),
        ("What does WHO stand for?", set()),
        ("What is the border?", set()),
    ],
)
def test_the_things_a_list_question_asks_for(question: str, things: set[str]) -> None:
    assert asked_things(question) == things


def test_a_list_of_things_named_one_by_one_gives_each_thing_cited(minilm_app: App) -> None:
    listed = minilm_app.engine.ask("List the multilateral institutions mentioned.")
    lines = listed.answer.splitlines()
    assert lines[:2] == [
        "- the World Health Organization (WHO) [1]",
        "- UN development agencies [1]",
    ]
    assert {"- G7 [2]", "- NATO [2]", "- the Five Eyes community [2]"} <= set(lines), listed.answer
    assert len(lines) == 8 and [c.n for c in listed.citations] == [1, 2], listed.answer
    # the best evidence names no concern one by one: the sentences, as before
    concerns = minilm_app.engine.ask("What concerns will the leaders discuss?")
    assert all(len(line) > 60 for line in concerns.answer.splitlines()), concerns.answer


def test_the_sentence_that_lists_what_the_best_one_names_follows_it(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "The town plan\n\nThe plan will guide the town council on shared areas of concern. "
        "These concerns include clean water, safer roads and night buses.\n\n"
        "The mayor thanked the residents for their many letters."
    )
    app = folder_app(fake_env, monkeypatch, "concerns", {"plan.txt": text})
    for asked in (
        "What shared areas of concern will the plan guide the council on?",
        "What are the shared concerns of the plan?",
    ):
        answer = app.engine.ask(asked)
        assert "clean water, safer roads and night buses" in answer.answer, answer.answer


def test_an_office_the_documents_never_name_is_a_near_miss(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "The visit\n\nThe Secretary of State will meet Canada’s Foreign Minister Garneau and Prime "
        "Minister Trudeau, with other Canadian cabinet members. Their talks cover global health "
        "security and trade."
    )
    app = folder_app(fake_env, monkeypatch, "offices", {"visit.txt": text})
    for asked, office in (
        ("Who is Canada's Minister of Health?", "Minister of Health"),
        ("Who is the Health Minister?", "Health Minister"),
    ):
        near = app.engine.ask(asked)
        assert near.refused and f"“{office}”" in near.answer, near.answer
    for asked, holder in (
        ("Who is Canada's Foreign Minister?", "Garneau"),
        ("Who is Canada's Prime Minister?", "Trudeau"),
    ):
        answer = app.engine.ask(asked)
        assert answer.answer.startswith(f"{holder}: "), answer.answer
    assert not app.engine.ask("Which Canadian minister will the Secretary meet?").refused


def test_an_office_the_documents_give_only_for_another_country_is_a_near_miss(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "The visit\n\nThe United States and Canada are allies. Secretary of State Antony J. "
        "Blinken will visit Ottawa in March. He will "
        "meet Prime Minister Trudeau and Foreign Minister Garneau. President Biden met Prime "
        "Minister Trudeau in February.\n\n“Canada is a close ally.” – U.S. Secretary of State "
        "Antony J. Blinken, January 26, 2021"
    )
    app = folder_app(fake_env, monkeypatch, "holders", {"visit.txt": text})
    for asked in (
        "Who is Canada's Secretary of State?",
        "Who is the Secretary of State of Canada?",
        "Who is the Canadian Secretary of State?",
    ):
        near = app.engine.ask(asked)
        assert near.refused and "They give the U.S. Secretary of State, not the " in near.answer, (
            asked,
            near.answer,
        )
    for asked, holder in (
        ("Who is the U.S. Secretary of State?", "Antony J. Blinken"),
        ("Who is the Secretary of State?", "Antony J. Blinken"),
        ("Who is Canada's Foreign Minister?", "Garneau"),
        ("Who is the President of the United States?", "Biden"),
    ):
        answer = app.engine.ask(asked)
        assert answer.answer.startswith(f"{holder}: "), (asked, answer.answer)


def test_a_country_the_documents_tie_a_holder_to_decides_whose_office_it_is(app: App) -> None:
    """Neither document writes "U.S. President Biden" or "Canadian Prime Minister Trudeau",
    but they tie them to their countries otherwise: "Under the Biden Administration, the U.S.
    government …", "Prime Minister Trudeau, Foreign Minister Garneau, and other Canadian
    cabinet members"."""
    for asked, given in (
        ("Who is the President of Canada?", "They give the U.S. President, not the President of"),
        ("Who is the Prime Minister of the United States?", "They give the Canadian Prime"),
        ("Who is the Foreign Minister of the United States?", "They give the Canadian Foreign"),
    ):
        near = app.engine.ask(asked)
        assert near.refused and given in near.answer, (asked, near.answer)
    for asked, holder in (
        ("Who is the President of the United States?", "Biden"),
        ("Who is the Prime Minister of Canada?", "Trudeau"),
    ):
        answer = app.engine.ask(asked)
        assert answer.answer.startswith(f"{holder}: "), (asked, answer.answer)
    text = (
        "Ministers Meet\n\nChancellor Weber met President Duval, Premier Roy and other French "
        "officials. Under the Weber Administration, the German government cut taxes."
    )
    assert ties(text) == {"Duval": ("French",), "Roy": ("French",), "Weber": ("German",)}


def test_a_near_miss_quoting_a_quotation_nests_its_marks(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "The mayor on the bridge\n\n“The red bridge over the river is 300 metres long,” "
        "the mayor said on Monday."
    )
    app = folder_app(fake_env, monkeypatch, "quotes", {"mayor.txt": text})
    near = app.engine.ask("How long is the bridge over the Danube?")
    assert near.refused and "Danube" in near.answer
    quoted = near.answer.split("”: ", 1)[1]
    assert quoted.startswith("“‘The red bridge") and quoted.count("“") == 1, near.answer


def test_the_people_of_the_whole_folder_are_listed_each_once(app: App) -> None:
    answer = app.engine.ask("List the people named in the documents.")
    assert not answer.refused
    lines = answer.answer.splitlines()
    labels = [line.split(":")[0] for line in lines]
    for person in ("Antony J. Blinken", "Trudeau", "Garneau", "Biden", "Spavor", "Kovrig"):
        assert sum(person in label for label in labels) == 1, person
    assert not any(w in label for label in labels for w in ("Roadmap", "COVID"))  # not people
    assert all(re.search(r"\[\d+\]$", line) for line in lines)  # every item cited
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert {c.n for c in answer.citations} == cited
    assert len(answer.retrieved) > app.settings.k  # the whole (small) folder, not a top k


@pytest.mark.parametrize(
    "question",
    ["Name the people mentioned in the White House fact sheet.", "Who is named in the fact sheet?"],
)
def test_the_people_of_one_document_are_those_it_names(app: App, question: str) -> None:
    """The folder's people, of the document the question names only: the White House fact
    sheet names Biden and Trudeau, the State Department's also Blinken and the detained."""
    answer = app.engine.ask(question)
    assert not answer.refused, answer.answer
    labels = " ".join(line.split(":")[0] for line in answer.answer.splitlines())
    assert "Biden" in labels and "Trudeau" in labels, answer.answer
    assert not any(p in labels for p in ("Blinken", "Kovrig", "Garneau")), answer.answer
    assert {c.source for c in answer.citations} == {"data/002_ec2a0a35004d6a3e.txt"}


def test_the_people_a_question_asks_about_are_not_its_answer(app: App) -> None:
    answer = app.engine.ask("Who are the Canadian cabinet members Blinken will meet?")
    labels = [line.split(":")[0] for line in answer.answer.splitlines()]
    assert any("Garneau" in label for label in labels), answer.answer
    assert not any("Blinken" in label for label in labels), answer.answer


def test_who_acts_may_be_a_country_and_never_the_one_the_question_names(app: App) -> None:
    answer = app.engine.ask("Who is challenging our security, prosperity, and values?")
    assert answer.answer.startswith("Beijing: "), answer.answer
    founded = app.engine.ask("Who founded NORAD?")  # no sentence says who did
    assert founded.refused or not founded.answer.startswith(("Biden", "Trudeau")), founded.answer
    held = app.engine.ask("Who is the U.S. Secretary of State?")  # the name after the office
    assert held.answer.startswith("Antony J. Blinken: "), held.answer
    met = app.engine.ask("Who will Secretary Blinken meet during his visit?")
    assert not met.answer.startswith(("Blinken", "Secretary")), met.answer


def test_a_dateline_is_never_evidence(app: App) -> None:
    engine = app.engine
    read = read_question("What happened on February 23, 2021?")
    passages = [passage_of(d) for d in engine.retriever.everything(300)]  # the whole folder
    assert any("03:12 PM EST" in p.text for p in passages)
    ranked = engine.judge.rank(read, passages)
    assert ranked and not any("03:12 PM EST" in s.text for s in ranked)


def test_a_folder_that_names_nobody_refuses_a_list_of_people(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Rivers\n\nThe river floods every spring. The bridge over it is 300 metres long."
    app = folder_app(fake_env, monkeypatch, "rivers", {"rivers.txt": text})
    assert app.engine.ask("Which people are named in the documents?").refused


NEWS = {
    "harbour.md": "---\ntitle: Harbour works\nsource_url: https://www.portauthority.example/news/1\n"
    "---\n\nThe harbour will be dredged to a depth of twelve metres next spring. The work "
    "lets larger container ships berth at the eastern quay. Dredging costs 40 million euros "
    "and is paid by the port authority. Fishing boats keep their moorings during the works.",
    "library.md": "---\ntitle: New city library\n---\n\nThe new city library opens on 3 May "
    "with 200,000 books. It has a children's floor and a rooftop reading garden. The library "
    "stays open until ten at night on weekdays. Membership is free for residents.",
}


@pytest.fixture
def news(fake_env: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    """Two short unrelated documents, the fitted model on (the summary must pass it)."""
    app = folder_app(fake_env, monkeypatch, "news", NEWS)
    assert app.engine.judge.model is not None
    return app


@pytest.mark.parametrize(
    "question",
    [
        "Summarize the documents.",
        "Give me an overview of the documents.",
        "What are the files about?",
        "Compare the two documents.",  # what each says, as a comparison of a subject does
        "What are the differences between the two documents?",
    ],
)
def test_a_summary_of_the_documents_gives_each_under_its_title(news: App, question: str) -> None:
    answer = news.engine.ask(question)
    assert not answer.refused, answer.answer
    sides = answer.answer.split("\n\n")
    assert sorted(side.split("**: ")[0] for side in sides) == [
        "**Harbour works",
        "**New city library",
    ]
    for side in sides:
        assert 2 <= len(re.findall(r"\[\d+\]", side)) <= 3, side
    assert "dredged" in answer.answer or "container ships" in answer.answer
    assert {c.source for c in answer.citations} == {"news/harbour.md", "news/library.md"}


def test_an_answer_keeps_to_the_length_the_question_asks(news: App) -> None:
    both = news.engine.ask("Summarize the documents in two sentences.")
    assert not both.refused, both.answer
    assert len(re.findall(r"\[\d+\]", both.answer)) == 2, both.answer  # one from each
    assert {c.source for c in both.citations} == {"news/harbour.md", "news/library.md"}
    one = news.engine.ask("Summarize the Port Authority report in one sentence.")
    assert not one.refused and len(re.findall(r"\[\d+\]", one.answer)) == 1, one.answer


def test_a_summary_of_one_document_named_by_its_publisher(news: App) -> None:
    answer = news.engine.ask("Summarize the Port Authority report.")  # named only in its URL
    assert not answer.refused, answer.answer
    assert {c.source for c in answer.citations} == {"news/harbour.md"}
    assert len(answer.citations) >= 1 and answer.answer.count("[") >= 3
    elsewhere = news.engine.ask("Summarize the Kremlin report.")
    assert elsewhere.refused and "Kremlin" in elsewhere.answer


@pytest.mark.parametrize(
    "question",
    ["What are the main topics of the Port Authority report?", "What is the key message of "
     "the Port Authority report?"],
)  # fmt: skip
def test_the_main_topics_of_a_document_are_its_summary(news: App, question: str) -> None:
    read = read_question(question)
    assert read.shape == "summary" and not read.topic & terms("main key topic message")
    answer = news.engine.ask(question)
    assert not answer.refused and {c.source for c in answer.citations} == {"news/harbour.md"}
    # a factoid about a thing called a theme stays a fact
    assert read_question("When was the main theme of the film released?").shape == "fact"


def test_a_summary_of_the_one_document_titled_as_the_question_says(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {n: t.replace("title: Harbour works", "title: Harbour report") for n, t in NEWS.items()}
    app = folder_app(fake_env, monkeypatch, "titled", files)
    one = app.engine.ask("What is the report about?")
    assert not one.refused and {c.source for c in one.citations} == {"titled/harbour.md"}
    both = app.engine.ask("What are the reports about?")  # the plural: every document
    assert {c.source for c in both.citations} == {"titled/harbour.md", "titled/library.md"}


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("Antony J. Blinken", True),
        ("Sam Bankman-Fried", True),
        ("Ron DeSantis", True),
        ("Conan O'Brien", True),
        ("Roadmap", False),
        ("COVID-19 Roadmap", False),
        ("US NATO", False),
    ],
)
def test_which_names_are_full_names_of_people(name: str, full: bool) -> None:
    assert _is_full_name(name) is full


def test_a_follow_up_about_a_name_gathers_sentences_that_name_it_not_its_first_word() -> None:
    """ "Which countries would it bring together?" after a question about the North American
    Leaders' Summit: the best-ranked sentence names Mexico and North American climate
    leadership, not the Summit, so it does not lead the list."""
    history = [Turn("What is the North American Leaders' Summit?", "It is a summit [1].")]
    read = read_question("Which countries would it bring together?", history)
    assert read.follow_up
    assert read.units == (("North", "American", "Leaders", "Summit"),)
    wrong = Sentence(
        1, 0, 80, "USMCA links Canada and Mexico. North American climate leadership", 0.9, 0.5
    )
    right = Sentence(
        2, 0, 80, "The North American Leaders’ Summit joins Canada, Mexico and the US.", 0.8, 0.5
    )
    chosen = relevant(read, Judgement(True, "supported", [wrong, right]))
    assert [s.text for s in chosen] == [right.text]
    alone = relevant(read, Judgement(True, "supported", [wrong]))  # nothing names it: the best
    assert [s.text for s in alone] == [wrong.text]


def test_a_summary_says_once_what_two_documents_say_in_nearly_the_same_words() -> None:
    read = read_question("Tell me about the Climate Ministerial.")
    first = Sentence(
        1,
        0,
        99,
        "Biden and Trudeau will launch a Climate Ministerial to align our "
        "policies and goals to increase ambition to tackle the climate crisis.",
        0.9,
        1.0,
    )
    other = Sentence(1, 100, 150, "The Climate Ministerial will meet every spring.", 0.7, 1.0)
    again = Sentence(
        2,
        0,
        99,
        "Biden and Trudeau will launch a Climate Ministerial to align our "
        "policies and goals to tackle the climate crisis.",
        0.85,
        1.0,
    )
    chosen = relevant(read, Judgement(True, "supported", [first, other, again]))
    assert [s.text for s in chosen] == [first.text, other.text]


@pytest.mark.parametrize(
    ("question", "asks_object"),
    [
        ("Who will the Secretary of State meet during his visit?", True),
        ("Who did President Biden call first?", True),
        ("Who founded NORAD?", False),
        ("Who will meet Prime Minister Trudeau?", False),
        ("Who is the Prime Minister of Canada?", False),
    ],
)
def test_who_asks_for_the_subject_or_for_whom_the_subject_acts_on(
    question: str, asks_object: bool
) -> None:
    assert read_question(question).asks_object is asks_object


def test_who_is_the_name_in_the_clause_that_says_what_the_question_asks(app: App) -> None:
    # "Biden's first phone call … was to Prime Minister Trudeau, and Secretary Blinken's first
    # call as Secretary of State was to Foreign Minister Garneau"
    for asked, name in (
        ("Who did Secretary Blinken call first?", "Garneau"),
        ("Who was Secretary Blinken's first call as Secretary of State?", "Garneau"),
        # the office's holder named by surname only: the question does not ask for him
        ("Who was Blinken's first call as Secretary of State?", "Garneau"),
        ("Who did President Biden call first?", "Trudeau"),
    ):
        answer = app.engine.ask(asked)
        assert answer.answer.split(":")[0].endswith(name), answer.answer


def test_who_is_met_is_never_the_one_who_meets(app: App) -> None:
    answer = app.engine.ask("Who will the Secretary of State meet during his visit?")
    assert not answer.answer.startswith(("Secretary Blinken", "Blinken")), answer.answer
    assert "Trudeau" in answer.answer.split(":")[0], answer.answer


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        (
            "It stands with Canada on the detentions of Canadian citizens Spavor and Kovrig.",
            "Canadian",
        ),
        ("It calls for the release of Canada's citizens.", "Canada"),
        ("It calls for the release of the citizens of Canada.", "Canada"),
        ("It calls for the release of the detained citizens.", None),
    ],
)
def test_whose_a_thing_is_is_read_from_its_own_phrase(sentence: str, found: str | None) -> None:
    assert owner(sentence, "citizen") == found


def test_which_countrys_citizens_names_the_country_of_the_citizens(app: App) -> None:
    assert read_question("Which country's citizens are detained by Beijing?").owned == "citizen"
    answer = app.engine.ask("Which country's citizens are detained by Beijing?")
    assert answer.answer.startswith("Canadian: "), answer.answer


def test_an_amount_asked_per_period_is_read_from_a_sentence_counting_over_that_period(
    app: App,
) -> None:
    daily = app.engine.ask("How much is the daily trade between the two countries?")
    assert "every day" in daily.answer and "$725" not in daily.answer, daily.answer
    yearly = app.engine.ask("What is the total value of bilateral trade each year?")
    assert "$725 billion" in yearly.answer and "every day" not in yearly.answer, yearly.answer


def test_an_amount_over_another_period_is_a_near_miss(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Harbour notes\n\nThe harbour handles cargo worth $4 million every day."
    app = folder_app(fake_env, monkeypatch, "cargo", {"harbour.txt": text})
    answer = app.engine.ask("What is the value of the cargo the harbour handles each year?")
    assert answer.refused and "each year" in answer.answer and "$4 million" in answer.answer


def test_whether_a_document_mentions_a_thing_is_decided_by_reading_the_folder(app: App) -> None:
    """No chunk of the document asked about says it: No, and the document that does say it,
    quoted; asked in the passive, the same."""
    wto = app.engine.ask("Does the State Department document mention the WTO?")
    assert not wto.refused and wto.answer.startswith("No."), wto.answer
    assert "Neighbors, Friends, and Allies” does not mention “WTO”" in wto.answer
    assert [c.source for c in wto.citations] == ["data/002_ec2a0a35004d6a3e.txt"]
    assert "Five Eyes" in wto.citations[0].quote
    mexico = app.engine.ask("Is Mexico mentioned in the documents?")
    assert mexico.answer.startswith("Yes.") and mexico.citations, mexico.answer
    assert all("Mexico" in c.quote for c in mexico.citations), mexico.answer  # only those
    # "both documents": No when one of them does not, naming it and quoting the other
    beijing = app.engine.ask("Do all the documents mention Beijing?")
    assert beijing.answer.startswith("No. “FACT SHEET: The United States-Canada Partnership”")
    assert "Beijing is now challenging" in beijing.citations[0].quote
    # Yes when each does, quoting each document's sentence that says it
    norad = app.engine.ask("Do both documents mention NORAD?")
    assert norad.answer.startswith("Yes. Both documents mention “NORAD”"), norad.answer
    assert {c.source for c in norad.citations} == {
        "data/000_8e8d18d6546258b1.txt",
        "data/002_ec2a0a35004d6a3e.txt",
    }
    assert all("NORAD" in c.quote for c in norad.citations), norad.answer


def test_what_a_named_source_says_comes_from_that_document(app: App) -> None:
    state, white = "data/000_8e8d18d6546258b1.txt", "data/002_ec2a0a35004d6a3e.txt"
    said = app.engine.ask("What does the State Department say about climate change?")
    assert not said.refused and {c.source for c in said.citations} == {state}, said.answer
    history = [Turn("What does the State Department say about climate change?", said.answer)]
    other = app.engine.ask("And the White House?", history)  # the same asked of another
    assert not other.refused and {c.source for c in other.citations} == {white}, other.answer
    assert "Climate" in other.answer


def test_whether_the_documents_agree_is_answered_with_what_each_says(app: App) -> None:
    answer = app.engine.ask("Do the two documents agree on the daily trade figure?")
    assert not answer.refused, answer.answer
    assert len({c.source for c in answer.citations}) == 2, answer.answer
    assert "$2 billion every day" in answer.answer


@pytest.mark.parametrize(
    ("asked", "said", "quoted", "kept", "fact"),
    [
        # a year the sentence contradicts is not given by the document's date (2021)
        (
            "What did the US and Canada trade in 2021?",
            "does not mention “2021”",
            "$725 billion in 2019",
            "How much did the US and Canada trade in 2019?",
            "$725 billion",
        ),
        # a sentence that says the opposite of a word of the question
        (
            "When did the High-Level Policy Review Group first meet?",
            "They give the last, not the first",
            "February 2020",
            "When did the High-Level Policy Review Group last meet?",
            "February 2020",
        ),
    ],
)
def test_a_near_miss_is_refused_quoting_the_nearest_passage(
    app: App, asked: str, said: str, quoted: str, kept: str, fact: str
) -> None:
    answer = app.engine.ask(asked)
    assert answer.refused and said in answer.answer, answer.answer
    assert quoted in answer.answer  # the nearest passage, quoted
    answered = app.engine.ask(kept)  # the question it nearly is
    assert not answered.refused and fact in answered.answer


def test_a_single_fact_of_a_kind_needs_a_sentence_about_the_question(app: App) -> None:
    """ "by 2050" is in the sentence after the one naming the Climate Ministerial: a year, but
    not when it meets."""
    answer = app.engine.ask("When will the Climate Ministerial meet?")
    assert answer.refused and "2050" not in answer.answer.split("“")[0], answer.answer
    kept = app.engine.ask("When did Biden meet Trudeau?")
    assert not kept.refused and "February 23" in kept.answer
    first = "How much were the goods and services traded between the two countries worth?"
    history = [Turn(first, app.engine.ask(first).answer)]
    year = app.engine.ask("In which year was that?", history)  # the conversation's words
    assert not year.refused and "2019" in year.answer, year.answer


def test_who_a_question_ends_on_a_preposition_of_is_the_name_after_it(app: App) -> None:
    stands = app.engine.ask("Who does the United States stand with?")
    assert stands.answer.startswith("Canada: "), stands.answer
    meets = app.engine.ask("Who will Blinken meet with?")
    assert meets.answer.startswith("Prime Minister Trudeau and Foreign Minister Garneau: ")


def test_a_question_about_the_folder_lists_its_documents(app: App) -> None:
    for question in (
        "How many documents are there?",
        "What are the titles of the documents?",
        "Which documents do you have?",
        "List the documents.",
        "What are the documents?",
        "What is the title of the documents?",
    ):
        answer = app.engine.ask(question)
        assert not answer.refused and answer.answer.startswith("2 documents are indexed:")
        listed = "**FACT SHEET: The United States-Canada Partnership**, dated 2021-02-23."
        assert listed in answer.answer, answer.answer
        quoted = [c.quote.strip("“”")[:30] for c in answer.citations]  # its opening sentence
        assert len(quoted) == 2 and all(q in answer.answer for q in quoted), answer.answer
    about = app.engine.ask("What are the documents about?")  # a summary of them, not a list
    assert "indexed" not in about.answer and len(about.citations) >= 4
    dated = app.engine.ask("When was the White House fact sheet published?")  # its metadata
    assert dated.answer.startswith("“FACT SHEET: The United States-Canada Partnership” is dated")
    assert "2021-02-23" in dated.answer and len(dated.citations) == 1
    lined = app.engine.ask("When was the State Department document published?")  # dateline
    assert "is dated 2021-02-26" in lined.answer, lined.answer
    for asked, title in (  # one document's title, by its source or its kind
        ("What is the title of the White House document?", "FACT SHEET: The United States-"),
        ("What's the name of the State Department fact sheet?", "The United States and Canada:"),
    ):
        titled = app.engine.ask(asked)
        assert titled.answer.startswith(f"The document is titled “{title}"), titled.answer
        assert len(titled.citations) == 1 and not titled.refused
    for asked in ("Who published the fact sheet?", "Who published the second document?"):
        site = app.engine.ask(asked)  # by its web address
        assert site.answer.startswith(
            "“FACT SHEET: The United States-Canada Partnership” was published at whitehouse.gov"
        ), site.answer
        assert len(site.citations) == 1 and not site.refused
    undated = app.engine.ask("When was the third document published?")  # there are two
    assert "dated" not in undated.answer, undated.answer
    # no web address: the byline at its head, never another document's address
    unknown = app.engine.ask("Who published the first document?")
    assert unknown.answer.startswith(
        "“The United States and Canada: Neighbors, Friends, and Allies” is from Office of the "
        "Spokesperson, by the byline at its head"
    ), unknown.answer
    assert [c.quote for c in unknown.citations] == ["Office of the Spokesperson"]
    first = app.engine.ask("Which document was published first?")
    assert first.answer.startswith("“FACT SHEET: The United States-Canada Partnership”, dated")
    assert "is the earliest [1]; then “The United States and Canada" in first.answer
    latest = app.engine.ask("Which of the documents is the most recent?")
    assert latest.answer.startswith("“The United States and Canada: Neighbors"), latest.answer
    assert "2021-02-26, is the latest [1]" in latest.answer
    assert [c.source for c in latest.citations] == [
        "data/000_8e8d18d6546258b1.txt",
        "data/002_ec2a0a35004d6a3e.txt",
    ]
    counted = app.engine.ask("How many documents mention NORAD?")  # each, with its sentence
    assert {c.source for c in counted.citations} == {
        "data/000_8e8d18d6546258b1.txt",
        "data/002_ec2a0a35004d6a3e.txt",
    }, counted.answer


def test_a_number_of_facts_asked_is_a_summary_of_that_many_sentences(app: App) -> None:
    read = read_question("Give me three facts about NORAD.")
    assert read.shape == "summary" and read.length == 3 and not read.topic and not read.numbers
    answer = app.engine.ask("Give me three facts about NORAD.")
    assert len(re.findall(r"\[\d+\]", answer.answer)) == 3 and "NORAD" in answer.answer


def test_a_manner_the_evidence_excludes_is_answered_no(app: App) -> None:
    """ "in person" of a "virtual" meeting: No, with the sentence that says so."""
    met = app.engine.ask("Did Biden and Trudeau meet in person?")
    assert met.answer.startswith("No. ") and "virtual" in met.answer, met.answer
    visits = app.engine.ask("Will Blinken visit Canada virtually?")
    assert visits.answer.startswith("Yes. "), visits.answer
    # asked of a fact, the sentence of the other manner does not answer it
    when = app.engine.ask("When did Biden meet Trudeau in person?")
    assert when.refused and "does not mention “in person”" in when.answer, when.answer
    held = app.engine.ask("When did Biden meet Trudeau virtually?")
    assert not held.refused and "February 23" in held.answer, held.answer


@pytest.mark.parametrize(
    ("asked", "word"),
    [
        ("Was the meeting virtual?", "Yes. "),  # refused by the MiniLM-fitted gate before
        ("Did Biden meet Trudeau face to face?", "No. "),  # "face" is in no document
    ],
)
def test_a_manner_the_evidence_states_decides_the_question(app: App, asked: str, word: str) -> None:
    answer = app.engine.ask(asked)
    assert answer.answer.startswith(word) and "virtual" in answer.answer, answer.answer


def test_a_summary_about_a_name_gathers_what_is_said_of_that_name(app: App) -> None:
    """ "… about NATO?" of a question that also names Biden and Trudeau: sentences that name
    NATO, not every sentence naming the leaders (the first-call sentence led before)."""
    asked = "What did Biden and Trudeau agree on about NATO?"
    assert read_question(asked).units == (("NATO",),)
    answer = app.engine.ask(asked)
    assert not answer.refused and answer.citations, answer.answer
    assert all("NATO" in c.quote for c in answer.citations), answer.answer
    climate = "What did Biden and Trudeau agree on about climate change?"
    first = app.engine.ask(climate)
    again = app.engine.ask("What about NATO?", [Turn(climate, first.answer)])
    assert all("NATO" in c.quote for c in again.citations), again.answer


@pytest.mark.parametrize(
    ("asked", "follow_up", "source"),
    [
        ("Who will Blinken meet?", "Which document says that?", "000_8e8d18d6546258b1"),
        ("What is the top priority of the President and the Prime Minister?",
         "Where does it say that?", "002_ec2a0a35004d6a3e"),
        # after a refusal: the document of the passage it quoted
        ("How long is the maritime border?", "What is the source?", "000_8e8d18d6546258b1"),
    ],
)  # fmt: skip
def test_which_document_says_that_names_the_source_of_the_last_answer(
    app: App, asked: str, follow_up: str, source: str
) -> None:
    first = app.engine.ask(asked)
    quoted = first.citations[0].quote.replace("*", "").strip("“”")[:40]
    answer = app.engine.ask(follow_up, [Turn(asked, first.answer)])
    assert answer.answer.startswith("**") and quoted in answer.answer, (first.answer, answer.answer)
    assert {c.source for c in answer.citations} == {f"data/{source}.txt"}, answer.answer


def test_an_ellipsis_asks_the_previous_question_of_its_new_phrase(app: App) -> None:
    asked = "What did Biden and Trudeau agree on about COVID-19?"
    first = app.engine.ask(asked)
    arctic = app.engine.ask("And about the Arctic?", [Turn(asked, first.answer)])
    assert not arctic.refused and "Arctic" in arctic.citations[0].quote, arctic.answer


def test_a_name_the_document_wraps_is_answered_on_one_line(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Harbour plans\n\nThrough the plan, Mayor Alma Reyes\nand Governor Tom Okafor will launch "
        "a Harbour Council to align port policies."
    )
    app = folder_app(fake_env, monkeypatch, "wrapped", {"plan.txt": text})
    answer = app.engine.ask("Who will launch the Harbour Council?")
    assert answer.answer.startswith("Mayor Alma Reyes and Governor Tom Okafor: "), answer.answer


def test_evidence_is_measured_against_the_question_without_where_it_says_to_look() -> None:
    """ "… named in the fact sheet?": the fact sheet is where to look, not what a sentence
    must be like (its words cost MiniLM's fitted gate the answer)."""
    asked: list[str] = []

    class Recording(HashingEmbeddings):
        def embed_query(self, text: str) -> list[float]:
            asked.append(text)
            return super().embed_query(text)

    passage = Passage(
        chunk_id="c1", source="sheet.txt", title="Fact sheet", start=0, end=60, score=1.0,
        text="The Roadmap supports the World Health Organization and NATO.",
    )  # fmt: skip
    for question, content in (
        ("Which organizations are named in the fact sheet?", "Which organizations are named?"),
        ("Which organizations does the fact sheet mention?", "Which organizations?"),
        ("What was given in exchange for signing the document?", None),  # the document is asked of
    ):
        read = read_question(question)
        assert read.content == (content or "")
        asked.clear()
        EvidenceJudge(Recording()).judge(read, [passage])
        assert asked[0] == (content or question)


def test_how_many_items_a_list_has_is_counted_from_its_items(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Town plan\n\nThe plan was agreed in March. The plan will prioritize:\n\n"
        "- **Clean water**: The council will fund new pipes for every district.\n"
        "- **Safer roads**: The council will light every crossing by winter.\n"
        "- **Night buses**: The council will run buses until two in the morning.\n\n"
        "The mayor thanked the residents for their letters."
    )
    app = folder_app(fake_env, monkeypatch, "plan", {"plan.txt": text})
    app.engine.judge.model = None  # the counting, not the fitted gate's bag-of-words borderline
    answer = app.engine.ask("How many priorities does the plan list?")
    assert answer.answer.startswith("Three. The plan will prioritize: [1]"), answer.answer
    assert all(item in answer.answer for item in ("pipes", "crossing", "buses")), answer.answer
    # not counted: a list of something else than what is asked
    assert not app.engine.ask("How many districts does the plan list?").answer.startswith("Three")
    # asked for another number of items than the list gives: how many it gives, then the list
    other = app.engine.ask("What are the four priorities of the plan?")
    assert other.answer.startswith("Three, not four. The plan will prioritize:"), other.answer
    assert all(item in other.answer for item in ("pipes", "crossing", "buses")), other.answer
    same = app.engine.ask("What are the three priorities of the plan?")
    assert same.answer.startswith("The plan will prioritize:"), same.answer


def test_which_countries_are_mentioned_lists_each_country_once_with_its_sentence(
    app: App,
) -> None:
    read = read_question("Which countries are named in the fact sheet?")
    assert read.kind_label == "GPE" and not read.topic
    assert read_question("What other companies were named in the suit?").kind_label is None
    answer = app.engine.ask("Which countries are mentioned in the documents?")
    lines = answer.answer.splitlines()
    named = [n for line in lines for n in line[2 : line.index(": ")].split(" and ")]
    assert len(named) == len(set(named)) and {"Canada", "Mexico"} <= set(named), named
    assert len({"U.S.", "US", "United States"} & set(named)) == 1, named  # one of its names
    assert not {"G7", "G20"} & set(named), named


@pytest.mark.parametrize(
    "question",
    [
        "List every date mentioned in the documents.",
        "Which dates are mentioned?",
        "What dates do the documents give?",
        "Name all the dates.",
    ],
)
def test_the_dates_of_the_folder_are_asked_in_many_ways(question: str) -> None:
    read = read_question(question)
    assert read.kind_label == "DATE" and not read.topic and read.reads_folder, read


def test_a_list_of_dates_reads_every_document_and_gives_no_lengths_of_time(app: App) -> None:
    answer = app.engine.ask("List every date mentioned in the documents.")
    named = [line[2 : line.index(": ")] for line in answer.answer.splitlines()]
    # from both documents, wherever a search would rank them
    assert {"January 26, 2021", "February 23", "2014", "2050"} <= set(named), named
    assert not [n for n in named if n.endswith("years")], named  # "60 years" is no date
    countries = app.engine.ask("List the countries mentioned.")
    assert "U.S.-Canada" not in countries.answer and "Mexico" in countries.answer, countries.answer


def test_who_is_quoted_lists_the_people_a_quotation_is_attributed_to(app: App) -> None:
    quoted = app.engine.ask("Who is quoted in the State Department document?")
    assert quoted.answer.startswith("- Antony J. Blinken: “Canada is one"), quoted.answer
    assert len(quoted.answer.splitlines()) == 1, quoted.answer  # not everyone it names
    assert read_question("Who is quoted?").quoted  # however it ends
    assert app.engine.ask("Who is quoted in the fact sheet?").refused  # it quotes no one


def test_a_document_named_by_its_place_in_the_folder_is_the_one_read(app: App) -> None:
    """In the order the folder lists them ("How many documents are there?"): by path."""
    read = read_question("Summarize the last document.")
    assert read.document_rank == -1 and read.of_documents and not read.qualifiers, read
    second = app.engine.ask("Summarize the second document.")
    assert {c.source for c in second.citations} == {"data/002_ec2a0a35004d6a3e.txt"}, second
    first = app.engine.ask("What is the first document about?")
    assert {c.source for c in first.citations} == {"data/000_8e8d18d6546258b1.txt"}, first
    assert app.engine.ask("Summarize the third document.").refused  # there are two


def test_the_contrary_of_what_the_evidence_says_is_answered_no(app: App) -> None:
    closed = app.engine.ask("Is the shared border closed to essential travel?")
    assert closed.answer.startswith("No. ") and "open to essential travel" in closed.answer
    opened = app.engine.ask("Is the shared border open to essential travel?")
    assert opened.answer.startswith("Yes. "), opened.answer


def test_a_negated_word_the_evidence_does_not_say_is_a_near_miss(app: App) -> None:
    """The sentence speaks of essential travel: it does not decide non-essential travel."""
    answer = app.engine.ask("Is the border open to non-essential travel?")
    assert answer.refused and not answer.answer.startswith("Yes"), answer.answer
    assert "They give the essential travel, not the non-essential travel" in answer.answer


def test_a_month_and_year_the_sentence_contradicts_are_not_excused_by_the_documents_date(
    app: App,
) -> None:
    """The State Department document is dated February 2021 (its dateline); the sentence
    says the group last met in February 2020: it does not say it met in February 2021."""
    answer = app.engine.ask("Was the High-Level Policy Review Group meeting in February 2021?")
    assert answer.refused and "“2021”" in answer.answer, answer.answer
    met = app.engine.ask("Did the High-Level Policy Review Group last meet in February 2020?")
    assert met.answer.startswith("Yes. "), met.answer


def test_what_one_document_named_by_its_kind_says_comes_from_it_alone(app: App) -> None:
    answer = app.engine.ask("What does the fact sheet say about Mexico?")
    assert not answer.refused and "Mexico" in answer.answer, answer.answer
    assert {c.source for c in answer.citations} == {"data/002_ec2a0a35004d6a3e.txt"}
    assert read_question("What does the fact sheet say about Mexico?").of_one_kind
    assert not read_question("What do the documents say about Mexico?").of_one_kind


def test_a_follow_up_naming_another_document_asks_the_same_of_it(app: App) -> None:
    asked = "What does the fact sheet say about Mexico?"
    first = app.engine.ask(asked)
    other = app.engine.ask("And the State Department document?", [Turn(asked, first.answer)])
    assert {c.source for c in other.citations} == {"data/000_8e8d18d6546258b1.txt"}, other.answer
    chain = [Turn("What does the State Department say about climate change?", "…")]
    chain.append(Turn("And the White House?", "…"))
    sheet = read_question("And the fact sheet?", chain)  # the White House swapped, not kept
    assert sheet.resolved == "What does the fact sheet say about climate change?"
    assert "house" not in sheet.topic


BAND = (
    "Band\n\nDestiny's Child was an American girl group formed in Houston in 1990. Its members "
    "were Beyoncé Knowles, Kelly Rowland and Michelle Williams, and their records sold more "
    "than sixty million copies worldwide over the following decade and a half. Critics "
    "praised their harmonies, their choreography and the songs they wrote themselves, and "
    "several of their singles topped the charts in the United States and in Europe.\n\n"
    "The group released a compilation album on October 25, 2005, and accepted a star on the "
    "Hollywood Walk of Fame in March 2006. Its tour buses crossed the border between the "
    "United States and Canada 19 times.\n\nIn its last year the trio toured Mexico, Brazil "
    "and Argentina, playing to stadium crowds in Mexico City, São Paulo and Buenos Aires. The "
    "shows sold out within hours, and the three singers announced their separation on the "
    "final night of the tour, telling the audience that each of them would now record alone "
    "while remaining friends, and that the group might one day return to the stage together."
)


def test_a_name_another_passage_of_the_document_gives_counts_unless_it_is_a_place(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = folder_app(fake_env, monkeypatch, "band", {"band.txt": BAND})
    app.engine.judge.model = None  # the logic is tested, not the fitted model
    chunks = [d.page_content for d in app.engine.retriever.everything(10)]
    assert len(chunks) > 1 and not any("Destiny" in c and "Walk of Fame" in c for c in chunks)
    answer = app.engine.ask("When did Destiny's Child get a star on the Hollywood Walk of Fame?")
    assert not answer.refused and "March 2006" in answer.answer, answer.answer
    # the document names Mexico, but not as the border its passage speaks of
    asked = "How many times did the tour buses cross the US-{} border?"
    assert app.engine.ask(asked.format("Mexico")).refused
    assert "19 times" in app.engine.ask(asked.format("Canada")).answer


def test_what_a_name_involves_or_the_role_it_plays_is_what_is_said_of_it() -> None:
    involve = read_question("What does Building Back Better involve?")
    assert involve.shape == "summary" and not involve.topic
    role = read_question("What role does NORAD play in continental defense?")
    assert role.topic == terms("continental defense"), role.topic
    # without a name or other words, the frame is all there is to search for
    assert read_question("What role does it play?").topic == terms("role play")


def test_a_clause_of_a_long_sentence_is_measured_on_its_own() -> None:
    judge = EvidenceJudge(HashingEmbeddings())
    question = read_question("Which forum will be reestablished?")
    long = (
        "The leaders will agree to expand cooperation on continental defense and in the "
        "Arctic, including by modernizing the aerospace command, as well as enhancing law "
        "enforcement collaboration by reestablishing the Cross-Border Crime Forum."
    )
    vectors = np.asarray(judge.embeddings.embed_documents([question.query, long]))
    whole = float(vectors[0] @ vectors[1] / np.linalg.norm(vectors, axis=1).prod())
    sentence = Sentence(1, 0, len(long), long, similarity=whole)
    clause = judge._clause_similarity(question, sentence)
    assert clause > whole + 0.1, (clause, whole)  # "… reestablishing the … Forum" alone
    short = Sentence(1, 0, 20, "The Forum met twice.", similarity=0.3)
    assert judge._clause_similarity(question, short) == 0.3  # one clause: the sentence's own


def test_a_count_before_the_thing_asked_for_is_no_part_of_it() -> None:
    two = read_question("Which two leaders announced the Roadmap?")
    assert (two.shape, two.answer_type, two.focus) == ("list", "person", "leader")
    assert read_question("What three composers influenced Chopin?").focus == "compos"
    assert read_question("Which 2015 film won?").focus is None  # a year is no count
    # a plural name asked about with "the" is what is said of it, not a list of people
    eyes = read_question("Who are the Five Eyes?")
    assert eyes.shape == "fact" and eyes.answer_type is None and not eyes.topic
    assert read_question("Who are the leaders?").answer_type == "person"


def test_which_items_of_a_list_say_a_thing_are_those_items_each_cited(minilm_app: App) -> None:
    nato = minilm_app.engine.ask("Which priorities of the Roadmap involve NATO?")
    assert not nato.refused, nato.answer
    lines = nato.answer.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "- Bolstering Security and Defense",
        "- Building Global Alliances",
    ], nato.answer
    assert [c.n for c in nato.citations] == [1, 2], nato.answer
    assert all("NATO" in c.quote for c in nato.citations), nato.citations
    assert nato.question == "Which priorities of the Roadmap involve NATO?"


def test_a_bare_list_question_finds_the_list_its_documents_introduce(minilm_app: App) -> None:
    # the introducing sentence ranks fifth for "What are the priorities?": still read as one
    listed = minilm_app.engine.ask("What are the priorities?")
    lines = listed.answer.splitlines()
    assert lines[0].endswith("which will prioritize: [1]"), listed.answer
    assert len(lines) == 7 and lines[1].startswith("- Combating COVID-19:"), listed.answer
    climate = minilm_app.engine.ask("Which priorities deal with the climate?")
    assert climate.answer.startswith("- Accelerating Climate Ambitions:"), climate.answer
    assert len(climate.answer.splitlines()) == 1, climate.answer


def test_an_acronym_asked_about_is_answered_by_the_sentence_that_spells_it_out(
    minilm_app: App,
) -> None:
    for question in (
        "What is the full name of NORAD?",
        "What does NORAD stand for?",
        "What is NORAD short for?",  # one fact, not what is said of NORAD
    ):
        spelt = minilm_app.engine.ask(question)
        assert not spelt.refused, (question, spelt.answer)
        assert "North American Aerospace Defense Command (NORAD)" in spelt.answer, spelt.answer
        assert len(spelt.citations) == 1, spelt.answer
    usmca = minilm_app.engine.ask("What does USMCA stand for?")
    assert "United States-Mexico-Canada Agreement (USMCA)" in usmca.answer, usmca.answer
    who = minilm_app.engine.ask("What does WHO stand for?")  # not the question word "who"
    assert "World Health Organization (WHO)" in who.answer, who.answer
    # the documents name the WTO but never spell it out: no sentence naming it is the answer
    wto = minilm_app.engine.ask("What is the full name of the WTO?")
    assert wto.refused, wto.answer


@pytest.mark.parametrize(
    ("head", "line"),
    [
        (
            "02/26/2021 03:12 PM EST\n\nOffice of the Spokesperson\n\n“Canada is …”",
            "Office of the Spokesperson",
        ),
        ("By Jane Doe\nThe council met.", "By Jane Doe"),
        ("*The United States and Canada share a unique bond. As friends,\nneighbors", None),
        ("Background\nThe council met.", None),  # one word: a heading
        ("WASHINGTON (Reuters) - The council met.", None),
        ("a\nb\nc\nd\nOffice of the Spokesperson", None),  # not among the first lines
    ],
)
def test_a_byline_is_a_short_capitalised_line_at_the_head(head: str, line: str | None) -> None:
    assert byline(head) == line
