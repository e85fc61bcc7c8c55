"""MkDocs glue, kept thin: run the kb builder before MkDocs reads the generated Markdown.

Enabled with `plugins: [search, kb]` in mkdocs.yml. `mkdocs build` and `mkdocs serve`
validate first; on any content error nothing is written: `build` aborts, `serve`
reports the errors and keeps serving the last good site. `serve` also watches content/ and templates/.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin

from .allowlist import extra_script_paths, find_offences, find_site_offences, with_content_security_policy
from .errors import BuilderError, ContentError
from .pipeline import DEFAULT_TEMPLATES, build_docs

log = logging.getLogger("mkdocs.plugins.kb")


class KbPlugin(BasePlugin):
    serving = False
    checked: set[str]
    offences: list

    def on_startup(self, *, command, dirty, **_kwargs) -> None:
        self.serving = command == "serve"

    def on_pre_build(self, config, **_kwargs) -> None:
        self.checked, self.offences = set(), []
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
        for diagnostic in result.diagnostics:
            log.info(str(diagnostic))
        took = sum(result.timings.values())
        log.info(f"kb: {result.pages_written} page(s) written, {result.pages_unchanged} unchanged, in {took:.2f} s")

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


_WITHHELD_PAGE = (
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page withheld</title></head>"
    "<body><p>kb withheld this page: it held markup outside the allowlist (see the build log).</p></body></html>\n"
)
