"""MkDocs glue, kept thin: run the kb builder before MkDocs reads the generated Markdown.

Enabled with `plugins: [search, kb]` in mkdocs.yml. `mkdocs build` and `mkdocs serve`
validate first; on any content error nothing is written: `build` aborts, `serve`
reports the errors and keeps serving the last good site. `serve` also watches content/ and templates/.
"""

from __future__ import annotations

import html
import logging
import os
import sys
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin

from . import progress
from .allowlist import extra_script_paths, find_offences, find_site_offences, with_content_security_policy
from .errors import BuilderError, ContentError, report_lines, summary_line
from .pipeline import DEFAULT_TEMPLATES, build_docs
from .site import BUILDING, MARKER, MARKER_TEXT, SiteDirRefused, check_site_dir

log = logging.getLogger("mkdocs.plugins.kb")


class KbPlugin(BasePlugin):
    serving = False
    checked: set[str]
    offences: list

    def on_startup(self, *, command, dirty, **_kwargs) -> None:
        self.serving = command == "serve"

    def on_config(self, config, **_kwargs):
        """One site title: content/kb.yml's `title` (mkdocs.yml's site_name is only a fallback)."""
        title = _kb_title(Path(config.config_file_path).resolve().parent / "content" / "kb.yml")
        if title:
            # The theme prints site_name unescaped (in <title>, the header, aria-label): escape it
            # once here; as Markup, the theme's own `| e` does not escape it twice.
            config.site_name = Markup(html.escape(title))
        return config

    def on_pre_build(self, config, **_kwargs) -> None:
        self.checked, self.offences = set(), []
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
        for line in report_lines(result.diagnostics, verbose=verbose, silenced=result.silenced):
            log.info(line)
        took = sum(result.timings.values())
        log.info(
            f"kb: checked {len(result.graph.articles)} articles and {len(result.graph.entities)} entities: "
            f"{summary_line(result.diagnostics, silenced=result.silenced)}"
        )
        log.info(f"kb: {result.pages_written} page(s) written, {result.pages_unchanged} unchanged, in {took:.2f} s")

    def on_post_build(self, config, **_kwargs) -> None:
        site = Path(config.site_dir)
        if site.is_dir():
            (site / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # kb may replace this folder

    def on_files(self, files, config, **_kwargs):
        pages = sum(1 for f in files if f.is_documentation_page())
        progress.current().step("MkDocs: rendering pages", total=pages)
        return files

    def on_page_content(self, html, **_kwargs):
        progress.current().advance()
        return html

    def on_post_page(self, output: str, *, page, config, **_kwargs) -> str:
        # Keep these the last things done to a page: whatever produced `output`, it is checked.
        output = with_content_security_policy(output)
        return self.check_page_markup(output, page.file.dest_uri, config)

    def check_page_markup(self, output: str, name: str, config) -> str:
        """Defence in depth: a page with markup outside the allowlist is never written as it is.

        Under `kb build` the whole new site is checked before it is swapped in (site.py), so
        the check runs once, there; under plain `mkdocs build` and `mkdocs serve`, here.
        """
        if os.environ.get("KB_SITE_CHECKS_MARKUP") == "1":
            return output
        offences = find_offences(name, output, extra_script_paths(config))
        self.checked.add(name)
        if not offences:
            return output
        self.offences += offences
        for offence in offences:
            print(offence, flush=True)
        return _WITHHELD_PAGE

    def on_post_build(self, *, config, **_kwargs) -> None:
        # Pages MkDocs copies as they are (kb's alias redirects) get the same check.
        if os.environ.get("KB_SITE_CHECKS_MARKUP") != "1":
            static = find_site_offences(config.site_dir, extra_script_paths(config), frozenset(self.checked))
            for offence in static:
                print(offence, flush=True)
            self.offences += static
        if self.offences and not self.serving:
            raise Abort(f"kb: {len(self.offences)} piece(s) of markup outside the allowlist; see above")

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
