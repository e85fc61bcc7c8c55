"""Phase 5, render: Jinja2 templates turn the graph into Markdown pages.

Every value a template prints is escaped for Markdown unless it is already
`Markdown` (built here from parsed content), so a template cannot forget to escape.
Templates that produce HTML (alias redirects) use Jinja's HTML autoescaping.
"""

from __future__ import annotations

import html
import posixpath
import re
import dataclasses
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .assemble import Graph
from .errors import RenderError
from .graph import entity_graph_svg, local_graph_svg
from .cache import digest
from .model import Article, PartialDate
from .parallel import in_processes
from .pages import (conflict_views, entity_page, home_entities, publisher_of, quote_groups, source_name,
                    timeline)
from .text import is_plain_prose
from .markdown import (
    Markdown,
    WRITER_VERSION,
    MarkdownWriter,
    Span,
    escape_block_start,
    escape_text,
    escape_text_keep_edges,
    link,
    parse,
    safe_url,
)

MAX_SNIPPET = 600  # characters of a source sentence shown on an entity page
# Where a summary's first sentence ends: the lead on entity pages and the search snippet.
_LEAD_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[\"“‘'(])")


def first_sentence(summary: str) -> str:
    """The first sentence of an entity's summary (Markdown, [[links]] kept), one line."""
    return _LEAD_END.split(" ".join(summary.split()), maxsplit=1)[0]


RESERVED_ROOTS = {"entities", "articles", "archive", "assets", "search", "graph", "timeline", "conflicts",
                  "quotes", "index", "404", "sitemap", "types"}


def entity_path(entity_id: str) -> str:
    return f"entities/{entity_id}.md"


def article_path(article_id: str) -> str:
    return f"articles/{article_id}.md"


def type_path(type_id: str) -> str:
    return f"types/{type_id}.md"


UNDATED = "undated"  # the archive group of articles whose date is not known; listed last


def archive_key(date_text: str | None) -> str:
    return date_text[:7] if date_text else UNDATED


def display_date(date: PartialDate | None) -> str:
    """How a page shows an article's date: at its precision, or "date unknown"; never invented."""
    return "date unknown" if date is None else date.display()


def archive_path(key: str) -> str:
    return f"archive/{key}.md"


def page_url(page: str) -> str:
    """The URL path MkDocs gives a page with use_directory_urls: entities/x.md -> entities/x/."""
    stem = page[: -len(".md")] if page.endswith(".md") else page
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_page: str, to_page: str) -> str:
    """A link for raw HTML (which MkDocs does not rewrite): from one page's URL to another's."""
    base = page_url(from_page) or "."
    target = page_url(to_page)
    path = posixpath.relpath(target or ".", base)
    return "./" if path == "." else path + "/"


@lru_cache(maxsize=65536)
def _relative_path(from_dir: str, target: str) -> str:
    return posixpath.relpath(target, from_dir or ".")


def relative(from_page: str, to_page: str) -> str:
    """A link from one generated page to another, as MkDocs expects (relative .md path)."""
    target, _, anchor = to_page.partition("#")
    path = _relative_path(posixpath.dirname(from_page), target)
    return path + (f"#{anchor}" if anchor else "")


def _escape_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return escape_text(str(value))


_ENVIRONMENTS: dict[str, tuple[jinja2.Environment, jinja2.Environment]] = {}


def _environments(templates_dir: str) -> tuple[jinja2.Environment, jinja2.Environment]:
    """The Jinja environments for a templates folder, kept for the next build in this process
    (kb serve): their compiled templates are reused until a template file changes on disk."""
    if templates_dir not in _ENVIRONMENTS:
        loader = jinja2.FileSystemLoader(templates_dir)
        common = dict(loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=True)
        _ENVIRONMENTS[templates_dir] = (jinja2.Environment(autoescape=False, finalize=_escape_value, **common),
                                        jinja2.Environment(autoescape=True, **common))
    return _ENVIRONMENTS[templates_dir]


class Renderer:
    def __init__(self, graph: Graph, templates_dir: Path):
        self.graph = graph
        self.kb = graph.kb
        self.env, self.html_env = _environments(str(templates_dir))
        self.env.globals.update(
            entity_link=self.entity_link,
            article_link=self.article_link,
            page_link=self.page_link,
            markdown=self.markdown,
            snippet=self.snippet,
            raw=Markdown,
            url=self.url,
            safe_url=safe_url,
            kb=self.kb,
            graph=graph,
            cite_marks=self.cite_marks,
            anchor_link=self.anchor_link,
            source_name=lambda article_id: source_name(self._article(article_id)),
            publisher=lambda article_id: publisher_of(self._article(article_id)) or "unnamed publisher",
            type_link=self.type_link,
            archive_title=_archive_title,
            ref_item=self.ref_item,
            day=lambda d: Markdown(f"**{int(d.text[8:10])}** ·"),
            speaker_text=lambda q: getattr(q, "speaker_text", None),
            lead_sentence=self.lead_sentence,
        )
        self.env.filters["date"] = display_date
        self.env.filters["month_title"] = lambda key: PartialDate(key).display()
        self.env.globals["period"] = lambda since, until: Markdown(
            "" if not (since or until) else " (" + ", ".join(
                ([f"since {escape_text(since.display(), at_block_start=False)}"] if since else [])
                + ([f"until {escape_text(until.display(), at_block_start=False)}"] if until else [])) + ")")
        self.env.filters["cell"] = lambda value: Markdown(
            (value if isinstance(value, Markdown) else _escape_value(value)).replace("|", "\\|"))
        self.env.filters["plural"] = lambda n, one, many: one if n == 1 else many
        self.page = ""
        self._entity_links: dict[tuple, Markdown] = {}
        # While an entity page renders: the other entities and the articles it reads (see deps_key)
        self.deps: tuple[set[str], set[str]] | None = None

    def _read(self, kind: int, ident: str) -> None:
        """Record that the entity page being rendered shows entity (0) or article (1) `ident`."""
        if self.deps is not None:
            self.deps[kind].add(ident)

    def _article(self, article_id: str):
        self._read(1, article_id)
        return self.kb.articles[article_id]

    # --- helpers the templates call ------------------------------------------------------
    def url(self, to_page: str) -> str:
        return relative(self.page, to_page)

    def entity_link(self, entity_id: str, label: str | None = None) -> Markdown:
        self._read(0, entity_id)
        key = (posixpath.dirname(self.page), entity_id, label)
        cached = self._entity_links.get(key)
        if cached is None:
            entity = self.kb.entities.get(entity_id)
            if entity is None:
                cached = escape_text(label or entity_id)
            else:
                cached = link(escape_text(label or entity.name), self.url(entity_path(entity_id)))
            self._entity_links[key] = cached
        return cached

    def article_link(self, article_id: str, anchor: str = "", label: str | None = None) -> Markdown:
        article = self._article(article_id)
        target = article_path(article_id) + (f"#{anchor}" if anchor else "")
        return link(escape_text(label or article.title), self.url(target))

    def cite_marks(self, marks) -> Markdown:
        """[1][2]: each a link to its reference, with the id its backlink returns to."""
        return Markdown("".join(f"[\\[{m.ref}\\]](#ref-{m.ref}){{#{m.id} .kb-cite}}" for m in marks))

    def anchor_link(self, fragment: str, label: str, css: str = "") -> Markdown:
        """A link to a place on this page (#fragment), optionally with a class."""
        attrs = f"{{.{css}}}" if css else ""
        return Markdown(f"[{escape_text(label, at_block_start=False)}](#{fragment}){attrs}")

    def ref_item(self, ref, item) -> Markdown:
        """One line under a reference: which backlinks, and the words quoted (or where they stand)."""
        out = f"*{', '.join(item.letters)}:* " if len(ref.letters) > 1 else ""
        if item.quote:
            out += f"“{escape_text(item.quote, at_block_start=False)}”"
            if item.anchor:
                target = article_path(ref.article.id) + "#" + item.anchor
                out += f" {link(Markdown('¶'), self.url(target))}{{.kb-para}}"
        else:
            section = "Quotes" if item.shown_at.startswith("quote-") else (
                "Sources differ" if item.shown_at.startswith("differ-") else
                "In the sources" if item.shown_at.startswith("src-") else "References")
            out += "the words shown under " + self.anchor_link(item.shown_at, section)
        return Markdown(out)

    def lead_sentence(self, entity_id: str) -> Markdown:
        """The first sentence of an entity's summary, its [[links]] as plain names (a list of
        leads full of links reads as a wall of underlines; the entity's own link is enough)."""
        self._read(0, entity_id)
        first = first_sentence(self.kb.entities[entity_id].summary)

        def name(target: str, label: str | None) -> Markdown:
            self._read(0, target)
            entity = self.kb.entities.get(target)
            return escape_text(label or (entity.name if entity else target), at_block_start=False)

        writer = MarkdownWriter(resolve_wikilink=name, heading_offset=2)
        return Markdown(" ".join(writer.render(parse(first, wikilinks=True)).strip().split("\n\n")))

    def type_link(self, type_id: str, label: str | None = None, badge: bool = False) -> Markdown:
        entity_type = self.kb.vocabulary.entity_types[type_id]
        out = link(escape_text(label or entity_type.label), self.url(type_path(type_id)))
        return Markdown(out + (f"{{.kb-badge .kb-type-{type_id}}}" if badge else ""))

    def page_link(self, to_page: str, label: str) -> Markdown:
        return link(escape_text(label), self.url(to_page))

    def markdown(self, text: str, inline: bool = False) -> Markdown:
        """User Markdown (summaries, facts) with [[id]] links resolved; raw HTML stays text."""
        tree = parse(text, wikilinks=True)
        writer = MarkdownWriter(
            resolve_wikilink=lambda target, label: self.entity_link(target, label or None), heading_offset=2
        )
        out = writer.render(tree).strip()
        if inline:  # one line, whatever blocks it held: a table or list must not spill onto the page
            out = " ".join(line.strip() for line in out.splitlines() if line.strip())
        return Markdown(out)

    def snippet(self, snip, highlight: str | None = None) -> Markdown:
        """A source sentence with its entity mentions linked (the page's own entity in bold).

        A "sentence" longer than MAX_SNIPPET characters (no sentence is) shows a window around
        the mention, so one huge paragraph cannot be copied onto every page it mentions.
        """
        parts, cursor = [], 0
        text, mentions, lead, trail = snip.text, sorted(snip.mentions), "", ""
        if len(text) > MAX_SNIPPET:
            focus = next((s for s, _e, i in mentions if i == highlight), mentions[0][0] if mentions else 0)
            first = max(0, focus - MAX_SNIPPET // 3)
            last = min(len(text), first + MAX_SNIPPET)
            lead, trail = ("… " if first else ""), (" …" if last < len(text) else "")
            mentions = [(s - first, e - first, i) for s, e, i in mentions if s >= first and e <= last]
            text = text[first:last]
        if lead:
            parts.append(lead)
        for start, end, entity_id in mentions:
            if start < cursor:
                continue
            parts.append(escape_text_keep_edges(text[cursor:start]))
            name = text[start:end]
            if entity_id == highlight:
                parts.append(f"**{escape_text(name)}**")
            else:
                parts.append(self.entity_link(entity_id, name))
            cursor = end
        parts.append(escape_text_keep_edges(text[cursor:]) + trail)
        return Markdown("".join(parts))

    # --- pages ---------------------------------------------------------------------------
    def render(self, template: str, page: str, title: str, meta: dict | None = None, **context) -> str:
        self.page = page
        try:
            body = self.env.get_template(template).render(page=page, **context)
        except Exception as exc:  # a user-edited template can fail in any way
            raise RenderError(_template_problem(template, exc)) from None
        # MkDocs themes print page titles without escaping them: escape here, once.
        front = {"title": html.escape(" ".join(title.split()), quote=False), **(meta or {})}
        return "---\n" + front_matter(front) + "---\n\n" + tidy(body)

    def render_html(self, template: str, **context) -> str:
        try:
            return self.html_env.get_template(template).render(**context)
        except Exception as exc:
            raise RenderError(_template_problem(template, exc)) from None

    def article_body(self, article_id: str) -> Markdown:
        view = self.graph.articles[article_id]
        article = view.article
        hrefs = {}

        # Only the first mention of each entity in the whole article is a link (as on Wikipedia).
        first_links: set[tuple[int, int, int]] = set()
        seen_hrefs: set[str] = set()
        for number in sorted(view.linked.spans):
            for span in view.linked.spans[number]:
                if span.href and span.href not in seen_hrefs:
                    seen_hrefs.add(span.href)
                    first_links.add((number, span.start, span.end))

        def spans_for(number: int) -> list[Span]:
            out = []
            for span in view.linked.spans.get(number, []):
                if span.href and (number, span.start, span.end) not in first_links:
                    if span.highlight:
                        out.append(Span(span.start, span.end, None, span.highlight))
                    continue
                if span.href:
                    if span.href not in hrefs:
                        hrefs[span.href] = self.url(entity_path(span.href))
                    out.append(Span(span.start, span.end, hrefs[span.href], span.highlight))
                else:
                    out.append(span)
            return out

        anchors = {b.number: b.anchor for b in article.blocks}
        writer = MarkdownWriter(spans_for=spans_for, anchor_for=anchors.get)
        if is_plain_prose(article.body):
            return writer.render_blocks(article.blocks)
        return writer.render(parse(article.body))


_C_DUMPER = getattr(yaml, "CSafeDumper", None)


def front_matter(front: dict) -> str:
    """yaml.safe_dump(front), through libyaml when its output is the same.

    libyaml escapes characters outside the Basic Multilingual Plane and folds long
    double-quoted lines around a few special characters differently; for a title of
    printable BMP characters without a byte-order mark its output is byte for byte
    PyYAML's (checked on 400,000 random titles), at a tenth of the cost.
    """
    title = front.get("title", "")
    if _C_DUMPER is not None and "\ufeff" not in title and all(c.isprintable() and ord(c) < 0x10000 for c in title):
        return yaml.dump(front, Dumper=_C_DUMPER, allow_unicode=True, sort_keys=True)
    return yaml.safe_dump(front, allow_unicode=True, sort_keys=True)


_HEADING = re.compile(r"\n*^(#{1,6} .*|<div[^>]*>|</div>)$\n*", re.MULTILINE)


def tidy(markdown: str) -> str:
    """Blank lines around headings and HTML blocks, never more than one in a row."""
    markdown = _HEADING.sub(lambda m: "\n\n" + m.group(1) + "\n\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def _template_problem(template: str, exc: Exception) -> str:
    """'templates/x.md.j2:12:1: error: …' from an exception raised while rendering."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(template):
            line = tb.tb_lineno
        tb = tb.tb_next
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    return f"templates/{template}:{line or 1}:1: error: template failed: {type(exc).__name__}: {message}"


def _templates_digest(templates_dir: Path) -> str:
    return digest(*(f"{p.name}\x00{p.read_bytes().decode('utf-8', 'surrogateescape')}" for p in sorted(templates_dir.glob("*.j2"))))


def cited_by(graph: Graph) -> dict[str, list[str]]:
    """Article id -> the entities whose facts or relations cite it, by name."""
    out: dict[str, set[str]] = {}
    for entity_id, view in graph.entities.items():
        for fact in view.entity.facts:
            for c in fact.citations:
                out.setdefault(c.article, set()).add(entity_id)
        for relation in view.entity.relations:
            for a in relation.sources:
                out.setdefault(a, set()).add(entity_id)
    name = lambda e: (graph.entities[e].entity.name.lower(), e)  # noqa: E731
    return {a: sorted(ids, key=name) for a, ids in out.items()}


def author_entities(graph: Graph) -> dict[str, str]:
    """An author's name (as written in front matter, lower-cased) -> the entity of that name."""
    names: dict[str, set[str]] = {}
    for entity_id, view in graph.entities.items():
        if view.entity.type != "person":
            continue
        for n in view.entity.names:
            names.setdefault(" ".join(n.lower().split()), set()).add(entity_id)
    return {n: next(iter(ids)) for n, ids in names.items() if len(ids) == 1}


# Bumped whenever the code that writes an article page changes what it writes (2: only the
# first mention in the whole article is linked; author, "Cited by" and breadcrumb), so that
# pages cached by an older kb are not reused.
ARTICLE_PAGE_VERSION = 2


def _article_fingerprint(graph: Graph, view, templates: str, extra: str = "") -> str:
    """Everything an article page shows, in one digest: equal digests mean an equal page."""
    a = view.article
    names = {e: graph.kb.entities[e].name for ids in view.entities_by_type.values() for e in ids}
    similar = [(other, n, graph.kb.articles[other].title) for other, n in view.similar]
    quotes = [(q.text, q.speaker, q.speaker and graph.kb.entities[q.speaker].name,
               [(s.article_id, s.anchor, s.text, s.speaker, s.speaker_text) for s in q.sources], q.speaker_text) for q in view.quotes]
    types = {t: graph.kb.vocabulary.entity_types[t].plural for t in view.entities_by_type}
    return digest(str(ARTICLE_PAGE_VERSION), WRITER_VERSION, templates, a.digest, a.title, a.publisher, a.author or "",
                  a.url or "", a.date.text if a.date else "",
                  repr(sorted(view.linked.spans.items())), repr(sorted(names.items())), repr(similar),
                  repr(quotes), repr(types), repr(list(view.entities_by_type.items())), extra)


def render_site(
    graph: Graph, templates_dir: Path, previous: dict[str, tuple[str, str]] | None = None, workers: int = 1
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Every page of the site (docs-relative path -> Markdown), and the article pages to cache.

    An article page whose fingerprint matches the one in `previous` is reused, not rendered.
    With workers > 1 the entity and article pages (each a function of the graph alone) are
    rendered in forked processes; the pages do not depend on the split.
    """
    previous = previous or {}
    page_cache: dict[str, tuple[str, str]] = {}
    templates = _templates_digest(templates_dir)
    r = Renderer(graph, templates_dir)
    kb = graph.kb
    pages: dict[str, str] = {}
    types = kb.vocabulary.entity_types
    by_type: dict[str, list] = {t: [] for t in types}
    for view in graph.entities.values():
        by_type[view.entity.type].append(view)
    for views in by_type.values():
        views.sort(key=lambda v: (v.entity.name.lower(), v.entity.id))

    authored: dict[str, list] = {}
    by_name = author_entities(graph)
    for article in graph.articles_newest_first():
        who = by_name.get(" ".join((article.author or "").lower().split()))
        if who:
            authored.setdefault(who, []).append(article)
    global _JOB
    _JOB = _PageJob(graph, r, templates, previous, authored, cited_by(graph), by_name,
                    _entity_base(graph, r, templates))
    jobs = [("e", entity_id) for entity_id in graph.entities] + [("a", article_id) for article_id in graph.articles]
    try:
        done = in_processes(_render_pages, jobs, workers)
    finally:
        _JOB = None
    for page, fingerprint, markdown in done:
        if markdown is None:  # a page as the last build left it
            markdown = previous[page][1]
        pages[page] = markdown
        if fingerprint is not None:
            page_cache[page] = (fingerprint, markdown)
    for type_id, entity_type in types.items():
        page = type_path(type_id)
        pages[page] = r.render("type.md.j2", page, entity_type.plural, entity_type=entity_type, views=by_type[type_id])

    pages["types/index.md"] = r.render("types.md.j2", "types/index.md", "Entities", by_type=by_type,
                                       type_path=type_path)
    archive: dict[str, list] = {}
    for article in graph.articles_newest_first():
        archive.setdefault(archive_key(article.date.text if article.date else None), []).append(article)
    for key, articles in archive.items():
        page = archive_path(key)
        pages[page] = r.render("archive.md.j2", page, f"Articles: {_archive_title(key)}", key=key,
                               label=_archive_title(key), articles=articles)
    months = [(key, _archive_title(key), len(items)) for key, items in archive.items()]
    pages["articles/index.md"] = r.render("articles.md.j2", "articles/index.md", "Articles",
                                          articles=graph.articles_newest_first()[:100], months=months,
                                          archive_path=archive_path)
    featured, important = home_entities(graph)
    pages["index.md"] = r.render("home.md.j2", "index.md", "Home", {"hide": ["toc"]},
                                 latest=graph.articles_newest_first()[:10], featured=featured,
                                 important=important, by_type=by_type, type_path=type_path)
    pages["timeline.md"] = r.render("timeline.md.j2", "timeline.md", "Timeline", items=timeline(graph))
    pages["conflicts.md"] = r.render("conflicts.md.j2", "conflicts.md", "Where sources differ",
                                     conflicts=conflict_views(graph))
    pages["quotes.md"] = r.render("quotes.md.j2", "quotes.md", "Quotes", groups=quote_groups(graph))
    r.page = "graph.md"
    svg = entity_graph_svg(graph, lambda other: relative_url("graph.md", entity_path(other)))
    pages["graph.md"] = r.render("graph.md.j2", "graph.md", "Graph", {"hide": ["toc"]}, svg=Markdown(svg))
    pages.update(_redirects(graph, r))
    return pages, page_cache


@dataclass
class _PageJob:
    """What a process rendering entity and article pages needs (set before it forks)."""

    graph: Graph
    renderer: "Renderer"
    templates: str
    previous: dict
    authored: dict
    citing: dict
    authors: dict
    entity_base: str | None  # what every entity page's key starts from; None: entity pages are not reused
    digests: dict = field(default_factory=dict)  # (kind, id) -> digest of an entity's or article's canonical form


_JOB: _PageJob | None = None


# Bumped whenever the code that writes an entity page changes what it writes.
ENTITY_PAGE_VERSION = 1


def _entity_base(graph: Graph, r: "Renderer", templates: str) -> str | None:
    """What every entity page's key starts from: kb's version of the page, the templates and
    kb.yml. None (every entity page rendered) when entity.md.j2 could read what the key does
    not cover: the whole graph (`graph`, `kb`) or another template."""
    import jinja2.meta

    try:
        source = r.env.loader.get_source(r.env, "entity.md.j2")[0]
        ast = r.env.parse(source)
    except Exception:  # noqa: BLE001 - a broken template is reported when it renders
        return None
    if jinja2.meta.find_undeclared_variables(ast) & {"graph", "kb"} or list(jinja2.meta.find_referenced_templates(ast)):
        return None
    return digest(str(ENTITY_PAGE_VERSION), WRITER_VERSION, templates, repr(_canon(graph.kb.vocabulary)))


def deps_key(graph: Graph, own: str, entities, articles, digests: dict | None = None) -> str:
    """An entity page's cache key: a digest of its own data (`own`: the page model, its graph
    and the articles it lists) and of every other entity and article its render read (the
    helpers record them), followed by those ids, so that the next build can recompute it.
    `digests` keeps each entity's and article's digest for the other pages of the build."""
    entities, articles = sorted(entities), sorted(articles)
    digests = {} if digests is None else digests

    def of(kind: str, ident: str) -> str:
        found = digests.get((kind, ident))
        if found is None:
            item = (graph.kb.entities if kind == "e" else graph.kb.articles).get(ident)
            found = digests[(kind, ident)] = digest(repr(_canon(item)))
        return found

    found = digest(own, *(of("e", e) for e in entities), "|", *(of("a", a) for a in articles))
    return found + "\n" + json.dumps([entities, articles], separators=(",", ":"))


def _deps_of(key: str) -> tuple[list[str], list[str]]:
    try:
        entities, articles = json.loads(key.partition("\n")[2])
        return entities, articles
    except (ValueError, TypeError):
        return [], []


class _Uncacheable(Exception):
    pass


_FIELDS: dict[type, tuple[str, ...]] = {}
_ATOMS = (str, int, float, bool, type(None))


def _canon(value: Any) -> Any:
    """A value as plain nested tuples, equal exactly when what a page can show of it is equal.

    An article stands for its front matter and the digest of its body (its parsed blocks
    follow from the body); anything of a type not known here makes the page uncacheable.
    """
    kind = type(value)
    if kind in _ATOMS or isinstance(value, str):
        return value
    if kind is list or kind is tuple:
        return tuple(v if type(v) in _ATOMS else _canon(v) for v in value)
    if kind is Article:
        return ("Article", value.id, value.title, value.publisher, _canon(value.date), value.author, value.url,
                value.digest)
    names = _FIELDS.get(kind)
    if names is None:
        if not (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            if isinstance(value, dict):
                return ("dict",) + tuple((_canon(k), _canon(v)) for k, v in value.items())
            if isinstance(value, (set, frozenset)):
                if all(type(v) is str for v in value):
                    return ("set",) + tuple(sorted(value))
                return ("set",) + tuple(sorted((_canon(v) for v in value), key=repr))
            raise _Uncacheable(kind.__name__)
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    return (kind.__name__,) + tuple(_canon(getattr(value, name)) for name in names)


def _render_pages(jobs: list[tuple[str, str]]) -> list[tuple[str, str | None, str | None]]:
    """(page, fingerprint or None, Markdown or None when the cached page is still good) for each job."""
    job = _JOB
    graph, r = job.graph, job.renderer
    out = []
    for kind, ident in jobs:
        if kind == "e":
            view = graph.entities[ident]
            page = entity_path(ident)
            r.page = page
            svg = local_graph_svg(graph, ident, lambda other, p=page: relative_url(p, entity_path(other)))
            model = entity_page(graph, ident)
            authored = job.authored.get(ident, [])
            own = None
            if job.entity_base is not None:
                try:
                    own = digest(job.entity_base, repr(_canon((model, authored))), svg)
                except _Uncacheable:
                    own = None
            if own is not None:
                cached = job.previous.get(page)
                if cached and cached[0] == deps_key(graph, own, *_deps_of(cached[0]), job.digests):
                    out.append((page, cached[0], None))
                    continue
                r.deps = (set(), set())
            try:
                markdown = r.render("entity.md.j2", page, view.entity.name, {"search": {"boost": 4}}, view=view,
                                    p=model, local_graph=Markdown(svg), authored=authored)
            finally:
                deps, r.deps = r.deps, None
            out.append((page, None if own is None else deps_key(graph, own, *deps, job.digests), markdown))
            continue
        view = graph.articles[ident]
        page = article_path(ident)
        author = job.authors.get(" ".join((view.article.author or "").lower().split()))
        cites = job.citing.get(ident, [])
        extra = repr((author, author and graph.entities[author].entity.name,
                      [(e, graph.entities[e].entity.name) for e in cites]))
        fingerprint = _article_fingerprint(graph, view, job.templates, extra)
        cached = job.previous.get(page)
        if cached and cached[0] == fingerprint:
            out.append((page, fingerprint, None))
            continue
        r.page = page
        body = r.article_body(ident)
        out.append((page, fingerprint, r.render(
            "article.md.j2", page, view.article.title, view=view, body=body, author=author, cited_by=cites,
            month=archive_key(view.article.date.text if view.article.date else None), archive_path=archive_path)))
    return out


def _archive_title(key: str) -> str:
    return "Undated" if key == UNDATED else PartialDate(key).display()


def alias_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _redirects(graph: Graph, r: Renderer) -> dict[str, str]:
    """/kishida/ -> the Fumio Kishida page: one static HTML page per unambiguous alias slug."""
    claims: dict[str, set[str]] = {}
    for entity_id, view in graph.entities.items():
        for name in view.entity.names:
            slug = alias_slug(name)
            if slug:
                claims.setdefault(slug, set()).add(entity_id)
        claims.setdefault(entity_id, set()).add(entity_id)
    pages = {}
    for slug, owners in sorted(claims.items()):
        if slug in RESERVED_ROOTS or len(slug) > 120:  # a folder name must fit the file system
            continue
        if len(owners) > 1:  # a name several entities share gets a page that lists them
            page = f"{slug}/index.md"
            r.page = page
            names = sorted({n for e in owners for n in graph.entities[e].entity.names if alias_slug(n) == slug})
            views = sorted((graph.entities[e] for e in owners), key=lambda v: (v.entity.name.lower(), v.entity.id))
            pages[page] = r.render("disambiguation.md.j2", page, f"{names[0]} (disambiguation)",
                                   {"search": {"exclude": True}}, names=names, views=views)
            continue
        (entity_id,) = owners
        target = f"../entities/{entity_id}/"
        pages[f"{slug}/index.html"] = r.render_html(
            "redirect.html.j2", target=target, name=graph.entities[entity_id].entity.name
        )
    return pages
