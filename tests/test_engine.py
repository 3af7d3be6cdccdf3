import json
import re
from pathlib import Path

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answer import Answer
from assistant.app import App
from assistant.engine import Draft, Engine, Turn
from assistant.errors import UserError
from assistant.prompts import Prompts
from assistant.settings import load_settings

BORDER_Q = "How long is the land border between the United States and Canada?"
BORDER_SENTENCE = "5,525 miles – and its 120 land ports-of-entry"


@pytest.fixture
def app(seed_app: App) -> App:
    return seed_app


class Unreachable(GenericFakeChatModel):
    def _stream(self, *args, **kwargs):
        raise AssertionError("the model must not be called")


def _engine(app: App, *replies: str, mode: str = "generative") -> Engine:
    llm = (
        GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))
        if replies
        else Unreachable(messages=iter([]))
    )
    return Engine(
        app.retriever(),
        llm,
        Prompts(app.settings.prompts_dir),
        app.embeddings,
        "fake",
        mode,
        answerability=app.answerability,
    )


def _border_n(engine: Engine) -> int:
    passages = engine.retrieve(BORDER_Q)
    return next(i for i, p in enumerate(passages, 1) if "5,525" in p.text)


def test_answer_json_matches_the_contract(app: App) -> None:
    engine = _engine(app, mode="extractive")
    data = json.loads(engine.ask(BORDER_Q).model_dump_json())
    assert {
        "question",
        "answer",
        "refused",
        "citations",
        "retrieved",
        "model",
        "timings_ms",
    } <= set(data)
    assert data["refused"] is False and "5,525" in data["answer"]
    cite = data["citations"][0]
    assert cite["source"] == "data/000_8e8d18d6546258b1.txt" and cite["supported"]
    file_text = Path(cite["source"]).read_bytes().decode("utf-8")
    assert file_text[cite["start"] : cite["end"]] == cite["text"]
    assert BORDER_SENTENCE in cite["quote"] and cite["quote"] in cite["text"]
    assert set(data["timings_ms"]) == {"retrieve", "first_token", "total"}
    assert len(data["retrieved"]) == app.settings.k


def test_a_supported_generated_answer_is_kept_and_streamed(app: App) -> None:
    engine = _engine(app, "placeholder")
    n = _border_n(engine)
    reply = f"The land border is 5,525 miles long [{n}]."
    events = list(_engine(app, reply).stream(BORDER_Q))
    answer = events[-1]
    assert isinstance(answer, Answer) and answer.mode == "generative"
    assert "".join(e.token for e in events if isinstance(e, Draft)) == reply
    assert answer.answer == "The land border is 5,525 miles long. [1]"  # numbered from 1
    # what streams as the answer is the checked text, never the draft
    assert [e for e in events if isinstance(e, str)] == [answer.answer]
    assert [c.n for c in answer.citations] == [1] and answer.citations[0].supported
    assert answer.citations[0].chunk_id == answer.retrieved[n - 1].chunk_id


def test_an_uncited_sentence_gets_the_passage_that_supports_it(app: App) -> None:
    engine = _engine(app, "placeholder")
    n = _border_n(engine)
    answer = _engine(app, "The land border is 5,525 miles long.").ask(BORDER_Q)
    assert answer.mode == "generative" and answer.answer.endswith("[1]")
    assert answer.citations[0].chunk_id == answer.retrieved[n - 1].chunk_id


def test_an_invented_number_falls_back_to_quoting_the_evidence(app: App) -> None:
    answer = _engine(app, "The land border is 9,999 miles long [1].").ask(BORDER_Q)
    assert answer.mode == "fallback" and not answer.refused
    assert answer.unsupported == ["The land border is 9,999 miles long."]
    assert "9,999" not in answer.answer and "5,525" in answer.answer
    assert all(c.supported for c in answer.citations)


def test_unanswerable_questions_are_refused_without_the_model(app: App) -> None:
    engine = _engine(app)  # calling the model would fail
    for question in (
        "What is the population of Canada?",
        "How long is the land border between the United States and Mexico?",
        "What was the value of US-Canada trade in 2020?",
    ):
        answer = engine.ask(question)
        assert answer.refused, question
        assert answer.answer.startswith("The documents do not contain the answer to this question.")
        assert len(answer.citations) <= 1  # at most the nearest passage of a near miss
        if answer.citations:  # which then says what the documents lack
            lacked = ("“population”", "Mexico", "2020")
            assert any(w in answer.answer for w in lacked), answer.answer
        assert answer.retrieved, "related passages are still offered"


def test_extractive_mode_never_calls_the_model(app: App) -> None:
    answer = _engine(app).ask(BORDER_Q, mode="extractive")
    assert answer.mode == "extractive" and answer.model == "extractive"
    assert "5,525" in answer.answer


def test_empty_and_overlong_questions_are_rejected(app: App) -> None:
    engine = _engine(app)
    with pytest.raises(UserError, match="empty"):
        engine.ask("   ")
    with pytest.raises(UserError, match="2000"):
        engine.ask("why " * 600)


def test_history_reaches_the_model_and_the_follow_up_is_understood(app: App) -> None:
    seen: list[list] = []
    engine = _engine(app, "NORAD has existed for 60 years [1].")
    engine.judge.model = None  # the history is tested here, not the fitted gate
    original = engine.llm.stream

    def spy(messages, *a, **k):
        seen.append(messages)
        return original(messages, *a, **k)

    object.__setattr__(engine.llm, "stream", spy)
    history = [Turn("What is the crown jewel of defense cooperation?", "NORAD [1].")]
    answer = engine.ask("How old is it?", history)
    contents = [m.content for m in seen[0]]
    assert "What is the crown jewel of defense cooperation?" in contents
    assert "60" in answer.answer and not answer.refused


def test_empty_index_refuses(fake_env: Path) -> None:
    app = App(load_settings())
    answer = _engine(app).ask("How long is the border?")
    assert answer.refused and answer.retrieved == []


def test_a_claim_about_what_the_question_asks_needs_the_passage_to_say_it(app: App) -> None:
    """Near miss: the passage gives the land border; "maritime" is not in it."""
    from assistant.answering.question import read_question
    from assistant.verify import verify

    engine = _engine(app, "placeholder")
    passages = engine.retrieve(BORDER_Q)
    n = _border_n(engine)
    claim = f"The maritime border between the two countries is 5,525 miles long [{n}]."
    near_miss = read_question("How long is the maritime border between the two countries?")
    checked = verify(claim, passages, engine.embeddings, near_miss.topic)
    assert checked.text == "" and "maritime" in checked.unsupported[0]
    land = read_question("How long is the land border between the two countries?")
    claim = f"The land border between the two countries is 5,525 miles long [{n}]."
    assert verify(claim, passages, engine.embeddings, land.topic).text


def test_a_summary_keeps_only_sentences_about_its_subject(app: App) -> None:
    """A true sentence about something else is not part of the answer, even when a passage
    supports it."""
    on_topic = "After 60 years, NORAD remains the only binational military command in the world."
    aside = (
        "President Biden held his first bilateral meeting with Prime Minister Trudeau on "
        "February 23."
    )
    engine = _engine(app, "placeholder")
    question = "What do the documents say about NORAD?"
    passages = engine.retrieve(question)
    assert any("binational" in p.text for p in passages)
    assert any("bilateral meeting" in p.text for p in passages)
    answer = _engine(app, f"{on_topic} {aside}").ask(question)
    assert aside.removesuffix(".") in " ".join(answer.unsupported)
    assert "Trudeau" not in answer.answer and "binational" in answer.answer


def test_a_compound_question_needs_an_answer_of_each_kind_it_asks(app: App) -> None:
    """ "How long … and how many …?" asks a length and a count: a generated answer that
    gives only the count (true, cited) falls back to the evidence, which gives both."""
    question = "How long is the shared land border and how many land ports-of-entry does it have?"
    n = _border_n(_engine(app, "placeholder"))
    answer = _engine(app, f"The border has 120 land ports-of-entry [{n}].").ask(question)
    assert answer.mode == "fallback" and not answer.refused
    assert "5,525" in answer.answer and "120" in answer.answer


def test_a_count_answered_without_its_number_falls_back(app: App) -> None:
    """The citation marker "[1]" is no number: the generated sentence below drops the count."""
    question = "How many land ports-of-entry are there on the border?"
    n = _border_n(_engine(app, "placeholder"))
    reply = (
        "The United States and Canada collaborate on a daily basis to secure and share the "
        f"world’s longest land border and its land ports-of-entry [{n}]."
    )
    answer = _engine(app, reply).ask(question)
    assert answer.mode == "fallback" and "120" in answer.answer, answer.answer


def test_a_follow_up_needs_only_what_the_conversation_asked_about(app: App) -> None:
    """The last answer's other names help the search; the evidence need not mention them."""
    engine = _engine(app, mode="extractive")
    engine.judge.model = None  # the names rule is tested here, not the fitted gate
    history = [
        Turn(
            "Which two Canadian citizens are arbitrarily detained?",
            "The Declaration Against Arbitrary Detention in State-to-State Relations [1].",
        )
    ]
    answer = engine.ask("Who is called on for their immediate release?", history)
    assert not answer.refused and "Beijing" in answer.answer


def test_an_elided_near_miss_is_refused_like_the_whole_question(app: App) -> None:
    """ "And the maritime one?" after the land border asks for the maritime border, which the
    documents never give: refused the way the whole question is, not answered from the
    conversation's search."""
    engine = _engine(app, mode="extractive")
    first = engine.ask("How long is the land border?")
    assert not first.refused and "5,525" in first.answer
    history = [Turn("How long is the land border?", first.answer)]
    answer = engine.ask("And the maritime one?", history)
    assert answer.refused and "not the maritime border" in answer.answer, answer.answer


def test_a_name_of_the_conversation_is_quoted_as_it_was_written(app: App) -> None:
    engine = _engine(app, mode="extractive")
    asked = "What did Brazil agree to?"
    first = engine.ask(asked)
    assert first.refused and "“Brazil”" in first.answer, first.answer
    then = engine.ask("When was that?", [Turn(asked, first.answer)])
    assert then.refused and "does not mention “Brazil”" in then.answer, then.answer


def test_how_much_is_not_answered_by_a_year(app: App) -> None:
    """An amount asked of sentences that give only a year ("the 2014 Wales Defense Investment
    Pledge") or a count is not answered; one that gives a sum is."""
    engine = _engine(app, mode="extractive")
    answer = engine.ask("How much does Canada spend on defense?")
    assert answer.refused, answer.answer
    kept = engine.ask("How much trade crosses the border each day?")
    assert not kept.refused and "$1.9 billion" in kept.answer, kept.answer


def test_a_yes_no_claim_in_words_no_document_uses_is_not_decided(app: App) -> None:
    engine = app.engine  # with the keyword index: it knows which words the documents use
    answer = engine.ask("Does Canada have the largest army in NATO?", mode="extractive")
    assert answer.refused and "does not mention “army”" in answer.answer, answer.answer
    assert "**" not in answer.answer and "\n" not in answer.answer  # the quote, as plain text
    # whether they mention it is another question, which the folder answers: they do not
    mention = engine.ask("Does the Roadmap mention cybersecurity?", mode="extractive")
    assert mention.answer == "No. None of the documents mentions “cybersecurity”."
    kept = engine.ask(
        "Are the United States and Canada each other's largest energy trading partners?",
        mode="extractive",
    )
    assert not kept.refused and "largest energy trading partners" in kept.answer


def test_a_question_in_words_no_document_uses_is_refused_whatever_its_shape(app: App) -> None:
    for question, word in (
        ("What is Canada's population?", "population"),
        ("Summarize what the documents say about the weather.", "weather"),
    ):
        answer = app.engine.ask(question, mode="extractive")
        assert answer.refused and f"does not mention “{word}”" in answer.answer, answer.answer
    # one noun the documents use is enough to look: "length" is never said, "border" is
    kept = app.engine.ask("What is the length of the land border?", mode="extractive")
    assert not kept.refused and "5,525 miles" in kept.answer, kept.answer


def test_a_question_is_embedded_once_per_answer(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retrieval and the evidence ranking share the question's vector."""
    import numpy as np
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from assistant import app as app_module
    from index.embeddings import SentenceTransformerEmbeddings

    encoded: list[str] = []

    class Model:
        fake = DeterministicFakeEmbedding(size=64)

        def encode(self, texts: list[str], **_: object) -> np.ndarray:
            encoded.extend(texts)
            return np.asarray(self.fake.embed_documents(texts), dtype=np.float32)

    def embeddings(_spec: str) -> SentenceTransformerEmbeddings:
        made = SentenceTransformerEmbeddings("unused")
        made._model = Model()
        return made

    monkeypatch.setattr(app_module, "make_embeddings", embeddings)
    app = App(load_settings())
    app.indexer.sync([Path("data")])
    question = "How long is the land border between the two countries?"
    answer = app.engine.ask(question, mode="extractive")
    assert answer.retrieved
    assert encoded.count(question) == 1
    app.engine.ask(question, mode="extractive")
    assert encoded.count(question) == 1  # asked again: still the remembered vector


def _one_file_app(monkeypatch: pytest.MonkeyPatch, path: Path, text: str) -> App:
    """The assistant (bag-of-words embeddings) over a folder holding one file of this text."""
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "hashing")
    path.write_text(text)
    app = App(load_settings())
    app.indexer.sync([path.parent])
    return app


def test_an_answer_that_drops_what_the_question_asks_for_is_not_kept(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ "Which intelligence community …?" answered with a partner that is not one."""
    app = _one_file_app(
        monkeypatch,
        tmp_path / "partners.md",
        "# Partners\n\nThe two governments work through many partners. The partners include "
        "the United Nations, the G7 and the Five Eyes intelligence community.\n",
    )
    question = "Which intelligence community is among the partners?"
    wrong = _engine(app, "The United Nations is among the partners [1].").ask(question)
    assert wrong.mode == "fallback" and "Five Eyes" in wrong.answer
    assert wrong.unsupported == ["The United Nations is among the partners. [1]"]
    right = "The Five Eyes intelligence community is among the partners [1]."
    kept = _engine(app, right).ask(question)
    assert kept.mode == "generative" and kept.answer.startswith("The Five Eyes intelligence")
    # it says the thing asked about, but of a name the evidence does not give it to
    misnamed = "The United Nations is the intelligence community among the partners [1]."
    other = _engine(app, misnamed).ask(question)
    assert other.mode == "fallback" and "Five Eyes" in other.answer


def test_an_answer_may_not_assume_a_kind_the_evidence_never_gives(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ "The value of energy trade … was $725 billion" of evidence on all trade."""
    app = _one_file_app(
        monkeypatch,
        tmp_path / "trade.md",
        "# Trade\n\nThe two countries traded goods and services worth $725 billion in 2019. "
        "They are also each other's largest energy trading partners.\n",
    )
    question = "What was the value of energy trade between the two countries in 2019?"
    assumed = "The value of energy trade between the two countries in 2019 was $725 billion [1]."
    answer = _engine(app, assumed).ask(question)
    assert answer.refused or answer.mode == "fallback", answer.answer
    assert "energy trade" not in answer.answer.split("[")[0], answer.answer
    plain = "The two countries traded goods and services worth $725 billion in 2019 [1]."
    kept = _engine(app, plain).ask("What was the value of trade between the two countries in 2019?")
    assert kept.mode == "generative", kept.answer  # no kind assumed


def test_a_single_fact_is_asked_of_the_model_from_the_gates_best_sentence_alone(app: App) -> None:
    # a generated fact is kept only when it rests on that sentence, so the model reads no other
    user = str(_engine(app).prompt(BORDER_Q)[-1].content)
    shown = re.findall(r"^\[\d+\] .*$", user, re.MULTILINE)
    assert len(shown) == 1 and "5,525" in shown[0]


def test_a_generated_answer_keeps_to_the_length_the_question_asks(app: App) -> None:
    said = (
        "NORAD is the crown jewel of U.S.-Canada defense cooperation. After 60 years, NORAD "
        "remains the only binational military command in the world. We welcome Canada’s "
        "reinforced commitment to NORAD as we modernize the command."
    )
    engine = _engine(app, said)
    asked = "Summarize what the documents say about NORAD in two sentences."
    assert (
        "Use at most 2 sentences."
        in engine._messages(*_read_and_judged(engine, asked), history=[])[-1].content
    )
    answer = engine.ask(asked)
    assert answer.mode == "generative" and not answer.refused, answer
    assert len(re.findall(r"\[\d+\]", answer.answer)) == 2, answer.answer
    assert "crown jewel" in answer.answer and "modernize" not in answer.answer


def _read_and_judged(engine: Engine, question: str) -> tuple:
    from assistant.answering.question import read_question
    from assistant.engine import passages_for

    read = read_question(question)
    passages = passages_for(engine.retriever, read)
    return read, engine.judge.judge(read, passages), passages


class Refusing:
    """A fitted model that finds nothing answerable: what still answers is decided by logic."""

    def probability(self, signals: dict) -> float:
        return 0.0

    def decide(self, signals: dict) -> bool:
        return False


def test_what_happened_on_a_date_is_the_sentence_that_gives_it(app: App) -> None:
    app.engine.judge.model = Refusing()
    answer = app.engine.ask("What happened in February 2020?", mode="extractive")
    assert not answer.refused and "High-Level Policy Review Group" in answer.answer, answer
    assert app.engine.ask("What happened in March 2020?", mode="extractive").refused
    short = app.engine.ask("What happened on Feb 23, 2021?", mode="extractive")  # "February"
    assert not short.refused and "February 23" in short.answer, short.answer


def test_a_summary_of_a_topic_a_sentence_states_in_full_needs_no_fitted_model(app: App) -> None:
    app.engine.judge.model = Refusing()
    said = app.engine.ask("What does the White House say about climate change?", mode="extractive")
    assert not said.refused and "climate change" in said.answer, said.answer
    assert app.engine.ask("What does the White House say about the weather?").refused


def test_items_the_documents_give_one_by_one_are_read_not_generated(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = _one_file_app(
        monkeypatch,
        tmp_path / "partners.md",
        "# Partners\n\nThe two governments act through multilateral institutions, including "
        "the United Nations, the G7, the WTO and NATO.\n\nThey also meet every year.\n",
    )
    listed = _engine(app).ask("Which multilateral institutions do they act through?")
    assert listed.mode == "extractive", listed.answer  # Unreachable: the model is not asked
    assert listed.answer.splitlines()[:4] == [
        "- the United Nations [1]",
        "- the G7 [1]",
        "- the WTO [1]",
        "- NATO [1]",
    ], listed.answer
