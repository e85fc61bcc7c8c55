"""The typed objects every phase passes forward. Each remembers where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Location

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a year, a month or a day: '2024', '2024-04' or '2024-04-10'."""

    text: str

    @property
    def precision(self) -> str:
        return ("year", "month", "day")[self.text.count("-")]

    @property
    def year(self) -> int:
        return int(self.text[:4])

    @property
    def month(self) -> int | None:
        return int(self.text[5:7]) if len(self.text) >= 7 else None

    @property
    def month_key(self) -> str:
        """'2024-04' for dates known to the month or day, '2024' for a bare year."""
        return self.text[:7]

    def display(self) -> str:
        """'2024', 'April 2024' or '10 April 2024': shown at the precision it was given."""
        parts = self.text.split("-")
        if len(parts) == 1:
            return parts[0]
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 2:
            return f"{month} {parts[0]}"
        return f"{int(parts[2])} {month} {parts[0]}"

    def sort_key(self) -> str:
        """Sorts '2024' before '2024-01' before '2024-01-01'."""
        return self.text

    def __str__(self) -> str:
        return self.text


def optional_date(text: str | None) -> PartialDate | None:
    return PartialDate(text) if text else None


@dataclass(frozen=True)
class InfoboxItem:
    """One infobox row of a type: a fact property, or a relation (inverse: seen from its target)."""

    property: str | None = None
    relation: str | None = None
    inverse: bool = False
    label: str | None = None


@dataclass(frozen=True)
class EntityType:
    id: str
    label: str
    plural: str
    infobox: tuple[InfoboxItem, ...] = ()


@dataclass(frozen=True)
class Storyline:
    title: str
    summary: str
    entities: tuple[str, ...]


@dataclass(frozen=True)
class RelationType:
    id: str
    label: str
    inverse: str
    symmetric: bool


@dataclass
class Vocabulary:
    title: str
    description: str
    entity_types: dict[str, EntityType]
    relation_types: dict[str, RelationType]
    location: Location
    silence: frozenset[str] = frozenset()  # warning classes accepted on purpose
    properties: dict[str, str] = field(default_factory=dict)  # fact property id -> label
    storylines: list[Storyline] = field(default_factory=list)
    featured: list[str] = field(default_factory=list)
    event_properties: list[str] = field(default_factory=list)
    # where kb.yml names things: ("featured", i), ("storylines", i, "entities", j),
    # ("entity_types", type, "infobox", n, "relation") -> location
    locations: dict[tuple, Location] = field(default_factory=dict)

    def at(self, *keys) -> Location:
        return self.locations.get(tuple(keys), self.location)

    def property_label(self, prop: str) -> str:
        """'ai-skilling-period' -> the label kb.yml gives it, else 'Ai skilling period'."""
        label = self.properties.get(prop)
        if label:
            return label
        words = prop.replace("-", " ").strip()
        return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Alias:
    name: str
    ambiguous: bool
    location: Location


@dataclass(frozen=True)
class Relation:
    type: str
    target: str
    since: PartialDate | None
    until: PartialDate | None
    sources: tuple[str, ...]
    location: Location
    target_location: Location
    source_locations: tuple[Location, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A fact's source: an article and the words quoted from it."""

    article: str
    quote: str
    location: Location
    article_location: Location


@dataclass(frozen=True)
class Fact:
    text: str
    property: str | None
    value: str | None
    as_of: PartialDate | None
    citations: tuple[Citation, ...]
    location: Location


@dataclass(frozen=True)
class Reference:
    """A [[target|label]] cross-reference written in a summary or a fact."""

    target: str
    label: str
    location: Location


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[Alias]
    summary: str
    relations: list[Relation]
    facts: list[Fact]
    date: PartialDate | None
    participants: list[str]
    location: Location
    type_location: Location
    summary_location: Location
    participant_locations: list[Location] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    short_names: list[Alias] = field(default_factory=list)  # linked only after the full name, per article
    name_location: Location | None = None  # where `name:` is written

    @property
    def names(self) -> list[str]:
        return [self.name] + [a.name for a in self.aliases]


@dataclass
class Article:
    id: str
    title: str
    publisher: str
    date: PartialDate | None  # None: the date is not known (`date: unknown` or no date)
    author: str | None
    url: str | None
    body: str
    body_line: int
    location: Location
    blocks: list = field(default_factory=list)  # list[text.Block]
    digest: str = ""  # of the body: the key of everything cached about it
    field_locations: dict[str, Location] = field(default_factory=dict)  # front-matter key -> where its value is

    @property
    def text_bytes(self) -> int:
        return len(self.body.encode("utf-8"))


@dataclass
class Corpus:
    """Everything loaded from content/: the input of validation."""

    vocabulary: Vocabulary | None
    entities: list[Entity]
    articles: list[Article]
    unreadable_ids: set[str] = field(default_factory=set)  # files that failed to load
