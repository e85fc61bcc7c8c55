"""What an entity page shows, section by section: a pure function of the assembled graph.

The page reads like an encyclopedia article: the lead, an infobox of the key facts kb.yml
declares for the type (each row with its source), the other facts and relations, where the
sources differ, what the entity said, and at the end one reference per source article with
a-b-c backlinks to every place that cites it. Nothing is said twice: facts in the infobox
are not listed again, relations in the infobox are not listed again, and each quoted passage
is printed once (later places link to where it stands).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache

from .assemble import EntityView, FactView, Graph, Snippet, _newest_first
from .model import Article, InfoboxItem, PartialDate

NEWEST_SOURCES_SHOWN = 3  # articles under "In the sources" before the rest are folded away
SHINGLE = 6  # words: two passages sharing a run this long say the same thing
UNKNOWN_PUBLISHERS = {"", "unknown", "unknown publisher", "n/a", "none", "anonymous"}


def publisher_of(article: Article) -> str | None:
    """The publisher's name, or None when the article does not name one ("Unknown")."""
    name = (article.publisher or "").strip()
    return None if name.lower() in UNKNOWN_PUBLISHERS else name


def source_name(article: Article) -> str:
    """A short name for a source: its publisher, or (shortened) its title when the publisher
    is unknown: an unknown publisher is not a name, and two of them are not the same source."""
    return publisher_of(article) or short_title(article.title)


def short_title(title: str, limit: int = 42) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(" :,;-–—")
    return cut + "…"


# ---------------------------------------------------------------------------- the page model


@dataclass
class Mark:
    """One place on the page that cites a reference: shown as [n], backlinked as a letter."""

    ref: int
    letter: str

    @property
    def id(self) -> str:
        return f"cite-{self.ref}-{self.letter}"


@dataclass
class RefItem:
    """What one backlink of a reference points at: a quote, or where that quote is shown."""

    letters: list[str]
    quote: str | None  # the quoted words, when this is where the page shows them
    anchor: str  # paragraph anchor in the article ("" if none)
    shown_at: str | None = None  # page fragment where the same words already stand


@dataclass
class Reference:
    number: int
    article: Article
    items: list[RefItem] = field(default_factory=list)
    letters: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"ref-{self.number}"


@dataclass
class InfoRow:
    label: str
    values: list[tuple]  # ("entity", id, since, until) | ("text", value, as_of)
    marks: list[Mark]
    disputed: bool = False


@dataclass
class FactLine:
    view: FactView
    marks: list[Mark]


@dataclass
class RelationLine:
    label: str
    other: str
    since: PartialDate | None
    until: PartialDate | None
    marks: list[Mark]


@dataclass
class ConflictValue:
    value: str
    sources: list[tuple[Article, str, str | None, str | None]]  # article, anchor, quote or None, shown_at


@dataclass
class ConflictView:
    property: str
    label: str
    statement: str
    self_contradicting: list[Article]
    values: list[ConflictValue]


@dataclass
class QuoteView:
    id: str
    quote: object  # quotes.Quote


@dataclass
class SourceSentences:
    article: Article
    sentences: list[tuple[str, Snippet]]  # (page id of the sentence, snippet)


@dataclass
class ConnectionView:
    other: str
    shared: int  # sentences naming both
    links_here: bool  # the other page's text links to this one


@dataclass
class EntityPage:
    view: EntityView
    infobox: list[InfoRow]
    facts: list[FactLine]
    relations: list[tuple[str, list[RelationLine]]]
    conflicts: list[ConflictView]
    quotes: list[QuoteView]
    sources_shown: list[SourceSentences]
    sources_folded: list[SourceSentences]
    sources_without_sentences: list[Article]
    verbatim: bool  # the entity's name occurs in the text of at least one source
    connections: list[ConnectionView]
    references: list[Reference]


# ------------------------------------------------------------------------------- helpers


_WORD_BREAKS = str.maketrans({c: " " for c in string.punctuation + "“”‘’—–…"})


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.lower().translate(_WORD_BREAKS).split())


@lru_cache(maxsize=65536)
def _shingles(text: str) -> tuple[tuple[str, ...], ...]:
    """The runs of SHINGLE words in `text`, in text order (so that lookups are deterministic)."""
    words = _words(text)
    if len(words) < SHINGLE:
        return (words,) if words else ()
    return tuple(dict.fromkeys(words[i : i + SHINGLE] for i in range(len(words) - SHINGLE + 1)))


class _Shown:
    """The passages the page has already printed, to print each one once."""

    def __init__(self):
        self.where: dict[tuple[str, ...], str] = {}
        self.text = ""  # every shown passage's words, "|"-separated, for short quotes
        self.starts: list[tuple[int, str]] = []  # (offset in text, where it is shown)

    def find(self, text: str) -> str | None:
        """Where a passage sharing a run of words with `text` is shown, if anywhere."""
        words = _words(text)
        if 0 < len(words) < SHINGLE:  # a short quote: covered if its words stand inside a shown passage
            at = self.text.find(" " + " ".join(words) + " ")
            if at < 0:
                return None
            return next(where for start, where in reversed(self.starts) if start <= at)
        shingles = _shingles(text)
        if self.where.keys().isdisjoint(shingles):  # the usual case, answered in C
            return None
        return next(self.where[sh] for sh in shingles if sh in self.where)

    def add(self, text: str, where: str) -> None:
        words = _words(text)
        if not words:
            return
        self.starts.append((len(self.text), where))
        self.text += "| " + " ".join(words) + " "
        for sh in _shingles(text):
            self.where.setdefault(sh, where)


class _Citations:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.refs: dict[str, Reference] = {}
        self.pending: list[tuple[Reference, str, list[tuple[str, str]]]] = []

    def cite(self, article_id: str, quotes: list[tuple[str, str]]) -> Mark | None:
        """A backlink from one place to the reference for an article, with the words it quotes."""
        article = self.graph.kb.articles.get(article_id)
        if article is None:
            return None
        ref = self.refs.get(article_id)
        if ref is None:
            ref = self.refs[article_id] = Reference(len(self.refs) + 1, article)
        letter = _letter(len(ref.letters))
        ref.letters.append(letter)
        self.pending.append((ref, letter, quotes))
        return Mark(ref.number, letter)

    def cite_all(self, by_article: list[tuple[str, str, str]]) -> list[Mark]:
        """(article id, anchor, quote) triples -> one mark per article, in first-cited order."""
        grouped: dict[str, list[tuple[str, str]]] = {}
        for article_id, anchor, quote in by_article:
            grouped.setdefault(article_id, [])
            if quote:
                grouped[article_id].append((quote, anchor))
        marks = [self.cite(a, q) for a, q in grouped.items()]
        return sorted((m for m in marks if m), key=lambda m: m.ref)

    def finish(self, shown: _Shown) -> list[Reference]:
        """Each reference's items: every distinct quote once, later repeats point back."""
        for ref, letter, quotes in self.pending:
            if not quotes:
                ref.items.append(RefItem([letter], None, ""))
                continue
            for quote, anchor in quotes:
                same = next((i for i in ref.items if i.quote and _words(i.quote) == _words(quote)), None)
                if same is not None:
                    if letter not in same.letters:
                        same.letters.append(letter)
                    continue
                where = shown.find(quote)
                if where is not None:
                    same = next((i for i in ref.items if i.shown_at and _section(i.shown_at) == _section(where)), None)
                    if same is None:
                        ref.items.append(RefItem([letter], None, anchor, where))
                    elif letter not in same.letters:
                        same.letters.append(letter)
                else:
                    shown.add(quote, ref.id)
                    ref.items.append(RefItem([letter], quote, anchor))
        return sorted(self.refs.values(), key=lambda r: r.number)


def _section(fragment: str) -> str:
    return fragment.split("-")[0]


def _letter(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _fact_quotes(fv: FactView) -> list[tuple[str, str, str]]:
    return [(c.article_id, c.anchor, c.quote) for c in fv.sources]


def _is_date(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value or ""))


# ------------------------------------------------------------------------------- the page


def entity_page(graph: Graph, entity_id: str) -> EntityPage:
    view = graph.entities[entity_id]
    kb = graph.kb
    vocab = kb.vocabulary
    entity = view.entity
    cites = _Citations(graph)
    shown = _Shown()

    conflicted = {c.property for c in view.conflicts}
    facts_by_property: dict[str, list[FactView]] = {}
    for fv in view.facts:
        if fv.fact.property:
            facts_by_property.setdefault(fv.fact.property, []).append(fv)

    # The infobox: the rows kb.yml declares for the type, in its order.
    infobox: list[InfoRow] = []
    in_infobox_facts: set[int] = set()
    in_infobox_relations: set[int] = set()
    if entity.type == "event" and entity.date:
        infobox.append(InfoRow("Date", [("text", entity.date.display(), None)], []))
    for item in view.type.infobox:
        row = _infobox_row(view, item, facts_by_property, cites, in_infobox_facts, in_infobox_relations, vocab)
        if row is not None:
            row.disputed = bool(item.property and item.property in conflicted)
            infobox.append(row)
    if entity.type == "event" and entity.participants:
        infobox.append(InfoRow("Participants", [("entity", p, None, None) for p in entity.participants
                                                 if p in graph.entities], []))
        in_infobox_relations.update(i for i, r in enumerate(view.relations)
                                    if r.label == "participant in" or r.other in entity.participants and not r.outgoing)

    # Facts not already in the infobox, and not part of a disagreement (shown under "Sources differ").
    facts = []
    for i, fv in enumerate(view.facts):
        if i in in_infobox_facts or (fv.fact.property in conflicted):
            continue
        facts.append(FactLine(fv, cites.cite_all(_fact_quotes(fv))))

    # Relations not in the infobox, grouped by label.
    groups: dict[str, list[RelationLine]] = {}
    for i, rel in enumerate(view.relations):
        if i in in_infobox_relations:
            continue
        if entity.type == "event" and rel.other in entity.participants and rel.label == "participant in":
            continue
        marks = cites.cite_all([(a, "", "") for a in rel.sources])
        groups.setdefault(rel.label, []).append(RelationLine(rel.label, rel.other, rel.since, rel.until, marks))
    relations = list(groups.items())

    conflicts = [_conflict_view(graph, c) for c in view.conflicts]
    for cv in conflicts:  # each quote once: a repeat inside the table points at its first row
        for value in cv.values:
            for n, (article, anchor, quote, _where) in enumerate(value.sources):
                where = shown.find(quote) if quote else None
                if where is not None:
                    value.sources[n] = (article, anchor, None, where)
                elif quote:
                    shown.add(quote, f"differ-{cv.property}")

    # What the entity said: each quote once, however many sources printed it.
    quotes = []
    for n, quote in enumerate(view.quotes, 1):
        qid = f"quote-{n}"
        quotes.append(QuoteView(qid, quote))
        for s in quote.sources:
            shown.add(s.text, qid)
        shown.add(quote.text, qid)

    # In the sources: the sentences naming the entity, those already quoted left out; an entity
    # whose name never occurs verbatim (an event, a description) lists the sentences cited for it.
    entries: list[SourceSentences] = []
    cited_snippets = _cited_snippets(graph, view)
    seen_sentences: set[tuple[str, str, str]] = set()
    without: list[Article] = []

    def fresh(snips) -> list:
        """The sentences not shown yet, each with its anchor id on this page."""
        out = []
        for snip in snips:
            key = (snip.article_id, snip.anchor, snip.text)
            if key in seen_sentences or shown.find(snip.text):
                continue
            seen_sentences.add(key)
            sid = f"src-{len(seen_sentences)}"
            shown.add(snip.text, sid)
            out.append((sid, snip))
        return out

    for entry in view.sources:
        sentences = fresh(entry.snippets + cited_snippets.pop(entry.article.id, []))
        if sentences:
            entries.append(SourceSentences(entry.article, sentences))
        else:
            without.append(entry.article)
    for article_id, snips in sorted(cited_snippets.items(), key=lambda kv: _newest(kb.articles[kv[0]])):
        sentences = fresh(snips)
        if sentences:
            entries.append(SourceSentences(kb.articles[article_id], sentences))
    entries.sort(key=lambda e: _newest(e.article))

    # Connections: one list of the entities this one is tied to beyond its relations.
    related_ids = {r.other for r in view.relations} | set(entity.participants)
    for row in infobox:
        related_ids |= {v[1] for v in row.values if v[0] == "entity"}
    shared = dict(view.related)
    backlinks = set(view.backlinks)
    connections = [ConnectionView(o, shared.get(o, 0), o in backlinks)
                   for o in dict.fromkeys([o for o, _ in view.related] + view.backlinks)
                   if o not in related_ids and o != entity_id]

    references = cites.finish(shown)
    return EntityPage(
        view=view, infobox=infobox, facts=facts, relations=relations, conflicts=conflicts, quotes=quotes,
        sources_shown=entries[:NEWEST_SOURCES_SHOWN], sources_folded=entries[NEWEST_SOURCES_SHOWN:],
        sources_without_sentences=without, verbatim=bool(view.mentioned_in),
        connections=connections, references=references,
    )


def _newest(article: Article):
    return _newest_first(article)


def _infobox_row(view: EntityView, item: InfoboxItem, facts_by_property, cites: _Citations,
                 used_facts: set[int], used_relations: set[int], vocab) -> InfoRow | None:
    if item.property:
        fvs = facts_by_property.get(item.property, [])
        if not fvs:
            return None
        values, quotes = [], []
        for fv in fvs:
            used_facts.add(next(i for i, f in enumerate(view.facts) if f is fv))
            if fv.fact.value and all(v[1] != fv.fact.value for v in values):
                # An event's figures are as of the event: its date is already the first row.
                as_of = None if view.entity.type == "event" else fv.fact.as_of
                values.append(("text", fv.fact.value, as_of))
            quotes += _fact_quotes(fv)
        if not values:
            return None
        return InfoRow(item.label or vocab.property_label(item.property), values, cites.cite_all(quotes))
    rtype = vocab.relation_types.get(item.relation)
    if rtype is None:
        return None
    wanted_label = rtype.inverse if item.inverse else rtype.label
    outgoing = not item.inverse or rtype.symmetric
    values, sources = [], []
    for i, rel in enumerate(view.relations):
        if rel.label != wanted_label or (rel.outgoing != outgoing and not rtype.symmetric):
            continue
        used_relations.add(i)
        values.append(("entity", rel.other, rel.since, rel.until))
        sources += [(a, "", "") for a in rel.sources]
    if not values:
        return None
    label = item.label or wanted_label[:1].upper() + wanted_label[1:]
    return InfoRow(label, values, cites.cite_all(sources))


def _cited_snippets(graph: Graph, view: EntityView) -> dict[str, list[Snippet]]:
    """The sentences this entity's facts quote, per article, for articles that do not name it."""
    kb = graph.kb
    out: dict[str, list[Snippet]] = {}
    if view.mentioned_in and view.entity.type != "event":
        return out  # named in the text: its own sentences say it
    for f_index, fact in enumerate(view.entity.facts):
        for c_index, _citation in enumerate(fact.citations):
            spot = kb.quote_spots.get((view.entity.id, f_index, c_index))
            if spot is None or spot.article in view.mentioned_in:
                continue
            block = kb.articles[spot.article].blocks[spot.block]
            bounds = block.sentences or [(0, len(block.text))]
            first = next((s for s, e in bounds if s <= spot.start < e), bounds[0][0])
            last = next((e for s, e in bounds if s < spot.end <= e), bounds[-1][1])
            snip = Snippet(spot.article, block.anchor or "", block.text[first:last], [])
            items = out.setdefault(spot.article, [])
            if all(s.text != snip.text for s in items):
                items.append(snip)
    if not view.mentioned_in:
        # Never linked on its own (its name only stands inside longer names, "University of
        # Tokyo"): the sentences of the articles its relations and facts cite that hold a name.
        names = [n for n in view.entity.names if len(n) >= 3]
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names)) if names else None
        cited = {a for r in view.entity.relations for a in r.sources}
        cited |= {c.article for f in view.entity.facts for c in f.citations}
        for rel_view in view.relations:
            if not rel_view.outgoing:
                cited |= set(rel_view.sources)
        for article_id in sorted(cited):
            article = kb.articles.get(article_id)
            if article is None or pattern is None:
                continue
            for block in article.blocks:
                if getattr(block, "kind", "paragraph") != "paragraph":
                    continue
                for start, end in block.sentences or [(0, len(block.text))]:
                    sentence = block.text[start:end]
                    found = [(m.start(), m.end(), view.entity.id) for m in pattern.finditer(sentence)]
                    if found:
                        items = out.setdefault(article_id, [])
                        if all(x.text != sentence for x in items):
                            items.append(Snippet(article_id, block.anchor or "", sentence, found))
    for items in out.values():
        items.sort(key=lambda s: (s.anchor, s.text))
    return out


def _conflict_view(graph: Graph, conflict) -> ConflictView:
    kb = graph.kb
    label = kb.vocabulary.property_label(conflict.property)
    values = []
    by_article: dict[str, set[str]] = {}
    for value, fvs in conflict.values:
        sources = []
        seen = set()
        for fv in fvs:
            for c in fv.sources:
                by_article.setdefault(c.article_id, set()).add(value)
                if (c.article_id, c.quote) in seen:
                    continue
                seen.add((c.article_id, c.quote))
                sources.append((kb.articles[c.article_id], c.anchor, c.quote, None))
        values.append(ConflictValue(value, sources))
    selfish = [kb.articles[a] for a, vals in sorted(by_article.items()) if len(vals) > 1]
    statement = _statement(label, values)
    return ConflictView(conflict.property, label, statement, selfish, values)


def _statement(label: str, values: list[ConflictValue]) -> str:
    parts = []
    for v in values:
        names = sorted({source_name(a) for a, *_ in v.sources})
        verb = "gives" if len(names) == 1 else "give"
        parts.append(f"{_join(names)} {verb} “{v.value}”")
    lower = label[:1].lower() + label[1:] if label[1:2].islower() else label
    return f"The sources disagree on the {lower}: " + "; ".join(parts) + "."


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def conflict_views(graph: Graph) -> list[tuple[str, ConflictView]]:
    """Every disagreement in the knowledge base, for the "Where sources differ" page."""
    return [(c.entity_id, _conflict_view(graph, c)) for c in graph.conflicts]


# ------------------------------------------------------------------------------ timeline


@dataclass
class TimelineEntry:
    date: PartialDate
    kind: str  # "event" (an event entity), "fact" (something that happened), "start", "end"
    entity: str
    text: str  # Markdown with [[id]] references (the event's own name for kind "event")
    other: str | None
    sources: list[tuple[str, str]]  # (article id, paragraph anchor or "")


def timeline(graph: Graph) -> list[TimelineEntry]:
    """Things that happened, oldest first: dated events, facts that record an event (a visit,
    an opening), and the start or end of a dated relation. States ("Prime Minister of Japan",
    "present in Japan for 46 years") are not events: they stay in the infobox."""
    kb = graph.kb
    vocab = kb.vocabulary
    types = vocab.relation_types
    events = set(vocab.event_properties)
    out: list[TimelineEntry] = []
    for entity_id, view in graph.entities.items():
        entity = view.entity
        if entity.type == "event" and entity.date:
            out.append(TimelineEntry(entity.date, "event", entity_id, "", None, []))
        for relation in entity.relations:
            rtype = types.get(relation.type)
            if rtype is None or relation.target not in graph.entities:
                continue
            sources = [(a, "") for a in relation.sources if a in kb.articles]
            for date, kind in ((relation.since, "start"), (relation.until, "end")):
                if date:
                    out.append(TimelineEntry(date, kind, entity_id, rtype.label, relation.target, sources))
        for fv in view.facts:
            fact = fv.fact
            value_date = fact.value if fact.value and _is_date(fact.value) else None
            if not (fact.property in events or value_date):
                continue
            date = PartialDate(value_date) if value_date else fact.as_of
            if date is None:
                continue
            first: dict[str, str] = {}
            for c in fv.sources:  # one link per article: its first cited paragraph
                first.setdefault(c.article_id, c.anchor)
            sources = list(first.items())
            out.append(TimelineEntry(date, "fact", entity_id, fact.text, None, sources))
    order = {"event": 0, "fact": 1, "start": 2, "end": 3}
    out.sort(key=lambda e: (e.date.text, order[e.kind], graph.entities[e.entity].entity.name.lower(), e.text))
    return out


QUOTES_PER_SPEAKER = 5  # on the Quotes page; the speaker's own page has every one
SPEAKERS_IN_FULL = 50  # the most quoted; the others are listed by name, with their counts
UNATTRIBUTED_SHOWN = 200


@dataclass
class QuoteGroups:
    named: list[tuple[str, list, int]]  # (speaker, the quotes shown, how many there are)
    others: list[tuple[str, int]]  # speakers quoted less, by name: (speaker, how many)
    unattributed: list  # the quotes shown
    unattributed_total: int

    def __iter__(self):
        """(speaker or None, quotes shown) pairs: what a quotes.md.j2 written before QuoteGroups reads (a project keeps its own templates)."""
        yield from ((speaker, shown) for speaker, shown, _ in self.named)
        if self.unattributed:
            yield None, self.unattributed


def quote_groups(graph: Graph) -> QuoteGroups:
    """Quotes by speaker, the most quoted first, unattributed ones last. A page of every quote
    in a large archive would run to megabytes: the most quoted speakers show their first few
    and link to their own page, which has all of them; the rest are listed by name."""
    by: dict[str | None, list] = {}
    for quote in graph.quotes:
        speaker = quote.speaker if quote.speaker in graph.entities else None
        by.setdefault(speaker, []).append(quote)
    named = sorted((k for k in by if k), key=lambda k: (-len(by[k]), graph.entities[k].entity.name.lower()))
    others = sorted(named[SPEAKERS_IN_FULL:], key=lambda k: (graph.entities[k].entity.name.lower(), k))
    unattributed = by.get(None, [])
    return QuoteGroups([(k, by[k][:QUOTES_PER_SPEAKER], len(by[k])) for k in named[:SPEAKERS_IN_FULL]],
                       [(k, len(by[k])) for k in others], unattributed[:UNATTRIBUTED_SHOWN], len(unattributed))


def importance(view: EntityView) -> float:
    """How central an entity is to the story. Curated structure weighs more than raw mentions
    (a city named in passing in many sentences is not what a reader is after): the relations
    it states, those stated about it, its facts, its sources, and the pages whose curated
    text links to it; mentions count a little, capped."""
    outgoing = sum(1 for r in view.relations if r.outgoing)
    incoming = len(view.relations) - outgoing
    return (2 * outgoing + incoming + 2 * len(view.facts) + 2 * view.source_count + 3 * len(view.backlinks)
            + 0.1 * min(view.mention_count, 50))


def home_entities(graph: Graph, limit: int = 12) -> tuple[list[EntityView], list[EntityView]]:
    """The featured entities kb.yml names, then the most important of the others."""
    featured = [graph.entities[e] for e in graph.kb.vocabulary.featured if e in graph.entities]
    chosen = {v.entity.id for v in featured}
    rest = sorted((v for v in graph.entities.values() if v.entity.id not in chosen),
                  key=lambda v: (-importance(v), v.entity.name.lower()))
    return featured, rest[: max(0, limit - len(featured))]
