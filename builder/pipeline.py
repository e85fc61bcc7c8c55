"""The builder: load → validate → link → assemble → render → write.

Each phase is a pure function of what the one before produced; only load reads
files and only write writes them. `check` runs the phases that find problems.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .assemble import Graph, assemble
from .cache import BuildCache, read_cache, write_cache
from .export import SITE_EXPORT, to_json
from .errors import ContentError, Diagnostic, fatal_count
from .hygiene import alias_warnings
from .link import LinkedArticle, link
from .load import load_corpus
from .render import render_site
from .search import search_files
from .validate import KnowledgeBase, validate
from .write import write_outputs

PHASES = ("load", "validate", "link", "assemble", "render", "write")
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    kb: KnowledgeBase | None
    linked: dict[str, LinkedArticle] | None
    timings: dict[str, float] = field(default_factory=dict)
    text_bytes: int = 0
    cache: BuildCache = field(default_factory=BuildCache)  # what the next build may reuse
    silenced: frozenset[str] = frozenset()  # warning classes kb.yml accepts on purpose

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    timings: dict[str, float]
    text_bytes: int
    pages_written: int
    pages_unchanged: int
    pages_removed: int
    graph: Graph
    silenced: frozenset[str] = frozenset()


@contextmanager
def _timed(timings: dict[str, float], phase: str):
    start = time.perf_counter()
    yield
    timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start


def undated_note(articles: list) -> list[Diagnostic]:
    """A note (never a warning: an unknown date is honest, not wrong) counting the undated articles."""
    undated = sorted((a for a in articles if a.date is None), key=lambda a: a.location)
    if not undated:
        return []
    n = len(undated)
    return [Diagnostic(undated[0].location, "note",
                       f"{n} of {len(articles)} article{'s' if len(articles) != 1 else ''} "
                       f"{'have' if n != 1 else 'has'} no date: their pages say 'date unknown' and lists put them last")]


def check(content_dir: Path, root: Path | None = None, cache: BuildCache | None = None) -> CheckResult:
    """Load, validate and link; every problem found, none raised."""
    timings: dict[str, float] = {}
    cache = cache or BuildCache()
    with _timed(timings, "load"):
        corpus, diagnostics = load_corpus(content_dir, root, cache.blocks)
    with _timed(timings, "validate"):
        kb, found = validate(corpus)
    diagnostics += found + undated_note(corpus.articles)
    text_bytes = sum(a.text_bytes for a in corpus.articles)
    silenced = corpus.vocabulary.silence if corpus.vocabulary else frozenset()
    if kb is None or any(d.severity == "error" for d in diagnostics):
        return CheckResult(sorted(diagnostics), kb, None, timings, text_bytes, silenced=silenced)
    with _timed(timings, "link"):
        linked, found, fresh_links = link(kb, cache.links)
        found += alias_warnings(kb, linked)
    diagnostics += found
    result = CheckResult(sorted(diagnostics), kb, linked, timings, text_bytes, silenced=silenced)
    result.cache = BuildCache(blocks={a.digest: a.blocks for a in corpus.articles}, links=fresh_links)
    return result


def site_assets() -> dict[str, bytes]:
    folder = resources.files("builder").joinpath("assets")
    return {f"assets/{item.name}": item.read_bytes() for item in sorted(folder.iterdir(), key=lambda i: i.name)
            if item.is_file()}


def build_docs(
    content_dir: Path,
    docs_dir: Path,
    *,
    templates_dir: Path | None = None,
    cache_dir: Path | None = None,
    root: Path | None = None,
    strict: bool = False,
) -> BuildResult:
    """Generate the Markdown site into docs_dir. Raises ContentError and writes nothing on any error."""
    previous = read_cache(cache_dir)
    result = check(content_dir, root, previous)
    fatal = fatal_count(result.diagnostics, silenced=result.silenced, strict=strict)
    if fatal or result.kb is None or result.linked is None:
        raise ContentError(result.diagnostics, result.silenced)
    timings = result.timings
    with _timed(timings, "assemble"):
        graph = assemble(result.kb, result.linked)
    with _timed(timings, "render"):
        pages, page_cache = render_site(graph, templates_dir or DEFAULT_TEMPLATES, previous.pages)
        files: dict[str, str | bytes] = dict(pages)
        files.update(site_assets())
        files.update(search_files(graph))  # the name index: builder/search.py
        files[SITE_EXPORT] = to_json(graph)  # the graph as data, linked from the home page
    with _timed(timings, "write"):
        report = write_outputs(docs_dir, files)
        result.cache.pages = page_cache
        write_cache(cache_dir, result.cache, previous)
    return BuildResult(
        result.diagnostics, {p: timings.get(p, 0.0) for p in PHASES}, result.text_bytes,
        report.written, report.unchanged, report.removed, graph, result.silenced,
    )
