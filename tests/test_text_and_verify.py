import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.answer import Citation, Passage
from assistant.text import (
    answer_type,
    antonymous,
    changed_counts,
    changed_months,
    changed_polarity,
    contradicted,
    holds_office,
    mentions,
    names,
    negated,
    numbers,
    offices,
    prose,
    said_otherwise,
    satisfies,
    split_sentences,
)
from assistant.verify import Verified, renumbered, verify

BORDER = (
    "• The United States and Canada share the world’s longest land border –5,525 miles – and "
    "its 120 land ports-of-entry.\n  • NORAD is the crown jewel of U.S.-Canada defense "
    "cooperation. After 60 years, NORAD remains the only binational military command."
)
FAKE = DeterministicFakeEmbedding(size=16)
WRAPPED = (
    "Finally, the leaders will agree to work towards reviving the North\nAmerican Leaders’ Summit."
)


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
        for i, t in enumerate([BORDER, WRAPPED], 1)
    ]


def _passage(text: str) -> Passage:
    """The first of the passages above, holding this text instead."""
    return _passages()[0].model_copy(update={"text": text, "end": len(text)})


def _verified(answer: str, passages: list[Passage] | None = None) -> Verified:
    """The answer verified against these passages (the two above by default)."""
    return verify(answer, _passages() if passages is None else passages, FAKE)


def test_an_office_is_named_by_its_portfolio() -> None:
    assert offices("Who is Canada's Minister of Health?") == {"health": "Minister of Health"}
    assert offices("who is the secretary of defense?") == {"defense": "secretary of defense"}
    assert offices("What did the Foreign Minister say?") == {"foreign": "Foreign Minister"}
    assert offices("Who is the Prime Minister?") == {}  # a rank, not a portfolio
    # a word in lower case before a title that opens a name is no portfolio of it
    assert offices("Name the Canadian officials Secretary Blinken will meet.") == {}
    assert offices("Who is the health minister?") == {"health": "health minister"}
    text = "They met Foreign Minister Garneau to discuss global health security."
    assert holds_office(text, "foreign") and not holds_office(text, "health")
    assert holds_office("the Minister of Foreign Affairs", "foreign")


def test_a_quotation_and_the_line_naming_its_speaker_are_one_sentence() -> None:
    text = (
        "Office of the Spokesperson\n\n“Canada is one of our closest allies.”\n\n"
        "– U.S. Secretary of State Antony J. Blinken, January 26, 2021\n\nHe will visit."
    )
    found = split_sentences(text)
    assert found[1].startswith("“Canada") and found[1].endswith("January 26, 2021")
    assert found[2] == "He will visit."
    # a dash line under a sentence that is not a quotation stays its own item
    assert len(split_sentences("We agree.\n\n– the second item here")) == 2


def test_sentences_follow_bullets_and_join_wrapped_lines() -> None:
    assert split_sentences(BORDER)[0].startswith("The United States")
    assert (
        split_sentences(BORDER)[1] == "NORAD is the crown jewel of U.S.-Canada defense cooperation."
    )
    assert split_sentences(WRAPPED) == [WRAPPED]
    assert split_sentences("It is 5,525 miles. [1] NORAD is 60. [2]") == [
        "It is 5,525 miles. [1]",
        "NORAD is 60. [2]",
    ]


def test_names_numbers_and_answer_types() -> None:
    assert names("How many ports are on the US-Mexico border?") == {"us", "mexico"}
    assert names("Who received President Biden's first call?") == {"president", "biden"}
    # an acronym spelt like a question word is a name, unless the whole question is in capitals
    assert names("What does WHO stand for?") == {"who"}
    assert names("WHO IS THE PRESIDENT?") == {"president"}
    assert numbers("It is 5,525 miles, not COVID-19.") == {"5525"}
    assert mentions("the United States and Canada", "us")
    assert answer_type("How old is it?") == "duration"


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("the thirty-fourth film", {"34"}),
        ("over fifteen hundred extras", {"1500"}),
        ("one hundred and fifty men, 1,500 women", {"150", "1500"}),
        ("filming took seven months", {"7"}),
        ("$1.5 million, 20 thousand people", {"1.5", "20"}),  # the scale of a figure
        ("one of the two leaders met first", set()),  # too often no number
        ("thousands of songs, a third of the budget, one fifth", set()),  # no amount
        ("a third country, her fifth album", set()),  # a small rank is often an idiom
        ("the eleventh hour", {"11"}),
    ],
)
def test_numbers_written_in_words_are_stated_in_figures(text: str, stated: set[str]) -> None:
    assert numbers(text, ranks=False) == stated


def test_a_small_rank_in_words_is_stated_but_need_not_be() -> None:
    assert numbers("the sixth most hits") == {"6"}  # what a sentence states
    assert numbers("Which third country is part of it?", ranks=False) == set()  # asked


def test_a_count_month_or_negation_the_sentence_changes_is_found() -> None:
    came = "Smith said the song came together in one session."
    assert changed_counts("Who said the song came together in two sessions?", came) == ["2"]
    assert changed_counts("Who said the song came together in one session?", came) == []
    theme = "It became the first Bond theme to reach number one."
    assert changed_counts("What became the second Bond theme to chart?", theme) == ["2nd"]
    # a rank is no count, a year no count, the count of the items asked for is no detail
    assert changed_counts("Who directed two Bond films in a row?", "his second Bond film") == []
    assert changed_counts("Who won the 2012 presidential race?", "the first presidential") == []
    assert changed_counts("Which two films won?", "the one film that won", ["2"]) == []
    # a number the sentence states elsewhere is not changed: the numbers rule sees it said
    assert changed_counts("Who gave the other 30 jets?", "90 jets, of which 30 were …") == []

    sold = "Apple announced the sale of videos on October 12, 2005."
    assert changed_months("What was announced in September 2005?", sold) == ["September"]
    assert changed_months("What was announced in October 2005?", sold) == []
    assert changed_months("What was announced in 2005?", sold) == []
    assert changed_months("May I ask what was announced in 2005?", "In March 2005 …") == []
    assert changed_months("Who led the March on Washington?", "In August 1963 …") == []
    assert changed_months("What opened in late May?", "It opened in late March.") == ["May"]

    used = "Satisfied with the quality, the demo was used in the final release."
    assert changed_polarity("What was not used in the final release?", used) == ["not used"]
    assert changed_polarity("What was used in the final release?", used) == []
    mendes = "Sam Mendes has stated he will not return to direct the next film."
    assert changed_polarity("Who will return to direct the next film?", mendes) == ["return"]
    assert changed_polarity("Who will not return to direct the next film?", mendes) == []
    # a negation the sentence words otherwise, a time something was done, a noun
    venues = "None of the Olympic venues were damaged."
    assert changed_polarity("What part of the area was not damaged?", venues) == []
    assert changed_polarity("When was it released?", "It was not released until May 7.") == []
    assert changed_polarity("What are the courts part of?", "agencies and not part of it") == []


def test_an_adjective_whose_antonym_the_sentence_says_of_the_same_word_is_found() -> None:
    opening = "Production moved to Mexico City to shoot the film's opening sequence."
    assert antonymous("Where was the closing sequence filmed?", opening) == [("closing", "opening")]
    assert antonymous("Where was the opening sequence filmed?", opening) == []
    # said of another word, or with the asked word said too: not a contrast
    assert antonymous("Where was the closing credits filmed?", opening) == []
    both = "The opening sequence and the closing sequence were shot in Rome."
    assert antonymous("Where was the closing sequence shot?", both) == []
    assert antonymous("Who underwent major surgery?", "He had minor surgery.") == [
        ("major", "minor")
    ]
    assert answer_type("In which year was it founded?") == "date"
    assert answer_type("How many ports are there?") == "count"
    assert answer_type("How much does it cost?") == "money"
    assert answer_type("What is NORAD's annual budget?") == "money"
    assert answer_type("What did the cost-cutting plan include?") is None
    assert answer_type("How much of the trade is energy?") == "amount"
    # an amount: a figure, a sum, a share, not a year or the day of a date
    assert satisfies("amount", "Our bilateral trade totals nearly $2 billion every day.")
    assert satisfies("amount", "It produced 22,700 L per day.")
    assert satisfies("amount", "about half")
    assert not satisfies("amount", "Forces in line with the 2014 Wales Defense Investment Pledge.")
    assert not satisfies("amount", "They met on February 23 to talk about defense spending.")
    assert satisfies("number", "Forces in line with the 2014 Wales Defense Investment Pledge.")
    assert answer_type("How much longer will it last?") != "amount"
    # a sum of money, not any number: "60 years" is no budget
    assert satisfies("money", "They traded goods worth $725 billion.")
    assert satisfies("money", "It cost 3 million euros.")
    assert not satisfies("money", "After 60 years, NORAD remains the only binational command.")
    assert answer_type("What percentage of Canada's exports go to the United States?") == "percent"
    assert satisfies("percent", "It is 75% of them.") and satisfies("percent", "about half")
    assert not satisfies("percent", "They traded goods worth $725 billion in 2019.")
    assert answer_type("How long is the land border?") == "length"
    # a count is not a span of time, a year or the day of a date; a length has its unit
    assert satisfies("count", "It has 120 land ports-of-entry.")
    assert satisfies("count", "Two countries signed it.")
    for no_count in ("After 60 years, NORAD remains.", "A 60-year partnership.", "In 2019."):
        assert not satisfies("count", no_count)
    assert not satisfies("count", "He visits on February 26.")
    assert not satisfies("count", "He visits on 26 Feb. 2021.")
    assert satisfies("number", "One ship sails.") and not satisfies("number", "A ship sails.")
    assert satisfies("length", "The land border is 5,525 miles long.")
    assert not satisfies("length", "The border and its 120 land ports-of-entry are 120.")
    assert prose("NORAD is 60 years old.") and prose("北美防空司令部")  # a script without case
    assert not prose("02/26/2021 03:12 PM EST") and not prose("COMMON BORDER, VALUES")
    assert not prose("2021 – 5,525")
    assert satisfies("duration", "After 60 years") and not satisfies(
        "duration", "our two countries"
    )


def test_verify_keeps_supported_sentences_and_removes_the_rest() -> None:
    verified = _verified(
        "The land border is 5,525 miles long [1]. The border is guarded by 900 rangers [1]."
    )
    assert verified.text == "The land border is 5,525 miles long. [1]"
    assert verified.unsupported == ["The border is guarded by 900 rangers."]
    [cite] = verified.citations
    assert cite.supported and "5,525 miles" in cite.quote and cite.quote in cite.text


def test_verify_drops_a_question_the_model_writes() -> None:
    verified = _verified(
        "The land border is 5,525 miles long [1]. Question: How long is the land border? [1]"
    )
    assert verified.text == "The land border is 5,525 miles long. [1]"
    assert verified.unsupported == ["Question: How long is the land border?"]


def test_verify_moves_a_wrong_citation_to_the_supporting_passage() -> None:
    verified = _verified(
        "The leaders will work towards reviving the North American Leaders’ Summit [1]."
    )
    assert verified.text.endswith("[2]") and verified.citations[0].n == 2


def test_verify_rejects_names_the_passage_never_mentions() -> None:
    verified = _verified("The land border with Mexico is 5,525 miles [1].")
    assert verified.text == "" and verified.citations == []


def test_verify_needs_a_name_of_several_words_as_one_phrase() -> None:
    visit = "Secretary Blinken will meet Prime Minister Trudeau and Foreign Minister Garneau."
    passage = _passage(visit)
    kept = _verified("Secretary Blinken will meet Foreign Minister Garneau [1].", [passage])
    assert kept.text == "Secretary Blinken will meet Foreign Minister Garneau. [1]"
    # every word is in the passage, but nobody there is "Foreign Minister Blinken"
    wrong = _verified("Foreign Minister Blinken will meet Prime Minister Trudeau [1].", [passage])
    assert wrong.text == "" and wrong.unsupported


def test_verify_needs_a_name_written_with_its_capitals() -> None:
    forum = "They will reestablish the Cross-Border Crime Forum to enhance law enforcement work."
    passage = _passage(forum)
    kept = _verified("They will reestablish the Cross-Border Crime Forum [1].", [passage])
    assert kept.text == "They will reestablish the Cross-Border Crime Forum. [1]"
    # the passage's words in lower case are no name: the model made one of them
    made = _verified("The Forum will enhance Law Enforcement Work [1].", [passage])
    assert made.text == "" and made.unsupported
    # a name's lower-case part stays lower case ("Golden Globe-nominated")
    globe = "She gave a Golden Globe-nominated performance in Dreamgirls."
    role = _passage(globe)
    assert _verified("She gave a Golden Globe-nominated performance [1].", [role]).text


def test_verify_needs_the_verb_a_claim_rests_on() -> None:
    said = "The leaders will agree to revive the North American Leaders’ Summit [1]."
    assert _verified(said).text.startswith("The leaders will agree")
    # the passage's words, but not what it says the leaders will do
    unsaid = "The leaders will abandon the North American Leaders’ Summit [1]."
    assert _verified(unsaid).text == ""


def test_verify_drops_a_sentence_that_adds_words_its_passage_never_says() -> None:
    roadmap = _passage(
        "The Roadmap will guide our two countries as we work hand-in-hand on shared areas of "
        "concern. These concerns include leading on climate change and advancing diversity."
    )
    light = "The Roadmap will guide the two countries on climate change and diversity [1]."
    assert _verified(light, [roadmap]).text  # the passage's words, said again
    # most of its words are the passage's, but "forging a common path" is the model's
    made = "The Roadmap will guide our two countries in forging a common path on climate [1]."
    assert _verified(made, [roadmap]).text == ""


def test_verify_drops_what_only_repeats_and_a_last_sentence_cut_off() -> None:
    again = _verified(
        "The land border is 5,525 miles long [1]. The land border is 5,525 miles long [1]."
    )
    assert again.text == "The land border is 5,525 miles long. [1]"
    looping = (
        "NORAD remains the only binational military command after 60 years, and NORAD remains "
        "the only binational military command after 60 years [1]."
    )
    assert _verified(looping).text == ""
    cut = _verified(
        "The land border is 5,525 miles long [1]. NORAD is the crown jewel of U.S.-Canada defense"
    )
    assert cut.text == "The land border is 5,525 miles long. [1]"
    assert cut.unsupported == ["NORAD is the crown jewel of U.S.-Canada defense"]
    # a sentence that says again eight words a kept one said, with one word changed
    reworded = _verified(
        "NORAD remains the only binational military command after 60 years [1]. "
        "NORAD remains the only binational military command after six decades [1]."
    )
    assert reworded.text == "NORAD remains the only binational military command after 60 years. [1]"


def test_verify_keeps_nothing_of_a_draft_that_writes_out_its_numbered_passages() -> None:
    echo = "The passages are:\n\n[1] The land border is 5,525 miles long.\n[2] NORAD is 60."
    verified = _verified(echo)
    assert verified.text == "" and verified.unsupported == [echo]


def test_verify_reads_a_numbered_list_as_items_and_keeps_no_bare_number_or_opener() -> None:
    draft = (
        "The two countries share:\n1. The land border is 5,525 miles long.\n"
        "2. NORAD is the crown jewel of U.S.-Canada defense cooperation."
    )
    verified = _verified(draft)
    assert verified.text == (
        "The land border is 5,525 miles long. [1] "
        "NORAD is the crown jewel of U.S.-Canada defense cooperation. [1]"
    ), verified.text  # the engine writes a list's items as "- " lines
    assert verified.unsupported == []


def test_verify_keeps_a_sentence_without_the_models_answer_is_opener() -> None:
    verified = _verified("The answer is: the land border is 5,525 miles long [1].")
    assert verified.text == "The land border is 5,525 miles long. [1]", verified.text


def test_cached_embeddings_encode_each_text_once() -> None:
    from index.embeddings import CachedEmbeddings

    calls: list[list[str]] = []
    inner = DeterministicFakeEmbedding(size=8)

    class Counting(DeterministicFakeEmbedding):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return inner.embed_documents(texts)

    cached = CachedEmbeddings(Counting(size=8), size=2)
    first = cached.embed_documents(["a", "b", "a"])
    assert cached.embed_documents(["b", "a"]) == [first[1], first[0]]
    assert calls == [["a", "b"]]
    cached.embed_documents(["c"])  # evicts the least recently used ("b")
    cached.embed_documents(["b"])
    assert calls[-1] == ["b"]
    assert first[0] == pytest.approx(inner.embed_documents(["a"])[0], rel=1e-6)  # float32
    # one-off texts (queries, claims) are encoded but not kept
    cached.array(["once"], keep=False)
    cached.array(["once"], keep=False)
    assert calls[-2:] == [["once"], ["once"]]
    cached.forget()  # as a first question after start finds it
    cached.embed_documents(["b"])
    assert calls[-1] == ["b"]


def test_citations_are_numbered_from_one_in_the_order_the_answer_cites_them() -> None:
    def cite(n: int) -> Citation:
        return Citation(
            n=n, source="a", title="A", url=None, chunk_id=f"c{n}", start=0, end=1,
            text="x", quote="x", supported=True,
        )  # fmt: skip

    verified = renumbered(Verified("Land [4]. Ports [2, 4]. Sea [7].", [cite(2), cite(4), cite(7)]))
    assert verified.text == "Land [1]. Ports [2, 1]. Sea [3]."
    assert [(c.n, c.chunk_id) for c in verified.citations] == [(1, "c4"), (2, "c2"), (3, "c7")]


def test_names_are_found_with_or_without_their_accents() -> None:
    assert mentions("Beyoncé Giselle Knowles-Carter", "beyonce")
    assert mentions("Frederic Chopin", "frédéric")
    assert not mentions("Beyoncé", "beyonc")


def test_a_negated_word_asked_is_contrasted_with_the_plain_word_said() -> None:
    asked = "Is the border open to non-essential travel?"
    said = "They keep the border open to essential travel."
    assert negated(asked, said) == [("non-essential travel", "essential travel")]
    assert negated(asked, "Entry is restricted for non-essential travel.") == []
    assert negated(asked, "The border is open.") == []
    assert negated("Who was the non-Hispanic mayor?", "The Hispanic mayor spoke.") == []  # a name


def test_a_name_is_found_in_its_other_forms() -> None:
    assert mentions("Beyoncé would perform at Super Bowl 50.", "superbowl")
    assert not mentions("a superb owl", "superbowl")
    assert said_otherwise("Most of New York City is served by the subway.", "NYC")
    assert not said_otherwise("Most of New York is served by the subway.", "NYC")
    assert not said_otherwise("the new york city subway", "NYC")  # initials are capitals
    assert said_otherwise("Box office takings in India rose.", "Indian")
    assert said_otherwise("It opened in North America on Friday.", "American")
    assert said_otherwise("Its parks in New York are many.", "Yorkers")
    assert not said_otherwise("The Hunt family", "Hunter")  # no place's name
    assert mentions("The U.S. and Canada", "states")  # "the United States", word by word


def test_only_a_contradicted_qualifier_is_missing() -> None:
    said = "The Group last met in February 2020."
    assert contradicted({"next"}, said) == {"next"}
    assert contradicted({"last"}, said) == set()
    assert contradicted({"final"}, "His last concert was in Paris.") == set()
    assert contradicted({"current"}, "The former minister spoke.") == {"current"}
    assert contradicted({"last"}, "The hiatus lasted nine months.") == set()  # a verb
    assert contradicted({"next"}, "They moved into buildings beside each other.") == set()


def test_a_full_stop_without_its_space_still_ends_a_sentence() -> None:
    text = "We reach that goal together.North American leadership helps. See www.Example.com."
    assert split_sentences(text) == [
        "We reach that goal together.",
        "North American leadership helps.",
        "See www.Example.com.",
    ]
    assert split_sentences("Use Node.js daily. The U.S. and Canada agree.") == [
        "Use Node.js daily.",
        "The U.S. and Canada agree.",
    ]
