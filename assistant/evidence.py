"""Decide from the retrieved evidence whether the documents can answer, and rank the sentences
that could answer: the gate before generation and the source of extractive answers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer import Passage
from assistant.answering.answerability import LogisticModel
from assistant.answering.comparison import asked_manner, contrary, decide, manner, manner_words
from assistant.answering.doers import acted
from assistant.answering.holders import elsewhere, for_place, holders
from assistant.answering.parser import QUANTIFIERS, entities, people, places
from assistant.answering.question import Question
from assistant.answering.reader import Reader
from assistant.text import (
    FORMS,
    MONTH,
    WORD,
    YEAR,
    changed_counts,
    changed_months,
    changed_polarity,
    contradicted,
    contrasted_words,
    expands,
    holds_office,
    in_figures,
    is_noun,
    mentions,
    names,
    names_source,
    numbers,
    periods,
    plain,
    prose,
    qualifiers,
    said_otherwise,
    satisfies,
    sentences,
    terms,
)
from index.embeddings import vectors_of

OVERVIEW_EACH = 3  # sentences per document in a summary of several documents
OVERVIEW_ONE = 5  # sentences in a summary of one document
OVERVIEW_DIVERSITY = 0.3  # weight against repeating a sentence already chosen
MIN_OVERVIEW_WORDS = 6
CANDIDATES = 5  # how many of the best sentences may serve as evidence
# how many of the best sentences the reader reads: on fit data (Spectre, NQ 0-299) 4 keep
# its gain (top-1 gold 0.573 / 0.643 against 0.577 / 0.603 for 12) at a third of the cost
READ = 4
# where a sentence divides into clauses: punctuation, and words that join a clause on
CLAUSE = re.compile(r"\s*[,;:()–—]\s*|\s+(?:and|but|while|whereas|as well as|which|who)\s+")
CLAUSE_WORDS = 3  # a clause shorter than this is a name or a phrase, not a claim
TOLD_AGAIN = 10.0  # below any sentence not yet told
READER_WEIGHT = 1.0  # its probability's weight in a sentence's score
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MODIFIED = re.compile(r"[A-Za-z][\w-]*|[^\w\s]")  # words, and punctuation that parts them
QUOTATION = re.compile(r"[“\"][^”\"]{10,}[.,!?…][”\"]")
OPENS_WITH_PRONOUN = re.compile(r"\W*(?:they|he|she|it|their|his|her|its)\b", re.IGNORECASE)


@dataclass
class Sentence:
    n: int  # 1-based passage number
    start: int  # offsets inside the passage text
    end: int
    text: str
    similarity: float = 0.0
    coverage: float = 0.0  # share of the question's own terms in the sentence or its headings
    typed: bool = True
    score: float = 0.0
    reader: float = 0.0  # the reader's probability that it answers (0 when not read)
    antecedent: str = ""  # the sentence before, when this one opens with a pronoun
    people: tuple[str, ...] = ()  # whom (or which countries, dates) it names, when a list asks


@dataclass
class Judgement:
    answerable: bool
    reason: str
    evidence: list[Sentence] = field(default_factory=list)  # best first
    signals: dict[str, float | bool | str] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # what the evidence never says
    parts: list[Sentence] = field(default_factory=list)  # each claim's best sentence
    verdict: bool | None = None  # a yes/no question: yes? (None: not yes/no, or no model)


STEM = 6  # "priori" of "priorities" and "prioritize"


class EvidenceJudge:
    """Ranks the sentences that could answer and picks the evidence. It cannot answer when the
    evidence lacks a name, number or qualifier the question gives (a name or date that
    identifies another retrieved document, its publisher or title, counts as given: a
    question may span documents), speaks of another kind of the thing asked about (a near
    miss), or is not the kind of answer asked for (logic, not a threshold); otherwise the
    fitted answerability model decides a question of one claim. A question of several claims
    is refused only by logic: fitted beside them, the model learned that long questions are
    answerable (most of MultiHop-RAG's are) and refused more short ones. `model=None` skips
    the model (how its training data is collected)."""

    def __init__(
        self,
        embeddings: Embeddings,
        model: LogisticModel | None = None,
        indexed: Callable[[str], bool] | None = None,
        verdict: LogisticModel | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.model = model
        self.indexed = indexed  # is a word anywhere in the index (not only these passages)?
        self.verdict = verdict
        self.reader = reader

    def judge(self, question: Question, passages: list[Passage]) -> Judgement:
        """A broad question (list, summary, comparison) may find what it names across the
        passages; any other prefers a sentence whose passage names it all."""
        ranked = self.overview(passages) if question.of_documents else self.rank(question, passages)
        if not ranked:
            return Judgement(False, "nothing relevant is indexed")
        everywhere = "\n".join(f"{p.identity}\n{p.usable_text}" for p in passages)
        candidates = ranked[:CANDIDATES]

        def fits(s: Sentence) -> tuple[int, bool]:
            said = periods(s.text, totals=True)  # of "How much … each year?": 2 a year, 0 a day
            period = 1 if not question.period else 2 if question.period in said else int(not said)
            return period, titles_holder(s)

        def titles_holder(s: Sentence) -> bool:  # "President Biden" of "Who is the President …?"
            held = question.held
            return held is not None and any(
                for_place(everywhere, held, n) for n in holders(s.text, held.office)
            )

        whole = [
            s for s in candidates if s.typed and self._whole(question, s, passages, everywhere)
        ]
        # prefer evidence whose passage says all the question gives, first the best of those
        sentence = max(whole, key=fits, default=None) or next(
            (s for s in candidates if s.typed), candidates[0]
        )
        passage = passages[sentence.n - 1]
        said = terms(everywhere)
        named_by = "\n".join(p.identity for p in passages)  # "the Fortune report of …"
        own = everywhere if question.broad else f"{passage.identity}\n{passage.usable_text}"
        absent = [
            n
            for n in question.names
            if not (mentions(named_by, n) or _said(n, own, question, passages, self.indexed))
        ]
        if absent and not question.broad:  # "Destiny's Child" of a passage that says "the group"
            document = "\n".join(p.usable_text for p in passages if p.source == passage.source)
            absent = [n for n in absent if not _named_nearby(question, n, document)]
        stated = everywhere if question.broad else sentence.text
        # "Is NORAD older than 50 years?" of "After 60 years, NORAD …": the 50 need not be said
        asked = question.compared
        decided = decide(asked, in_figures(sentence.text)) if asked else None
        compared = asked if decided is not None else None
        # a document's date may give the question's year, unless the sentence gives another:
        # "trade in 2021" is not answered by "traded … in 2019" of a document dated 2021
        # ("published on September 26, 2023" names the document, and stays excused)
        excused = dated(named_by)
        if not question.sources and YEAR.search(sentence.text):
            excused -= set(YEAR_ASKED.findall(question.text))
        # "Was the meeting virtual?" of "… Biden's virtual bilateral meeting …": decided by it,
        # "held online" too (another word of the same manner)
        single = question.one_claim
        yes_no = question.shape == "yesno"
        # "When did they meet in person?" of the same sentence: refused (below)
        of_fact = question.shape == "fact" and not question.parts
        in_manner = manner(question.text, sentence.text) if single or of_fact else None
        # "Is the shared border closed …?" of "… keep our shared border open …": No
        denied = contrary(question.text, sentence.text) if single else None
        changed = (
            set()
            if question.broad
            else {
                *changed_counts(question.text, sentence.text, question.counted),
                *changed_months(question.text, sentence.text),
            }
        )
        lacks = {  # what the evidence never says: each refuses by logic
            "names": sorted(absent),
            "numbers": sorted(
                (
                    (question.numbers - numbers(stated) - excused)
                    # "in two sessions" of "in one session", "in September" of "on October 12"
                    | changed
                )
                - ({compared.written} if compared else set())
            ),
            "qualifiers": sorted(
                contradicted(
                    question.qualifiers - (qualifiers(compared.words) if compared else set()),
                    own if question.broad else passage.text,
                )
            ),
            "modifiers": _contrasted_modifiers(question, sentence.text, said, everywhere),
            "periods": [question.period] if question.period and not fits(sentence)[0] else [],
            "terms": sorted(
                set(self._unheard(question))
                - set(WORD.findall(compared.words) if compared else ())
                - (manner_words(question.text) if in_manner is not None else set())
                - ({denied} if denied else set())
            ),
            "opposites": []
            if question.broad
            # "open to non-essential travel?" of "open to essential travel": not decided
            else [a for a, _ in contrasted_words(question.text, sentence.text, single)]
            # "What was not used …?" of "… was used …"
            + changed_polarity(question.text, sentence.text)
            # "When did they meet in person?" of "… their virtual meeting …"
            + ([asked_manner(question.text) or ""] if in_manner is False and not yes_no else []),
            # "Canada's Secretary of State" asked, only the U.S. one named
            "places": [question.held.asked]
            if question.held and elsewhere(everywhere, question.held)
            else [],
            "offices": [  # "Minister of Health" asked, only "global health" said
                written
                for word, written in question.offices
                if not holds_office(everywhere if question.broad else passage.text, word)
            ],
        }
        if len(question.parts) > 1:
            # one claim's document may not have been found, and a long question paraphrases:
            # only a name or number the index never holds refuses it
            indexed = self.indexed or (lambda _: False)
            missing = {kind: [] for kind in lacks} | {
                kind: [w for w in lacks[kind] if not indexed(w)] for kind in ("names", "numbers")
            }
        else:
            missing = lacks
        signals = features(question, sentence, ranked, passages, lacks, everywhere)
        signals["clause_similarity"] = self._clause_similarity(question, sentence)
        probability = self.model.probability(signals) if self.model else 1.0
        possible = not any(missing.values()) and sentence.typed and _about(question, sentence.text)
        says_it = bool(question.mentioned) and says(sentence.text, question.mentioned)
        answerable = possible and (
            says_it  # "Does the fact sheet mention the G20?" of a sentence naming the G20
            or (question.kind_label is not None and sentence.typed)  # "Which countries …?"
            or self.model is None
            or question.of_the_folder  # typed evidence: the folder does name people
            or question.of_documents  # a summary of documents that were found
            or question.defines  # what is said of a name the passages give
            or titles_holder(sentence)  # "Who is the President of the United States?"
            or expands(question.text, sentence.text)  # "… (NORAD)" for its full name
            # "What else will the leaders do?": more of the conversation's subject, which a
            # question of no claim of its own is never refused for
            or question.besides
            or (in_manner is not None and yes_no)
            or denied is not None
            # "What happened on February 23?" of a sentence that gives that date
            or (question.of_a_date and question.months <= _months(sentence.text))
            # what a document says about a topic one of its sentences states in full
            or (
                question.shape == "summary"
                and bool(question.topic)
                and not signals["sentence_missing"]
            )
            or len(question.parts) > 1  # the model knows questions of one claim (below)
            or self.model.decide(signals)
        )
        evidence = [sentence] + [s for s in ranked if s is not sentence]
        reason = "supported" if answerable else _reason(question, missing, sentence.typed)
        parts = self.claims(question, ranked, passages)
        weighed = verdict_features(question, parts, passages, probability) if parts else {}
        verdict = None
        if decided is None and question.actor and not question.parts:
            decided = acted(question.actor, question.act, sentence.text)
        if decided is None and single:
            decided = False if denied else in_manner
        if decided is not None and question.shape == "yesno":
            verdict = decided
        elif weighed and question.shape == "yesno" and self.verdict is not None:
            verdict = says_it or self.verdict.decide(weighed)
        return Judgement(
            answerable,
            reason,
            evidence,
            {
                **signals,
                **weighed,
                **{f"no_{kind}": float(bool(lack)) for kind, lack in missing.items()},
                "possible": float(possible),
                "probability": probability,
            },
            missing,
            parts,
            verdict,
        )

    def claims(
        self, question: Question, ranked: list[Sentence], passages: list[Passage]
    ) -> list[Sentence]:
        """For a question of several claims, the sentence that best supports each claim
        (similarity and coverage measured against that claim alone); a yes/no question of
        one claim is its own claim."""
        claims = question.parts
        if not claims and question.shape == "yesno":
            claims = (question.resolved or question.query,)
        if not claims or not ranked:
            return []
        vectors = vectors_of(self.embeddings, [s.text for s in ranked])
        asked = vectors_of(self.embeddings, list(claims), keep=False)
        vectors = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
        asked = asked / (np.linalg.norm(asked, axis=1, keepdims=True) + 1e-9)
        similarity = asked @ vectors.T
        best = []
        for i, part in enumerate(claims):
            own = terms(part) - terms(" ".join(question.names))
            scored = []
            for j, s in enumerate(ranked):
                stated = terms(s.text) | terms(passages[s.n - 1].usable_title)
                coverage = len(own & stated) / len(own) if own else 1.0
                scored.append((float(similarity[i, j]) + 0.5 * coverage, j, coverage))
            _, j, coverage = max(scored)
            s = ranked[j]
            best.append(replace(s, similarity=float(similarity[i, j]), coverage=coverage))
        return best

    def _unheard(self, question: Question) -> list[str]:
        """The words of a yes/no claim that no indexed document ever uses ("Does Canada have
        the largest army in NATO?" of documents that never speak of an army): the documents
        cannot decide it, and a verdict would be a guess. Of another question that asks about
        a thing (a common noun), its words when no indexed document uses any of them ("What
        is Canada's population?"; not "Who else is detained?", which asks of no thing and
        whose verb is said in another form, "detentions")."""
        if question.parts or self.indexed is None:
            return []
        if question.shape != "yesno":
            own = {t for t in question.topic if len(t) > 1}  # not the "s" of "Canada's"
            if not own & question.things:
                return []
            topic = {w for w in WORD.findall(in_figures(question.text)) if terms(w) & own}
            return [] if any(map(self._heard, topic)) else sorted(topic)
        asked = {  # of "Do the documents talk about X?", the words of X
            w
            for w in WORD.findall(in_figures(question.mentioned or question.text))  # no "fifty"
            if terms(w) and terms(w) <= question.topic
        }
        return sorted(w for w in asked if not self._heard(w))

    def _heard(self, word: str) -> bool:
        """Does an indexed document use the word, in any of its forms ("held" of "hold")?"""
        return self.indexed is not None and any(map(self.indexed, FORMS.get(word.lower(), (word,))))

    @staticmethod
    def _whole(
        question: Question, sentence: Sentence, passages: list[Passage], everywhere: str
    ) -> bool:
        """Does this evidence say every name, number and qualifier the question gives? A
        broad question may find the names across the passages."""
        passage = passages[sentence.n - 1]
        own = everywhere if question.broad else f"{passage.identity}\n{passage.usable_text}"
        document = (
            "\n".join(p.usable_text for p in passages if p.source == passage.source)
            if question.sources
            else ""
        )
        return (
            all(  # a source may be named in another chunk of the same document
                mentions(own, n) or _said(n, document, question, [passage])
                if n in question.sources
                else mentions(own, n)
                for n in question.names
            )
            and question.numbers <= numbers(sentence.text)
            and question.qualifiers <= qualifiers(passage.text)
        )

    def overview(self, passages: list[Passage]) -> list[Sentence]:
        """A summary of each document: its sentences nearest the document's centre, each
        unlike those already chosen, in reading order."""
        found = [
            replace(s, coverage=1.0)
            for s in _statements(passages)
            if len(WORD.findall(s.text)) >= MIN_OVERVIEW_WORDS
            and not s.text.rstrip().endswith(":")  # it introduces a list
        ]
        if not found:
            return []
        vectors = vectors_of(self.embeddings, [s.text for s in found])
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        documents: dict[str, list[int]] = {}
        for i, s in enumerate(found):
            documents.setdefault(passages[s.n - 1].source, []).append(i)
        most = OVERVIEW_EACH if len(documents) > 1 else OVERVIEW_ONE
        chosen: list[Sentence] = []
        for members in documents.values():
            centre = vectors[members].mean(axis=0)
            for i in members:
                found[i].similarity = found[i].score = float(vectors[i] @ centre)
            picked = _diverse(vectors, [found[i].score for i in members], members, most)
            chosen += sorted((found[i] for i in picked), key=lambda s: (s.n, s.start))
        return chosen

    def _clause_similarity(self, question: Question, sentence: Sentence) -> float:
        """The cosine of the question and the sentence's clause most like it: what a long
        sentence says in one of its clauses ("… as well as enhancing law enforcement
        collaboration by reestablishing the Cross-Border Crime Forum") is diluted in its
        whole vector. Never below the whole sentence's."""
        clauses = [c for c in CLAUSE.split(sentence.text) if len(c.split()) >= CLAUSE_WORDS]
        if len(clauses) < 2:
            return sentence.similarity
        asked = self.embeddings.embed_query(question.resolved or question.content or question.query)
        vectors = vectors_of(self.embeddings, clauses, keep=False)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        cosine = vectors @ (np.asarray(asked, np.float32) / (np.linalg.norm(asked) + 1e-9))
        return max(sentence.similarity, float(cosine.max()))

    def rank(self, question: Question, passages: list[Passage]) -> list[Sentence]:
        """Every sentence of the passages, best answer candidates first."""
        found = _statements(passages)
        if not found:
            return []
        asked = np.asarray(
            [self.embeddings.embed_query(question.resolved or question.content or question.query)],
            dtype=np.float32,
        )  # embedded once (unless content): retrieval has just asked for the same vector
        read_as = [in_context(s) for s in found]
        vectors = np.concatenate([asked, vectors_of(self.embeddings, read_as)])
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        kind = question.answer_type
        own = question.topic
        context = terms(question.query)
        asked_names = question.names
        if kind == "person":
            for s, named in zip(found, people([s.text for s in found]), strict=True):
                s.people = tuple(p for p in named if not question.quoted or _quotes(s.text, p))
        elif question.kind_label:  # the countries each sentence names, as people above
            label = frozenset({question.kind_label})
            for s, of_kind in zip(found, entities([s.text for s in found], label), strict=True):
                s.people = tuple(e for e, _ in of_kind)
        for s, vector in zip(found, vectors[1:], strict=True):
            stated = terms(s.text) | terms(passages[s.n - 1].usable_title) | _referred(s)
            s.similarity = float(vector @ vectors[0])
            s.coverage = len(own & stated) / len(own) if own else 1.0
            lexical = len(context & stated) / len(context) if context else 0.0
            named = kind == "person" or question.kind_label is not None
            # "How many priorities …?" of "… which will prioritize:": its items are counted
            s.typed = (
                bool(s.people)
                if named
                else satisfies(kind, s.text) or (kind == "count" and introduces(question, s.text))
            )
            s.score = s.similarity + 0.5 * lexical + 0.5 * s.coverage + (0.3 if s.typed else -0.5)
            s.score += 0.5 if expands(question.text, s.text) else 0.0
            if asked_names:  # sentences naming what the question (or conversation) names
                named = sum(_names(s, n) for n in asked_names) / len(asked_names)
                s.score += 0.3 * named
        if self.reader is not None:
            found.sort(key=lambda s: -s.score)
            read = found[:READ]
            asked = question.resolved or question.content or question.query
            said = self.reader.probabilities(asked, [in_context(s) for s in read])
            for s, p in zip(read, said, strict=True):
                s.reader = float(p)
                s.score += READER_WEIGHT * s.reader
        if question.previous:
            _untold_first(question, found)
        return sorted(found, key=lambda s: -s.score)


def introduces(question: Question, text: str) -> bool:
    """Does the sentence introduce a list of what the question counts ("… which will
    prioritize:" of "How many priorities …?"; not "… an article reports …, who stated:" of
    "How many deaths were reported?")?"""
    focus = question.focus or ""
    said = {w[:STEM] for w in terms(text)}
    return plain(text).endswith(":") and len(focus) >= STEM and focus[:STEM] in said


def _statements(passages: list[Passage]) -> list[Sentence]:
    """The sentences of the passages that may be evidence: never text addressed to an AI
    (flagged), a dateline or a heading in capitals."""
    found = []
    for n, p in enumerate(passages, 1):
        before = ""
        for s, e in sentences(p.text):
            text = p.text[s:e]
            if not any(s < fe and e > fs for fs, fe in p.flagged) and prose(text):
                opens = OPENS_WITH_PRONOUN.match(text)
                found.append(Sentence(n, s, e, text, antecedent=before if opens else ""))
            before = text
    return found


def _referred(s: Sentence) -> frozenset[str]:
    """The names a sentence refers to by its opening pronoun: those of the sentence before
    ("They will commit to …" after "President Biden and Prime Minister Trudeau will …")."""
    return terms(" ".join(names(s.antecedent))) if s.antecedent else frozenset()


def _quotes(text: str, person: str) -> bool:
    """Is the person named beside a quotation of the sentence, outside it ("“… challenges.”
    – Secretary of State Antony J. Blinken")? A quoted title ("the “Declaration …”") ends
    with no punctuation of its own and is no quotation."""
    outside = QUOTATION.sub(" ", text)
    return outside != text and person in outside


def in_context(s: Sentence) -> str:
    """The sentence as a reader must read it: after the one its pronoun refers to."""
    return f"{s.antecedent} {s.text}" if s.antecedent else s.text


def _names(s: Sentence, name: str) -> bool:
    """Does the sentence name it, or refer to it by a pronoun?"""
    return mentions(s.text, name) or mentions(s.antecedent, name)


def _untold_first(question: Question, found: list[Sentence]) -> None:
    """A follow-up asks for what it has not been told yet: a sentence of the last answer that
    says nothing of the follow-up's own topic ranks lower, when another sentence of the
    asked kind, naming what the conversation is about, has not been told ("How old is it?"
    after an answer that gave NORAD's 60 years keeps that sentence; so does "Where is he
    detained?" after the one sentence that names Michael Kovrig; so does "Which third country
    … is part of it?" after the sentence naming the summit and Mexico). "What else …?" asks for
    what it was not told, whatever its topic ("Who else …?" may find another name in a
    sentence already told)."""
    previous = plain(question.previous)
    told = [plain(s.text) in previous for s in found]
    names = question.names

    def could_answer(s: Sentence) -> bool:  # of the asked kind, about what is asked about
        return s.typed and (not names or any(_names(s, n) for n in names))

    for s, t in zip(found, told, strict=True):
        if t and question.besides and not question.entity:  # "What else …?": not what was told
            s.score -= TOLD_AGAIN
    if not any(could_answer(s) and not t for s, t in zip(found, told, strict=True)):
        return
    if question.besides and question.entity:
        return  # "Who else …?": a sentence told may name the other one
    for s, t in zip(found, told, strict=True):
        if t and not question.topic & terms(s.text) and not could_answer(s):
            s.score -= 1.0


def _diverse(vectors: np.ndarray, scores: list[float], members: list[int], most: int) -> list[int]:
    """Up to `most` members, best score first, each penalised by its likeness to those chosen."""
    score = dict(zip(members, scores, strict=True))
    picked: list[int] = []
    while len(picked) < min(most, len(members)):
        picked.append(
            max(
                (i for i in members if i not in picked),
                key=lambda i: (
                    score[i]
                    - OVERVIEW_DIVERSITY
                    * max((float(vectors[i] @ vectors[j]) for j in picked), default=0)
                ),
            )
        )
    return picked


YEAR_ASKED = re.compile(  # "trade in 2021", "meeting in February 2021"
    rf"\b(?:in|during|for|of) (?:{MONTH.pattern} )?((?:19|20)\d\d)\b"
)


def _about(question: Question, sentence: str) -> bool:
    """A single fact of a kind (a date, a number) is given by a sentence that says some word
    or name of the question: "by 2050" of the sentence after the one naming the Climate
    Ministerial does not say when it meets."""
    if question.shape != "fact" or question.answer_type is None or question.parts:
        return True
    # a follow-up's words are the conversation's ("In which year was that?")
    asked = terms(question.query) if question.follow_up else question.topic
    if not asked and not question.names:
        return True
    return bool(terms(sentence) & asked) or any(mentions(sentence, n) for n in question.names)


def _months(text: str) -> set[str]:
    return {m[:3].lower() for m in MONTH.findall(text)}


def dated(text: str) -> set[str]:
    """The year and day of each ISO date ("2023-09-26": 2023 and 26), as a question gives
    them ("September 26, 2023"), and every other number."""
    found = numbers(text)
    for year, _month, day in ISO_DATE.findall(text):
        found |= {year, str(int(day))}
    return found


def _contrasted_modifiers(
    question: Question, sentence: str, said: frozenset[str], everywhere: str
) -> list[str]:
    """The modifiers of what the question asks about that no passage says, where the sentence
    that would answer gives the same noun with a modifier of its own: "maritime border" or
    "sea border" asked, "land border" given. Of noun compounds only a noun's counts ("added
    track" is not one), and it counts as said inside a longer word too ("birth date" of
    "birthdate"): without these two limits it refused 2 answerable SQuAD fit questions."""
    lowered = everywhere.lower()
    return sorted(
        m
        for m, h in question.modified | question.noun_compounds
        if m not in said
        and ((m, h) in question.modified or m not in lowered)
        and contrasted(h, sentence)
    )


def contrasted(head: str, text: str) -> bool:
    """Does the text give the head noun (a stem) with a modifier of its own, as "land border"
    is a different border from the "maritime border" asked about? A bare "border" does not."""
    words = MODIFIED.findall(text)
    for left, right in itertools.pairwise(words):
        if is_noun(right, head) and left.islower() and terms(left) and left not in QUANTIFIERS:
            return True
    return False


def features(
    question: Question,
    sentence: Sentence,
    ranked: list[Sentence],
    passages: list[Passage],
    missing: dict[str, list[str]],
    everywhere: str,
) -> dict[str, float]:
    topic = question.topic
    passage = passages[sentence.n - 1]
    own = f"{passage.identity}\n{passage.usable_text}"
    stated = terms(sentence.text) | terms(passage.usable_title) | _referred(sentence)
    said = terms(everywhere)
    query = terms(question.query)
    others = [s.score for s in ranked if s is not sentence and s.text != sentence.text]
    return {
        "similarity": sentence.similarity,
        "coverage": sentence.coverage,
        "lexical": len(query & stated) / len(query) if query else 0.0,
        "typed": float(sentence.typed),
        "asks_type": float(question.answer_type is not None),
        "missing_names": (
            sum(not _said(n, own, question, [passage]) for n in question.names)
            / len(question.names)
            if question.names
            else 0.0
        ),
        "missing_numbers": float(bool(question.numbers - numbers(sentence.text))),
        "missing_qualifiers": float(bool(missing["qualifiers"])),
        "missing_modifiers": float(bool(missing["modifiers"])),
        "beyond": len(topic - said) / len(topic) if topic else 0.0,
        "sentence_missing": len(topic - stated) / len(topic) if topic else 0.0,
        "margin": sentence.score - max(others, default=sentence.score),
        "focus_missing": float(bool(question.focus) and question.focus not in said),
        "broad": float(question.gathers),
        "topic_size": min(len(topic), 10) / 10,
        "reader": sentence.reader,
    }


DIFFERENCE = re.compile(
    r"\b(differ\w*|inconsisten\w*|chang\w*|contrast\w*|disagree\w*|shift\w*|unlike|"
    r"contradict\w*|diverg\w*)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without)\b|n't\b", re.IGNORECASE)


def verdict_features(
    question: Question, parts: list[Sentence], passages: list[Passage], answerable: float
) -> dict[str, float]:
    similarity = [s.similarity for s in parts]
    coverage = [s.coverage for s in parts]
    return {
        "part_similarity_min": min(similarity),
        "part_similarity_mean": sum(similarity) / len(similarity),
        "part_coverage_min": min(coverage),
        "part_coverage_mean": sum(coverage) / len(coverage),
        "parts_one_document": float(len({passages[s.n - 1].source for s in parts}) == 1),
        "asks_difference": float(bool(DIFFERENCE.search(question.text))),
        "asks_negated": float(bool(NEGATION.search(question.text))),
        "evidence_negated": float(any(NEGATION.search(s.text) for s in parts)),
        "answerable": answerable,
    }


def _said(
    name: str,
    text: str,
    question: Question,
    passages: list[Passage],
    indexed: Callable[[str], bool] | None = None,
) -> bool:
    """Does the text mention the name? A name word of the question's source need not be said
    in it: a generic word of an organisation, a word of a passage's web site ("White House" of
    whitehouse.gov) or, given `indexed`, a word some other passage of the folder says ("State"
    of a document that says "Secretary of State" in another chunk) is enough."""
    if name not in question.sources:
        written = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question.text, re.IGNORECASE)
        return mentions(text, name) or bool(written and said_otherwise(text, written.group()))
    return names_source(name, text, (p.url for p in passages)) or bool(indexed and indexed(name))


def _named_nearby(question: Question, name: str, document: str) -> bool:
    """Does another passage of the evidence's document name it, and is it no place? A
    passage may speak of a name its neighbour gives ("the group" of "Destiny's Child"), but
    "the US-Mexico border" is not the border of a passage about Canada because the document
    mentions Mexico elsewhere."""
    return mentions(document, name) and name.lower() not in places(question.text)


def says(sentence: str, thing: str) -> bool:
    """Does the sentence say every word and name of the thing?"""
    return terms(thing) <= terms(sentence) and all(mentions(sentence, n) for n in names(thing))


def _reason(question: Question, missing: dict[str, list[str]], typed: bool) -> str:
    if missing["names"]:
        return f"the passages never mention {missing['names'][0]!r}"
    if missing["numbers"]:
        return f"no passage states {missing['numbers'][0]} in this context"
    if missing["qualifiers"]:
        return f"no passage says {missing['qualifiers'][0]!r}"
    if missing["modifiers"]:
        return f"no passage says {missing['modifiers'][0]!r} of what the question asks about"
    if missing["terms"]:
        return f"no indexed document mentions {missing['terms'][0]!r}"
    if missing.get("periods"):
        return f"no passage gives the amount per {missing['periods'][0]}"
    if missing.get("places"):
        return f"the passages name another country's holder of {missing['places'][0]!r}"
    if missing["offices"]:
        return f"no passage names the office {missing['offices'][0]!r}"
    if missing.get("opposites"):
        return f"the passage says the opposite of {missing['opposites'][0]!r}"
    if not typed:
        return f"no passage states the {question.answer_type} asked for"
    return "the passages do not address what the question asks"
