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

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.toc import get_toc

from .errors import BuilderError, ContentError
from .html import page_url
from .pipeline import DEFAULT_TEMPLATES, build_docs

log = logging.getLogger("mkdocs.plugins.kb")


PLACEHOLDER = "<!-- kb:body {} -->"


def _workers() -> int:
    try:
        return max(1, int(os.environ.get("KB_WORKERS", "0"))) if os.environ.get("KB_WORKERS") else min(2, os.cpu_count() or 1)
    except ValueError:
        return 1


class KbPlugin(BasePlugin):
    serving = False
    bodies: dict = {}

    def on_startup(self, *, command, dirty, **_kwargs) -> None:
        self.serving = command == "serve"

    def on_pre_build(self, config, **_kwargs) -> None:
        root = Path(config.config_file_path).resolve().parent
        templates = root / "templates"
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
            )
        except ContentError as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic, flush=True)
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
        self.order: list[str] = []
        for diagnostic in result.diagnostics:
            log.info(str(diagnostic))
        took = sum(result.timings.values())
        log.info(f"kb: {result.pages_written} page(s) written, {result.pages_unchanged} unchanged, in {took:.2f} s")

    def on_page_markdown(self, markdown, *, page, config, files):
        if page.file.src_uri in self.bodies:
            return ""  # nothing for Python-Markdown to do: the builder has the body
        return markdown

    def on_page_content(self, html, *, page, config, files):
        body = self.bodies.get(page.file.src_uri)
        if body is None:
            return html
        self.order.append(page.file.src_uri)
        page.toc = get_toc(body.toc)
        # Material prints the page title as <h1> unless the content has one: say so in the placeholder
        return PLACEHOLDER.format(page.file.src_uri + (" <h1>" if "<h1" in body.body else ""))

    @event_priority(100)  # before any check of the final HTML
    def on_post_page(self, output, *, page, config):
        body = self.bodies.get(page.file.src_uri)
        if body is None:
            return output
        marker = PLACEHOLDER.format(page.file.src_uri + (" <h1>" if "<h1" in body.body else ""))
        head, found, tail = output.partition(marker)
        if not found:
            raise Abort(f"kb: the theme did not print the body of {page.file.src_uri}")
        return head + body.body + tail

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config):
        import json

        path = Path(config.site_dir) / "search" / "search_index.json"
        if not self.bodies or not path.exists():
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        ours = {page_url(page) for page in self.bodies}
        docs = [d for d in index.get("docs", []) if d["location"].split("#")[0] not in ours]
        seen = set(self.order)  # the order MkDocs built the pages in; under `serve --dirty`, the rest after
        for page in self.order + [p for p in self.bodies if p not in seen]:
            docs.extend(self.bodies[page].search)
        index["docs"] = docs
        path.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")

    def on_serve(self, server, config, builder, **_kwargs):
        root = Path(config.config_file_path).resolve().parent
        for folder in ("content", "templates"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
