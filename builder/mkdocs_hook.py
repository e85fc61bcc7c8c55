"""MkDocs glue, kept thin: run the kb builder before MkDocs reads the generated Markdown.

`mkdocs build` and `mkdocs serve` validate first; on any content error nothing is
written and MkDocs aborts (in `serve`, the last good site stays served). `serve`
also watches content/ and templates/.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import Abort

from builder.errors import BuilderError, ContentError
from builder.pipeline import build_docs

log = logging.getLogger("mkdocs.plugins.kb")


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_pre_build(config, **_kwargs) -> None:
    root = _root(config)
    try:
        result = build_docs(
            root / "content",
            Path(config.docs_dir),
            templates_dir=root / "templates",
            cache_dir=root / "build" / "cache",
            root=root,
        )
    except ContentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, flush=True)
        errors = sum(d.is_error for d in exc.diagnostics)
        raise Abort(f"kb: {errors} error(s) in content; the site was not rebuilt") from None
    except BuilderError as exc:
        raise Abort(f"kb: {exc}") from None
    for diagnostic in result.diagnostics:
        log.info(str(diagnostic))
    took = sum(result.timings.values())
    log.info(
        f"kb: generated {result.pages_written} changed page(s), {result.pages_unchanged} unchanged, in {took:.2f} s"
    )


def on_serve(server, config, builder, **_kwargs):
    root = _root(config)
    for folder in ("content", "templates"):
        server.watch(str(root / folder))
    return server
