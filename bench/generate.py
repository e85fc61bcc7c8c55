"""Generate a deterministic synthetic kb corpus for benchmarks.

    python bench/generate.py --articles 10000 --entities 2000 --out /tmp/corpus

writes OUT/kb.yml, OUT/articles/<id>.md and OUT/entities/<id>.yaml following
docs/CONTENT.md. The same --seed always gives byte-identical files.

What the corpus exercises:
- articles of 500-900 words with `## ` sub-headings, 6-15 paragraphs, direct
  quotes ("“…,” said <Person>"), money figures, dates, the odd link, list and
  hard-wrapped paragraph;
- entity mentions by name, alias and possessive ("Acme's", "Acme’s"), including
  names that are prefixes of other names ("Acme" / "Acme Research");
- aliases shared by several entities (marked ambiguous on all of them);
- relations with valid targets and types, optional dates and sources;
- facts whose quote is a sentence copied from the cited article, a few of them
  deliberately conflicting (same property, different value).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import string
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # the C emitter is ~10x faster; fall back to pure Python if missing
    from yaml import CSafeDumper as YamlDumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as YamlDumper

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

ENTITY_TYPES = {
    "organisation": {"label": "Organisation", "plural": "Organisations"},
    "person": {"label": "Person", "plural": "People"},
    "place": {"label": "Place", "plural": "Places"},
    "facility": {"label": "Facility", "plural": "Facilities"},
    "programme": {"label": "Programme", "plural": "Programmes"},
    "event": {"label": "Event", "plural": "Events"},
}

# Share of the entities of each type; the order is the order of creation
# (facilities and events are named after places and organisations).
TYPE_SHARES = {
    "place": 0.12,
    "organisation": 0.34,
    "person": 0.30,
    "facility": 0.08,
    "programme": 0.08,
    "event": 0.08,
}

RELATION_TYPES = {
    "leads": {"label": "leads", "inverse": "led by"},
    "works-for": {"label": "works for", "inverse": "employs"},
    "subsidiary-of": {"label": "subsidiary of", "inverse": "parent of"},
    "partner-of": {"label": "partner of", "symmetric": True},
    "competitor-of": {"label": "competitor of", "symmetric": True},
    "located-in": {"label": "located in", "inverse": "location of"},
    "operates": {"label": "operates", "inverse": "operated by"},
    "funds": {"label": "funds", "inverse": "funded by"},
}

ONSETS = "b c d f g h k l m n p r s t v z br cr dr gr pr tr st sh th ch kl fl sk".split()
VOWELS = "a e i o u a e o ai ea io ou".split()
CODAS = ["", "", "", "n", "r", "l", "s", "x", "nd", "rk", "m", "th"]

FIRST_NAMES = (
    "Aiko Akira Alice Amara Andrew Anna Arjun Beatriz Carlos Chen Clara Daniel Diana "
    "Elena Emil Fatima Felix Grace Hana Hiro Ingrid Isaac James Jia Julia Kenji Lars "
    "Layla Leo Lin Lucia Maya Mei Miguel Nadia Naomi Noah Olga Omar Paul Priya Rafael "
    "Rina Samuel Sara Sofia Tariq Tomas Wei Yuki Zara Ravi Ines Hugo Marta Oskar Leila"
).split()

ORG_SUFFIXES = (
    "Research Energy Capital Labs Systems Networks Holdings Motors Foundation "
    "Semiconductor Robotics Telecom Logistics Biotech Cloud Ventures"
).split()
ORG_INDUSTRIES = {
    "Research": "research", "Energy": "energy", "Capital": "investment", "Labs": "research",
    "Systems": "technology", "Networks": "telecommunications", "Holdings": "holding",
    "Motors": "automotive", "Foundation": "non-profit", "Semiconductor": "semiconductor",
    "Robotics": "robotics", "Telecom": "telecommunications", "Logistics": "logistics",
    "Biotech": "biotechnology", "Cloud": "cloud computing", "Ventures": "venture capital",
}
PLACE_PATTERNS = ["{w}", "{w}", "{w}", "Port {w}", "New {w}", "{w} Bay", "{w} Province"]
FACILITY_KINDS = (
    "Data Centre|Chip Fab|Research Campus|Wind Farm|Logistics Hub|Assembly Plant|Cable Landing Station"
).split("|")
PROGRAMME_THEMES = "Green Grid|Digital Skills|AI Frontier|Clean Water|Smart Port|Open Science".split("|")
EVENT_TOPICS = "Digital|Energy|Investment|AI|Trade|Climate".split("|")
SHARED_TITLES = ["Governor", "Finance Minister", "Chief Scientist"]
ROLES = [
    "chief executive", "chief technology officer", "president", "head of research",
    "chief financial officer", "managing director", "head of policy", "chair",
]

PUBLISHERS = (
    "The Meridian Post|Telecoms Weekly|Harbour Times|Asia Tech Review|The Ledger|"
    "Northern Courier|Silicon Gazette|Energy Monitor|Capital Wire|Daily Circuit|"
    "The Observer Review|Market Pulse|Pacific Business Journal|Grid & Power|Data Centre News|"
    "Policy Brief|The Evening Standard Tech|Global Trade Daily|Industry Insider|Cloud Report"
).split("|")

TOPICS = (
    "cloud infrastructure|AI capacity|semiconductor packaging|data centre construction|"
    "renewable power|battery storage|R&D|digital skills training|cybersecurity|"
    "quantum computing research|logistics automation|5G networks|undersea cables|"
    "electric vehicles|hydrogen production|chip design|supply chain resilience|"
    "public cloud services|machine learning tools|research partnerships|"
    "grid modernisation|satellite broadband|advanced manufacturing|medical imaging|"
    "water treatment|port automation|carbon capture|edge computing|open-source software|"
    "startup funding|workforce training|smart city services|wind energy|fibre networks"
).split("|")

MONTHS = (
    "January February March April May June July August September October November December"
).split()

TITLE_TEMPLATES = [
    "{O} pumps {M} into {X} in {L}",
    "{O} and {O2} sign {X} partnership",
    "{P} to lead {Os} {X} push",
    "{L} approves {F} as {O} expands",
    "{O} unveils {G} at {E}",
    "{Os} {X} plans draw scrutiny in {L}",
    "What {Os} {M} bet on {X} means for {L}",
    "{O} commits {M} to {X} as competition with {O2} heats up",
    "{O} opens {F} to meet demand for {X}",
    "{P} outlines {Os} {X} strategy",
]

SENTENCE_TEMPLATES = [
    "{O} said it would invest {M} in {X} in {L} over the next {N} years.",
    "The announcement follows {Os} decision {D} to expand {X} across the region.",
    "Analysts said the move could lift {Os} share of the {X} market by {PCT} percent.",
    "{P} told reporters that the company was in talks with {O2} about {X}.",
    "The {F} is expected to come online {D}, adding capacity for {X}.",
    "Under the {G}, {O} will train {K} people in {X} over the coming years.",
    "Officials in {L} welcomed the plan, noting that {X} had become a national priority.",
    "The deal was announced at the {E}, where {O} and {O2} presented a joint roadmap.",
    "{O} did not respond to a request for comment on the timing of the project.",
    "Shares of {O} rose {PCT} percent in early trading after the announcement.",
    "The investment is the largest {O} has made in {L} since it entered the market.",
    "{Os} rivals, including {O2}, have announced similar commitments to {X} {D}.",
    "Local suppliers in {L} are expected to benefit from contracts worth {M}.",
    "The company said the {F} would run on {X} and create {K} jobs.",
    "{P} said the {G} would focus on {X} and {Y}.",
    "Critics argued that the spending on {X} would do little for smaller firms in {L}.",
    "The government of {L} has offered tax incentives worth {M} to attract investment in {X}.",
    "According to the company, demand for {X} has doubled in the past {N} years.",
    "{O} first opened an office in {L} more than {N} years ago.",
    "The plan also includes funding for {Y} and a new partnership with {O2}.",
    "Delegates at the {E} discussed {X}, {Y} and the role of public funding.",
    "{Os} earlier commitment of {M} to {X} was completed {D}.",
    "Construction of the {F} began {D} and employs about {K} workers.",
    "The {G} is backed by {O} and {O2}, with additional support from {L}.",
    "Industry groups said the announcement could accelerate {X} throughout {L}.",
    "{P} previously oversaw {Os} work on {Y}.",
    "The figures were first reported by local media {D}.",
    "{O} expects the {X} business to generate {M} in annual revenue by {YEAR}.",
    "The agreement with {O2} covers {X}, {Y} and joint research in {L}.",
    "Regulators in {L} are reviewing the proposal and are expected to decide {D}.",
]

FILLER_SENTENCES = [
    "The market for {X} has grown quickly, driven by demand for {Y}.",
    "Several details of the agreement have not been made public.",
    "Spending on {X} across the region rose {PCT} percent last year.",
    "Investors have watched the sector closely since the start of {YEAR}.",
    "The project still requires approval from regional authorities.",
    "Experts warned that shortages of skilled workers could slow {X}.",
    "Similar projects elsewhere have taken {N} years or more to complete.",
    "The total cost is expected to exceed {M} once {Y} is included.",
]

QUOTE_SPEECH = [
    "We are committed to {X} in {L}, and this investment reflects that.",
    "This is a long-term commitment to our customers and partners.",
    "Demand for {X} has never been stronger, and we intend to meet it.",
    "We appreciate the support we have received from the people of {L}.",
    "The next few years will decide who leads in {X}.",
    "Our partnership will bring {X} to thousands of businesses.",
    "We see enormous potential in {Y} and in the talent here.",
    "This project shows what is possible when government and industry work together.",
    "We expect the first results within {N} years.",
    "It is too early to say how the market for {X} will develop.",
]

SAID_TEMPLATES = [
    "“{Qc},” said {Pfull}, {R} of {O}.",
    "“{Q}” {Pfull} said in a statement.",
    "{Pfull} said: “{Q}”",
    "“{Qc},” {P} added.",
]

HEADINGS = [
    "Investment details", "Background", "Market reaction", "What comes next",
    "Regional impact", "The competition", "Funding and jobs", "Policy context",
    "Timeline", "Industry response",
]

FACT_TEMPLATES = {
    "headquarters": ("{name} is headquartered in {value}.", "Headquartered in {ref}."),
    "employees": ("{name} employs about {value} people worldwide.", "Employs about {value} people."),
    "revenue": ("{name} reported annual revenue of {value}.", "Reported annual revenue of {value}."),
    "founded": ("{name} was founded in {value}.", "Founded in {value}."),
    "position": ("{name} serves as {value} of {org}.", "Serves as {value} of {ref}."),
    "population": ("{name} has a population of about {value}.", "Population of about {value}."),
    "capacity": ("{name} will have a capacity of {value} megawatts.", "Capacity of {value} MW."),
    "budget": ("{name} has a budget of {value}.", "Budget of {value}."),
    "attendance": ("{name} drew about {value} attendees.", "Drew about {value} attendees."),
}
PROPERTIES_BY_TYPE = {
    "organisation": ["headquarters", "employees", "revenue", "founded"],
    "person": ["position"],
    "place": ["population"],
    "facility": ["capacity"],
    "programme": ["budget"],
    "event": ["attendance"],
}

KEBAB_STRIP = re.compile(r"[^a-z0-9]+")
CONFLICT_RATE = 0.01  # share of fact sentences that state a different value
QUOTE_CANDIDATES_PER_ENTITY = 6
FACT_SENTENCES_PER_ENTITY = 8


def slugify(text: str) -> str:
    return KEBAB_STRIP.sub("-", text.lower()).strip("-")


def template_slots(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def possessive(name: str, apostrophe: str) -> str:
    return name + apostrophe if name.endswith("s") else name + apostrophe + "s"


def coined_word(rng: random.Random) -> str:
    """A made-up capitalised word ("Veltrana"): names that never occur by chance."""
    while True:
        parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.choice((2, 2, 3)))]
        word = ("".join(parts) + rng.choice(CODAS)).capitalize()
        if 5 <= len(word) <= 11:
            return word


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------


@dataclass(eq=False)
class Entity:
    index: int
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    ambiguous: set[str] = field(default_factory=set)
    relations: list[dict] = field(default_factory=list)
    neighbours: list[int] = field(default_factory=list)
    props: dict[str, str] = field(default_factory=dict)
    alt_props: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    employer: int | None = None
    role: str = ""
    event_date: object = None
    participants: list[str] = field(default_factory=list)
    # filled while articles are written
    quote_candidates: list[tuple[str, str]] = field(default_factory=list)
    fact_sentences: list[tuple] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    seen: int = 0


@dataclass
class Corpus:
    entities: list[Entity]  # in order of popularity (Zipf rank)
    by_type: dict[str, list[Entity]]
    cum_weights: dict[str, list[float]]
    all_cum_weights: list[float]
    by_index: dict[int, Entity]
    by_id: dict[str, Entity]
    by_name: dict[str, Entity]
    article_titles: dict[str, str] = field(default_factory=dict)

    def pick(self, rng: random.Random, etype: str | None = None) -> Entity:
        """A Zipf-weighted entity: a few are in many articles, most in few."""
        if etype is None:
            return rng.choices(self.entities, cum_weights=self.all_cum_weights)[0]
        return rng.choices(self.by_type[etype], cum_weights=self.cum_weights[etype])[0]


def zipf_cum_weights(n: int, exponent: float = 0.9) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        out.append(total)
    return out


# --------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------


class NameBook:
    """Hands out names and ids that are unique (case-insensitively)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def coined_word(self) -> str:
        return coined_word(self.rng)

    def claim(self, make) -> str:
        while True:
            name = make()
            if name.casefold() not in self.names:
                self.names.add(name.casefold())
                return name

    def new_id(self, name: str) -> str:
        base = slugify(name)
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.ids.add(candidate)
        return candidate


def type_counts(m: int) -> dict[str, int]:
    counts = {t: max(1, int(m * share)) for t, share in TYPE_SHARES.items()}
    counts["organisation"] += m - sum(counts.values())
    if counts["organisation"] < 2:
        raise SystemExit("need at least 12 entities")
    return counts


def random_date(rng: random.Random, start_year: int = 2023, end_year: int = 2025):
    """A date as YAML would load it: date (day), 'YYYY-MM' (month) or int (year)."""
    year = rng.randint(start_year, end_year)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.80:
        return dt.date(year, month, day)
    if roll < 0.95:
        return f"{year}-{month:02d}"
    return year


def date_year(value) -> int:
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, int):
        return value
    return int(value[:4])


def money(rng: random.Random) -> str:
    symbol = rng.choices("$¥€£", weights=(70, 10, 10, 10))[0]
    if rng.random() < 0.6:
        return f"{symbol}{rng.randint(1, 40) / 10:.1f} billion".replace(".0 ", " ")
    return f"{symbol}{rng.randint(5, 950)} million"


def make_places(rng, book: NameBook, count: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(count):
        pattern = rng.choice(PLACE_PATTERNS)
        name = book.claim(lambda: pattern.format(w=book.coined_word()))
        out.append((name, "place"))
    return out


def make_organisations(rng, book: NameBook, count: int) -> list[tuple[str, str]]:
    """Single-word parents, some with '<Parent> <Suffix>' children (prefix names)."""
    out: list[tuple[str, str]] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.30:
            base = book.claim(book.coined_word)
            out.append((base, "organisation"))
            if rng.random() < 0.5 and len(out) < count:
                child = book.claim(lambda: f"{base} {rng.choice(ORG_SUFFIXES)}")
                out.append((child, "organisation"))
        elif roll < 0.75:
            out.append((book.claim(lambda: f"{book.coined_word()} {rng.choice(ORG_SUFFIXES)}"), "organisation"))
        else:
            out.append((book.claim(
                lambda: f"{book.coined_word()} {book.coined_word()} {rng.choice(ORG_SUFFIXES)}"
            ), "organisation"))
    return out


def make_people(rng, book: NameBook, count: int) -> list[tuple[str, str]]:
    def person() -> str:
        first, last = rng.choice(FIRST_NAMES), book.coined_word()
        if rng.random() < 0.05:
            return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        return f"{first} {last}"

    return [(book.claim(person), "person") for _ in range(count)]


def first_word(name: str) -> str:
    return name.split()[0]


def make_named_after(rng, book, count, etype, places, orgs) -> list[tuple[str, str]]:
    def facility() -> str:
        return f"{first_word(rng.choice(orgs))} {rng.choice(places)} {rng.choice(FACILITY_KINDS)}"

    def programme() -> str:
        if rng.random() < 0.5:
            return f"Project {book.coined_word()}"
        return f"{rng.choice(PROGRAMME_THEMES)} {book.coined_word()} Programme"

    def event() -> str:
        year = rng.randint(2023, 2025)
        if rng.random() < 0.6:
            return f"{rng.choice(places)} {rng.choice(EVENT_TOPICS)} Summit {year}"
        return f"{first_word(rng.choice(orgs))} Developer Conference {year}"

    make = {"facility": facility, "programme": programme, "event": event}[etype]
    return [(book.claim(make), etype) for _ in range(count)]


def acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isupper())


def candidate_aliases(rng, entity: Entity) -> list[str]:
    name, words = entity.name, entity.name.split()
    if entity.type == "person":
        aliases = [words[-1]] if rng.random() < 0.7 else []
        if rng.random() < 0.03:
            aliases.append(rng.choice(SHARED_TITLES))
        return aliases
    if entity.type == "organisation" and len(words) >= 3:
        return [acronym(name)]
    if entity.type == "organisation" and len(words) == 2 and rng.random() < 0.3:
        return [f"{words[0]} Group"]
    if entity.type == "place" and words[-1] == "Province":
        return [" ".join(words[:-1])]
    if entity.type == "facility":
        return [" ".join(words[1:])]  # "<Place> Data Centre": shared by co-located sites
    if entity.type == "programme" and words[-1] == "Programme":
        return [acronym(name)]
    if entity.type == "event" and words[-1].isdigit():
        return [" ".join(words[:-1])]  # the series name, shared across years
    return []


def assign_aliases(rng, entities: list[Entity]) -> None:
    """Aliases never equal a name; an alias two entities share is ambiguous on both."""
    names = {e.name.casefold() for e in entities}
    holders: dict[str, list[Entity]] = {}
    for entity in entities:
        for alias in candidate_aliases(rng, entity):
            if len(alias) < 2 or alias.casefold() in names or alias in entity.aliases:
                continue
            entity.aliases.append(alias)
            holders.setdefault(alias.casefold(), []).append(entity)
    for alias_key, group in holders.items():
        if len(group) > 1:
            for entity in group:
                entity.ambiguous.update(a for a in entity.aliases if a.casefold() == alias_key)


def make_entities(rng: random.Random, m: int) -> Corpus:
    book = NameBook(rng)
    counts = type_counts(m)
    named = make_places(rng, book, counts["place"])
    place_names = [n for n, _ in named]
    orgs = make_organisations(rng, book, counts["organisation"])
    org_names = [n for n, _ in orgs]
    named += orgs + make_people(rng, book, counts["person"])
    for etype in ("facility", "programme", "event"):
        named += make_named_after(rng, book, counts[etype], etype, place_names, org_names)
    entities = [Entity(i, book.new_id(name), name, etype) for i, (name, etype) in enumerate(named)]
    assign_aliases(rng, entities)
    popularity = entities[:]  # popularity is independent of creation order
    rng.shuffle(popularity)
    by_type = {t: [e for e in popularity if e.type == t] for t in ENTITY_TYPES}
    return Corpus(
        entities=popularity,
        by_type=by_type,
        cum_weights={t: zipf_cum_weights(len(v)) for t, v in by_type.items()},
        all_cum_weights=zipf_cum_weights(len(popularity)),
        by_index={e.index: e for e in entities},
        by_id={e.id: e for e in entities},
        by_name={e.name: e for e in entities},
    )


# --------------------------------------------------------------------------
# Relations, properties and summaries
# --------------------------------------------------------------------------


def add_relation(source: Entity, rtype: str, target: Entity, rng, dated: bool = False) -> None:
    if source is target:
        return
    relation = {"type": rtype, "target": target.id}
    if dated and rng.random() < 0.5:
        since = random_date(rng, 2015, 2023)
        relation["since"] = since
        if rng.random() < 0.2:
            relation["until"] = date_year(since) + rng.randint(1, 3)
    source.relations.append(relation)
    source.neighbours.append(target.index)
    target.neighbours.append(source.index)


def canonical_and_alternative(rng, prop: str, corpus: Corpus) -> tuple[str, str]:
    """The value articles usually state, and the one a few of them state instead."""
    if prop == "headquarters":
        first, second = corpus.pick(rng, "place"), corpus.pick(rng, "place")
        return first.name, second.name if second is not first else second.name + " Bay"
    if prop == "founded":
        year = rng.randint(1950, 2018)
        return str(year), str(year + rng.randint(1, 3))
    if prop == "position":
        first, second = rng.sample(ROLES, 2)
        return first, second
    if prop in ("revenue", "budget"):
        return money(rng), money(rng)
    scale = {"employees": 200_000, "population": 3_000_000, "capacity": 600, "attendance": 20_000}[prop]
    value = rng.randint(scale // 50, scale)
    return f"{value:,}", f"{int(value * rng.uniform(1.05, 1.3)):,}"


def assign_properties(rng, corpus: Corpus) -> None:
    for entity in corpus.entities:
        for prop in PROPERTIES_BY_TYPE[entity.type]:
            entity.props[prop], entity.alt_props[prop] = canonical_and_alternative(rng, prop, corpus)


def relate_organisation(rng, corpus, org: Entity, by_name: dict[str, Entity]) -> None:
    add_relation(org, "located-in", by_name[org.props["headquarters"]], rng)
    words = org.name.split()
    parent = by_name.get(words[0]) if len(words) == 2 else None
    if parent is not None and parent.type == "organisation":
        add_relation(org, "subsidiary-of", parent, rng, dated=True)
    if rng.random() < 0.3:
        add_relation(org, rng.choice(("partner-of", "competitor-of")), corpus.pick(rng, "organisation"), rng, True)
    if rng.random() < 0.2:
        add_relation(org, "funds", corpus.pick(rng, "programme"), rng, dated=True)


def relate_person(rng, corpus, person: Entity) -> None:
    employer = corpus.pick(rng, "organisation")
    person.employer, person.role = employer.index, person.props["position"]
    rtype = "leads" if person.role in ("chief executive", "chair", "president") else "works-for"
    add_relation(person, rtype, employer, rng, dated=True)


def relate_facility(rng, corpus, facility: Entity, by_name: dict[str, Entity]) -> None:
    operator = by_name.get(facility.name.split()[0])
    if operator is None or operator.type != "organisation":
        operator = corpus.pick(rng, "organisation")
    add_relation(operator, "operates", facility, rng, dated=True)
    place = place_in_name(facility.name.split()[1:], by_name)
    add_relation(facility, "located-in", place or corpus.pick(rng, "place"), rng)


def place_in_name(words: list[str], by_name: dict[str, Entity]) -> Entity | None:
    """The place whose name starts `words` ("Port Halden Data Centre" -> Port Halden)."""
    for k in range(len(words), 0, -1):
        entity = by_name.get(" ".join(words[:k]))
        if entity is not None and entity.type == "place":
            return entity
    return None


def relate_event(rng, corpus, event: Entity, by_name: dict[str, Entity]) -> None:
    year = int(event.name.split()[-1]) if event.name.split()[-1].isdigit() else 2024
    event.event_date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    place = place_in_name(event.name.split(), by_name)
    add_relation(event, "located-in", place or corpus.pick(rng, "place"), rng)
    participants: list[Entity] = []
    for _ in range(rng.randint(2, 5)):
        candidate = corpus.pick(rng, rng.choice(("organisation", "person")))
        if candidate not in participants:
            participants.append(candidate)
    event.participants = [p.id for p in participants]
    for p in participants:
        event.neighbours.append(p.index)
        p.neighbours.append(event.index)


def build_structure(rng: random.Random, corpus: Corpus) -> None:
    assign_properties(rng, corpus)
    by_name = corpus.by_name
    for entity in sorted(corpus.entities, key=lambda e: e.index):
        if entity.type == "organisation":
            relate_organisation(rng, corpus, entity, by_name)
        elif entity.type == "person":
            relate_person(rng, corpus, entity)
        elif entity.type == "facility":
            relate_facility(rng, corpus, entity, by_name)
        elif entity.type == "event":
            relate_event(rng, corpus, entity, by_name)
    for entity in corpus.entities:
        entity.summary = summarise(rng, corpus, entity)


def summarise(rng, corpus: Corpus, entity: Entity) -> str:
    def ref(target_id: str) -> str:
        target = corpus.by_id[target_id]
        return f"[[{target_id}|{target.name}]]" if rng.random() < 0.3 else f"[[{target_id}]]"

    located = next((r["target"] for r in entity.relations if r["type"] == "located-in"), None)
    if entity.type == "organisation":
        industry = ORG_INDUSTRIES.get(entity.name.split()[-1], "technology")
        text = f"{entity.name} is a {industry} company"
        text += f" headquartered in {ref(located)}." if located else "."
        parent = next((r["target"] for r in entity.relations if r["type"] == "subsidiary-of"), None)
        if parent:
            text += f" It is a subsidiary of {ref(parent)}."
        return text
    if entity.type == "person":
        employer = corpus.by_index[entity.employer]
        return f"{entity.role.capitalize()} of {ref(employer.id)}."
    if entity.type == "place":
        return f"{entity.name} is a regional centre for {rng.choice(TOPICS)} and {rng.choice(TOPICS)}."
    if entity.type == "facility":
        return f"A {entity.name.split()[-1].lower()} facility in {ref(located)}."
    if entity.type == "programme":
        return f"A programme supporting {rng.choice(TOPICS)} and {rng.choice(TOPICS)}."
    return f"An annual gathering held in {ref(located)}, covering {rng.choice(TOPICS)}."


# --------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------


@dataclass
class Article:
    id: str
    title: str
    publisher: str
    date: object
    author: str | None
    url: str | None
    body: str


class ArticleWriter:
    """Composes one article at a time; records which sentences mention whom."""

    def __init__(self, rng: random.Random, corpus: Corpus):
        self.rng = rng
        self.corpus = corpus
        self.ids: dict[str, int] = {}
        self.sentences = [(t, template_slots(t)) for t in SENTENCE_TEMPLATES]
        self.fillers = [(t, template_slots(t)) for t in FILLER_SENTENCES]
        self.saids = SAID_TEMPLATES
        self.titles = [(t, template_slots(t)) for t in TITLE_TEMPLATES]
        self.speech = [(t, template_slots(t)) for t in QUOTE_SPEECH]
        # per article: the entities it is about, by type, and its apostrophe style
        self.focus: dict[str, list[Entity]] = {}
        self.apostrophe = "'"
        # per sentence: the entities it names
        self.mentioned: list[Entity] = []

    # -- per-article state ------------------------------------------------

    def reset(self, number: int) -> None:
        rng = self.rng
        entities = self.corpus.entities
        primary = entities[number] if number < len(entities) else self.corpus.pick(rng)
        focus = [primary]
        for index in rng.sample(primary.neighbours, min(4, len(primary.neighbours))):
            focus.append(self.corpus.by_index[index])
        for _ in range(rng.randint(1, 3)):
            focus.append(self.corpus.pick(rng))
        self.focus = {t: [] for t in ENTITY_TYPES}
        for entity in focus:
            if entity not in self.focus[entity.type]:
                self.focus[entity.type].append(entity)
        self.apostrophe = "’" if rng.random() < 0.3 else "'"
        self.mentioned = []

    def entity_of(self, etype: str, exclude: Entity | None = None) -> Entity:
        pool = self.focus[etype]
        choices = [e for e in pool if e is not exclude]
        if choices and self.rng.random() < 0.85:
            return self.rng.choice(choices)
        entity = self.corpus.pick(self.rng, etype)
        if entity is exclude:
            entity = self.corpus.pick(self.rng, etype)
        if entity not in pool:
            pool.append(entity)
        return entity

    def surface(self, entity: Entity, allow_alias: bool = True) -> str:
        if allow_alias and entity.aliases and self.rng.random() < 0.3:
            return self.rng.choice(entity.aliases)
        return entity.name

    # -- slot filling -------------------------------------------------------

    def fill(self, template: str, slots: tuple[str, ...], allow_alias: bool = True, **fixed) -> str:
        rng, values = self.rng, dict(fixed)
        first_org = None
        for slot in slots:
            if slot in values:
                continue
            if slot in ("O", "Os", "O2"):
                org = self.entity_of("organisation", exclude=first_org if slot == "O2" else None)
                first_org = first_org or org
                text = self.surface(org, allow_alias)
                values[slot] = possessive(text, self.apostrophe) if slot == "Os" else text
                self.mentioned.append(org)
            elif slot in ("P", "Pfull"):
                person = self.entity_of("person")
                values[slot] = self.surface(person, allow_alias and slot == "P")
                self.mentioned.append(person)
            elif slot in ("L", "F", "G", "E"):
                etype = {"L": "place", "F": "facility", "G": "programme", "E": "event"}[slot]
                entity = self.entity_of(etype)
                values[slot] = self.surface(entity, allow_alias)
                self.mentioned.append(entity)
            else:
                values[slot] = self.scalar(slot)
        return template.format(**values)

    def scalar(self, slot: str) -> str:
        rng = self.rng
        if slot in ("M",):
            return money(rng)
        if slot == "D":
            return self.date_phrase()
        if slot == "N":
            return str(rng.randint(2, 12))
        if slot == "K":
            return f"{rng.randint(1, 40) * 250:,}"
        if slot == "PCT":
            return str(rng.randint(2, 35))
        if slot == "YEAR":
            return str(rng.randint(2023, 2030))
        if slot in ("X", "Y"):
            return rng.choice(TOPICS)
        raise KeyError(slot)

    def date_phrase(self) -> str:
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            return f"in {rng.choice(MONTHS)} {rng.randint(2022, 2025)}"
        if kind == 1:
            return f"by {rng.randint(2025, 2030)}"
        if kind == 2:
            return f"on {rng.randint(1, 28)} {rng.choice(MONTHS)}"
        return rng.choice(("earlier this year", "last month", "in the first quarter", "last year"))

    # -- sentences and paragraphs --------------------------------------------

    def sentence(self) -> str:
        rng = self.rng
        self.mentioned = []
        template, slots = rng.choice(self.fillers if rng.random() < 0.12 else self.sentences)
        return self.fill(template, slots)

    def said(self) -> str:
        rng = self.rng
        self.mentioned = []
        speech = self.fill(*rng.choice(self.speech), allow_alias=False)
        person = self.entity_of("person")
        employer = self.corpus.by_index[person.employer]
        template = rng.choice(self.saids)
        text = template.format(
            Q=speech, Qc=speech[:-1], Pfull=person.name, R=person.role,
            P=self.surface(person), O=employer.name,
        )
        self.mentioned += [person, employer]
        return text

    def fact_sentence(self, article_id: str, date) -> str | None:
        rng = self.rng
        entity = rng.choice([e for group in self.focus.values() for e in group])
        prop = rng.choice(PROPERTIES_BY_TYPE[entity.type])
        if len(entity.fact_sentences) >= FACT_SENTENCES_PER_ENTITY:
            return None
        conflicting = rng.random() < CONFLICT_RATE
        value = entity.alt_props[prop] if conflicting else entity.props[prop]
        org = self.corpus.by_index[entity.employer].name if entity.employer is not None else ""
        text = FACT_TEMPLATES[prop][0].format(name=entity.name, value=value, org=org)
        entity.fact_sentences.append((article_id, date, prop, value, text))
        return text

    def record(self, article_id: str, sentence: str) -> None:
        for entity in self.mentioned:
            entity.seen += 1
            if len(entity.quote_candidates) < QUOTE_CANDIDATES_PER_ENTITY:
                entity.quote_candidates.append((article_id, sentence))
            else:  # reservoir sampling keeps candidates spread over the corpus
                slot = self.rng.randrange(entity.seen)
                if slot < QUOTE_CANDIDATES_PER_ENTITY:
                    entity.quote_candidates[slot] = (article_id, sentence)
            if not entity.articles or entity.articles[-1] != article_id:
                if len(entity.articles) < 20:
                    entity.articles.append(article_id)

    def paragraph(self, article_id: str, date, target_words: int, quote: bool, fact: bool) -> str:
        rng, parts, words = self.rng, [], 0
        if quote:
            text = self.said()
            self.record(article_id, text)
            parts.append(text)
            words += text.count(" ") + 1
        while words < target_words:
            text = self.sentence()
            self.record(article_id, text)
            parts.append(text)
            words += text.count(" ") + 1
        fact_text = self.fact_sentence(article_id, date) if fact else None
        if fact_text:
            parts.insert(rng.randint(1 if quote else 0, len(parts)), fact_text)
        if rng.random() < 0.03:
            parts.append(self.markup_sentence())
        return " ".join(parts)

    def markup_sentence(self) -> str:
        """A sentence with Markdown inline markup: never used as a fact quote."""
        rng = self.rng
        topic = rng.choice(TOPICS)
        if rng.random() < 0.5:
            return f"The details are set out in [a statement](https://example.com/news/{slugify(topic)}) on {topic}."
        return f"The company called the plan *a turning point* for {topic}."

    def bullet_list(self) -> str:
        items = [f"- {self.fill('{X} in {L}', ('X', 'L'))}" for _ in range(self.rng.randint(3, 5))]
        return "The plan covers:\n\n" + "\n".join(items)

    # -- whole article --------------------------------------------------------

    def title(self) -> str:
        self.mentioned = []
        template, slots = self.rng.choice(self.titles)
        apostrophe, self.apostrophe = self.apostrophe, "'"
        text = self.fill(template, slots, allow_alias=False)
        self.apostrophe = apostrophe
        return text[0].upper() + text[1:]

    def new_id(self, title: str) -> str:
        base = "-".join(slugify(title).split("-")[:8])
        count = self.ids.get(base, 0) + 1
        self.ids[base] = count
        return base if count == 1 else f"{base}-{count}"

    def compose(self, number: int) -> Article:
        rng = self.rng
        self.reset(number)
        title = self.title()
        article_id = self.new_id(title)
        date = random_date(rng)
        n_paragraphs = rng.randint(6, 15)
        # A paragraph overshoots its target by half a sentence (~8 words) on average.
        per_paragraph = max(12, rng.randint(500, 900) // n_paragraphs - 8)
        quote_at = set(rng.sample(range(1, n_paragraphs), min(n_paragraphs - 1, rng.randint(1, 3))))
        fact_at = set(rng.sample(range(n_paragraphs), min(n_paragraphs, rng.randint(1, 3))))
        heading_at = sorted(rng.sample(range(2, n_paragraphs), min(n_paragraphs - 2, rng.randint(2, 4))))
        headings = iter(rng.sample(HEADINGS, len(heading_at)))
        wrap = rng.random() < 0.15
        blocks = []
        for i in range(n_paragraphs):
            if i in heading_at:
                blocks.append("## " + next(headings))
            text = self.paragraph(article_id, date, per_paragraph, i in quote_at, i in fact_at)
            blocks.append(hard_wrap(text) if wrap else text)
            if i == 1 and rng.random() < 0.1:
                blocks.append(self.bullet_list())
        publisher = rng.choice(PUBLISHERS)
        author = f"{rng.choice(FIRST_NAMES)} {coined_word(rng)}" if rng.random() < 0.8 else None
        url = None
        if rng.random() < 0.7:
            url = f"https://example.com/{slugify(publisher)}/{date_year(date)}/{article_id}"
        return Article(article_id, title, publisher, date, author, url, "\n\n".join(blocks) + "\n")


def hard_wrap(text: str, width: int = 76) -> str:
    """Wrap like an editor would, but never start a line with a Markdown marker."""
    lines, line = [], []
    length = 0
    for word in text.split(" "):
        if line and length + len(word) > width and word[0].isalpha():
            lines.append(" ".join(line))
            line, length = [], 0
        line.append(word)
        length += len(word) + 1
    lines.append(" ".join(line))
    return "\n".join(lines)


def yaml_scalar(text: str) -> str:
    safe = text[0].isalnum() and ": " not in text and " #" not in text and not text.endswith(":")
    return text if safe else json.dumps(text, ensure_ascii=False)


def article_text(article: Article) -> str:
    lines = ["---", f"title: {yaml_scalar(article.title)}", f"publisher: {yaml_scalar(article.publisher)}"]
    lines.append(f"date: {article.date}")
    if article.author:
        lines.append(f"author: {article.author}")
    if article.url:
        lines.append(f"url: {article.url}")
    lines += ["---", "", article.body]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Facts and entity files
# --------------------------------------------------------------------------


def straighten(text: str) -> str:
    return text.replace("’", "'").replace("“", '"').replace("”", '"')


def facts_for(rng, corpus: Corpus, entity: Entity) -> list[dict]:
    facts = property_facts(corpus, entity)
    for article_id, sentence in entity.quote_candidates[: rng.randint(0, 2)]:
        # Typographic vs straight quotes are a difference the contract forgives.
        quote = straighten(sentence) if rng.random() < 0.2 else sentence
        facts.append({
            "text": f"Mentioned in *{corpus.article_titles[article_id]}*.",
            "sources": [{"article": article_id, "quote": quote}],
        })
    return facts


def property_facts(corpus: Corpus, entity: Entity) -> list[dict]:
    """One fact per property; a differing value is added only next to the usual one."""
    first_statement: dict[tuple[str, str], tuple] = {}
    for statement in entity.fact_sentences:
        first_statement.setdefault((statement[2], statement[3]), statement)
    chosen = [s for (prop, value), s in first_statement.items() if value == entity.props[prop]]
    chosen += [
        s for (prop, value), s in first_statement.items()
        if value != entity.props[prop] and (prop, entity.props[prop]) in first_statement
    ]
    return [
        {
            "text": fact_text(corpus, entity, prop, value),
            "property": prop,
            "value": value,
            "as_of": date,
            "sources": [{"article": article_id, "quote": sentence}],
        }
        for article_id, date, prop, value, sentence in chosen
    ]


def fact_text(corpus: Corpus, entity: Entity, prop: str, value: str) -> str:
    ref = ""
    if prop == "headquarters":
        place = corpus.by_name.get(value)
        ref = f"[[{place.id}]]" if place else value
    elif prop == "position":
        ref = f"[[{corpus.by_index[entity.employer].id}]]"
    return FACT_TEMPLATES[prop][1].format(value=value, ref=ref)


def attach_sources(rng, entity: Entity) -> None:
    for relation in entity.relations:
        if entity.articles and rng.random() < 0.6:
            relation["sources"] = [rng.choice(entity.articles)]


def entity_document(rng, corpus: Corpus, entity: Entity) -> dict:
    doc: dict = {"name": entity.name, "type": entity.type}
    if entity.aliases:
        doc["aliases"] = [
            {"name": a, "ambiguous": True} if a in entity.ambiguous else a for a in entity.aliases
        ]
    doc["summary"] = entity.summary
    attach_sources(rng, entity)
    if entity.relations:
        doc["relations"] = entity.relations
    facts = facts_for(rng, corpus, entity)
    if facts:
        doc["facts"] = facts
    if entity.type == "event":
        doc["date"] = entity.event_date
        doc["participants"] = entity.participants
    return doc


SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/entity.schema.json\n"


def entity_text(doc: dict) -> str:
    body = yaml.dump(doc, Dumper=YamlDumper, sort_keys=False, allow_unicode=True, width=100)
    return SCHEMA_COMMENT + body


def kb_text(seed: int, n_articles: int, n_entities: int) -> str:
    doc = {
        "title": "Synthetic benchmark corpus",
        "description": (
            f"Generated by `bench/generate.py` (seed {seed}): {n_articles:,} articles "
            f"and {n_entities:,} entities. **Not real news.**"
        ),
        "entity_types": ENTITY_TYPES,
        "relation_types": RELATION_TYPES,
    }
    body = yaml.dump(doc, Dumper=YamlDumper, sort_keys=False, allow_unicode=True)
    return "# yaml-language-server: $schema=../schema/kb.schema.json\n" + body


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def prepare_out(out: Path, force: bool) -> None:
    for sub in ("articles", "entities"):
        folder = out / sub
        existing = list(folder.iterdir()) if folder.exists() else []
        if existing and not force:
            raise SystemExit(f"{folder} is not empty (use --force to replace generated files)")
        for path in existing:
            if path.suffix in (".md", ".yaml"):
                path.unlink()
        folder.mkdir(parents=True, exist_ok=True)


def generate(n_articles: int, n_entities: int, out: Path, seed: int = 1, force: bool = False) -> dict:
    rng = random.Random(seed)
    prepare_out(out, force)
    corpus = make_entities(rng, n_entities)
    build_structure(rng, corpus)

    writer = ArticleWriter(rng, corpus)
    article_bytes = 0
    for number in range(n_articles):
        article = writer.compose(number)
        corpus.article_titles[article.id] = article.title
        data = article_text(article).encode("utf-8")
        (out / "articles" / f"{article.id}.md").write_bytes(data)
        article_bytes += len(data)

    conflicts = 0
    for entity in sorted(corpus.entities, key=lambda e: e.id):
        doc = entity_document(rng, corpus, entity)
        conflicts += count_conflicts(doc)
        (out / "entities" / f"{entity.id}.yaml").write_text(entity_text(doc), encoding="utf-8")
    (out / "kb.yml").write_text(kb_text(seed, n_articles, n_entities), encoding="utf-8")
    return {"articles": n_articles, "entities": n_entities, "article_bytes": article_bytes,
            "conflicts": conflicts}


def count_conflicts(doc: dict) -> int:
    values: dict[str, set] = {}
    for fact in doc.get("facts", []):
        if "property" in fact:
            values.setdefault(fact["property"], set()).add(fact["value"])
    return sum(1 for v in values.values() if len(v) > 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--entities", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace files from an earlier run")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    stats = generate(args.articles, args.entities, args.out, args.seed, args.force)
    elapsed = time.perf_counter() - start
    print(
        f"wrote {stats['articles']:,} articles ({stats['article_bytes'] / 1e6:.1f} MB), "
        f"{stats['entities']:,} entities ({stats['conflicts']} conflicting properties) "
        f"to {args.out} in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
