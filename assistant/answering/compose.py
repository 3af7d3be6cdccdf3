"""Extractive answers by question shape: each sentence is quoted from a passage and cited.

- fact: the best evidence sentence (and a second one naming what the first does not);
- yes/no: "Yes." or "No." from the fitted verdict model, then the sentences it weighed;
- list: every relevant sentence, from as many passages and documents as hold one, as a
  Markdown list;
- summary: 2–6 relevant sentences, in document order, duplicates dropped;
- compare: what each document says, each side cited to its own document;
- one named thing ("Who is …?", "Which company …?"): the entity of that kind the evidence
  names most, then the sentences that say so;
- several claims ("Does A say X, while B says Y?"): each claim's best sentence, cited.

A refusal for a near miss (the documents' own subject with a changed detail) points at the
nearest passage: "They give the land border, not the maritime border: “…” [2]".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import zip_longest

from assistant.answer import Passage
from assistant.answering.comparison import asked_manner
from assistant.answering.enumerations import asked_things, enumerated
from assistant.answering.holders import (
    HOLDER_QUESTION,
    TITLED_NAME,
    TITLES,
    asked_office,
    elsewhere,
    for_place,
    same_place,
)
from assistant.answering.parser import doer, entities, owner
from assistant.answering.question import Question
from assistant.evidence import Judgement, Sentence, in_context, says
from assistant.text import (
    DURATION,
    NAME_RUN,
    PERIODS,
    WORD,
    and_joined,
    contrasted_words,
    is_noun,
    mentions,
    names,
    plain,
    terms,
)
from assistant.verify import Citation, Verified, citation

MAX_ITEMS = 6
COUNTED_ITEMS = 30  # a list whose items are counted is given whole, up to this many
COUNTS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
ENTITY_SENTENCES = 12  # the best evidence sentences read for the entity a question asks for
MAX_PEOPLE = 12
# "These concerns include …": a sentence that lists what the one before it names
LISTING = re.compile(
    r"^\s*(?:these|those|such)\s+([a-z][\w-]*)\s+(?:include|includes|included|are|were|cover)\b",
    re.IGNORECASE,
)
# An item of a list written as labelled paragraphs ("**Combating COVID-19**: …") or bullets
LABELLED = re.compile(r"^[^*\n.!?]{2,80}\*\*\s*:")
ITEM_START = re.compile(r"(?:^|\n)[ \t]*(?:\*\*|[•▪◦‣*–-][ \t]+|\d{1,3}[.)][ \t]+)$")
ITEM_GAP = 1500  # characters between two items of one list, at most
INTRODUCER_RANK = 6  # the introducing sentence is among the best relevant sentences
MIN_SUMMARY = 2
REPEATED = 0.8  # a sentence most of whose words one already chosen says is a repeat
HEADING_WORDS = 6  # a line this short without a sentence end is a heading
POSSESSIVE = re.compile(r"[’']s?$")
CLAUSE_ENDS = ",;:"
STRANDED_SENTENCES = 3
LISTED_NAME = re.compile(rf",?\s*(?:,|\band\b)\s+(?:the\s+)?({NAME_RUN.pattern})")
# "Who does the United States stand with?": a question ending on the preposition of its answer
# between two names of one series: a comma or "and", and at most a title ("Foreign Minister")
SERIES_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:[A-Z][\w.’'-]*\s+){0,3}")
SERIES_END = re.compile(r"\s*(?:[,;.]|and\b|or\b|$)")
STRANDED = re.compile(r"\b(with|to|for|from|against|by)\s*\?*\s*$", re.IGNORECASE)


def compose(question: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
    if question.names_documents:
        return _documents_saying(question, judgement, passages)
    if question.answer_type == "person" or question.kind_label:
        return _people(question, judgement, passages)
    most = question.length or MAX_ITEMS
    if question.shape == "list":
        listed = listed_by_documents(question, judgement, passages)
        return listed or _listed(relevant(question, judgement)[: question.length], passages)
    if question.of_documents:
        central = _taking_turns(judgement.evidence, passages, question.length)
        return _by_document(central, passages, per_document=len(central))
    if question.shape == "summary":
        return _cited(_in_order(relevant(question, judgement)[:most]), passages)
    if question.shape == "compare":
        return _compared(question, judgement, passages)
    if question.entity:
        return _named(question, judgement, passages)
    if judgement.parts:
        return _claims(question, judgement, passages)
    return _fact(question, judgement, passages)


def listed_by_documents(
    question: Question, judgement: Judgement, passages: list[Passage]
) -> Verified | None:
    """A list question's items as the documents give them, one by one: after a sentence that
    introduces them, or named in a series after the asked noun; None when they give none so."""
    if question.shape != "list":
        return None
    chosen = relevant(question, judgement)[: question.length]
    asked = next((int(c) for c in question.counted), None)  # "What are the five …?"
    return _introduced(chosen, judgement, passages, asked=asked) or _enumerated(
        question, chosen, passages
    )


@dataclass(frozen=True)
class NearMiss:
    asked: str  # what the question asks about that the documents never say
    given: str | None  # what the nearest passage gives instead, when it is the same kind
    sentence: Sentence
    citation: Citation


def near_miss(question: Question, judgement: Judgement, passages: list[Passage]) -> NearMiss | None:
    """For a refusal: the nearest evidence and what it lacks, when the lack is something
    concrete (a name, number, qualifier or the modifier of what was asked about)."""
    missing = judgement.missing
    if not judgement.evidence or not any(missing.values()):
        return None
    for modifier in missing.get("modifiers", []):
        head = next(h for m, h in question.modified | question.noun_compounds if m == modifier)
        asked = _phrase(question.text, modifier, head)
        holding = [s for s in judgement.evidence if head in terms(s.text)]
        nearest = next((s for s in holding if s.typed), holding[0] if holding else None)
        if asked and nearest:
            cite = citation(nearest.n, passages[nearest.n - 1], nearest.text)
            return NearMiss(asked, _phrase(nearest.text, None, head), nearest, cite)
    best = judgement.evidence[0]
    if missing.get("places") and question.held:  # "They give the U.S. Secretary of State"
        given = elsewhere("\n".join(p.text for p in passages), question.held)
        said = next((s for s in judgement.evidence if given and given in s.text), best)
        cite = citation(said.n, passages[said.n - 1], said.text)
        return NearMiss(question.held.asked, given, said, cite)
    cite = citation(best.n, passages[best.n - 1], best.text)
    if missing.get("periods"):  # "each year" of a sentence that counts "every day"
        asked = PERIODS[missing["periods"][0]].search(question.text)
        return NearMiss(asked.group() if asked else missing["periods"][0], None, best, cite)
    manner = asked_manner(question.text)
    if manner and manner in missing.get("opposites", []):  # "does not mention “in person”"
        return NearMiss(manner, None, best, cite)
    contrasts = contrasted_words(question.text, best.text, question.one_claim)
    for asked, given in contrasts if missing.get("opposites") else ():
        return NearMiss(asked, given, best, cite)  # "They give the last, not the first"
    for kind in ("names", "numbers", "qualifiers", "terms", "offices"):
        if missing.get(kind):
            # a name of the conversation as it was written ("NATO", not "nato")
            written = "\n".join([question.text, question.resolved, *map(" ".join, question.units)])
            return NearMiss(_as_written(written, missing[kind][0]), None, best, cite)
    return None


def _phrase(text: str, modifier: str | None, head: str) -> str | None:
    """The words of text whose stems are (modifier, head); with modifier None, the head and
    the content word before it ("land border")."""
    words = WORD.findall(text)
    for i in range(1, len(words)):
        if not is_noun(words[i], head):
            continue
        before = terms(words[i - 1])
        wanted = len(before) == 1 if modifier is None else before == {modifier}
        if wanted:
            return f"{words[i - 1]} {words[i]}"
    return None


def _as_written(text: str, word: str) -> str:
    found = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
    return found.group() if found else word


def enough(question: Question, text: str) -> bool:
    """Does a generated answer have as much as the shape needs?"""
    items = len(re.findall(r"\[\d+\]", text))
    if question.shape == "list":
        return items >= 2
    if question.shape in ("summary", "compare"):
        # "Summarize what the documents say about COVID-19." answered without "COVID-19"
        least = min(MIN_SUMMARY, question.length or MIN_SUMMARY)
        return items >= least and all(_names_all(text, u) for u in question.units)
    return items >= 1


def _fact(question: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
    first = judgement.evidence[0]
    listed = _introduced([first], judgement, passages, question.answer_type == "count")
    if listed:
        return listed
    listing = _listing_after(first, judgement.evidence)
    chosen = [first, listing] if listing else [first]
    wanted = set(question.subjects) - names(first.text) - names(first.antecedent)
    for s in judgement.evidence[1:4]:
        if wanted & names(s.text) and all(s.text != c.text for c in chosen):
            chosen.append(s)
            break
    return _cited(chosen, passages)


def _named(question: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
    """ "Who …?", "Which company …?": the entity of the asked kind that the best evidence
    names most (never one the question names), then the sentences that say so, cited. "Who
    <verb> …?" is first answered by the subject of that verb in the best sentence, which may
    be a country or an organisation ("Beijing is now challenging …")."""
    rest = (
        _claims(question, judgement, passages)
        if judgement.parts
        else _fact(question, judgement, passages)
    )
    if question.owned:  # "Which country's citizens …?": whose the sentence says, or no name
        found = owner(judgement.evidence[0].text, question.owned)
        return _labelled(found, rest) if found else rest
    for s in judgement.evidence[:STRANDED_SENTENCES]:
        passage = passages[s.n - 1].text
        if not all(mentions(passage, n) for n in question.subjects):
            continue  # a passage about something else
        governed = _stranded_object(question, s.text)
        if governed:  # "Who does the United States stand with?" → "stands with Canada"
            answer = _cited(_unique([s, judgement.evidence[0]]), passages)
            return _labelled(governed, answer)
    held = _holder(question, judgement.evidence[:ENTITY_SENTENCES])
    if held:
        name, said = held
        answer = _cited(_unique([said, judgement.evidence[0]]), passages)
        return _labelled(name, answer)
    answers_by_doer = question.entity == "AGENT" and not judgement.parts
    # parsed only when it answers ("Who founded …?") or is ruled out ("Who did Biden call?")
    actor = (
        doer(judgement.evidence[0].text, question.verbs) or ""
        if answers_by_doer or question.asks_object
        else ""
    )
    if answers_by_doer and not question.asks_object:
        subject = _not_asked(question, actor)
        if subject:  # not "Blinken" of "Whom did Blinken …?"
            return _labelled(f"{subject[0].upper()}{subject[1:]}", rest)
    # "Who will the Secretary of State meet?": never the one who meets ("Secretary Blinken")
    acting = actor.lower() if question.asks_object else ""
    best_first = judgement.evidence[:ENTITY_SENTENCES]
    if question.entity == "AGENT" and question.verbs and not HOLDER_QUESTION.match(question.text):
        # "Who founded NORAD?": the best evidence, or a sentence that says "founded", not a
        # person named beside them ("Who is the individual that …?" describes, in other words)
        best_first = best_first[:1] + [s for s in best_first[1:] if terms(s.text) & question.verbs]
    pool = best_first + judgement.parts  # each claim's own best sentence counts as the best
    weights = [1 / (1 + rank) for rank in range(len(best_first))] + [1.0] * len(judgement.parts)
    label = "PERSON" if question.entity == "AGENT" else question.entity or ""
    found = entities([s.text for s in pool], frozenset({label}))
    full = {e.split()[-1].lower() for named in found for e, _ in named if _is_full_name(e)}
    score: dict[str, float] = {}
    near: dict[str, float] = {}  # of the best sentence's names: how much of the question
    form: dict[str, str] = {}
    said_in: dict[str, Sentence] = {}
    for s, weight, named in zip(pool, weights, found, strict=True):
        for written, _ in dict.fromkeys(named):
            entity = _not_asked(question, written)
            if (
                not entity
                or (question.follow_up and entity.split()[-1].lower() in question.names)
                or (acting and mentions(acting, entity.split()[-1].lower()))
            ):  # the publisher or subject the question (or conversation) gives is no answer
                continue
            if label == "PERSON" and not _a_person(entity, s.text, full):
                continue
            key = entity.split()[-1].lower() if label == "PERSON" else entity.lower()
            score[key] = score.get(key, 0.0) + weight
            if s is pool[0]:
                near[key] = max(near.get(key, 0.0), _clause_share(question, s.text, written))
            if len(entity) > len(form.get(key, "")):
                form[key] = entity
            said_in.setdefault(key, s)
    if not score:
        return rest
    best = max(score, key=lambda k: score[k])
    whole = [k for k, share in near.items() if share == 1.0]
    if len(whole) == 1 and len(near) > 1:  # the one name whose clause says all it asks
        best = whole[0]
    chosen = _unique([said_in[best], judgement.evidence[0], *judgement.parts])
    answer = _cited(chosen, passages)
    if not question.asks_object:
        return _labelled(form[best], answer)
    # "Who will Blinken meet?" of "… meet with Prime Minister Trudeau, Foreign Minister
    # Garneau, and …": each person the sentence names in one series with the best
    said = said_in[best].text
    series = [form[k] for k in score if said_in[k] is said_in[best]]
    series.sort(key=lambda name: said.find(name))
    at = series.index(form[best])
    first = last = at
    while first > 0 and _in_series(said, series[first - 1], series[first]):
        first -= 1
    while last + 1 < len(series) and _in_series(said, series[last], series[last + 1]):
        last += 1
    return _labelled(and_joined(series[first : last + 1]), answer)


def _in_series(text: str, one: str, next_one: str) -> bool:
    """Does the text name next_one right after one in a series ("A, Foreign Minister B, …"),
    not as the owner opening a clause of its own ("A, and Secretary B’s first call …")?"""
    start = text.find(one) + len(one)
    at = text.find(next_one, start)
    after = text[at + len(next_one) :]
    return bool(SERIES_GAP.fullmatch(text[start:at]) and SERIES_END.match(after))


def _stranded_object(question: Question, sentence: str) -> str:
    """Of "Who does A stand with?", the name the sentence puts after the question's verb and
    that preposition ("… stands with Canada …"); "" when it puts none there."""
    found = STRANDED.search(question.text)
    if not found or not question.verbs:
        return ""
    verbs = "|".join(re.escape(v) for v in sorted(question.verbs))
    after = re.search(
        rf"\b(?:{verbs})\w*\s+{found.group(1)}\s+(?:the\s+)?((?-i:{NAME_RUN.pattern}))",
        sentence,
        re.IGNORECASE,
    )
    if not after:
        return ""
    governed, end = [after.group(1)], after.end()
    while more := LISTED_NAME.match(sentence, end):  # "with A, B and C"
        governed.append(more.group(1))
        end = more.end()
    said = [a for a in (_not_asked(question, n) for n in governed) if a]
    return and_joined(said)


def _clause_share(question: Question, text: str, written: str) -> float:
    """The share of the question's words said in the clause that names it: of "Biden's first
    call was to Trudeau, and Blinken's first call was to Garneau", "Who was Blinken's first
    call?" is Garneau's clause."""
    at = text.find(written)
    asked = terms(question.text)
    if at < 0 or not asked:
        return 0.0
    start = max(text.rfind(c, 0, at) for c in CLAUSE_ENDS) + 1
    ends = [e for e in (text.find(c, at + len(written)) for c in CLAUSE_ENDS) if e >= 0]
    return len(asked & terms(text[start : min(ends, default=len(text))])) / len(asked)


def _labelled(label: str, answer: Verified) -> Verified:
    """The answer after what it names, on one line ("President Biden and Prime Minister
    Trudeau: …", though the document wraps the name)."""
    return Verified(f"{' '.join(label.split())}: {answer.text}", answer.citations)


def _holder(question: Question, sentences: list[Sentence]) -> tuple[str, Sentence] | None:
    """For "Who is <office>?", the name the documents write after that office ("Foreign
    Minister Garneau"), with its sentence."""
    asked = asked_office(question.text)
    if not asked:
        return None
    office = question.held.office if question.held else asked.group()
    titled = re.compile(rf"\b{re.escape(office)}{TITLED_NAME}")
    everywhere = "\n".join(s.text for s in sentences)
    for s in sentences:
        for found in titled.finditer(s.text):
            name = _not_asked(question, found.group(1))
            # not the caller of "… Biden called?", nor the U.S. holder of Canada's office
            if name and for_place(everywhere, question.held, found.group(1)):
                return name, s
    return None


def _not_asked(question: Question, written: str) -> str:
    """The name as an answer ("Biden’s" → "Biden"), or "" when the question itself names it,
    whole or by its last word ("Blinken" of "Antony J. Blinken")."""
    name = POSSESSIVE.sub("", written)
    said = name and mentions(question.text, name.split()[-1].lower())
    return "" if not name or said or mentions(question.text, name.lower()) else name


def _unique(sentences: list[Sentence]) -> list[Sentence]:
    chosen: list[Sentence] = []
    for s in sentences:
        if all(s.text != c.text for c in chosen):
            chosen.append(s)
    return chosen


def _claims(question: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
    """The best sentence for each claim (and the best evidence overall first), each cited; a
    yes/no question starts with the fitted verdict. "Is Mexico mentioned …?" gives only the
    sentences that say it."""
    chosen = _unique([judgement.evidence[0], *judgement.parts])
    if question.asks_mention:
        chosen = [s for s in chosen if says(s.text, question.mentioned)] or chosen
    answer = _cited(chosen, passages)
    if judgement.verdict is None:
        return answer
    return Verified(f"{'Yes.' if judgement.verdict else 'No.'} {answer.text}", answer.citations)


def relevant(question: Question, judgement: Judgement) -> list[Sentence]:
    """Evidence sentences that speak to the question's topic, best first, no duplicates; the
    best one's list follows it when the next sentence gives it ("… on shared areas of
    concern. These concerns include …")."""
    best = judgement.evidence[0]
    found = _relevant(question, judgement, best)
    listing = _listing_after(best, judgement.evidence)
    if listing is None or any(s.text == listing.text for s in found):
        return found
    return [found[0], listing, *found[1:]]


def _listing_after(sentence: Sentence, evidence: list[Sentence]) -> Sentence | None:
    after = [s for s in evidence if s.n == sentence.n and s.start >= sentence.end]
    following = min(after, key=lambda s: s.start, default=None)
    if following is None:
        return None
    found = LISTING.match(following.text)
    return following if found and terms(found.group(1)) <= terms(sentence.text) else None


def _relevant(question: Question, judgement: Judgement, best: Sentence) -> list[Sentence]:
    def named(s: Sentence) -> bool:  # or refers by its opening pronoun to what the one before names
        return not question.units or any(_names_all(in_context(s), u) for u in question.units)

    # the best evidence leads unless it names none of what is asked about and another does
    lead = best if named(best) or not any(map(named, judgement.evidence)) else None
    seen: list[frozenset[str]] = []
    out = []
    for s in judgement.evidence:
        if _heading(s.text) and s is not lead:
            continue
        on_topic = s.coverage >= 0.5 or s.similarity >= best.similarity - 0.1
        key = terms(s.text)
        if s is lead or (named(s) and on_topic):
            # the two documents may say one thing in nearly the same words
            if any(len(key & said) >= REPEATED * len(key) for said in seen):
                continue
            seen.append(key)
            out.append(s)
    return out or [best]


def _names_all(text: str, unit: tuple[str, ...]) -> bool:
    """Names all of it, or its last word as written ("the Roadmap" of "the U.S.-Canada
    Partnership Roadmap", not "roadmap"; "the Board", not "the board")."""
    head = unit[-1]
    return all(mentions(text, w.lower()) for w in unit) or (
        len(unit) > 1 and head[:1].isupper() and mentions(text, head, cased=True)
    )


def _heading(text: str) -> bool:
    """A short line with no sentence end ("Office of the Spokesperson"): not a statement."""
    return len(WORD.findall(text)) < HEADING_WORDS and not re.search(r"[.!?…”\"')\]]\s*$", text)


def _in_order(chosen: list[Sentence]) -> list[Sentence]:
    return sorted(chosen, key=lambda s: (s.n, s.start))


def _introduced(
    chosen: list[Sentence],
    judgement: Judgement,
    passages: list[Passage],
    counted: bool = False,
    asked: int | None = None,
) -> Verified | None:
    """A list the documents introduce ("The Roadmap will prioritize:") and then give item by
    item: the introducing sentence, then the first sentence of each item, in reading order;
    counted, every item and how many there are first ("How many priorities …?"); asked for
    another number of items than it gives, how many it gives ("Six, not five.")."""
    most = COUNTED_ITEMS if counted or asked else MAX_ITEMS
    intro = next(
        (s for s in chosen[:INTRODUCER_RANK] if plain(s.text).endswith(":")),
        None,
    )
    if intro is None:
        return None
    source = passages[intro.n - 1].source

    def at(s: Sentence) -> int:  # its offset in the document
        return passages[s.n - 1].start + s.start

    starts = sorted(
        (s for s in judgement.evidence if passages[s.n - 1].source == source and at(s) > at(intro)),
        key=at,
    )
    items: dict[int, Sentence] = {}
    last = at(intro)
    for s in starts:
        if at(s) - last > ITEM_GAP or len(items) == most:
            break
        before = passages[s.n - 1].text[: s.start]
        if at(s) not in items and (LABELLED.match(s.text) or ITEM_START.search(before)):
            items[at(s)] = s
            last = at(s)
    if len(items) < 2:
        return None
    head = _cited([intro], passages)
    listed = _listed(list(items.values()), passages, most)
    cites = {c.n: c for c in [*head.citations, *listed.citations]}
    # the count is the answer's own word, as "Yes." is: no passage says "six"
    given = _count_word(len(items))
    count = f"{given}. " if counted else ""
    if asked and asked != len(items) and len(items) < most:
        count = f"{given}, not {_count_word(asked).lower()}. "
    return Verified(f"{count}{head.text}\n{listed.text}", list(cites.values()))


def _enumerated(
    question: Question, chosen: list[Sentence], passages: list[Passage]
) -> Verified | None:
    """When the best evidence names the asked things one by one ("multilateral institutions,
    including the United Nations, G7 and G20, …"): each thing the chosen sentences name so,
    once, cited to its sentence; None when the best sentence names none so."""
    things = asked_things(question.text)
    if not chosen or not enumerated(things, plain(chosen[0].text)):
        return None
    found: dict[str, tuple[str, Sentence]] = {}
    for s in chosen:
        for item in enumerated(things, plain(s.text)):
            found.setdefault(re.sub(r"^the\s+", "", item.lower()), (item, s))
    lines, cites = [], {}
    for item, s in list(found.values())[:COUNTED_ITEMS]:
        lines.append(f"- {item} [{s.n}]")
        cites.setdefault(s.n, citation(s.n, passages[s.n - 1], s.text))
    return Verified("\n".join(lines), list(cites.values()))


def _count_word(n: int) -> str:
    return COUNTS[n] if n < len(COUNTS) else str(n)


def _listed(chosen: list[Sentence], passages: list[Passage], most: int = MAX_ITEMS) -> Verified:
    chosen = chosen[:most]
    if len(chosen) == 1:
        return _cited(chosen, passages)
    verified = _cited(chosen, passages, joiner="\n")
    lines = [f"- {line}" for line in verified.text.split("\n")]
    return Verified("\n".join(lines), verified.citations)


def _people(question: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
    """Each person once ("Biden" is "Joe Biden"), with the first sentence naming them; not
    those the question itself names ("Whom will Blinken meet?"), unless no one else is. The
    same of countries or dates ("Which countries are mentioned?")."""
    named = [s for s in _in_order(judgement.evidence) if s.people]
    persons = question.answer_type == "person"
    full = {p.split()[-1].lower() for s in named for p in s.people if _is_full_name(p)}
    found: dict[str, tuple[str, Sentence]] = {}  # surname -> (the person, who introduces them)
    for s in named:
        for person in s.people:
            if not persons:  # a country or date: "the United States" is the United States
                person = re.sub(r"^the\s+", "", " ".join(person.split()), flags=re.IGNORECASE)
                if not _of_kind(person, question.kind_label, found):
                    continue
            key = person.split()[-1].lower() if persons else person.lower()
            if key in found or (persons and not _a_person(person, s.text, full)):
                continue
            initial = re.search(rf"\b[A-Z][a-z]+ (?={re.escape(person)})", s.text)
            if re.match(r"[A-Z]\. ", person) and initial:  # "J. Blinken" of "Antony J. Blinken"
                person = initial.group() + person
            found[key] = (person, s)
    asked = {n.split()[-1].lower() for n in question.names} if persons else set()
    kept = [found[k] for k in found if k not in asked] or list(found.values())
    items: dict[str, list[str]] = {}  # sentence text -> the people it introduces
    sources: dict[str, Sentence] = {}
    for person, s in kept:
        items.setdefault(s.text, []).append(person)
        sources[s.text] = s
    lines, cites = [], {}
    for text, people in list(items.items())[:MAX_PEOPLE]:
        s = sources[text]
        lines.append(f"- {' and '.join(people)}: {plain(text)} [{s.n}]")
        cites.setdefault(s.n, citation(s.n, passages[s.n - 1], text))
    return Verified("\n".join(lines), list(cites.values()))


def _of_kind(name: str, label: str | None, found: dict[str, tuple[str, Sentence]]) -> bool:
    """A country not yet listed under another name ("U.S." after "United States"), nor two
    of them joined ("U.S.-Canada"), and not a group spaCy takes for one ("G7"); a date that
    gives a day or year ("2019", not "today"), not a length of time ("60 years")."""
    digits = any(c.isdigit() for c in name)
    if label == "DATE":
        return digits and not DURATION.search(name)
    listed = [listed for listed, _ in found.values()]
    joined = "-" in name and all(
        any(same_place(part, other) for other in listed) for part in name.split("-")
    )
    return not digits and not joined and not any(same_place(name, other) for other in listed)


def _a_person(name: str, text: str, full: set[str]) -> bool:
    """Is a name spaCy calls a person one? A full name, the surname of one (`full`), or a
    titled name ("President Biden"); "Roadmap" or "COVID-19" never are."""
    titled = re.search(rf"\b{TITLES}\s+{re.escape(name)}\b", text)
    return _is_full_name(name) or name.split()[-1].lower() in full or bool(titled)


def _is_full_name(person: str) -> bool:
    """Two or more words, each a capitalised word or an initial: "Antony J. Blinken", "Sam
    Bankman-Fried", "Ron DeSantis" (not an acronym: each word has a lower-case letter)."""
    words = person.split()
    word = r"[A-Z][\w'’-]*[a-z][\w'’-]*|[A-Z]\."
    return len(words) > 1 and all(re.fullmatch(word, w) for w in words)


def _compared(question: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
    per_document = max(1, (question.length or 4) // 2)
    return _by_document(relevant(question, judgement), passages, per_document, documents=3)


def _taking_turns(
    chosen: list[Sentence], passages: list[Passage], most: int | None
) -> list[Sentence]:
    """The first sentence of each document, then the second of each …, at most most of them."""
    by_document: dict[str, list[Sentence]] = {}
    for s in chosen:
        by_document.setdefault(passages[s.n - 1].source, []).append(s)
    turns = [s for rank in zip_longest(*by_document.values()) for s in rank if s is not None]
    return turns[:most]


def _by_document(
    chosen: list[Sentence], passages: list[Passage], per_document: int, documents: int = 12
) -> Verified:
    """What each document says, under its title, in reading order; one document's alone."""
    by_document: dict[str, list[Sentence]] = {}
    for s in chosen:
        side = by_document.setdefault(passages[s.n - 1].source, [])
        if len(side) < per_document:
            side.append(s)
    if len(by_document) == 1:
        return _cited(_in_order(next(iter(by_document.values()))), passages)
    parts, cites = [], {}
    for side in list(by_document.values())[:documents]:
        said = _cited(_in_order(side), passages)
        parts.append(f"**{passages[side[0].n - 1].title}**: {said.text}")
        cites.update({c.n: c for c in said.citations})
    return Verified("\n\n".join(parts), list(cites.values()))


def _documents_saying(
    question: Question, judgement: Judgement, passages: list[Passage]
) -> Verified:
    """Each document with a sentence that says the thing asked about, under its title."""
    first: dict[str, Sentence] = {}
    for s in judgement.evidence:
        if says(s.text, question.mentioned):
            first.setdefault(passages[s.n - 1].source, s)
    chosen = list(first.values()) or judgement.evidence[:1]
    parts = [f"**{passages[s.n - 1].title}**: {plain(s.text)} [{s.n}]" for s in chosen]
    cites = {s.n: citation(s.n, passages[s.n - 1], s.text) for s in chosen}
    return Verified("\n\n".join(parts), list(cites.values()))


def _cited(chosen: list[Sentence], passages: list[Passage], joiner: str = " ") -> Verified:
    text = joiner.join(f"{plain(s.text)} [{s.n}]" for s in chosen)
    cites = {}
    for s in chosen:
        cites.setdefault(s.n, citation(s.n, passages[s.n - 1], s.text))
    return Verified(text, list(cites.values()))
