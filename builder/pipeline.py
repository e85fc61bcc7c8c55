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

from . import html as _html  # noqa: F401  (the cache holds its PageHtml: imported before it is read)
from .assemble import Graph, assemble
from .cache import BuildCache, input_digest, outputs_state, read_cache, write_cache
from .export import SITE_EXPORT, to_json_bytes
from .errors import ContentError, Diagnostic, fatal_count
from .hygiene import alias_warnings
from .link import LinkedArticle, link
from .load import load_corpus
from .render import render_site
from .search import search_files
from .validate import KnowledgeBase, validate
from .write import write_outputs

PHASES = ("load", "validate", "link", "assemble", "render", "write", "html")
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
    graph: Graph | None  # None when nothing changed and the build was skipped
    silenced: frozenset[str] = frozenset()
    html: dict = field(default_factory=dict)  # page -> builder.html.PageHtml, when asked for
    html_rendered: int = 0  # bodies converted in this build (the rest came from the cache)
    cache: BuildCache | None = None  # what the next build may reuse (kb serve keeps it in memory)


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
    html: bool = False,
    workers: int = 1,
    directory_urls: bool = True,
    warm: BuildCache | None = None,
    persist: bool = True,
) -> BuildResult:
    """Generate the Markdown site into docs_dir. Raises ContentError and writes nothing on any error.

    With html, also each page's body HTML as MkDocs would render it (builder/html.py), for
    the MkDocs plugin; `workers` processes share that work.

    `warm` is the cache the last build in this process returned (BuildResult.cache): a
    server rebuilding after each edit reuses it instead of reading build/cache again. With
    `persist` false the new cache is not written (the caller writes it later, write_cache).
    """
    previous = warm if warm is not None else read_cache(cache_dir)
    templates_dir = templates_dir or DEFAULT_TEMPLATES
    start = time.perf_counter()
    inputs = (input_digest(content_dir, templates_dir, Path(__file__).resolve().parent / "assets") + f"/{root}" + ("/strict" if strict else "")
              + ("" if directory_urls else "/files"))
    if (cache_dir is not None and previous.inputs == inputs and (previous.html or not html)
            and previous.outputs and outputs_state(docs_dir) == previous.outputs):
        # nothing this build reads has changed, and build/docs is as the last build left it
        bodies = {page: entry[2] for page, entry in sorted(previous.html.items())} if html else {}
        return BuildResult(previous.diagnostics, {"load": time.perf_counter() - start}, previous.text_bytes,
                           0, len(previous.outputs), 0, None, frozenset(previous.silenced), bodies, 0, previous)
    result = check(content_dir, root, previous)
    fatal = fatal_count(result.diagnostics, silenced=result.silenced, strict=strict)
    if fatal or result.kb is None or result.linked is None:
        raise ContentError(result.diagnostics, result.silenced)
    timings = result.timings
    with _timed(timings, "assemble"):
        graph = assemble(result.kb, result.linked)
    with _timed(timings, "render"):
        pages, page_cache = render_site(graph, templates_dir, previous.pages, workers)
        files: dict[str, str | bytes] = dict(pages)
        files.update(site_assets())
        files.update(search_files(graph))  # the name index: builder/search.py
        files[SITE_EXPORT] = to_json_bytes(graph)  # the graph as data, linked from the home page
    bodies: dict = {}
    rendered = 0
    if html:
        from .html import render_bodies

        with _timed(timings, "html"):
            bodies, result.cache.html = render_bodies(files, frozenset(files), previous.html, workers,
                                                       directory_urls)
            rendered = sum(1 for page, body in bodies.items() if previous.html.get(page, (0, 0, None))[2] is not body)
    elif previous.html:
        result.cache.html = previous.html  # kept for the plugin's next build
    with _timed(timings, "write"):
        report = write_outputs(docs_dir, files)
        result.cache.pages = page_cache
        if html:
            result.cache.inputs = inputs
            result.cache.outputs = outputs_state(docs_dir) if cache_dir is not None else {}
            result.cache.diagnostics = list(result.diagnostics)
            result.cache.silenced = tuple(sorted(result.silenced))
            result.cache.text_bytes = result.text_bytes
        if persist:
            write_cache(cache_dir, result.cache, previous)
    return BuildResult(
        result.diagnostics, {p: timings.get(p, 0.0) for p in PHASES}, result.text_bytes,
        report.written, report.unchanged, report.removed, graph, result.silenced, bodies, rendered, result.cache,
    )
