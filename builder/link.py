"""Phase 3, link: find every entity mention in every article, in one pass per text.

The output per article is data, not Markdown: the mentions (with their paragraph
and sentence) and the spans to decorate when the body is rendered: a link on the
first mention of each entity in a paragraph, a highlight on each cited quote.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .errors import Diagnostic, warning
from .markdown import Span
from .mentions import MentionFinder
from .names import NameTable, glued, later_mentions
from .model import Article
from .quotes import SPEAKER_TYPES, Quote, find_quotes
from .cache import digest
from .validate import KnowledgeBase


_BARE_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass(frozen=True)
class Mention:
    entity_id: str
    article_id: str
    block: int
    start: int
    end: int
    sentence: int  # index into the block's sentences
    nested: bool = False  # inside a longer name, which carries the link ("Tokyo" in "… lab in Tokyo")


@dataclass
class LinkedArticle:
    article_id: str
    mentions: list[Mention] = field(default_factory=list)
    spans: dict[int, list[Span]] = field(default_factory=dict)  # block number -> decorations
    quotes: list[Quote] = field(default_factory=list)
    title_entities: list[str] = field(default_factory=list)  # entities named in the headline


def link(
    kb: KnowledgeBase, cached: dict[str, LinkedArticle] | None = None
) -> tuple[dict[str, LinkedArticle], list[Diagnostic], dict[str, LinkedArticle]]:
    """Link every article. Results in `cached` are reused when their key matches.

    Returns the results, the coverage warnings, and the cache entries for next time.
    """
    cached = cached or {}
    finder = MentionFinder(kb.link_names)
    names = NameTable(kb)
    highlights = _quote_highlights(kb)
    entity_types = {entity_id: entity.type for entity_id, entity in kb.entities.items()}
    speakers = digest(*sorted(f"{e}={t}" for e, t in entity_types.items() if t in SPEAKER_TYPES))
    linked, fresh = {}, {}
    for article_id, article in sorted(kb.articles.items()):
        spans = highlights.get(article_id, {})
        key = digest(article.digest, article.id, article.title, finder.fingerprint, names.fingerprint, speakers, repr(sorted(spans.items())))
        result = cached.get(key)
        if result is None:
            result = link_article(article, finder, spans, entity_types, names)
        linked[article_id] = fresh[key] = result
    return linked, _coverage_warnings(kb, linked), fresh


def link_article(
    article: Article,
    finder: MentionFinder,
    highlights: dict[int, list[Span]],
    entity_types: dict[str, str],
    names: NameTable | None = None,
) -> LinkedArticle:
    """Mentions (names, names inside names, surnames after the full name), link spans, quotes."""
    result = LinkedArticle(article.id)
    found: dict[int, list[tuple[int, int, str, bool]]] = {}  # block -> (start, end, entity, nested)
    paragraphs = [b for b in article.blocks if b.kind == "paragraph"]
    for block in paragraphs:
        text = block.text
        urls = [m.span() for m in _BARE_URL.finditer(text)] if ("@" in text or "//" in text or "www." in text) else []
        chosen, nested = finder.find_with_nested(text)
        here = []
        for match, is_nested in [(m, False) for m in chosen] + [(m, True) for m in nested]:
            segment = _segment_of(block, match.start, match.end)
            if segment is None:
                continue  # inside code, or across formatting
            if any(a <= match.start < b for a, b in urls):
                continue  # part of a bare URL or e-mail address
            if entity_types.get(match.entity_id) == "person" and " " not in text[match.start : match.end].strip() and glued(
                text, match.start, match.end
            ):
                continue  # a one-word alias inside someone else's name: "Blair" in "Cherie Blair"
            here.append((match.start, match.end, match.entity_id, is_nested))
        found[block.number] = here
    if names is not None:
        so_far = [
            _Plain(entity_id, number, start, end)
            for number, items in found.items() for start, end, entity_id, _nested in items
        ]
        for extra in later_mentions(names, [(b.number, b.text) for b in paragraphs], so_far):
            if _segment_of(article.blocks[extra.block], extra.start, extra.end) is not None:
                found[extra.block].append((extra.start, extra.end, extra.entity_id, False))
    for block in article.blocks:
        spans = list(highlights.get(block.number, []))
        if block.kind == "paragraph":
            linked_here: set[str] = set()
            starts = [s[0] for s in block.sentences]
            for start, end, entity_id, is_nested in sorted(found[block.number], key=lambda f: (f[0], -f[1])):
                sentence = max(0, bisect.bisect_right(starts, start) - 1)
                result.mentions.append(Mention(entity_id, article.id, block.number, start, end, sentence, is_nested))
                segment = _segment_of(block, start, end)
                if not is_nested and segment.linkable and entity_id not in linked_here:
                    linked_here.add(entity_id)
                    spans.append(Span(start, end, href=entity_id))
        if spans:
            result.spans[block.number] = spans
    result.quotes = find_quotes(article, result.mentions, entity_types)
    chosen, nested = finder.find_with_nested(article.title)
    result.title_entities = sorted({m.entity_id for m in chosen + nested})
    return result


@dataclass(frozen=True)
class _Plain:
    entity_id: str
    block: int
    start: int
    end: int


def _segment_of(block, start: int, end: int):
    for segment in block.segments:
        if segment.start <= start and end <= segment.end:
            return segment
        if segment.start > start:
            return None
    return None


def _quote_highlights(kb: KnowledgeBase) -> dict[str, dict[int, list[Span]]]:
    out: dict[str, dict[int, list[Span]]] = {}
    for spot in sorted(set(kb.quote_spots.values()), key=lambda s: (s.article, s.block, s.start)):
        out.setdefault(spot.article, {}).setdefault(spot.block, []).append(
            Span(spot.start, spot.end, highlight=True)
        )
    return out


def _coverage_warnings(kb: KnowledgeBase, linked: dict[str, LinkedArticle]) -> list[Diagnostic]:
    mentioned = {m.entity_id for la in linked.values() for m in la.mentions}
    for entity_id, entity in kb.entities.items():  # cited or authoring counts as being in the sources
        if any(r.sources for r in entity.relations) or any(f.citations for f in entity.facts):
            mentioned.add(entity_id)
    authors = {a.author for a in kb.articles.values() if a.author}
    mentioned |= {e.id for e in kb.entities.values() if e.name in authors}
    out = []
    for entity_id, entity in sorted(kb.entities.items()):
        if entity_id not in mentioned:
            out.append(
                warning(entity.location, f"no article mentions '{entity.name}' or its aliases, and nothing cites one",
                        "unmentioned-entity")
            )
    for article_id, article in sorted(kb.articles.items()):
        if not linked[article_id].mentions:
            out.append(warning(article.location, "this article mentions no entity", "article-without-entity"))
    return out
