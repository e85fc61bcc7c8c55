"""Phase 4, assemble: the knowledge graph every page is rendered from.

Relations in both directions, mentions grouped into sources, co-mentions,
backlinks, numbered citations, conflicts between sources and the figures (the
timeline page is built from these by pages.timeline). Pure: it takes the validated knowledge base and the link results.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .figures import Figure, find_figures
from .link import LinkedArticle, Mention
from .model import Article, Entity, EntityType, Fact, PartialDate
from .quotes import Quote, merge_quotes
from .validate import KnowledgeBase

MAX_SOURCE_ARTICLES = 50  # newest articles shown with their sentences under "In the sources"
MAX_LISTED_ARTICLES = 500  # older ones listed by title; beyond that, counted
MAX_RELATED = 12
MAX_SIMILAR_ARTICLES = 5
SIMILARITY_CANDIDATES = 60


@dataclass
class Snippet:
    """A sentence that mentions an entity, with the mentions inside it (sentence offsets)."""

    article_id: str
    anchor: str
    text: str
    mentions: list[tuple[int, int, str]]


@dataclass
class SourceEntry:
    article: Article
    snippets: list[Snippet]


@dataclass
class RelationView:
    label: str
    other: str
    since: PartialDate | None
    until: PartialDate | None
    sources: tuple[str, ...]
    outgoing: bool


@dataclass
class CitedSource:
    number: int  # the citation's number on its entity page
    article_id: str
    anchor: str
    quote: str


@dataclass
class FactView:
    fact: Fact
    sources: list[CitedSource]


@dataclass
class Conflict:
    entity_id: str
    property: str
    values: list[tuple[str, list[FactView]]]  # each value with the facts that state it


@dataclass
class FigureView:
    figure: Figure
    sources: list[tuple[str, str, str]]  # (article id, anchor, written form)


@dataclass
class EntityView:
    entity: Entity
    type: EntityType
    relations: list[RelationView] = field(default_factory=list)
    sources: list[SourceEntry] = field(default_factory=list)
    mentioned_in: set[str] = field(default_factory=set)  # ids of every article that mentions it
    older_sources: list[Article] = field(default_factory=list)  # listed by title only
    more_sources: int = 0  # beyond those, only counted
    source_count: int = 0
    mention_count: int = 0
    related: list[tuple[str, int]] = field(default_factory=list)
    backlinks: list[str] = field(default_factory=list)
    facts: list[FactView] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    figures: list[FigureView] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    neighbours: list[tuple[str, str]] = field(default_factory=list)  # (entity id, "relation" | "co-mention")


@dataclass
class ArticleView:
    article: Article
    linked: LinkedArticle
    entities_by_type: dict[str, list[str]]
    similar: list[tuple[str, int]]
    quotes: list[Quote]


@dataclass
class Graph:
    kb: KnowledgeBase
    entities: dict[str, EntityView]
    articles: dict[str, ArticleView]
    conflicts: list[Conflict]
    quotes: list[Quote]
    edges: list[tuple[str, str, str]]  # (a, b, "relation" | "co-mention"), a < b

    def articles_newest_first(self) -> list[Article]:
        return sorted((v.article for v in self.articles.values()), key=_newest_first)


def _newest_first(article: Article):
    """Newest first; articles whose date is unknown last."""
    return (article.date is None, _descending(article.date.text) if article.date else "", article.title.lower(),
            article.id)


def _descending(text: str) -> str:
    """A key that sorts dates newest first ('2024-04-10' before '2024-04' before '2024')."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text.ljust(10, "~"))


def assemble(kb: KnowledgeBase, linked: dict[str, LinkedArticle]) -> Graph:
    vocabulary = kb.vocabulary
    views = {
        entity_id: EntityView(entity, vocabulary.entity_types[entity.type])
        for entity_id, entity in sorted(kb.entities.items())
        if entity.type in vocabulary.entity_types
    }
    _add_relations(kb, views)
    _add_sources(kb, linked, views)
    _count_cited_sources(views)
    co_mentions = _add_related(linked, views)
    _add_backlinks(kb, views)
    conflicts = _add_facts(kb, views)
    merged_quotes = merge_quotes([q for result in linked.values() for q in result.quotes], kb.articles)
    for quote in merged_quotes:
        if quote.speaker in views:
            views[quote.speaker].quotes.append(quote)
    edges = _edges(kb, views, co_mentions)
    articles = _article_views(kb, linked, merged_quotes)
    return Graph(kb, views, articles, conflicts, merged_quotes, edges)


def _add_relations(kb: KnowledgeBase, views: dict[str, EntityView]) -> None:
    types = kb.vocabulary.relation_types
    for entity_id, view in views.items():
        for relation in view.entity.relations:
            rtype = types.get(relation.type)
            if rtype is None or relation.target not in views:
                continue
            view.relations.append(
                RelationView(rtype.label, relation.target, relation.since, relation.until, relation.sources, True)
            )
            views[relation.target].relations.append(
                RelationView(rtype.inverse, entity_id, relation.since, relation.until, relation.sources, False)
            )
        if view.entity.type == "event":
            for participant in view.entity.participants:
                if participant in views:
                    views[participant].relations.append(
                        RelationView("participant in", entity_id, None, None, (), False)
                    )
    for view in views.values():
        view.relations.sort(key=lambda r: (r.label, views[r.other].entity.name.lower()))


def _add_sources(kb: KnowledgeBase, linked: dict[str, LinkedArticle], views: dict[str, EntityView]) -> None:
    by_entity: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    sentence_mentions: dict[str, dict[tuple[int, int], list[Mention]]] = {}
    for article_id, result in linked.items():
        sentences: dict[tuple[int, int], list[Mention]] = defaultdict(list)
        for mention in result.mentions:
            by_entity[mention.entity_id][article_id].append(mention)
            sentences[(mention.block, mention.sentence)].append(mention)
        sentence_mentions[article_id] = sentences
    rank = {a.id: i for i, a in enumerate(sorted(kb.articles.values(), key=_newest_first))}
    for entity_id, per_article in by_entity.items():
        view = views.get(entity_id)
        if view is None:
            continue
        articles = [kb.articles[a] for a in sorted(per_article, key=rank.__getitem__)]
        view.mentioned_in = set(per_article)
        view.mention_count = sum(len(m) for m in per_article.values())
        for article in articles[:MAX_SOURCE_ARTICLES]:
            view.sources.append(
                SourceEntry(article, _snippets(article, sentence_mentions[article.id], per_article[article.id]))
            )
        view.older_sources = articles[MAX_SOURCE_ARTICLES:MAX_LISTED_ARTICLES]
        view.more_sources = max(0, len(articles) - MAX_LISTED_ARTICLES)
    headlines: dict[str, list[Article]] = defaultdict(list)
    for article_id, result in linked.items():
        for entity_id in result.title_entities:
            headlines[entity_id].append(kb.articles[article_id])
    figures_of: dict[str, list[Figure]] = {}  # each sentence is scanned once, however many entities it names
    for entity_id, view in views.items():
        view.figures = _figures(view, headlines.get(entity_id, []), figures_of)


def _count_cited_sources(views: dict[str, EntityView]) -> None:
    """Distinct sources: articles that mention the entity or that its facts and relations cite."""
    for view in views.values():
        cited = {c.article for f in view.entity.facts for c in f.citations}
        cited |= {a for r in view.entity.relations for a in r.sources}
        view.source_count = len(cited | view.mentioned_in)


def _snippets(article: Article, by_sentence: dict[tuple[int, int], list[Mention]], mentions: list[Mention]) -> list[Snippet]:
    seen, out = set(), []
    for mention in mentions:
        key = (mention.block, mention.sentence)
        if key in seen:
            continue
        seen.add(key)
        block = article.blocks[mention.block]
        start, end = block.sentences[mention.sentence]
        inner = _inner_mentions(by_sentence[key], mention.entity_id, start)
        out.append(Snippet(article.id, block.anchor or "", block.text[start:end], inner))
    return out


def _inner_mentions(mentions: list[Mention], entity_id: str, offset: int) -> list[tuple[int, int, str]]:
    """The names a snippet shows linked: the longer name carries the link, except that the page's
    own entity, named inside a longer name ("Tokyo" in "… lab in Tokyo"), is shown as itself."""
    own = [m for m in mentions if m.nested and m.entity_id == entity_id]
    out = []
    for m in mentions:
        if m.nested and m.entity_id != entity_id:
            continue
        if not m.nested and any(m.start <= o.start and o.end <= m.end for o in own):
            continue
        out.append((m.start - offset, m.end - offset, m.entity_id))
    return out


def _figures(view: EntityView, headlines: list[Article], figures_of: dict[str, list[Figure]]) -> list[FigureView]:
    """Figures in the sentences (and headlines) that name the entity, grouped by value."""
    grouped: dict[str, FigureView] = {}
    passages = [(a.id, "", a.title) for a in headlines]
    passages += [(s.article_id, s.anchor, s.text) for entry in view.sources for s in entry.snippets]
    for article_id, anchor, text in passages:
        found = figures_of.get(text)
        if found is None:
            found = figures_of[text] = find_figures(text)
        for figure in found:
            item = grouped.setdefault(figure.key, FigureView(figure, []))
            source = (article_id, anchor, figure.text)
            if source not in item.sources:
                item.sources.append(source)
    return sorted(grouped.values(), key=lambda f: (-len({s[0] for s in f.sources}), f.figure.kind, f.figure.key))


def _add_related(linked: dict[str, LinkedArticle], views: dict[str, EntityView]) -> Counter:
    pairs: Counter = Counter()
    for result in linked.values():
        sentences: dict[tuple[int, int], set[str]] = defaultdict(set)
        for mention in result.mentions:
            sentences[(mention.block, mention.sentence)].add(mention.entity_id)
        for ids in sentences.values():
            ordered = sorted(ids)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    pairs[(a, b)] += 1
    related: dict[str, Counter] = defaultdict(Counter)
    for (a, b), count in pairs.items():
        related[a][b] += count
        related[b][a] += count
    for entity_id, counter in related.items():
        if entity_id in views:
            ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            views[entity_id].related = [(other, n) for other, n in ranked if other in views][:MAX_RELATED]
    return pairs


def _add_backlinks(kb: KnowledgeBase, views: dict[str, EntityView]) -> None:
    for entity_id, view in views.items():
        for target in sorted({r.target for r in view.entity.references}):
            if target in views and target != entity_id:
                views[target].backlinks.append(entity_id)


def _add_facts(kb: KnowledgeBase, views: dict[str, EntityView]) -> list[Conflict]:
    conflicts = []
    for entity_id, view in views.items():
        number = 0
        by_property: dict[str, dict[str, list[FactView]]] = defaultdict(lambda: defaultdict(list))
        for f_index, fact in enumerate(view.entity.facts):
            cited = []
            for c_index, citation in enumerate(fact.citations):
                spot = kb.quote_spots.get((entity_id, f_index, c_index))
                if spot is None:
                    continue
                number += 1
                anchor = kb.articles[spot.article].blocks[spot.block].anchor or ""
                cited.append(CitedSource(number, spot.article, anchor, citation.quote))
            fact_view = FactView(fact, cited)
            view.facts.append(fact_view)
            if fact.property and fact.value is not None:
                by_property[fact.property][fact.value].append(fact_view)
        for prop, values in sorted(by_property.items()):
            if len(values) > 1:
                conflict = Conflict(entity_id, prop, sorted(values.items()))
                view.conflicts.append(conflict)
                conflicts.append(conflict)
    return conflicts


def _edges(kb: KnowledgeBase, views: dict[str, EntityView], co_mentions: Counter) -> list[tuple[str, str, str]]:
    edges: dict[tuple[str, str], str] = {}
    for entity_id, view in views.items():
        for relation in view.entity.relations:
            if relation.target in views:
                edges[tuple(sorted((entity_id, relation.target)))] = "relation"
        for participant in view.entity.participants:
            if participant in views and participant != entity_id:
                edges[tuple(sorted((entity_id, participant)))] = "relation"
    for (a, b), _count in co_mentions.items():
        if a in views and b in views:
            edges.setdefault((a, b), "co-mention")
    for (a, b), kind in edges.items():
        views[a].neighbours.append((b, kind))
        views[b].neighbours.append((a, kind))
    return sorted((a, b, kind) for (a, b), kind in edges.items())


def _article_views(kb: KnowledgeBase, linked: dict[str, LinkedArticle], quotes: list[Quote]) -> dict[str, ArticleView]:
    entity_sets = {
        article_id: {m.entity_id for m in result.mentions if m.entity_id in kb.entities}
        for article_id, result in linked.items()
    }
    postings: dict[str, list[str]] = defaultdict(list)
    for article_id, ids in sorted(entity_sets.items()):
        for entity_id in ids:
            postings[entity_id].append(article_id)
    quotes_by_article: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        for source in quote.sources:
            quotes_by_article[source.article_id].append(quote)
    views = {}
    for article_id, article in sorted(kb.articles.items()):
        ids = entity_sets[article_id]
        by_type: dict[str, list[str]] = defaultdict(list)
        for entity_id in sorted(ids, key=lambda e: kb.entities[e].name.lower()):
            by_type[kb.entities[entity_id].type].append(entity_id)
        ordered_types = {t: by_type[t] for t in kb.vocabulary.entity_types if t in by_type}
        views[article_id] = ArticleView(
            article,
            linked[article_id],
            ordered_types,
            _similar(article_id, ids, entity_sets, postings),
            quotes_by_article.get(article_id, []),
        )
    return views


def _similar(article_id, ids, entity_sets, postings) -> list[tuple[str, int]]:
    """Articles sharing the most entities; candidates come from the rarest entities first."""
    candidates: list[str] = []
    seen = {article_id}
    for entity_id in sorted(ids, key=lambda e: (len(postings[e]), e)):
        for other in postings[entity_id]:
            if other not in seen:
                seen.add(other)
                candidates.append(other)
        if len(candidates) >= SIMILARITY_CANDIDATES:
            break
    scored = [(other, len(ids & entity_sets[other])) for other in candidates]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return [item for item in scored if item[1] > 0][:MAX_SIMILAR_ARTICLES]
