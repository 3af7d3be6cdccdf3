"""Text analysis shared by the evidence gate and citation checks: sentences, terms, names,
numbers and the kind of answer a question asks for."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from text_to_num import alpha2digit

from index.bm25_store import tokenize, unaccented
from index.chunking import sentence_spans

MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")  # citation markers: [1], [1, 2]
NUMBER = re.compile(r"(?<![\w.-])\d+(?:[.,]\d+)*")  # not the 19 of COVID-19
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
)
MONTH_BEFORE = re.compile(MONTH.pattern + r"\s+$")  # "February 26": the day of a date
MONTH_AFTER = re.compile(r"\s+" + MONTH.pattern)  # "26 February"
WORD = re.compile(r"[A-Za-z][\w'-]*")
NAME = re.compile(r"\b[A-Z][\w’'.-]*[\w]|\b[A-Z]\b")
# names written together: "Cross-Border Crime Forum", "North American Leaders' Summit"
NAME_RUN = re.compile(rf"(?:{NAME.pattern})(?:[’']?[ \t-]+(?:{NAME.pattern}))*")
BULLET = re.compile(r"[\s•▪◦‣*–-]+|\d{1,3}[.)]\s+")
QUESTION_WORDS = frozenset(
    tokenize(
        "what which who whom whose when where why how many much long old far big large "
        "is are was were do does did kind type name called tell give say"
    )
)
NOT_NAMES = frozenset(
    {
        *("how", "what", "when", "where", "who", "whom", "whose", "which", "why", "whether"),
        *("in", "on", "at", "and", "or", "but", "the", "a", "an", "is", "are", "was", "were"),
        *("do", "does", "did", "for", "to", "of", "it", "its", "this", "that", "these"),
        *("those", "there", "if", "as", "by", "with", "from", "i"),
    }
)
# Words that change which thing is meant, by the sides that contradict one another: the
# evidence may not say another side's word instead
QUALIFIER_SIDES = (
    frozenset({"next", "upcoming", "future"}),
    frozenset({"last", "previous", "former", "final", "latest", "recent"}),
    frozenset({"current"}),
)
QUALIFIERS = frozenset().union(*QUALIFIER_SIDES)
# An office named by its portfolio: "Minister of Health", "Health Minister", "Secretary of
# Defense". The portfolio picks out one office; the evidence must name that office, not only
# the word ("global health security" does not give a Minister of Health).
TITLE = r"(?:minister|secretary|ministry)"
OFFICES = (
    re.compile(rf"\b{TITLE}\s+(?:of|for)\s+(?:the\s+)?([A-Za-z][\w-]*)", re.IGNORECASE),
    re.compile(rf"(?<![\w'’])([A-Za-z][\w-]*)\s+{TITLE}\b", re.IGNORECASE),
)
RANKS = frozenset(
    {"prime", "vice", "deputy", "assistant", "under", "junior", "senior", "chief", "general"}
    | {"grand", "cabinet", "former", "acting", "new", "next", "last", "first", "current"}
)
ALIASES = {
    "us": ("u.s", "united states"),
    "u.s": ("us", "united states"),
    "usa": ("u.s", "united states"),
    "america": ("united states",),
    "uk": ("u.k", "united kingdom"),
    # a name's words are checked one by one: "States" of "the United States" said as "U.S."
    "states": ("u.s", "us", "usa", "america"),
    "kingdom": ("u.k", "uk", "britain"),
    "tv": ("television",),
}
# common irregular verbs with their past forms: "Did Biden hold …?" of documents saying "held"
IRREGULAR = (
    "be was were been; begin began begun; bring brought; build built; buy bought; choose chose "
    "chosen; come came; do did done; draw drew drawn; drive drove driven; eat ate eaten; fall "
    "fell fallen; feel felt; fight fought; find found; fly flew flown; give gave given; go went "
    "gone; grow grew grown; have had; hear heard; hold held; keep kept; know knew known; lead "
    "led; leave left; lose lost; make made; mean meant; meet met; pay paid; run ran; say said; "
    "see saw seen; sell sold; send sent; sing sang sung; sit sat; speak spoke spoken; spend "
    "spent; stand stood; take took taken; teach taught; tell told; think thought; win won; "
    "write wrote written"
)
FORMS = {form: tuple(verb.split()) for verb in IRREGULAR.split(";") for form in verb.split()}
# the period an amount is counted over: "every day", "annual"
PERIODS = {
    "day": re.compile(r"\b(?:daily|(?:per|a|each|every) day)\b", re.IGNORECASE),
    "week": re.compile(r"\b(?:weekly|(?:per|a|each|every) week)\b", re.IGNORECASE),
    "month": re.compile(r"\b(?:monthly|(?:per|a|each|every) month)\b", re.IGNORECASE),
    "year": re.compile(
        r"\b(?:annual(?:ly)?|yearly|per annum|(?:per|a|each|every) year)\b", re.IGNORECASE
    ),
}
YEAR_TOTAL = re.compile(r"\bin (?:19|20)\d\d\b")
NUMBER_QUESTION = re.compile(
    r"\bhow (many|much|long|old|far|big|large|tall|high|often)\b|\bwhat (percentage|share|"
    r"number|amount|value|size|length)\b|\bhow many years\b",
    re.IGNORECASE,
)
PERCENT_QUESTION = re.compile(
    r"\bwhat (?:percentage|percent|proportion|fraction|share)\b|\bhow many percent\b", re.I
)
PERCENT = re.compile(
    r"\d\s*(?:%|percent\b|per cent\b)|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?|"
    r"majority|minority)\b",
    re.IGNORECASE,
)
# "What is NORAD's annual budget?" asks for a sum of money, which a bare "60 years" is not
MONEY_QUESTION = re.compile(
    r"^\W*(?:what|how much)\b[^?]*?\b(?:budget|cost|price|salary|revenue|funding)s?\b(?!-)"
    r"|\bhow much money\b|^\W*what (?:is|was|are|were) the (?:\w+ ){0,2}?value of\b",
    re.IGNORECASE,
)
MONEY = re.compile(
    r"[$€£¥]\s?\d|\d\s*(?:million|billion|trillion|[mb]n)?\s*(?:dollars?|euros?|pounds?|yen|"
    r"yuan|francs?|marks?|rupees?|pesos?|USD|EUR|GBP|CAD)\b",
    re.IGNORECASE,
)
DURATION_QUESTION = re.compile(
    r"\bhow old\b|\bhow many (years|months|decades|centuries)\b|\bhow long ago\b", re.IGNORECASE
)
DURATION = re.compile(r"\d[\d,]*\s*(years?|months?|weeks?|days?|decades?|centur(y|ies))\b")
TIME_UNITS = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centur(?:y|ies))"
# "How much does Canada spend on defense?": an amount, which a year or a day of a date is not
AMOUNT_QUESTION = re.compile(
    r"\bhow much\b(?!\s+(?:time|longer|later|earlier|older|younger|sooner)\b)", re.IGNORECASE
)
SCALE = re.compile(r"\b(?:dozens?|hundreds?|thousands?|millions?|billions?|trillions?)\b", re.I)
# "How many personnel …?" counts things: a year, a date or a span of time is no such count
COUNT_QUESTION = re.compile(rf"\bhow many (?!{TIME_UNITS}\b|times\b)[a-z]", re.IGNORECASE)
COUNTED = re.compile(
    rf"(?<![\w.-])\d+(?:[.,]\d+)*(?![\d]|[.,]\d|\s*(?:{TIME_UNITS}|[-–]\s*(?:year|month|day|week))\b)"
)
NUMBER_WORD = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
    r"thousands?|millions?|billions?)\b",
    re.IGNORECASE,
)
ONE = re.compile(r"\bone\b", re.IGNORECASE)
ACRONYM_QUESTION = re.compile(
    r"\b(stand for|full name|acronym|abbreviation|short for)\b", re.IGNORECASE
)
# "How long is the border?" (a distance, or a span of time: "How long is the season?"), not
# "How long did it take?"
LENGTH_QUESTION = re.compile(r"\bhow (long|far) (is|are|was|were)\b(?! it (been|since)\b)", re.I)
LENGTH_UNITS = (
    r"(?:miles?|mi|kilomet(?:er|re)s?|km|met(?:er|re)s?|m|feet|foot|ft|yards?|inches|inch|"
    rf"nautical miles?|light[- ]years?|{TIME_UNITS})"
)
LENGTH = re.compile(rf"\d[\d,.]*\s*[-–]?\s*{LENGTH_UNITS}\b", re.IGNORECASE)
DATE_QUESTION = re.compile(
    r"\bwhen\b|\b(what|which|in what|in which) (year|date|day|month)\b|\bwhat time\b",
    re.IGNORECASE,
)


BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[•▪◦‣–-]|\*(?!\*)|\d{1,3}[.)])[ \t])")
QUOTE_END = re.compile(r"[”\"]\W*$")
ATTRIBUTION = re.compile(r"\s*[–—-]\s*$")  # "“…” — Name, date": who said the quote above
ATTRIBUTION_WORDS = 16


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans inside text: blocks (paragraphs, bullets) first, then sentence ends, so
    hard-wrapped lines stay together; bullet markers and bold marks trimmed."""
    spans = []
    starts = [0] + [m.end() for m in BLOCK_BREAK.finditer(text)]
    ends = [m.start() for m in BLOCK_BREAK.finditer(text)] + [len(text)]
    for block_start, block_end in zip(starts, ends, strict=True):
        for start, end in sentence_spans(text, block_start, block_end):
            marker = BULLET.match(text, start, end)
            if marker:
                start = marker.end()
            while start < end and (text[start].isspace() or text[start] == "*"):
                start += 1
            while end > start and (text[end - 1].isspace() or text[end - 1] == "*"):
                end -= 1
            if end - start > 1:
                spans.append((start, end))
    return _attributed(text, spans)


def _attributed(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A quotation and the dash line under it that names who said it and when are one
    sentence: the line alone does not say what was said."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out:
            before_start, before_end = out[-1]
            joined = (
                QUOTE_END.search(text, before_start, before_end)
                and ATTRIBUTION.match(text[before_end:start].replace("\n", " "))
                and len(text[start:end].split()) <= ATTRIBUTION_WORDS
            )
            if joined:
                out[-1] = (before_start, end)
                continue
        out.append((start, end))
    return out


def prose(text: str) -> bool:
    """Words that can state something: not a dateline ("02/26/2021 03:12 PM EST"), a number
    or a heading in capitals (a script without case counts as prose)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and (
        any(c.islower() for c in letters) or not any(c.isupper() for c in letters)
    )


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def and_joined(words: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 2 else words)


@lru_cache(maxsize=4096)
def terms(text: str) -> frozenset[str]:
    """Stemmed content words, without question words."""
    return frozenset(tokenize(text)) - QUESTION_WORDS


def is_noun(word: str, stem: str) -> bool:
    """Is the word this noun, or a phrase written as one word that starts with it
    ("ports-of-entry" for "port")?"""
    return terms(word) == {stem} or terms(word.split("-")[0]) == {stem}


def periods(text: str, totals: bool = False) -> set[str]:
    """The periods the text counts amounts over ("day" of "$1.9 billion … every day");
    totals: also a year's total ("$725 billion in 2019"), which a question's "in 2006" is not."""
    said = {period for period, found in PERIODS.items() if found.search(text)}
    return said | {"year"} if totals and YEAR_TOTAL.search(text) else said


# numbers written in words: "thirty-fourth", "fifteen hundred", "three" ("one", "two",
# "first", "second" only within a longer number: alone they are more often no number;
# not "hundreds of": no amount)
_SPELLED = (
    r"(?:three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|"
    r"eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|hundred|thousand|million|"
    r"billion|one|two|third|fifth|eighth|ninth|twelfth|(?:four|six|seven|ten|eleven|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen|hundred|thousand|million)th|"
    r"(?:twen|thir|for|fif|six|seven|eigh|nine)tieth|first|second)"
)
SPELLED_NUMBER = re.compile(
    rf"(?<!\d )(?<![\w-]){_SPELLED}(?:(?:[ -]|[ -]and[ -]){_SPELLED})*(?![\w-])",
    re.IGNORECASE,
)
SMALL_RANK = 11  # "third" … "tenth" are small ranks; "eleventh", "twenty-fourth" are not
A_BEFORE = re.compile(r"\ba\s+$", re.IGNORECASE)  # "a third of": a fraction
ORDINAL_ENDS = ("th", "rd", "nd", "st")


def numbers(text: str, ranks: bool = True) -> set[str]:
    """The numbers the text states, in figures: "1,500" and "fifteen hundred" are "1500".
    ranks=False: not a small rank in words, which is often an idiom ("a third country"), so
    what a question or claim says need not be stated by its evidence."""
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(in_figures(text, ranks))}


def in_figures(text: str, ranks: bool = True) -> str:
    """The text with its numbers in words written in figures: "over 1500 extras" of "over
    fifteen hundred extras"; not a fraction ("a third of"), nor "one", "two", "first",
    "second" (more often no number), nor a small rank unless ranks."""

    def figures(m: re.Match[str]) -> str:
        written = m.group()
        converted = alpha2digit(written, "en")
        found = NUMBER.findall(converted)
        if not found or (
            written.lower().endswith(ORDINAL_ENDS)
            and (
                A_BEFORE.search(text, 0, m.start())
                or re.fullmatch(r"(?i)one[ -]\w+", written)
                or (not ranks and int(found[-1]) < SMALL_RANK)
            )
        ):
            return written
        return converted

    return SPELLED_NUMBER.sub(figures, text)


def name_units(text: str, known: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The known names grouped as the text writes them together, in its words: ("Cross",
    "Border", "Crime", "Forum") of "the Cross-Border Crime Forum", ("NATO",) and ("NORAD",) of
    "NATO and NORAD"; a known name the text does not write is a unit of its own."""
    known = set(known)
    units: list[tuple[str, ...]] = []
    for run in NAME_RUN.finditer(text):
        words = (w.strip(".’'") for w in re.split(r"[\s-]+", re.sub(r"[’']s\b", "", run.group())))
        unit = tuple(dict.fromkeys(w for w in words if w.lower() in known))
        if unit and unit not in units:
            units.append(unit)
    rest = known - {w.lower() for unit in units for w in unit}
    return (*units, *((n,) for n in sorted(rest)))


def names(text: str) -> set[str]:
    """Capitalised words that are not just the first word of a sentence, and acronyms ("WHO"
    in "What does WHO stand for?", unless the whole text is written in capitals)."""
    found = set()
    shouted = text.isupper()
    for start, end in sentences(text) or [(0, len(text))]:
        for i, match in enumerate(NAME.finditer(text, start, end)):
            word = match.group().rstrip(".’'")
            first = i == 0 and match.start() == start
            if first and not word.isupper():
                continue
            acronym = word.isupper() and not first and not shouted
            word = re.sub(r"[’']s$", "", word)
            for part in re.split(r"-+", word):
                part = part.strip(".’'").lower()
                usual = part not in NOT_NAMES or acronym
                if len(part) >= 2 and usual and not MONTH.fullmatch(part.title()):
                    found.add(part)
    return found


# Words of which a sentence that says one never says the other: "When did the group first
# meet?" is not answered by "which last met in February 2020"
OPPOSED = (
    "first last; earliest latest; oldest newest; largest smallest; biggest smallest; "
    "highest lowest; longest shortest; maximum minimum; northern southern; eastern western"
)
OPPOSITES = {a: b for pair in OPPOSED.split("; ") for a, b in (pair.split(), pair.split()[::-1])}
# a lower-case word negated ("non-essential"), with the word after it ("travel")
NEGATED = re.compile(r"\bnon-([a-z]+)(?:\s+([a-z]+))?")


# a count of a thing: "two sessions", "fifteen hundred extras", "the second Bond theme"
COUNT_OF = re.compile(
    rf"(?<![\w.-])(?P<n>\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|{_SPELLED}(?:(?:[ -]|[ -]and[ -])"
    rf"{_SPELLED})*)\s+(?:more\s+|other\s+|additional\s+|consecutive\s+)?(?P<thing>[A-Za-z]+)",
    re.IGNORECASE,
)
SMALL = {"one": "1", "two": "2", "first": "1st", "second": "2nd"}
# "was not used", "will never return", "didn't make": the negated word, past auxiliaries;
# not "and not part of …" (no verb), nor "was not released until May 7" (a time it was)
NEGATED_WORD = re.compile(
    r"\b(?:(?:will|would|could|can|did|does|do|was|were|is|are|has|have|had|should|must|"
    r"might)\s+(?:not|never|no\s+longer)|n['’]t)\s+(?:(?:be|been|being|have|yet|also|even|"
    r"always|ever|really|actually)\s+)*(?P<word>[a-z]+)\b(?!(?:\s+\w+){0,3}\s+until\b)",
    re.IGNORECASE,
)
NEGATIVE = re.compile(
    r"\b(?:not|never|no|none|nothing|nobody|neither|nor|without)\b|n['’]t\b", re.I
)


def counts(text: str) -> set[tuple[str, str]]:
    """(number, thing) of each count the text gives, not of a year: ("2", "session") of "two
    sessions", ("1st", "bond") of "the first Bond theme"."""
    found = set()
    for m in COUNT_OF.finditer(text):
        value, thing = count_value(m.group("n")), tokenize(m.group("thing"))
        if value and thing and not YEAR.fullmatch(value):
            found.add((value, thing[0]))
    return found


def count_value(written: str) -> str:
    """The figure of a count as written: "2" of "two", "34th" of "thirty-fourth", "" of none."""
    written = written.lower()
    value = SMALL.get(written) or next(iter(numbers(written)), "")
    return value + "th" if written.endswith(ORDINAL_ENDS) and value.isdigit() else value


def changed_counts(question: str, sentence: str, counted: Iterable[str] = ()) -> list[str]:
    """The counts of the question the sentence gives as another number of the same thing,
    not stating the question's anywhere: "two sessions" of "… came together in one session";
    not "the second film" of "two films" (a rank, not a count), nor the count of the items
    asked for (counted: "Which two musicians …?")."""
    said = counts(sentence)
    stated = {n for n, _ in said} | numbers(sentence)
    return sorted(
        n
        for n, thing in counts(question)
        if n not in stated
        and n not in counted
        and any(t == thing and m.isdigit() == n.isdigit() for m, t in said)
    )


# a month as a date: "in September", "26 October", "October 12", "late March"; not "May I
# ask …?" nor "the March on Washington"
DATED_MONTH = re.compile(
    rf"(?:\b(?:[Ii]n|on|by|of|since|until|during|early|late|mid|from|to)\s+|\d\s+|mid-)"
    rf"(?P<after>{MONTH.pattern})|(?P<before>{MONTH.pattern})(?=,?\s+\d)"
)


def changed_months(question: str, sentence: str) -> list[str]:
    """The months the question dates by that the sentence does not, where it dates by another
    ("September 2005" of "announced … on October 12, 2005")."""
    asked = {m[:3].lower(): m for m in _dated_months(question)}
    said = {m[:3].lower() for m in _dated_months(sentence)}
    return sorted(m for k, m in asked.items() if k not in said) if said - asked.keys() else []


def _dated_months(text: str) -> list[str]:
    return [m.group("after") or m.group("before") for m in DATED_MONTH.finditer(text)]


def changed_polarity(question: str, sentence: str) -> list[str]:
    """What the question asks of as not done that a sentence with no negation says is done,
    or the other way round: "not used" of "the demo was used", "return" of "he will not
    return"."""
    asked = {m.group("word").lower() for m in NEGATED_WORD.finditer(question)}
    denied = {m.group("word").lower() for m in NEGATED_WORD.finditer(sentence)}
    told, said = set(WORD.findall(question.lower())), set(WORD.findall(sentence.lower()))
    done = set() if NEGATIVE.search(sentence) else asked & said
    undone = (denied - asked) & told
    return [f"not {w}" for w in sorted(done) if terms(w)] + [w for w in sorted(undone) if terms(w)]


ANTONYMS = Path(__file__).parent / "answering" / "antonyms.txt"  # WordNet's, of adjectives


@lru_cache(maxsize=1)
def _antonyms() -> dict[str, frozenset[str]]:
    """Each adjective's stem → the stems of its antonyms."""
    found: dict[str, set[str]] = {}
    for line in ANTONYMS.read_text().splitlines():
        if line and not line.startswith("#"):
            one, other = (tokenize(w) for w in line.split())
            if len(one) == len(other) == 1 and one != other:
                found.setdefault(one[0], set()).add(other[0])
                found.setdefault(other[0], set()).add(one[0])
    return {stem: frozenset(others) for stem, others in found.items()}


def antonymous(question: str, sentence: str) -> list[tuple[str, str]]:
    """(asked, given) for each adjective of the question whose antonym the sentence says of
    the same word instead: "closing sequence" asked, "opening sequence" given."""
    antonyms = _antonyms()
    said = terms(sentence)
    pairs = {  # (stem, stem of the next word) of the sentence, with the first as written
        (one, next_): written for written, one, next_ in _adjacent(sentence) if one in antonyms
    }
    return [
        (written, pairs[given, next_])
        for written, one, next_ in _adjacent(question)
        if one in antonyms and one not in said
        for given in sorted(antonyms[one])
        if (given, next_) in pairs
    ]


def _adjacent(text: str) -> list[tuple[str, str, str]]:
    """(word as written, its stem, the stem of the word after it) of each two content words
    written one after the other."""
    words = [(w, tokenize(w)) for w in WORD.findall(text)]
    return [
        (w, stem[0], after[0])
        for (w, stem), (_, after) in itertools.pairwise(words)
        if len(stem) == len(after) == 1
    ]


def opposed(question: str, sentence: str) -> list[tuple[str, str]]:
    """(asked, given) for each word of the question whose opposite the sentence says instead."""
    asked = set(re.findall(r"[a-z]+", question.lower()))
    said = set(re.findall(r"[a-z]+", sentence.lower()))
    return [
        (word, OPPOSITES[word])
        for word in sorted(asked & OPPOSITES.keys())
        if OPPOSITES[word] in said and word not in said and OPPOSITES[word] not in asked
    ]


def contrasted_words(question: str, sentence: str, one_claim: bool) -> list[tuple[str, str]]:
    """(asked, given) for what the sentence says instead of the question: an opposite
    ("last" for "first"), an adjective's antonym of the same word ("opening sequence" for
    "closing sequence"); for a yes/no question of one claim, also a plain word for its "non-"
    ("essential travel" for "non-essential travel")."""
    found = opposed(question, sentence) + antonymous(question, sentence)
    return found + (negated(question, sentence) if one_claim else [])


def negated(question: str, sentence: str) -> list[tuple[str, str]]:
    """(asked, given) for each "non-…" of the question whose plain word the sentence says
    instead: "non-essential travel" asked, "essential travel" given."""
    found = []
    for m in NEGATED.finditer(question):
        word, rest = m.group(1), m.group(2) or ""
        plain = re.search(rf"(?<![\w-]){word}\b(?:\s+{rest}\b)?", sentence)
        if plain and f"non-{word}" not in sentence.lower():
            given = plain.group().strip()
            found.append((f"non-{given}", given))
    return found


def qualifiers(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w in QUALIFIERS}


def contradicted(asked: Iterable[str], text: str) -> set[str]:
    """The asked qualifiers the text contradicts: "next" of "… last met in February 2020",
    "current" of "the former minister"; not "final" of "his last concert", nor a qualifier
    the text leaves unsaid ("How long did the hiatus last?", "buildings next to each other",
    where the text paraphrases)."""
    said = qualifiers(text)
    return {
        q for q in set(asked) - said if any(q in side and said - side for side in QUALIFIER_SIDES)
    }


def offices(text: str) -> dict[str, str]:
    """The portfolios of the offices the text names, lower case, each with the office as
    written: {"health": "Minister of Health"}. "Prime Minister" and "the minister" name none,
    nor "officials Secretary" of "the officials Secretary Blinken will meet" (an office's
    words share their case)."""
    found: dict[str, str] = {}
    for pattern in OFFICES:
        for m in pattern.finditer(text):
            word = m.group(1).lower()
            before = pattern is OFFICES[1]  # "<portfolio> Minister"
            cased = not before or m.group(1)[0].isupper() or m.group().split()[-1][0].islower()
            if word not in RANKS and terms(word) and cased:
                found.setdefault(word, m.group())
    return found


def holds_office(text: str, portfolio: str) -> bool:
    """Does the text name the office of this portfolio ("Foreign Minister", "Minister of
    Foreign Affairs")?"""
    word = re.escape(portfolio)
    return bool(
        re.search(
            rf"\b{word}\w*\s+{TITLE}|\b{TITLE}\s+(?:of|for)\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}{word}",
            text,
            re.IGNORECASE,
        )
    )


def said_otherwise(text: str, written: str) -> bool:
    """Does the text say a name of a question in another form: an acronym spelled out ("NYC"
    of "New York City"), or a people's or a place's word as the place ("Indian" of "India",
    "North American" of "North America", "New Yorkers" of "New York")?"""
    if 2 <= len(written) <= 6 and written.isalpha() and written.isupper():
        spelled = r"[\s-]+(?:(?:of|and|the|for|&)[\s-]+)?".join(f"{c}[a-z]+" for c in written)
        return re.search(rf"\b{spelled}\b", text) is not None
    if not written[:1].isupper():
        return False
    if written.endswith(("er", "ers")):  # only as the last word of a place's name
        stem = written.removesuffix("s").removesuffix("er")
        place = rf"\b(?!(?:The|A|An|In|At|Of|This)\s)[A-Z]\w*\s+{re.escape(stem)}\b"
        return len(stem) > 3 and re.search(place, text) is not None
    base = written[:-3] if written.endswith("ian") else ""
    stems = [base + "ia", base + "a"] if base else [written[:-1]] if written.endswith("an") else []
    return any(len(stem) > 3 and mentions(text, stem, cased=True) for stem in stems)


def mentions(haystack: str, name: str, cased: bool = False) -> bool:
    """Does the text mention the name (or a common alias of it), as a whole word? cased: with
    each of the name's capitals ("Law Enforcement" is not written in "law enforcement")."""
    text = unaccented(haystack if cased else haystack.lower())
    plural = (name[:-1],) if len(name) > 3 and name.endswith("s") and not name.isupper() else ()
    for form in (name, *plural, *ALIASES.get(name, ())):
        words = unaccented(form).split()
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
        for found in re.finditer(pattern, text, re.IGNORECASE if cased else 0):
            if not cased or all(
                w[:1].isupper()
                for w, a in zip(found.group().split(), words, strict=True)
                if a[:1].isupper()
            ):
                return True
    # a name written solid that the text parts, each part capitalised: "Superbowl" of
    # "Super Bowl" (not of "a superb owl")
    solid = unaccented(name)
    if cased or " " in solid or len(solid) < 6:
        return False
    parted = r"[\s-]?".join(re.escape(c) for c in solid)
    written = unaccented(haystack)
    return any(
        len(parts := re.split(r"[\s-]", found.group())) > 1 and all(p[:1].isupper() for p in parts)
        for found in re.finditer(rf"(?<!\w){parted}(?!\w)", written, re.IGNORECASE)
    )


# What a publisher is called without being named: "the State Department" of "Secretary of State"
ORG_WORDS = frozenset(
    ["department", "office", "ministry", "agency", "bureau", "administration", "government"]
)


def names_source(word: str, text: str, urls: Iterable[str | None]) -> bool:
    """May a document with this text and these web addresses be the source a question names
    with this word? It says the word, the word is a generic word of an organisation, or it
    is part of the web site's name ("white" of whitehouse.gov)."""
    if mentions(text, word) or word in ORG_WORDS:
        return True
    hosts = ((urlparse(u).hostname or "") for u in urls if u)
    return any(host and word in host.rsplit(".", 1)[0] for host in hosts)


def answer_type(question: str) -> str | None:
    if DURATION_QUESTION.search(question):
        return "duration"
    if LENGTH_QUESTION.search(question):
        return "length"
    if DATE_QUESTION.search(question):
        return "date"
    if MONEY_QUESTION.search(question):
        return "money"
    if PERCENT_QUESTION.search(question):
        return "percent"
    if AMOUNT_QUESTION.search(question):
        return "amount"
    if COUNT_QUESTION.search(question):
        return "count"
    if NUMBER_QUESTION.search(question):
        return "number"
    return None


def satisfies(answer_kind: str | None, text: str) -> bool:
    if answer_kind == "duration":
        return bool(DURATION.search(text) or YEAR.search(text))
    if answer_kind == "date":
        return bool(YEAR.search(text) or MONTH.search(text))
    if answer_kind == "number":
        return bool(NUMBER.search(text) or NUMBER_WORD.search(text) or ONE.search(text))
    if answer_kind == "money":
        return bool(MONEY.search(text))
    if answer_kind == "percent":
        return bool(PERCENT.search(text))
    if answer_kind == "length":
        return bool(LENGTH.search(text))
    if answer_kind == "amount":
        return bool(MONEY.search(text) or PERCENT.search(text) or SCALE.search(text)) or _counts(
            text
        )
    if answer_kind == "count":
        return bool(NUMBER_WORD.search(text)) or _counts(text)
    return True


def _counts(text: str) -> bool:
    """Does the text give a figure that is neither a year nor the day of a date?"""
    return any(
        not YEAR.fullmatch(n.group()) and not _dated(text, n.start(), n.end())
        for n in COUNTED.finditer(text)
    )


def _dated(text: str, start: int, end: int) -> bool:
    """Is the number at text[start:end] the day of a date ("February 26", "26 February")?"""
    before = MONTH_BEFORE.search(text[max(0, start - 12) : start])
    return bool(before or MONTH_AFTER.match(text[end : end + 12]))


def expands(question: str, sentence: str) -> bool:
    """Does the sentence spell out an acronym the question asks about, as in "… (NORAD)"?"""
    if not ACRONYM_QUESTION.search(question):
        return False
    acronyms = re.findall(r"\b[A-Z]{2,}\b", question)
    return any(f"({a})" in sentence for a in acronyms)


def plain(sentence: str) -> str:
    """One line, without the passage's Markdown emphasis."""
    return " ".join(sentence.replace("**", "").split())


NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})  # a quotation inside a quotation


def quotable(sentence: str) -> str:
    """The sentence as plain text to put inside “…”, its own quotation marks made single."""
    return plain(sentence).translate(NESTED)
