"""Read a question once: its shape, what it names, what kind of answer it wants, and, for a
follow-up, the standalone query resolved against the conversation. Later stages read these
fields instead of re-parsing the text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assistant.answering.comparison import Compared, compared
from assistant.answering.holders import HeldOffice, held_office
from assistant.answering.parser import one_doer, places, syntax_of
from assistant.followup import (
    ANSWER_LABEL,
    FOLLOW_ON,
    ORDINALS,
    HasTurn,
    elided,
    is_follow_up,
    item_chosen,
    item_named,
    place_of,
    resolved_question,
    standalone_query,
)
from assistant.text import (
    ACRONYM_QUESTION,
    MARKER,
    MONTH,
    NUMBER,
    answer_type,
    count_value,
    in_figures,
    name_units,
    names,
    numbers,
    offices,
    periods,
    plain,
    qualifiers,
    terms,
)

Shape = Literal["fact", "list", "summary", "compare", "yesno"]

PLURAL = (
    r"(?!(?:is|was|has|does|this|its|us|as|yes|his|hers|makes|means|causes|happens|remains|seems|"
    r"takes|gives|says|stands|goes|comes|needs|requires|includes|lies)\b)(?-i:[a-z])\w*[^s\W']s"
)  # countries, citizens; not verbs, nor names ("Wales")
LIST = re.compile(
    rf"^\s*(list|name|enumerate)\b|\b(what|who) (are|were)\b|"
    rf"(?P<plural>\b(which|what) (?!(?:is|was|will|would|do|does|did|can|could|should|has|have|"
    rf"had)\b)(\w+ ){{0,2}}?{PLURAL}\b(?! (of|for|in)\b))",  # not "What will the leaders do …?"
    re.IGNORECASE,
)
# A name that says which document to read, not what the answer is about: "the White House fact
# sheet", "according to TechCrunch", "what does the State Department say …"
SOURCE_NOUNS = (
    r"(?:fact sheets?|documents?|reports?|articles?|releases?|press releases?|statements?|pages?|"
    r"files?|memos?|briefings?|websites?|sites?|posts?|announcements?|papers?)"
)
A_DOCUMENT = (  # one document, by its kind
    r"(?:fact sheet|document|report|article|press release|release|statement|page|file|memo|"
    r"briefing|website|site|post|announcement|paper)"
)
CAPITALISED = r"(?-i:[A-Z][\w.&’'-]*)"  # one word of a name: "White", "U.S.", "AT&T"
WORD_RUN = rf"{CAPITALISED}(?:\s+{CAPITALISED})*"  # capitalised words: "White House"
# "And the fact sheet?", "And the State Department document?": another document, by its kind
SWAPPED = re.compile(
    rf"{FOLLOW_ON}(?P<new>the\s+(?:{CAPITALISED}\s+)*{A_DOCUMENT})\s*[?.!]*\s*$", re.IGNORECASE
)
# "And the White House?": a publisher, which the standing question of a conversation swaps in
NAMED = re.compile(rf"{FOLLOW_ON}(?P<new>(?:the\s+)?{WORD_RUN})\s*[?.!]*\s*$", re.IGNORECASE)
# "What does the State Department say …", "… the fact sheet say …": the document asked of
DOCUMENT_SAYS = re.compile(
    r"\b(?:does|did|do)\s+(the\s+[^?]+?)\s+(?:say|state|write|tell|report|describe|mention)\b",
    re.IGNORECASE,
)
SAYS = (
    r"(?:say|said|says|state|states|report|reports|write|wrote|mention|mentions|claim|claims|"
    r"announce|give|gives|provide|provides|list|lists|describe|describes)"
)
SUMMARY = re.compile(
    r"^\s*(?:please |briefly |quickly |now )*(summari[sz]e|describe|explain|overview|outline)\b|"
    r"\bwhat do(es)? (the )?(documents?|texts?|sources?|files?|it|they) (say|tell|mention)\b|"
    rf"\bwhat do(es)? (the )?([\w-]+ ){{1,3}}{SOURCE_NOUNS} (say|tell|mention)\s*\??\s*$|"
    r"\b(tell me|what is known)(?: more)? about\b|"
    r"^\s*(?:please\s+)?(?:give|tell)\s+(?:me\s+|us\s+)?(?:some\s+)?(?:[\w-]+\s+)?"
    r"(?:facts|things|points|details)\s+(?:about|on|of)\b|"
    r"\b(give|write|make|provide) (me |us )?(a |an )?([\w-]+ ){0,2}?(summary|overview|recap|"
    r"rundown|synopsis)\b|^\s*(?:please )?sum (?:it |them |this |that )?up\b|"
    r"\b(?:the |a )?(gist|summary|overview|recap|main points|key points|key takeaways|"
    r"highlights) of\b|"
    # "What are the main topics of …?" (not "When was the main theme of Spectre released?")
    r"^\s*what(?:'s| is| are| was| were) (?:the |its |their )?(?:main|key|major|central|"
    r"principal) (?:points?|topics?|themes?|ideas?|issues?|subjects?|messages?) (?:of|in)\b|"
    rf"^\s*what(?:'s| is| are| was| were)\b.*\b{SOURCE_NOUNS} about\s*\??\s*$|"
    r"\bwhat (do|does|did) (the )?[\w .’'-]{1,60}? (say|said|write|wrote|report|state|think|"
    r"thought|feel|felt)s? about\b|"
    r"^\s*what (the )?(documents?|texts?|sources?|files?|they) (say|said|tell|mention)s? about\b",
    re.IGNORECASE,
)
# "Can you tell me who …", "Could you list …": a request, not a yes/no question
REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell me\s+)?|"
    r"i(?:'d|’d| would) like to know\s+|i want to know\s+|i wonder\s+)"
    r"(?=(?:summari[sz]e|describe|explain|outline|list|name|give|tell|compare|what|which|who|"
    r"whom|when|where|why|how)\b)",
    re.IGNORECASE,
)
# "in two sentences", "in 3 bullet points", "briefly": how long the answer may be, not what it
# is about (at the start or end of a clause only: "Which team won in two points?" is no order)
LENGTH = re.compile(
    r"(?:^|(?<=[\s,]))(?:(?:in|using)\s+(?:just\s+|only\s+|at most\s+|no more than\s+|under\s+)?"
    r"(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a single|a few|an?)\s+"
    r"(?:short\s+|brief\s+|simple\s+)?(?P<unit>sentences?|lines?|bullet points?|bullets?|points?|"
    r"paragraphs?|words?)|briefly|in short|in brief|in a nutshell)(?=\s*(?:[,.?!:;]|$))",
    re.IGNORECASE,
)
# "Which document says that?", "Where does it say that?": the source of the last answer
SOURCE_OF_THAT = re.compile(
    r"^\s*(?:(?:which|what)\s+(?:document|file|source|fact sheet|article|report|page|text)\s+"
    r"(?:says?|said|mentions?|states?|is|was)\s+(?:that|this|it)|where\s+(?:does|did|do)\s+"
    r"(?:it|that|this|they|the documents?)\s+(?:say|state|mention)\s+(?:that|this|it|so)|"
    r"what(?:'s| is) the source(?:\s+of\s+(?:that|this|it))?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
LABEL_WORDS = 6  # "Prime Minister Trudeau and Foreign Minister Garneau: …" is a label
ABOUT_END = re.compile(
    r"\b(?:about|regarding|concerning)\s+(?P<tail>[^?.!]+?)\s*[?.!]*\s*$", re.IGNORECASE
)
# "What's the difference …?" read as "What is …" (its "s" is no word of the topic); only as
# the first word, a later "what's" being a title's ("What's My Line"); "who's" is "whose" as
# often as "who is", so only before an article or a short rest ("who's trudeau", "Who's the
# Secretary of State?"; not "Who's death caused …?")
CONTRACTED = re.compile(
    r"^(\s*(?:what|where|how|when|which|who(?=['’]s\s+(?:the|a|an|this|that)\b|['’]s(?:\s+\S+)"
    r"{1,3}\s*$)))['’]s\b",
    re.IGNORECASE,
)
# "a two-sentence summary", "a brief overview": a length said before what is asked for
SIZED = re.compile(
    r"\b(?:(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)[- ]"
    r"(?P<unit>sentence|line|bullet|point|paragraph|word)|brief|short|quick)\s+"
    r"(?=(?:summary|overview|recap|description|explanation|answer)\b)",
    re.IGNORECASE,
)
# "Give me three facts about NORAD": a summary of that many sentences
ITEMS_ASKED = re.compile(
    r"^\s*(?:please\s+)?(?:give|tell|list|name)\s+(?:me\s+|us\s+)?(?P<count>\d{1,2}|two|three|four|"
    r"five|six|a few)\s+(?:[\w-]+\s+)?(?:facts|things|points|details)\b",
    re.IGNORECASE,
)
# "Which three actors …?", "Name 3 sites …": the count of the answer's items, not a number the
# evidence must state
ITEMS_COUNTED = re.compile(
    r"\b(?:which|what|name|list|give(?:\s+me)?|identify|who)\s+(?:(?:are|were)\s+)?"
    r"(?:the\s+|its\s+|their\s+)?(?P<count>[\w-]+)\b",
    re.IGNORECASE,
)
COUNTS = {"a": 1, "an": 1, "one": 1, "a single": 1, "two": 2, "three": 3, "four": 4, "five": 5}
COUNTS |= {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3}
# "which two leaders", "what 3 composers": a count before the thing asked for (not a year)
MANY = "|".join([*(w for w, n in COUNTS.items() if n > 1 and w != "a few"), r"\d{1,2}"])
BRIEF = 2  # sentences of an answer asked for "briefly" or "in a few words"
WORDS_A_SENTENCE = 25
ROLE = re.compile(r"^\s*who\s+(is|was|are|were)\s+(the|a|an)\b", re.IGNORECASE)  # who holds it
# "Who are Michael Spavor and Michael Kovrig?", "Who are the Five Eyes?": names only, so what
# is said of them
WHO_NAMED = re.compile(
    r"^\s*(?i:who)\s+(?:are|were)\s+(?:the\s+)?(?:(?:[A-Z][\w’'.-]*|and|,)\s*)+\??\s*$"
)
GROUPS = r"(people|persons|individuals|officials|leaders)"
PEOPLE = re.compile(  # a list of people: "list the people…", "which officials…", "who are…"
    rf"^\s*(list|name|enumerate)\s+(all\s+)?(the\s+)?([\w-]+\s+){{0,2}}?{GROUPS}\b|"
    rf"\b(which|what) (?:(?:{MANY}) )?{GROUPS}\b|^\s*who (are|were)\b|"
    r"^\s*who (?:is|are|was|were|gets?) (?:named|mentioned|quoted|cited)(?:\s+(?:in|by)\b.*)?"
    r"\s*[?.!]?\s*$",
    re.IGNORECASE,
)
DOCUMENT_RANK = re.compile(  # "the second document", in the order the folder lists them
    rf"\bthe\s+({'|'.join(ORDINALS)}|last)\s+(?:document|file|fact sheet)\b", re.IGNORECASE
)
QUOTED = re.compile(r"\bquot(?:ed|es?)\b", re.IGNORECASE)  # "Who is quoted …?"
SOURCES = r"(documents|sources|texts|files|sheets|fact sheets|articles|reports)"
# "Which countries are mentioned in the documents?": things of one kind, wherever said
# (spaCy's organisations are too loose for this: "Advancing Diversity", "COVID-19")
KIND_LABELS = {
    "countries": "GPE", "country": "GPE", "nations": "GPE", "nation": "GPE",
    "cities": "GPE", "city": "GPE", "dates": "DATE", "date": "DATE",
}  # fmt: skip
KIND = rf"(?:{'|'.join(KIND_LABELS)})"
WHERE_SAID = (
    r"(?:\s+(?:in|by)\s+(?:the\s+|these\s+|all\s+the\s+|both\s+)?"
    rf"(?:[\w-]+\s+){{0,2}}(?:{SOURCE_NOUNS}|texts?|sources?))?\s*[?.!]?\s*$"
)
SAID = r"(?:mentioned|named|listed|cited|given)"
KINDS_MENTIONED = re.compile(  # "Which dates are mentioned?", "List every date mentioned in …"
    rf"^\s*(?:(?:which|what)\s+(?:[\w-]+\s+)?{KIND}\s+(?:are|were)\s+{SAID}{WHERE_SAID}|"
    rf"(?:list|name|give(?:\s+me)?)\s+(?:all\s+|every\s+|each\s+)?(?:of\s+)?(?:the\s+)?"
    rf"{KIND}(?:\s+(?:that\s+(?:are|were)\s+)?{SAID})?{WHERE_SAID}|"
    rf"(?:which|what)\s+{KIND}\s+(?:do|does|did)\s+(?:the\s+|these\s+|both\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?(?:{SOURCE_NOUNS}|texts?|sources?|they|it)\s+"
    r"(?:mention|name|list|cite|give)\s*[?.!]?\s*$)",
    re.IGNORECASE,
)
# "… named in the fact sheet?", "Which … does the document mention?": where to look, not what
CONTAINER = (
    r"(?:the|this|that|these|those|all(?:\s+the)?)\s+(?:(?:two|both)\s+)?"
    r"(?:fact sheets?|documents?|files?|texts?)"
)
IN_DOCUMENTS = re.compile(
    rf"\s*\b(?:in|from|within|across)\s+{CONTAINER}\b|"
    rf"\s*\b(?:does|do|did)\s+{CONTAINER}\s+(?:name|mention|list|say|give|cite|describe)\b",
    re.IGNORECASE,
)
COMPARE = re.compile(
    rf"\b(compare|comparison|contrast|differ|differs|difference|differences|versus)\b|"
    rf"\bboth {SOURCES}\b|\bthe two {SOURCES}\b",
    re.IGNORECASE,
)
AUX = r"(is|are|was|were|does|do|did|can|could|will|would|has|have|had|should)\b"
# "Do the two documents agree on the daily trade figure?": what each says of it, side by side
DOCUMENTS_AGREE = re.compile(
    rf"^\s*(?:do|does|did|are|were)\s+(?:the\s+|both\s+|all\s+)?(?:two\s+|three\s+)?{SOURCES}\s+"
    r"(?:\w+\s+)?(?:agree|disagree|differ|contradict|conflict|match|align|say the same|"
    r"give the same|(?:in)?consistent)\b",
    re.IGNORECASE,
)
YESNO = re.compile(  # "Did …?", and "After the report of May 5, did …?"
    rf"^\s*{AUX}|^\s*(after|before|between|following|regarding|considering|given|since|"
    rf"according to|based on|in light of)\b(?:(?!\b(?:which|what|who|whom|whose|how|where)\b)"
    rf"[^?])*?,\s*(and\s+)?{AUX}",
    re.IGNORECASE,
)
ALTERNATIVE_WORDS = 12  # "Is it NORAD or NATO?" asks which, not whether
# Words that say what shape of answer is wanted, not what it is about.
META = terms(
    "list name names named enumerate summarise summarize summary describe explain overview outline "
    "compare comparison contrast differ difference differences versus both document documents "
    "text texts source sources file files fact sheet sheets article articles say says said mention "
    "mentions mentioned tell about people thing things all some each two report reports release "
    "releases statement statements figure figures happen happens happened me please brief "
    "briefly short quick between agree disagree same consistent gist recap rundown synopsis "
    "overview highlights key main point points takeaways sum up detail details"
)
# "What are the main topics of …?": what a summary is of, not its topic
ASPECTS = terms(
    "main key major central principal topic topics theme themes idea ideas issue issues subject "
    "subjects message messages"
)


FOCUS = re.compile(
    r"^\s*(?:and\s+)?(?:what|which)\s+(?:is|was|are|were)?\s*(?:the|a|an)?\s*"
    rf"(?:(?:{MANY})\s+)?([a-z][\w-]+)"
    r"|\bhow (?:many|much)\s+([a-z][\w-]+)"
    r"|^\s*(?:and|what about|how about)\s+(?:the|a|an)?\s*([a-z][\w-]+)",
    re.IGNORECASE,
)
# a follow-up that asks with a wh-word of its own ("What will they do to it?"), not "what about"
OWN_WH = re.compile(
    r"^\s*(?:(?:and|also|so|but)\s+)?(?:what|which|who|whom|whose|when|where|why|how)\b"
    r"(?!\s+about\b)",
    re.IGNORECASE,
)
# Where one question asks several things at once: "Does A report X, while B reports Y?"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
JOINS = re.compile(
    r",?\s+(?:while|whereas|but|in contrast to|as opposed to|compared (?:to|with)|and then)\s+|"
    r",\s+and\s+|\s+and\s+(?=(?:did|does|do|is|was|were|are|has|have|had|also|how|what|which|"
    r"who|whom|when|where|why)\b)",
    re.IGNORECASE,
)
# "Did A report X before B covered Y?": in a yes/no question, a clause after before/after
# (not a date) is a second claim
THEN_JOINS = re.compile(
    rf"{JOINS.pattern}|\s+(?:before|after)\s+(?!(?:{MONTHS}|\d))(?=the\b|an?\b|[\"'‘“]|(?-i:[A-Z]))|"
    r",?\s+(?:contradict(?:s|ed)?|(?:be )?(?:in)?consistent with|differ from|agree with)\s+",
    re.IGNORECASE,
)
# "After A reported X, did B …?": the leading clause and the question
LEADING = re.compile(
    r"^\s*(?:after|before)\s+(.+?),\s+((?:did|does|do|is|was|were|are|has|have|had)\b.+)$",
    re.IGNORECASE,
)
# "Between the report by A on X and the report by B on Y, was there …?": the two reports
BETWEEN = re.compile(r"^\s*between\s+(.+?)\s+and\s+(.+?),\s*\S", re.IGNORECASE)
MIN_PART_TERMS = 4  # a shorter piece belongs to its neighbour ("Tom, and Jerry")
WH_CLAUSE = re.compile(r"^\s*(how|what|which|who|whom|when|where|why)\b", re.IGNORECASE)
# "Who is …?" and "Which company …?" ask for one named thing: spaCy's entity labels for it.
ENTITY_KINDS = {
    "PERSON": r"individual|person|executive|founder|ceo|player|athlete|artist|singer",
    "ORG": r"company|organi[sz]ation|firm|entity|institution|platform|team|brand|startup|"
    r"business|agency|network|retailer|publication|club|band|group",
    "GPE": r"country|nation|city|state|region",
}
ENTITY = re.compile(
    r"^\s*(?:who\b(?! (?:are|were)\b)|(?:which|what)(?: is the name of)?(?: the| a| an)? "
    rf"(?:(?!{AUX})[\w-]+ ){{0,2}}?(?P<kind>" + "|".join(ENTITY_KINDS.values()) + r")\b)",
    re.IGNORECASE,
)
# "Which country's citizens …?": the owner of a thing (the country the citizens are of)
OWNED = re.compile(r"^\s*(?:which|what)\s+[\w-]+[’']s\s+([\w-]+)", re.IGNORECASE)
# "What are the Five Eyes?": of a name alone, what is said of it (as "What is USMCA?")
WHAT_ARE = re.compile(r"^\s*what\s+(?:are|were)\b", re.IGNORECASE)
# "Does the fact sheet mention the G20?": whether the documents say a thing, which a sentence
# saying it answers
MENTION = re.compile(
    r"^\s*(?:does|do|did)\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,5}?(?:mention|name|cite|refer to|"
    r"talk about|say anything about|discuss)\s+(?:the\s+|an?\s+)?(?P<thing>[^?]+)",
    re.IGNORECASE,
)
# "Is Mexico mentioned in the documents?", "Is there any mention of NORAD?": the same, passive
MENTIONED = re.compile(
    r"^\s*(?:is|are|was|were)\s+(?:there\s+(?:any\s+)?(?:mention|word)\s+of\s+(?:the\s+|an?\s+)?"
    r"(?P<thing>[^?]+?)(?:\s+in\s+(?:the\s+|any\s+|either\s+)?[\w\s.’'-]*)?|(?:the\s+|an?\s+)?"
    r"(?P<passive>[^?]+?)\s+(?:ever\s+)?(?:mentioned|named|cited|referred to|discussed)\b"
    r"(?!\s+(?:after|for|as)\b)[^?]*)\s*\??\s*$",
    re.IGNORECASE,
)
EVENT_WORDS = terms("happen happened happens occur occurred take took place taken event events")
EACH_DOCUMENT = re.compile(
    rf"\b(?:both|each|all|every)\s+(?:of\s+)?(?:the\s+)?(?:two\s+)?{SOURCE_NOUNS}", re.IGNORECASE
)
PRONOUNS = terms("he she it they him her them this that these those")
# "Feb 23": a search for it finds "February 23" (neither BM25 nor MiniLM equates the two)
SHORT_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?=\s+\d)")
FULL_MONTHS = {m[:3]: m for m in MONTHS.split("|")}
# "Which document mentions the Five Eyes?": the documents that say it, each with its sentence
WHICH_DOCUMENT = re.compile(
    r"^\s*(?:which|what|how many)\s+(?:of the\s+)?(?:documents?|files?|fact sheets?|sheets?|texts?|"
    r"sources?|articles?|reports?|pages?)\s+(?:mentions?|names?|cites?|refers? to|talks? about|"
    r"says? anything about|discuss(?:es)?|(?:is|was|are|were)\s+(?:published|written|issued|"
    r"released)\s+by|comes? from)\s+(?:the\s+|an?\s+)?(?P<thing>[^?]+)",
    re.IGNORECASE,
)
BESIDES = re.compile(r"\b(?:else|other|others|another|besides|anything more)\b", re.IGNORECASE)
# "Which country besides the US and Canada …?" names what it leaves out: not "what else"
EXCEPT_NAMED = re.compile(
    r"\b(?:besides|other than|apart from|except(?: for)?)\s+(?:the\s+)?(?-i:[A-Z])", re.IGNORECASE
)
# "What role does the WHO play?", "What does Building Back Better involve?": what is said of
# a name, in words no sentence need repeat
DESCRIBED = re.compile(
    r"^\s*what\s+(?:role|part)\s+(?:does|did|do|will|would|could|can)\s+.+?\s+play|"
    r"^\s*what\s+(?:does|did|do|will|would)\s+.+?\s+(?:involve|entail|comprise|consist\s+of|"
    r"mean|cover)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
DESCRIBED_WORDS = terms("role part play involve entail comprise consist mean cover")
GENERIC_FOCUS = terms(
    "year years date time day month number name kind type way reason person place people one "
    "thing things amount part role percentage share value size did does do is are was were "
    "will would can could should has have had it its they he she this that there"
)


@dataclass(frozen=True)
class Question:
    text: str  # as asked (orders to the assistant already taken out)
    shape: Shape
    # number, amount, count, money, percent, length, date, duration, person, None
    answer_type: str | None
    names: frozenset[str]  # of the question and, for a follow-up, of the conversation
    numbers: frozenset[str]
    counted: frozenset[str]  # how many items it asks for: "Which two musicians …?"
    qualifiers: frozenset[str]
    topic: frozenset[str]  # its own content words, without shape words and names
    modified: frozenset[tuple[str, str]]  # (modifier, head) stems, names left out
    compounds: frozenset[tuple[str, str]]  # the same of noun compounds: ("energi", "trade")
    noun_compounds: frozenset[tuple[str, str]]  # of those, a noun's: ("sea", "border")
    query: str  # what retrieval searches: the standalone question
    follow_up: bool
    previous: str = ""  # a follow-up's previous answer: what the user has already been told
    resolved: str = ""  # a follow-up with its pronoun replaced ("How old is NORAD?"), if any
    content: str = ""  # the question without where it says to look ("Which organizations are
    # named?" of "… named in the fact sheet?"), if it says: what evidence is measured against
    focus: str | None = None  # the thing asked about ("population" in "what is the population
    # of Canada?"), stemmed; None when the question names only something generic
    parts: tuple[str, ...] = ()  # the claims of a question that asks several things at once
    entity: str | None = None  # the kind of named thing asked for (a spaCy label), if any
    sources: frozenset[str] = frozenset()  # the names that say which document to read
    document_rank: int | None = None  # "the second document": its place in the folder (-1: last)
    verbs: frozenset[str] = frozenset()  # its verbs' stems ("challeng" of "Who is challenging …?")
    things: frozenset[str] = frozenset()  # its common nouns' stems ("popul" of "population")
    mentioned: str = ""  # what a yes/no question asks whether the documents mention
    names_documents: bool = False  # asks which documents mention it
    besides: bool = False  # a follow-up asking for what it was not told ("What else …?")
    units: tuple[tuple[str, ...], ...] = ()  # its subjects as written together (name_units)
    offices: tuple[tuple[str, str], ...] = ()  # (portfolio, as written): ("health", "Minister
    # of Health"); a nationality is no portfolio ("Canadian minister")
    held: HeldOffice | None = None  # "Who is Canada's Foreign Minister?": office and country
    kind_label: str | None = None  # "GPE" of "Which countries are mentioned?": spaCy's label
    compared: Compared | None = None  # a yes/no question's "more than 50 years"
    asks_object: bool = False  # "Who did Biden call?": not who calls, but whom
    owned: str | None = None  # "citizen" of "Which country's citizens …?"
    quoted: bool = False  # asks who is quoted: the people a quotation is attributed to
    period: str | None = None  # "day" of "How much is the daily trade?"
    actor: str = ""  # "Did Canada draft …?": who it asks did it ("Canada") and the act
    act: str = ""  # ("draft"), for a yes/no question of one claim
    length: int | None = None  # the most sentences it asks for ("in two sentences")
    each_document: bool = False  # asks of both or every document ("Do both documents …?")
    months: frozenset[str] = frozenset()  # the months it gives, by their first three letters
    of_a_date: bool = False  # asks only what happened on a date ("What happened on Feb 23?")

    @property
    def asks_mention(self) -> bool:
        """Asks whether the documents mention a thing ("Does the fact sheet mention Mexico?")."""
        return self.one_claim and bool(self.mentioned)

    @property
    def one_claim(self) -> bool:
        """A yes/no question of one claim, which one sentence can decide."""
        return self.shape == "yesno" and not self.parts

    @property
    def of_one_kind(self) -> bool:
        """Gathers what one document, named by its kind, says ("What does the fact sheet say
        about Mexico?"): from the documents titled so."""
        says = DOCUMENT_SAYS.search(self.text)
        return self.gathers and bool(
            says and re.fullmatch(rf"the\s+{A_DOCUMENT}", says.group(1), re.IGNORECASE)
        )

    @property
    def of_the_folder(self) -> bool:
        """Asks for the people (or countries, dates) of every document, or of the documents it
        names ("… in the State Department document"), about nothing in particular: the answer
        reads the whole folder rather than what a search for the question finds."""
        listed = self.answer_type == "person" or self.kind_label is not None
        return listed and not self.topic and not self.subjects

    @property
    def of_documents(self) -> bool:
        """Asks for a summary or comparison of documents as a whole ("Summarize the
        documents", "What is the White House fact sheet about?", "Compare the two documents"),
        not of a subject in them."""
        return self.shape in ("summary", "compare") and not self.topic and not self.subjects

    @property
    def reads_folder(self) -> bool:
        """Answered from every chunk of a small folder rather than from a search."""
        return self.of_the_folder or self.of_documents

    @property
    def defines(self) -> bool:
        """Asks what the documents say of what it names, and nothing more ("Who is Michael
        Kovrig?", "Describe NORAD."): every sentence that names it answers."""
        return self.shape == "summary" and not self.topic and bool(self.subjects)

    @property
    def subjects(self) -> frozenset[str]:
        """The names the answer is about: the question's names but its sources'."""
        return self.names - self.sources

    @property
    def gathers(self) -> bool:
        """A list, summary or comparison: sentences gathered on one subject."""
        return self.shape in ("list", "summary", "compare")

    @property
    def kinds(self) -> tuple[str | None, ...]:
        """The kind of answer each claim asks for ("How long is A and how many B …?": a
        length and a count), or the question's own."""
        return tuple(answer_type(p) for p in self.parts) or (self.answer_type,)

    @property
    def kinds_of(self) -> frozenset[tuple[str, str]]:
        """Every (modifier, head) it asks about: what a generated answer may not claim of
        evidence that gives only the head ("energy trade" of all trade)."""
        return self.modified | self.compounds

    @property
    def broad(self) -> bool:
        """Answered from several passages (list, summary, comparison, or several claims)."""
        return self.gathers or len(self.parts) > 1


def shape_of(text: str) -> Shape:
    alternative = re.search(r"\bor\b", text) and len(text.split()) <= ALTERNATIVE_WORDS
    if DOCUMENTS_AGREE.match(text):
        return "compare"
    if YESNO.match(text) and not alternative:
        return "yesno"  # "Does A differ from B?" is answered yes or no first
    if COMPARE.search(text):
        return "compare"
    if SUMMARY.search(text):
        return "summary"
    listed = LIST.search(text)
    if listed and not answer_type(text) and not (listed.group("plural") and one_doer(text)):
        return "list"
    return "fact"


def focus_word(text: str) -> str | None:
    """The stem of the word after "what", "which" or "how many" ("intellig" of "Which
    intelligence community …?"); the parse then finds the noun it belongs to."""
    match = FOCUS.search(text)
    word = next((g for g in match.groups() if g), None) if match else None
    return next(iter(terms(word)), None) if word else None


def owned_of(text: str) -> str | None:
    """The stem of what "Which country's citizens …?" asks the owner of ("citizen")."""
    found = OWNED.match(text)
    return next(iter(terms(found.group(1))), None) if found else None


def entity_of(text: str) -> str | None:
    """AGENT for "Who …?", PERSON for "Which individual …?", ORG for "Which company …?" …"""
    match = ENTITY.match(text)
    if not match:
        return None
    if not match.group("kind"):
        return "AGENT"  # "Who …?": a person, or else whoever acts (a country, an organisation)
    kind = match.group("kind").lower()
    return next(label for label, words in ENTITY_KINDS.items() if re.fullmatch(words, kind))


def parts_of(text: str) -> tuple[str, ...]:
    """The claims of a question joined by "while", "in contrast to", ", and did …"; in a
    yes/no question also by "before"/"after" a clause or "contradict"/"consistent with"; the
    two reports of "Between A and B, …?" and "After A reported X, did B …?"; () when it asks
    one thing."""
    for pattern in (BETWEEN, LEADING):
        found = pattern.match(text)
        if found and min(len(terms(g)) for g in found.groups()) >= MIN_PART_TERMS:
            return found.groups()
    parts: list[str] = []
    for piece in (THEN_JOINS if YESNO.match(text) else JOINS).split(text):
        piece = piece.strip(" ,;")
        if parts and not _claim(piece):
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece:
            parts.append(piece)
    if len(parts) > 1 and not _claim(parts[0]):
        parts[:2] = [f"{parts[0]} {parts[1]}"]
    return tuple(parts) if len(parts) > 1 else ()


def _claim(piece: str) -> bool:
    """Long enough to be a claim of its own; a question word opens one however short ("how
    many ports does it have")."""
    return len(terms(piece)) >= MIN_PART_TERMS or bool(WH_CLAUSE.match(piece) and terms(piece))


def sources_of(text: str, found: frozenset[str] | set[str]) -> tuple[frozenset[str], set[str]]:
    """The name words the question reads as a document's author or publisher, and the verbs
    it uses for what they say ("give" of "what figure does the White House give")."""
    phrase = f"({WORD_RUN})"
    said = re.finditer(
        rf"{phrase}(?:['’]s)?\s+{SOURCE_NOUNS}\b|\baccording to (?:the |an? )?{phrase}|"
        rf"\b(?:does|did|do) (?:the )?{phrase}\s+({SAYS})\b"
        r"(?=\s*(?:[?.!]|$|(?:about|on|regarding|concerning|of|that|in)\b))",
        text,
        re.IGNORECASE,
    )
    words: set[str] = set()
    verbs: set[str] = set()
    for m in said:
        *named, verb = m.groups()
        words |= {w.lower() for g in named if g for w in g.split()}
        verbs |= terms(verb or "")
    return frozenset(words & set(found)), verbs


def items_counted(text: str) -> set[str]:
    """The numbers that say how many items the question asks for."""
    counts = (count_value(m.group("count")) for m in ITEMS_COUNTED.finditer(text))
    return {c for c in counts if c.isdigit()}


def asked_length(text: str) -> tuple[str, int | None]:
    """The question without what it says of the answer's length, and that length in
    sentences ("Summarize the fact sheet in two sentences." → 2; "… in one paragraph": none)."""
    sized = SIZED.search(text)
    if sized:
        rest = re.sub(
            r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", text[: sized.start()] + text[sized.end() :]
        )
        return _as_asked(rest, sized.group("unit") or "", sized.group("count") or "")
    found = LENGTH.search(text)
    if not found:
        items = ITEMS_ASKED.match(text)
        if not items:
            return text, None
        count = items.group("count").lower()
        rest = text[: items.start("count")] + text[items.end("count") + 1 :]
        return rest, int(count) if count.isdigit() else COUNTS.get(count)
    rest = text[: found.start()] + text[found.end() :]
    rest = re.sub(r"\s+([,.?!:;])", r"\1", re.sub(r",\s*(?=[.?!]|$)", "", rest)).strip(" ,;:")
    return _as_asked(
        rest[:1].upper() + rest[1:], found.group("unit") or "", found.group("count") or ""
    )


def _as_asked(rest: str, unit: str, count: str) -> tuple[str, int | None]:
    """The question without its length, and the length in sentences."""
    unit, count = unit.lower(), count.lower()
    n = int(count) if count.isdigit() else COUNTS.get(count, BRIEF)
    if unit.startswith("paragraph"):
        return rest, None
    if unit.startswith("word"):
        return rest, BRIEF if count == "a few" else max(1, round(n / WORDS_A_SENTENCE))
    return rest, n if unit else BRIEF


def read_question(text: str, history: Sequence[HasTurn] = ()) -> Question:
    text, length = asked_length(REQUEST.sub("", CONTRACTED.sub(r"\1 is", text)))
    said = _first_said(history[-1].answer) if history and SOURCE_OF_THAT.match(text) else ""
    if said:  # "Which document says that?": the one that says the last answer's first sentence
        whole = f"Which document mentions {said}?"
        return replace(read_question(whole), follow_up=True, previous=history[-1].answer)
    # "Tell me more about the third one." (an item of the last list), "And about the Arctic?"
    # (the previous question about the Arctic), "What about the first?" (both): the question
    # it stands for, read anew
    whole = _whole(text, history) if history else None
    if whole:
        read = read_question(whole)
        return replace(read, follow_up=True, previous=history[-1].answer, resolved=whole)
    follow_up = bool(history) and is_follow_up(text)
    query = standalone_query(text, history) if follow_up else text
    query = SHORT_MONTH.sub(lambda m: FULL_MONTHS[m.group(1)[:3]], query)  # as documents write it
    own_names = names(text)
    kind = answer_type(text)
    if kind is None and follow_up and not OWN_WH.match(text):
        kind = answer_type(history[-1].question)  # "And the maritime border?" asks it again
    shape = shape_of(text)
    which_document = WHICH_DOCUMENT.match(text)
    if which_document:
        shape, kind = "fact", None  # the documents, each with its sentence, answer
    resolved = ""
    if follow_up:
        thing = focus_word(history[-1].question)
        resolved = resolved_question(text, history, thing) or ""
    asked_names = set(own_names)
    if follow_up:  # what the conversation asked about; the last answer's names only search
        asked_names |= names(history[-1].question) | names(resolved)
        # "Who else is detained?" after "Where is he detained?": whom "he" was
        asked_names |= names(resolved_question(history[-1].question, history[:-1]) or "")
    if kind is None and shape in ("list", "fact") and PEOPLE.search(text):
        shape, kind = "list", "person"
    if WHO_NAMED.match(text) and own_names:
        shape, kind = "fact", None  # made a summary of the names below
    sources, says = sources_of(text, own_names)
    topic = terms(text) - META - terms(" ".join(own_names)) - says
    ranked = DOCUMENT_RANK.search(text)
    rank = place_of(ranked.group(1)) if ranked else None
    if ranked:  # "Summarize the second document.": which one, not what about
        topic -= terms(ranked.group(1))
    if shape == "summary":
        topic -= ASPECTS
    quoted = kind == "person" and bool(QUOTED.search(text))
    if kind == "person":  # "List the leaders named …": the group is the kind, not a topic
        topic -= terms(GROUPS.strip("()").replace("|", " ") + (" quoted" if quoted else ""))
    kind_label = _kind_label(text)
    if kind_label:  # so are the countries of "Which countries are mentioned?"
        topic -= terms(" ".join(KIND_LABELS)) | terms("every each given cited listed")
    if DESCRIBED.match(text) and (own_names or topic - DESCRIBED_WORDS):
        topic -= DESCRIBED_WORDS
    if (
        (shape == "fact" or (shape == "list" and WHAT_ARE.match(text)))
        and kind is None
        and not topic
        and own_names - sources
        and not follow_up
        and not ROLE.match(text)
        and not ACRONYM_QUESTION.search(text)  # "What is NORAD short for?" asks one fact
    ):
        shape = "summary"  # "Who is Michael Kovrig?", "What is USMCA?": what is said of it
    if follow_up and own_names and not topic:
        last = history[-1].question
        before, said = sources_of(last, names(last))
        if before:  # "And the State Department?" after "What does the White House give?"
            sources = frozenset(own_names)
            asked_names -= before - own_names
            topic = terms(last) - META - terms(" ".join(names(last))) - said
            shape = shape_of(last)  # and in the same shape
            dropped = "|".join(re.escape(w) for w in before - own_names)
            if dropped:  # search for what was asked of the other source, not for that source
                asked_before = re.sub(rf"(?i)\b(?:{dropped})\b", "", last)
                query = f"{asked_before} {text}"
    syntax = syntax_of(text, frozenset(own_names), focus_word(text))
    counted = frozenset(items_counted(text))
    mentioned = _mentioned(text, which_document) if which_document or shape == "yesno" else ""
    return Question(
        text=text,
        shape=shape,
        answer_type=kind,
        names=frozenset(asked_names),
        numbers=frozenset(numbers(text, ranks=False) - counted),
        counted=counted,
        qualifiers=frozenset(qualifiers(DOCUMENT_RANK.sub("the document", text))),
        topic=frozenset(topic),
        modified=frozenset((m, h) for m, h in syntax.modified if not {m, h} & META),
        compounds=frozenset((m, h) for m, h in syntax.compounds if not {m, h} & META),
        noun_compounds=frozenset((m, h) for m, h in syntax.nouns if not {m, h} & META),
        query=query,
        follow_up=follow_up,
        previous=history[-1].answer if follow_up else "",
        resolved=resolved,
        content=IN_DOCUMENTS.sub("", text) if IN_DOCUMENTS.search(text) else "",
        focus=syntax.focus if syntax.focus not in GENERIC_FOCUS else None,
        parts=parts_of(resolved or text),  # not the query: it holds the last turn too
        entity=entity_of(text) if shape == "fact" and kind is None else None,
        sources=sources,
        document_rank=rank,
        verbs=syntax.verbs,
        things=syntax.things,
        asks_object=syntax.asks_object,
        owned=owned_of(text),
        quoted=quoted,
        period=next(iter(sorted(periods(text))), None),
        actor=syntax.actor if shape == "yesno" else "",
        act=syntax.act if shape == "yesno" else "",
        offices=_offices(text),
        held=held_office(text),
        kind_label=kind_label,
        # a follow-up's names are written in its resolved form or in the question before it
        units=_focused(
            resolved or text,
            name_units(
                f"{resolved or text}\n{history[-1].question}" if follow_up else text,
                asked_names - sources,
            ),
            shape,
        ),
        besides=follow_up and bool(BESIDES.search(text)) and not EXCEPT_NAMED.search(text),
        mentioned=mentioned,
        names_documents=bool(which_document and mentioned),
        compared=compared(in_figures(text)) if shape == "yesno" else None,
        length=length,
        each_document=bool(EACH_DOCUMENT.search(text)),
        months=frozenset(m[:3].lower() for m in MONTH.findall(text)),
        of_a_date=bool(numbers(text))
        and not terms(NUMBER.sub(" ", MONTH.sub(" ", text))) - META - EVENT_WORDS,
    )


def _first_said(answer: str) -> str:
    """The first sentence an answer cites, without its citation mark, its label ("Trudeau:
    …") or verdict ("Yes. …"); of a refusal, the passage it quotes; "" when it cites none."""
    cited = MARKER.split(answer, maxsplit=1)
    if len(cited) == 1:
        return ""
    first = cited[0].strip().lstrip("- ")
    if first.endswith("”") and "“" in first:  # "… does not mention “X”: “the passage”"
        return plain(first[first.rfind("“") + 1 : -1]).strip(" ‘’'")
    first = re.sub(r"^(?:Yes|No|[A-Z][a-z]+(?:, not [a-z]+)?)\.\s+", "", first)
    labelled = ANSWER_LABEL.match(first)
    if labelled and len(labelled.group().split()) <= LABEL_WORDS:
        first = first[labelled.end() :]
    return plain(first).strip(' “”"')


def _focused(
    text: str, units: tuple[tuple[str, ...], ...], shape: str
) -> tuple[tuple[str, ...], ...]:
    """Of a list or summary "about" a name, that name only: "What did Biden and Trudeau agree
    on about NATO?" gathers what is said of NATO, not every sentence naming Biden."""
    about = ABOUT_END.search(text)
    if shape not in ("list", "summary", "compare") or not about:
        return units
    tail = about.group("tail")
    focused = tuple(u for u in units if all(re.search(rf"\b{re.escape(w)}", tail) for w in u))
    return focused if focused and len(focused) < len(units) else units


def _kind_label(text: str) -> str | None:
    found = KINDS_MENTIONED.match(text)
    if not found:
        return None
    kind = re.search(rf"\b{KIND}\b", found.group(), re.IGNORECASE)
    return KIND_LABELS[kind.group().lower()] if kind else None


def _standing(history: Sequence[HasTurn]) -> str:
    """The last question asked, an ellipsis made whole ("What about climate change?" after
    "And about the Arctic?" replaces the Arctic)."""
    whole = ""
    for i, turn in enumerate(history):
        earlier = history[:i]
        asked = item_named(turn.question, earlier) or item_chosen(turn.question, earlier)
        asked = asked or turn.question
        whole = (_elided(asked, whole) or _swapped(asked, whole, NAMED) if whole else None) or asked
    return whole


def _whole(text: str, history: Sequence[HasTurn]) -> str | None:
    """The question a follow-up stands for, when it names an item of the last list by its
    place or is an ellipsis of the question before; else None."""
    named = item_named(text, history) or item_chosen(text, history)
    standing = _standing(history)
    bare = re.match(rf"{FOLLOW_ON}(?P<item>.+)$", named or "", re.IGNORECASE)
    if bare:  # "And the last one?" is asked as the question before was, of that item
        return _elided(f"What about {bare.group('item')}", standing) or named
    return _elided(named or text, standing) or named


def _swapped(text: str, previous: str, new: re.Pattern[str]) -> str | None:
    """Of a question of what one document says, that document swapped for the one this
    follow-up names ("And the fact sheet?" after "What does the State Department say about
    climate change?")."""
    swapped, says = new.match(text), DOCUMENT_SAYS.search(previous)
    if not (swapped and says):
        return None
    return previous[: says.start(1)] + swapped.group("new") + previous[says.end(1) :]


def _elided(text: str, previous: str) -> str | None:
    """The previous question with this ellipsis's phrase in place, unless the phrase names
    another source of a question about a source ("What about the White House?"); of a
    question of what one document says, that document swapped ("And the fact sheet?" after
    "What does the State Department say about climate change?")."""
    swapped = _swapped(text, previous, SWAPPED)
    if swapped:
        return swapped
    whole = elided(text, previous)
    if whole and names(text) and sources_of(previous, names(previous))[0]:
        return None
    return whole


def _mentioned(text: str, found: re.Match[str] | None = None) -> str:
    found = found or MENTION.match(text) or MENTIONED.match(text)
    thing = found and (found.group("thing") or found.groupdict().get("passive"))
    return thing.strip() if thing and terms(thing) - PRONOUNS else ""


def _offices(text: str) -> tuple[tuple[str, str], ...]:
    found = offices(text)
    if not found:
        return ()
    named = places(text)
    return tuple((word, written) for word, written in found.items() if word not in named)
