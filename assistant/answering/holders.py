"""Who holds an office, and for which country: "Who is Canada's Secretary of State?" is not
answered by "U.S. Secretary of State Antony J. Blinken"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from assistant.answering.parser import entities
from assistant.text import ALIASES

TITLES = (
    r"(?:President|Vice President|Prime Minister|Minister|Secretary|Senator|Governor|Ambassador|"
    r"Chancellor|King|Queen|Premier|Mayor|General|Judge|Justice|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)"
)
HOLDER_QUESTION = re.compile(r"^\s*who\s+(?:is|was)\b", re.IGNORECASE)
# "Who is Canada's Foreign Minister?": the office asked about, as the documents title people
OFFICE_ASKED = re.compile(
    rf"(?:(?:[A-Z][\w.-]*\s+){{0,2}}){TITLES}(?:\s+of\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)?"
)
TITLED_NAME = r"\s+((?:[A-Z][\w’'-]*\.?\s+){0,3}[A-Z][\w’'-]*[\w])"  # "Antony J. Blinken"
# the capitalised words written right before an office: "U.S." of "U.S. Secretary of State"
QUALIFIER = re.compile(r"((?:[A-Z][\w.’'-]*\s+){1,3})$")
PLACES = frozenset({"GPE", "NORP"})
OTHERS = re.compile(r",?\s+and\s+other\s+(?P<place>[A-Z][\w.-]*)\s+[a-z]")
ADMINISTRATION = re.compile(r"\b(?P<name>[A-Z][\w’'-]+)\s+Administration\b(?P<rest>[^;!?]{0,40})")
# the titled names listed right before "and other Canadian …"
LISTED = re.compile(rf"(?:\b(?:[A-Z][\w.]*\s+){{0,2}}{TITLES}{TITLED_NAME},?\s*)+$")
STEM = 5  # "Canad" of Canada and Canadian


@dataclass(frozen=True)
class HeldOffice:
    office: str  # as the documents would title a holder: "Secretary of State"
    place: str  # the country asked about: "Canada"
    asked: str  # both, as a refusal names them: "Secretary of State of Canada"


def asked_office(text: str) -> re.Match[str] | None:
    """The office of "Who is <office>?", as written."""
    return OFFICE_ASKED.search(text) if HOLDER_QUESTION.match(text) else None


def held_office(text: str) -> HeldOffice | None:
    """The office and country of "Who is the President of Canada?", "Who is Canada's Foreign
    Minister?" or "Who is the U.S. Secretary of State?"; None when no country is asked."""
    found = asked_office(text)
    if not found:
        return None
    office, start = found.group(), found.start()
    # "… of State of Canada" is one organisation to spaCy: read the country on its own
    after = re.match(r"\s+of\s+((?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)", text[found.end() :])
    (places,) = entities([text], PLACES)
    if after and entities([after.group(1)], PLACES)[0]:
        bare = re.sub(r"^the\s+", "", after.group(1), flags=re.IGNORECASE)
        return HeldOffice(office, bare, f"{office} of {after.group(1)}")
    for place, _ in places:
        bare = re.sub(r"^the\s+", "", place, flags=re.IGNORECASE)
        if office.startswith(f"{bare} "):  # "U.S. Secretary of State", "Canadian Minister"
            return HeldOffice(office[len(bare) + 1 :], bare, office)
        of_place = re.search(rf"\s+of\s+(?:the\s+)?{re.escape(bare)}$", office)
        if of_place:  # "President of Canada"
            return HeldOffice(office[: of_place.start()], bare, office)
        if re.search(rf"{re.escape(bare)}[’']s?\s+$", text[:start]):  # "Canada's Minister"
            return HeldOffice(office, bare, f"{office} of {place}")
    return None


def same_place(a: str, b: str) -> bool:
    """ "U.S." and "the United States", "Canadian" and "Canada's"."""

    def forms(place: str) -> set[str]:
        key = re.sub(r"^the\s+|[’']s$|\.$", "", place.strip().lower())
        return {key, *ALIASES.get(key, ())}

    left, right = forms(a), forms(b)
    return bool(left & right) or any(
        len(x) >= STEM and len(y) >= STEM and x[:STEM] == y[:STEM] for x in left for y in right
    )


@lru_cache(maxsize=256)  # the gate and the composer ask of the same passages, name by name
def holders(text: str, office: str) -> Mapping[str, tuple[str, ...]]:
    """Each name the text titles with this office, with the countries written before the
    office each time ("" when none is), and those the text ties the name to otherwise
    (`ties`): {"Antony J. Blinken": ("U.S.", "")}."""
    found: dict[str, tuple[str, ...]] = {}
    for m in re.finditer(rf"\b{re.escape(office)}{TITLED_NAME}", text):
        before = QUALIFIER.search(text[max(0, m.start() - 60) : m.start()])
        words = before.group().strip() if before else ""
        (places,) = entities([words], PLACES) if words else ([],)
        found[m.group(1)] = (*found.get(m.group(1), ()), places[-1][0] if places else "")
    tied = ties(text) if found else {}
    for name in found:
        found[name] += tuple(tied.get(re.sub(r"[’']s$", "", name.split()[-1]), ()))
    return MappingProxyType(found)


def ties(text: str) -> dict[str, tuple[str, ...]]:
    """The countries the text ties a person to other than by a title, by last name: those of
    a list "… Prime Minister Trudeau, Foreign Minister Garneau, and other Canadian cabinet
    members" ({"Trudeau": ("Canadian",), "Garneau": ("Canadian",)}), and of "the Biden
    Administration" in a sentence that names a country's government ("Under the Biden
    Administration, the U.S. government …": {"Biden": ("U.S.",)})."""
    found: dict[str, tuple[str, ...]] = {}
    for m in OTHERS.finditer(text):
        (places,) = entities([m.group("place")], PLACES)
        listed = LISTED.search(text[max(0, m.start() - 300) : m.start()])
        if not (places and listed):
            continue
        for named in re.finditer(rf"\b{TITLES}{TITLED_NAME}", listed.group()):
            last = named.group(1).split()[-1]
            found[last] = (*found.get(last, ()), places[0][0])
    for m in ADMINISTRATION.finditer(text):
        government = re.search(r"\b((?:[A-Z][\w.]*\s+){1,3})government\b", m.group("rest"))
        (places,) = entities([government.group(1)], PLACES) if government else ([],)
        if places:
            found[m.group("name")] = (*found.get(m.group("name"), ()), places[0][0])
    return found


def elsewhere(text: str, held: HeldOffice) -> str | None:
    """The office as the text qualifies it for another country ("U.S. Secretary of State"),
    when every holder it names is titled for another country than the one asked, at least
    once, and never for the one asked."""
    named = holders(text, held.office)
    other = ""
    for places in named.values():
        if any(p and same_place(p, held.place) for p in places):
            return None
        other = next((p for p in places if p), "")
        if not other:
            return None
    return f"{other} {held.office}" if named else None


def for_place(text: str, held: HeldOffice | None, name: str) -> bool:
    """May this holder of the office be the one asked about (not titled for another country
    only)?"""
    if held is None:
        return True
    places = holders(text, held.office).get(name, ("",))
    return any(p and same_place(p, held.place) for p in places) or not any(places)
