"""MkDocs glue, kept thin: run the kb builder before MkDocs reads the generated Markdown.

Enabled with `plugins: [search, kb]` in mkdocs.yml. `mkdocs build` and `mkdocs serve`
validate first; on any content error nothing is written: `build` aborts, `serve`
reports the errors and keeps serving the last good site. `serve` also watches content/ and templates/.

The builder also renders each generated page's body to HTML (builder/html.py, as
Python-Markdown would); MkDocs renders only the shell around it:
- on_page_markdown gives MkDocs an empty page for every page the builder has a body for,
- on_page_content hands back a placeholder and sets the page's toc from the builder's headings,
- on_post_page puts the body in place of the placeholder, after templating,
- on_post_build writes the search index from the builder's entries.
Without this plugin, `mkdocs build` renders build/docs the slow way to the same pages.
"""

from __future__ import annotations

import html
import logging
import os
import re
import signal
import sys
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.toc import get_toc

from . import progress
from .allowlist import (checked_digest, extra_script_paths, find_offences, find_site_offences,
                        with_content_security_policy)
from .errors import BuilderError, ContentError, report_lines, summary_line
from .html import page_url, source_digest
from .pipeline import DEFAULT_TEMPLATES, build_docs
from .search import FULL_INDEX_ENV, write_site_search
from .site import BUILDING, MARKER, MARKER_TEXT, SiteDirRefused, check_site_dir

log = logging.getLogger("mkdocs.plugins.kb")


PLACEHOLDER = "<!-- kb:body {} -->"
_ID = re.compile(r'\sid="([^"]*)"')
ELSEWHERE = "kb-elsewhere.html"  # an empty template for pages the other process builds
FORK_MIN_PAGES = 50
SEARCH_FORK_MIN_PAGES = int(os.environ.get("KB_SEARCH_FORK_MIN_PAGES", "2000"))  # kb serve: see _write_search


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str, str]] = []

    def emit(self, record):
        self.records.append((record.levelno, record.name, record.getMessage()))


def _no_render(page, body: str) -> None:
    """What Page.render leaves for an empty page, without building a Markdown instance."""
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set(_ID.findall(body))  # for MkDocs' check of other pages' #anchors
    page.links_to_anchors = {}


def _build_in_child(plugin, pages, config, files, nav, env, dirty: bool, pipe: int) -> int:
    """MkDocs' page loop (mkdocs.commands.build) over `pages`, in a forked child; its exit status."""
    import json

    from mkdocs.commands.build import _build_page

    records = _Records()
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in list(mkdocs_log.handlers):  # the parent reports the child's messages
        mkdocs_log.removeHandler(handler)
    mkdocs_log.addHandler(records)
    mkdocs_log.propagate = False
    status = 0
    try:
        doc_files = files.documentation_pages()
        for page in pages:
            _build_page(page, config, doc_files, nav,
                        env, dirty, excluded=page.file.inclusion.is_excluded())
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        records.records.append((logging.ERROR, "mkdocs.plugins.kb", f"kb: rendering failed: {exc}"))
        status = 1
    try:  # its log, the pages whose markup it checked and what the check found (printed already)
        report = (records.records, sorted(plugin.checked), [str(o) for o in plugin.offences], plugin.verified)
        with os.fdopen(pipe, "wb") as out:
            out.write(json.dumps(report).encode("utf-8"))
    except BaseException:  # noqa: BLE001
        status = 1
    return status


def _workers() -> int:
    """Processes for rendering: KB_WORKERS, else 2 where there are 2 cores or more."""
    try:
        given = int(os.environ.get("KB_WORKERS", "0"))
    except ValueError:
        given = 0
    return max(1, given) if given else min(2, os.cpu_count() or 1)


class KbPlugin(BasePlugin):
    serving = False
    bodies: dict = {}
    checked: set[str]
    offences: list
    verified: dict  # under `kb build`: page -> (digest of its bytes, what the check found), for site.py

    child: int | None = None
    dirty = False
    # kb serve keeps one plugin for all its rebuilds: the builder's cache stays in memory
    # between them (written to build/cache at the first build and when the server stops),
    # and the site's files already checked against the allowlist are not read again.
    warm = None
    unsaved: Path | None = None
    checked_files: dict[str, tuple[int, int]] = {}
    nav = None
    elsewhere: frozenset = frozenset()

    def on_startup(self, *, command, dirty, **_kwargs) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    def on_env(self, env, *, config, files):
        """Both cores for the shell: a forked child builds every other page; this process the rest."""
        self.child, self.elsewhere = None, frozenset()
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        todo = [p for p in pages if p.file.is_modified()] if self.dirty else pages
        import threading

        # A fork copies only this thread: a lock another thread holds would never be released
        # in the child, which then hangs (seen once in a 1k benchmark run). No fork then.
        if (_workers() < 2 or len(todo) < FORK_MIN_PAGES or not hasattr(os, "fork")
                or threading.active_count() > 1):
            return env
        import jinja2

        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({ELSEWHERE: ""}), env.loader])
        theirs = todo[1::2]
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: build its pages as MkDocs' own loop would, report its log, exit
            os.close(read_end)
            os._exit(_build_in_child(self, theirs, config, files, self.nav, env, self.dirty, write_end))
        os.close(write_end)
        self.child, self.child_pipe = pid, read_end
        self.elsewhere = frozenset(p.file.src_uri for p in theirs)
        for page in theirs:  # this process renders nothing for them and writes nothing
            page.meta["template"] = ELSEWHERE
        return env

    def _join_child(self) -> None:
        if self.child is None:
            return
        import json

        with os.fdopen(self.child_pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.child, 0)
        self.child = None
        records, checked, offences, verified = json.loads(data) if data else ([], [], [], {})
        for level, name, message in records:
            logging.getLogger(name).log(level, message)
        self.checked.update(checked)
        self.offences += offences
        self.verified.update((page, tuple(found)) for page, found in verified.items())
        if os.waitstatus_to_exitcode(status) != 0:
            raise Abort("kb: the second rendering process failed (see the errors above)")

    search_child: int | None = None

    def _write_search(self, site: Path, pages: list, keep_full: bool) -> None:
        """The search index (builder/search.py). Under `serve`, on a large site (~6 s of CPU at
        10,000 articles), a forked child writes it after the rebuild returns, so the browser
        reloads without waiting; the next rebuild waits for that child first. The child only
        computes and writes files: no logging, no locks another thread could hold."""
        self._join_search()
        if not (self.serving and len(pages) >= SEARCH_FORK_MIN_PAGES and hasattr(os, "fork")):
            write_site_search(site, pages, keep_full=keep_full)
            return
        write_site_search(site, pages, keep_full=keep_full, fulltext=False)  # Material's part: at once
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                write_site_search(site, pages, material=False)
                status = 0
            finally:
                os._exit(status)
        self.search_child = pid

    def _join_search(self, timeout: float = 120.0) -> None:
        """Wait for the child writing the search index; one that has not finished in `timeout`
        seconds (it forked beside the server's threads: should it ever deadlock) is stopped,
        and the next index write replaces what it left."""
        if self.search_child is None:
            return
        import time

        deadline = time.monotonic() + timeout
        while True:
            pid, _ = os.waitpid(self.search_child, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                log.warning("kb: the search index writer did not finish; stopped (the next rebuild rewrites it)")
                try:
                    os.kill(self.search_child, signal.SIGKILL)
                except OSError:
                    pass
                os.waitpid(self.search_child, 0)
                break
            time.sleep(0.02)
        self.search_child = None

    def on_build_error(self, *, error, **_kwargs) -> None:
        if self.child is not None:
            try:
                self._join_child()
            except Abort:
                pass

    def on_config(self, config, **_kwargs):
        """One site title: content/kb.yml's `title` (mkdocs.yml's site_name is only a fallback)."""
        title = _kb_title(Path(config.config_file_path).resolve().parent / "content" / "kb.yml")
        if title:
            # The theme prints site_name unescaped (in <title>, the header, aria-label): escape it
            # once here; as Markup, the theme's own `| e` does not escape it twice.
            config.site_name = Markup(html.escape(title))
        return config

    def on_pre_build(self, config, **_kwargs) -> None:
        self._join_search()  # a search index still being written by the last serve rebuild
        self.checked, self.offences, self.verified = set(), [], {}
        root = Path(config.config_file_path).resolve().parent
        site = Path(config.site_dir)
        if not self.serving and not (site / BUILDING).is_file():  # `mkdocs build` on its own cleans site_dir
            try:
                check_site_dir(root, site, Path(config.docs_dir))
            except SiteDirRefused as exc:
                raise Abort(str(exc)) from None
        templates = root / "templates"
        verbose = os.environ.get("KB_VERBOSE") == "1"
        progress.current().step("kb: checking content and writing Markdown")
        try:
            result = build_docs(
                root / "content",
                Path(config.docs_dir),
                templates_dir=templates if templates.is_dir() else DEFAULT_TEMPLATES,
                cache_dir=root / "build" / "cache",
                root=root,
                strict=os.environ.get("KB_STRICT") == "1",
                html=True,
                workers=_workers(),
                directory_urls=bool(config.use_directory_urls),
                warm=self.warm if self.serving else None,
                persist=not (self.serving and self.warm is not None),
            )
        except ContentError as exc:
            for line in report_lines(exc.diagnostics, verbose=verbose, silenced=exc.silenced):
                print(line, flush=True)
            errors = sum(d.is_error for d in exc.diagnostics)
            if self.serving:
                # MkDocs' server hangs on a failed build; generate nothing new instead, so the
                # rebuild reproduces the last good site and keeps serving it.
                print(f"kb: {errors} error(s) in content; still serving the last good site", file=sys.stderr, flush=True)
                return
            raise Abort(f"kb: {errors} error(s) in content; the site was not rebuilt") from None
        except BuilderError as exc:
            raise Abort(f"kb: {exc}") from None
        self.bodies = result.html
        if self.serving:
            self.unsaved = root / "build" / "cache" if self.warm is not None else None
            self.warm = result.cache
        self.order: list[str] = []
        for line in report_lines(result.diagnostics, verbose=verbose, silenced=result.silenced):
            log.info(line)
        took = sum(result.timings.values())
        if result.graph is None:
            log.info(f"kb: nothing changed since the last build: "
                     f"{summary_line(result.diagnostics, silenced=result.silenced)}")
        else:
            log.info(
                f"kb: checked {len(result.graph.articles)} articles and {len(result.graph.entities)} entities: "
                f"{summary_line(result.diagnostics, silenced=result.silenced)}"
            )
        log.info(f"kb: {result.pages_written} page(s) written, {result.pages_unchanged} unchanged, in {took:.2f} s")

    @event_priority(-100)  # the nav as every other plugin left it
    def on_nav(self, nav, *, config, files):
        self.nav = nav
        return nav

    def on_page_markdown(self, markdown, *, page, config, files):
        known = self.bodies.get(page.file.src_uri)
        if known is not None and known.source != source_digest(markdown):
            # the page is not what the builder rendered (edited by hand or by another plugin):
            # Python-Markdown renders it, the slow way
            log.info(f"kb: {page.file.src_uri} changed after the builder wrote it; MkDocs renders it")
            self.bodies.pop(page.file.src_uri)
            return markdown
        if known is not None:
            # Nothing for Python-Markdown to do: the builder has the body. Even an empty page
            # costs MkDocs a new Markdown instance (~3 ms), so this page skips that too.
            body = self.bodies[page.file.src_uri].body
            page.render = lambda config, files, page=page, body=body: _no_render(page, body)
            return ""
        return markdown

    def on_page_content(self, html, *, page, config, files):
        progress.current().advance()
        body = self.bodies.get(page.file.src_uri)
        if body is None:
            return html
        self.order.append(page.file.src_uri)
        page.toc = get_toc(body.toc)
        # Material prints the page title as <h1> unless the content has one: say so in the placeholder
        return PLACEHOLDER.format(page.file.src_uri + (" <h1>" if "<h1" in body.body else ""))


    def on_files(self, files, config, **_kwargs):
        pages = sum(1 for f in files if f.is_documentation_page())
        progress.current().step("MkDocs: rendering pages", total=pages)
        return files

    def on_post_page(self, output: str, *, page, config, **_kwargs) -> str:
        if page.file.src_uri in self.elsewhere:
            return ""  # the other process writes (and checks) this page
        body = self.bodies.get(page.file.src_uri)
        if body is not None:  # the builder's body in place of the placeholder, after templating
            marker = PLACEHOLDER.format(page.file.src_uri + (" <h1>" if "<h1" in body.body else ""))
            head, found, tail = output.partition(marker)
            if not found:
                raise Abort(f"kb: the theme did not print the body of {page.file.src_uri}")
            output = head + body.body + tail
        # Keep these the last things done to a page: whatever produced `output`, it is checked.
        output = with_content_security_policy(output)
        return self.check_page_markup(output, page.file.dest_uri, config)

    def check_page_markup(self, output: str, name: str, config) -> str:
        """Defence in depth: a page with markup outside the allowlist is never written as it is.

        Under `kb build` the whole new site is checked before it is swapped in (site.py): the
        check of a page runs here all the same (in whichever of the two processes renders it),
        and what it found is kept with a digest of the page's bytes; site.py takes that for a
        file holding exactly those bytes and checks every other file itself. Under plain
        `mkdocs build` and `mkdocs serve`, a page with offences is withheld here.
        """
        if os.environ.get("KB_SITE_CHECKS_MARKUP") == "1":
            digest = checked_digest(output)
            if digest is not None:
                found = find_offences(name, output, extra_script_paths(config))
                self.verified[name] = (digest, [str(o) for o in found])
            return output
        offences = find_offences(name, output, extra_script_paths(config))
        self.checked.add(name)
        if not offences:
            return output
        self.offences += offences
        for offence in offences:
            print(offence, flush=True)
        return _WITHHELD_PAGE

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config, **_kwargs) -> None:
        import json

        self._join_child()
        site = Path(config.site_dir)
        path = site / "search" / "search_index.json"
        if self.bodies and path.exists():  # search: builder/search.py, from the builder's entries
            index = json.loads(path.read_text(encoding="utf-8"))
            ours = {page_url(page, bool(config.use_directory_urls)) for page in self.bodies}
            docs = [d for d in index.get("docs", []) if d["location"].split("#")[0] not in ours]
            pages = [(page_url(p, bool(config.use_directory_urls)), self.bodies[p].search) for p in sorted(self.bodies)]
            others: dict[str, list[dict]] = {}
            for doc in docs:  # pages MkDocs rendered itself, from Material's index
                others.setdefault(doc["location"].split("#")[0], []).append(doc)
            if os.environ.get(FULL_INDEX_ENV) == "full":  # Material's index as it was (tests/test_two_paths.py)
                seen = set(self.order)  # the order MkDocs built the pages in; under `serve --dirty`, the rest after
                for page in self.order + [p for p in self.bodies if p not in seen]:
                    docs.extend(self.bodies[page].search)
                index["docs"] = docs
                path.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")
            self._write_search(site, pages + sorted(others.items()), os.environ.get(FULL_INDEX_ENV) == "full")
        if site.is_dir():
            (site / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # kb may replace this folder
        # Pages MkDocs copies as they are (kb's alias redirects) get the same check.
        if os.environ.get("KB_SITE_CHECKS_MARKUP") != "1":
            skip = set(self.checked)
            if self.serving:  # a file as it was when an earlier rebuild found it clean is not read again
                files = {p.relative_to(site).as_posix(): p.stat() for p in site.rglob("*.html")}
                state = {name: (st.st_size, st.st_mtime_ns) for name, st in files.items()}
                skip.update(name for name, known in state.items() if self.checked_files.get(name) == known)
            static = find_site_offences(config.site_dir, extra_script_paths(config), frozenset(skip))
            for offence in static:
                print(offence, flush=True)
            self.offences += static
        if self.serving:
            dirty = {o.split(":", 1)[0] for o in map(str, self.offences)}
            self.checked_files = {name: known for name, known in state.items() if name not in dirty} \
                if os.environ.get("KB_SITE_CHECKS_MARKUP") != "1" else {}
        if self.offences and not self.serving:
            raise Abort(f"kb: {len(self.offences)} piece(s) of markup outside the allowlist; see above")

    def on_shutdown(self) -> None:
        """kb serve is stopping: write the cache its rebuilds kept in memory."""
        self._join_search()
        if self.unsaved is not None and self.warm is not None:
            from .cache import write_cache

            try:
                write_cache(self.unsaved, self.warm)
            except OSError as exc:
                log.warning(f"kb: could not write the build cache: {exc}")
            self.unsaved = None

    def on_serve(self, server, config, builder, **_kwargs):
        root = Path(config.config_file_path).resolve().parent
        for folder in ("content", "templates"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


def _kb_title(path: Path) -> str | None:
    """The title in kb.yml, or None if it cannot be read (the build reports why, located)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return " ".join(title.split()) if isinstance(title, str) and title.strip() else None


_WITHHELD_PAGE = (
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page withheld</title></head>"
    "<body><p>kb withheld this page: it held markup outside the allowlist (see the build log).</p></body></html>\n"
)
