"""Turn a follow-up question into a standalone search query, without an LLM.

A question leans on the conversation when it opens with "and" or "what about", has too few
words of its own to search with, points outside itself ("with him", "part of it"), or uses a
pronoun while naming nothing itself. Such a question is searched together with the previous
question and the names and numbers of the previous answer; any other question stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from assistant.answering.parser import noun_phrases
from assistant.text import MARKER, and_joined, terms

ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|him|his|she|her|such|the same)\b",
    re.IGNORECASE,
)
POINTING = re.compile(
    r"\b(with|to|for|about|of|from|on|by|at|in|than)\s+(him|her|them|it|that|this|those)\b",
    re.IGNORECASE,
)
NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w.-]*")
FOLLOW_ON = r"^\s*(?:and|but|also|(?:and\s+)?(?:what|how)\s+about)\s+"  # "And …?", "What about …?"
OPENER = re.compile(r"^\s*(and|also|so|but|what about|how about)\b", re.IGNORECASE)
# a modal or "together" says nothing of what a question is about ("Which countries would it
# bring together?")
GENERIC = terms(
    "year years age number time times name called kind else more other another "
    "would could should might must shall can may also together"
)
SINGULAR = re.compile(r"\b(it|its|he|him|his|she)\b", re.IGNORECASE)
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w.’'-]*(?:\s+(?:of\s+)?[A-Z][\w.’'-]*)*")
# "What is NORAD?", "Who is Michael Kovrig?", "Describe the Arctic Dialogue.": a question about
# a name, which a following "it" or "he" refers to
RUN = r"(?-i:[A-Z][\w.’'-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w.’'-]*)*)"
ABOUT_A_NAME = re.compile(
    rf"^\s*(?:(?:what|who)\s+(?:is|are|was|were)|describe|explain|summari[sz]e|tell me about)"
    rf"\s+(?:the\s+)?({RUN})\s*[?.!]?\s*$",
    re.IGNORECASE,
)
NOT_A_SUBJECT = {"The", "A", "An", "It", "This", "That", "These", "In", "On", "Yes", "No"}
# "And about the Arctic?", "What about in 2019?", "And for Canada?"
PREPOSITION = r"about|on|regarding|concerning|for|in|during|with|to|from|by|between"
ELLIPSIS = re.compile(
    rf"^\s*(?:(?:and|but|also)\s+(?:(?:what|how)\s+about\s+(?:(?P<prep>{PREPOSITION})\s+)?|"
    rf"(?P<after_and>{PREPOSITION})\s+)|(?:what|how)\s+about\s+(?:(?P<bare>{PREPOSITION})\s+)?)"
    r"(?P<new>(?!(?:it|him|her|them|this|that|these|those|else)\b)[^?.!]{1,60}?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
PREPOSITIONS = (("about", "on", "regarding", "concerning"), ("in", "during"))
YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
PERIOD = r"(?:per|each|every|a)\s+(?:day|week|month|year)|daily|weekly|monthly|annually"
PERIOD_ELLIPSIS = re.compile(rf"{FOLLOW_ON}(?P<new>{PERIOD})\s*[?.!]*\s*$", re.IGNORECASE)
# "And the maritime one?", "What about the sea border?": a noun phrase of the previous question's
# kind, in its place
PHRASE = re.compile(
    r"^\s*(?:(?:and|but|also)\s+)?(?:(?:what|how)\s+about\s+)?(?:the|a|an)\s+"
    r"(?P<words>[\w’'-]+(?:\s+[\w’'-]+){0,3}?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
NOT_MODIFIERS = frozenset({"other", "another", "same", "former", "latter"})
# "Tell me more about the third one.", "What does the second item say?": an item of the list
# the previous answer gave
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
LIST_ITEM = re.compile(
    rf"\bthe\s+(?P<rank>{'|'.join(ORDINALS)}|last)(?:\s+(?P<noun>[a-z]+))?\b(?!-)|"
    r"\b(?:item|point|bullet|#)\s*(?P<number>[1-9])\b",
    re.IGNORECASE,
)
LIST_TURNS = 3  # how far back a list is still "the list"
MAX_CHOSEN = 3  # items sharing the most words with "which of them …?" that are still an answer
ITEM_NOUNS = frozenset({"one", "item", "point", "entry", "bullet", "thing", "answer"})
ITEM = re.compile(r"^\s*[-*•]\s+(?P<item>.+?)\s*$", re.MULTILINE)
ANSWER_LABEL = re.compile(r"^(?P<label>[^:]{1,60}):\s+(?=\S)")  # "Trudeau: …" of an answer line
# "Which one is about racism?", "Which of them mentions NATO?": the item of the last list that
# says it
WHICH_ITEM = re.compile(
    r"^\s*(?:and\s+|so\s+)?which\s+(?:of\s+(?:them|these|those)|(?P<noun>[a-z]+)"
    r"(?:\s+of\s+(?:them|these|those))?)\s+(?P<rest>\S.*?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
ABOUT_WORDS = terms(
    "about mentions mention deals deal with covers cover concerns concern talks talk addresses "
    "address involves involve focuses focus refers refer relates relate says say on"
)
# "Which priorities of the Roadmap involve NATO?": a list asked for, filtered by what its
# items say ("of the Roadmap" names the whole the items belong to)
FILTERED_LIST = re.compile(
    r"^\s*which\s+(?P<noun>[a-z]+)"
    r"(?P<whole>\s+(?:of|in|under|from)\s+(?:the\s+)?(?-i:[A-Z][\w’'-]*)(?:\s+(?-i:[A-Z][\w’'-]*))*)?"
    r"\s+(?P<verb>[a-z]+)\s+(?P<rest>\S.*?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# nouns of the folder's own documents: "Which document mentions X?" is read, not listed
NOT_LISTED = frozenset(
    {"document", "file", "report", "article", "page", "text", "source", "sheet", "one", "of"}
)
NAMED_ITEM_WORDS = 8  # an unlabelled item this short names a thing; a longer one is a sentence
MIN_OWN_WORDS = 2
SELF_CONTAINED_WORDS = 4


class HasTurn(Protocol):
    question: str
    answer: str


def is_follow_up(question: str) -> bool:
    own = terms(question) - GENERIC
    if OPENER.match(question) or len(own) < MIN_OWN_WORDS or POINTING.search(question):
        return True
    names = NAME.findall(question.strip())
    return bool(ANAPHORA.search(question)) and not names and len(own) < SELF_CONTAINED_WORDS


def standalone_query(question: str, history: Sequence[HasTurn]) -> str:
    if not history or not is_follow_up(question):
        return question
    last = history[-1]
    answer_words = [
        w for w in MARKER.sub("", last.answer).split() if w[:1].isupper() or w[:1].isdigit()
    ]
    return " ".join([last.question, *answer_words[:12], question])


def resolved_question(
    question: str, history: Sequence[HasTurn], thing: str | None = None
) -> str | None:
    """The follow-up with its singular pronoun replaced by what the previous question was
    about, if it asked about a name ("What is NORAD?"), else by what the previous answer
    names first, preferring a name of the thing that question asked for (`thing`, a stem:
    "declar" of "Which declaration …?"), then a name that question did not give: "How old is
    it?" after "The crown jewel of U.S.-Canada defense cooperation is NORAD." → "How old is
    NORAD?". None when there is no pronoun or no name to put in its place."""
    if not history:
        return None
    pronoun = SINGULAR.search(question)
    answer = MARKER.sub("", history[-1].answer)
    names = [_bare(m.group(0)) for m in CAPITALISED_RUN.finditer(answer) if _a_name(m)]
    asked = history[-1].question.lower()
    names.sort(  # stable: in the answer's order otherwise
        key=lambda name: (thing not in terms(name), name.lower() in asked)
    )
    about = ABOUT_A_NAME.match(history[-1].question)
    subject = _bare(about.group(1)) if about else next(iter(names), None)
    if pronoun is None or subject is None:
        return None
    possessive = pronoun.group(1).lower() in ("its", "his")
    replacement = subject + ("'s" if possessive else "")
    return question[: pronoun.start()] + replacement + question[pronoun.end() :]


def item_named(question: str, history: Sequence[HasTurn]) -> str | None:
    """The question with its reference to an item of the previous answer's list in the item's
    place: "Tell me more about the third one." after a list whose third item is "Accelerating
    Climate Ambitions: Through the Roadmap, …" → "Tell me more about Accelerating Climate
    Ambitions." (an item's label, else the item); "the second priority" after a question
    about priorities, the list being the last one of the conversation's recent answers. None
    when it names no item of that list."""
    previous = _last_list(history)
    if previous is None:
        return None
    items = _items(previous)
    found = next((m for m in LIST_ITEM.finditer(question) if _an_item(m, previous)), None)
    if not found:
        return None
    n = place_of(found.group("rank")) if found.group("rank") else int(found.group("number"))
    if n > len(items):
        return None
    named = _named(items[n - 1 if n > 0 else -1])
    return question[: found.start()] + named + question[found.end() :]


def item_chosen(question: str, history: Sequence[HasTurn]) -> str | None:
    """ "Tell me about Advancing Diversity and Inclusion." for "Which one is about racism?"
    after a list whose one item (label and text) shares the most words with what is asked;
    "Tell me about A and B." when two or three items share as many; None when no item, or
    more than three, say any of it."""
    previous = _last_list(history)
    chosen = chosen_items(question, previous) if previous is not None else []
    return f"Tell me about {and_joined([_named(item) for item in chosen])}." if chosen else None


def chosen_items(question: str, listed: HasTurn, *, cited: bool = False) -> list[str]:
    """The items of a list answer that "Which of them …?" asks for: those sharing the most
    words with what is asked, when one to three do (with their citation markers if cited)."""
    found = WHICH_ITEM.match(question)
    if not found:
        return []
    noun = (found.group("noun") or "").lower()
    if noun and noun not in ITEM_NOUNS and not terms(noun) <= terms(listed.question):
        return []
    asked = terms(found.group("rest")) - ABOUT_WORDS
    items = _items(listed)
    shared = [len(asked & terms(item)) for item in items]
    best = max(shared, default=0)
    if not asked or best == 0 or shared.count(best) > MAX_CHOSEN:
        return []
    written = [m.group("item") for m in ITEM.finditer(listed.answer)] if cited else items
    return [item for item, n in zip(written, shared, strict=True) if n == best]


def filtered_list(question: str, history: Sequence[HasTurn]) -> tuple[str, str] | None:
    """For "Which priorities of the Roadmap involve NATO?" (or "Which priority mentions
    racism?") asked with no list in the conversation: the list to ask for first ("What are
    the priorities of the Roadmap?") and the question to ask of its items ("Which of them
    involve NATO?"); else None. Which document says a thing is asked of the folder instead."""
    found = FILTERED_LIST.match(question)
    if not found or _last_list(history) is not None:
        return None
    noun, verb = found.group("noun").lower(), found.group("verb").lower()
    said = terms(verb)  # "did" is no word of saying: its terms are none
    if noun.endswith("ss") or not said or not said <= ABOUT_WORDS:
        return None
    plural = noun if noun.endswith("s") else _plural(noun)
    if plural.removesuffix("s") in NOT_LISTED:  # "documents", "ones", "of" (of "of them")
        return None
    whole = found.group("whole") or ""
    return f"What are the {plural}{whole}?", f"Which of them {verb} {found.group('rest')}?"


def of_named_items(listed: HasTurn) -> bool:
    """Is the list answer one of named things ("Combating COVID-19: …", "NATO [2]"), not of
    sentences, whose items "which of them" could not tell apart by name?"""
    items = _items(listed)
    return bool(items) and all(
        ANSWER_LABEL.match(item) or len(item.split()) <= NAMED_ITEM_WORDS for item in items
    )


def _plural(noun: str) -> str:
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + ("es" if re.search(r"(?:s|x|ch|sh)$", noun) else "s")


def _last_list(history: Sequence[HasTurn]) -> HasTurn | None:
    return next((t for t in reversed(history[-LIST_TURNS:]) if ITEM.search(t.answer)), None)


def _items(turn: HasTurn) -> list[str]:
    return [MARKER.sub("", m.group("item")).strip() for m in ITEM.finditer(turn.answer)]


def _named(item: str) -> str:
    """An item by its label ("Accelerating Climate Ambitions"), else the item itself."""
    label = ANSWER_LABEL.match(item)
    return label.group("label") if label else item.rstrip(".")


def place_of(ordinal: str) -> int:
    """ "third" → 3; "last" → -1."""
    word = ordinal.lower()
    return -1 if word == "last" else ORDINALS.index(word) + 1


def _an_item(found: re.Match[str], previous: HasTurn) -> bool:
    """ "the third one", "the last priority" after a question about priorities; not "the first
    call" (a thing of its own)."""
    noun = (found.group("noun") or "").lower()
    said = terms(noun)
    return not noun or noun in ITEM_NOUNS or (bool(said) and said <= terms(previous.question))


def elided(question: str, previous: str) -> str | None:
    """An ellipsis asked as the previous question with one phrase changed: "And about the
    Arctic?" after "What did they agree on about COVID-19?" → "What did they agree on about
    the Arctic?"; "And in 2019?" after "What was trade worth in 2020?" → "… in 2019?" (and
    appended when the previous question has no such phrase). None for any other question."""
    body = previous.strip().rstrip("?.! ")
    phrase = _phrase_swapped(question, body)
    if phrase:
        return phrase
    period = PERIOD_ELLIPSIS.match(question)
    if period:  # "And per day?" after "… trade in 2019?": per day, not in 2019
        dated = re.search(rf"\s+(?:(?:in|during)\s+{YEAR.pattern}|{PERIOD})", body, re.I)
        kept = body[: dated.start()] + body[dated.end() :] if dated else body
        return f"{kept} {period.group('new')}?"
    found = ELLIPSIS.match(question)
    if not found:
        return None
    said = found.group("prep") or found.group("after_and") or found.group("bare")
    prep, new = (said or "about").lower(), found.group("new").strip()
    if YEAR.fullmatch(new) and len(YEAR.findall(body)) == 1:
        return YEAR.sub(new, body) + "?"
    group = "|".join(next((g for g in PREPOSITIONS if prep in g), (prep,)))
    # the last such phrase, to the end of the question: "about COVID-19" of "agree on about …"
    slot = re.search(rf"\b(?:{group})\s+(?P<old>(?:(?!\b(?:{group})\b)[^,;:])+)$", body, re.I)
    if slot:
        return f"{body[: slot.start('old')]}{new}?"
    return f"{body} {prep} {new}?" if said else None


def _phrase_swapped(question: str, body: str) -> str | None:
    """ "And the maritime one?" after "How long is the land border?" → "How long is the
    maritime border?"; "And the sea border?" the same. None unless the previous question has a
    noun phrase of that head (or, for "one", a modified one)."""
    found = PHRASE.match(question) if OPENER.match(question) else None
    if not found:
        return None
    *modifiers, head = found.group("words").split()
    if NOT_MODIFIERS & {m.lower() for m in modifiers}:
        return None
    phrases = noun_phrases(body)
    if head.lower() in ("one", "ones"):
        fitting = [p for p in phrases if p[3]] if modifiers else []
        words = [*modifiers, fitting[-1][2]] if fitting else []
    else:
        fitting = [p for p in phrases if terms(p[2]) == terms(head) and terms(head)]
        words = [*modifiers, head]
    if not fitting:
        return None
    start, end, _, _ = fitting[-1]
    return f"{body[:start]}{' '.join(words)}{body[end:]}?"


def _a_name(match: re.Match[str]) -> bool:
    """A capitalised run that names something: not an ordinary word capitalised because it
    opens a sentence ("Finally, …"), unless it is an acronym ("NORAD is …")."""
    word = match.group(0)
    opens = match.start() == 0 or match.string[: match.start()].rstrip().endswith((".", "!", "?"))
    return word not in NOT_A_SUBJECT and not (opens and " " not in word and not word.isupper())


def _bare(name: str) -> str:
    """Without the full stop that ends its sentence ("Summit." but not "U.S.")."""
    last = name.split()[-1]
    return name[:-1] if last.endswith(".") and last.count(".") == 1 else name
