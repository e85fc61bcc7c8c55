"""The `kb` command: build, serve, check, new, schema. The only place that prints and exits."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .errors import BuilderError, Diagnostic

ROOT_HELP = "The project folder (holds mkdocs.yml and content/); by default the nearest one above the current folder."


def find_project(start: Path) -> Path | None:
    """The nearest folder from `start` upward that holds mkdocs.yml or content/kb.yml (as git finds .git)."""
    for folder in [start, *start.parents]:
        if (folder / "mkdocs.yml").is_file() or (folder / "content" / "kb.yml").is_file():
            return folder
    return None


def _root(project: str | None) -> Path:
    if project is not None:
        return Path(project).resolve()
    here = Path.cwd().resolve()
    return find_project(here) or here


def _run_check(root: Path):
    from .pipeline import check as run_check

    try:
        return run_check(root / "content", root)
    except OSError as exc:
        from .site import file_system_message

        click.echo(file_system_message(exc, root), err=True)
        sys.exit(1)


def _stopped(exc: KeyboardInterrupt):
    from .site import Terminated, site_in_place

    if site_in_place:  # the build had succeeded: say so, and do not fail it
        click.echo(f"kb: site built in {site_in_place[-1]} (stopped afterwards)")
        sys.exit(0)
    click.echo("kb: terminated" if isinstance(exc, Terminated) else "kb: interrupted", err=True)
    sys.exit(143 if isinstance(exc, Terminated) else 130)


class KbGroup(click.Group):
    """Ctrl-C or SIGTERM anywhere: one line and the shell's exit status, never a traceback."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as exc:
            _stopped(exc)

    def invoke(self, ctx):
        try:
            from .site import terminate_as_interrupt

            with terminate_as_interrupt():
                return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            _stopped(exc)


def _print_diagnostics(diagnostics: list[Diagnostic], strict: bool) -> int:
    for d in diagnostics:
        click.echo(str(d))
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    fatal = errors + (warnings if strict else 0)
    summary = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if strict and warnings:
        summary += " (warnings are errors with --strict)"
    click.echo(summary)
    return 1 if fatal else 0


@click.group(cls=KbGroup)
@click.version_option(package_name="kb")
def main() -> None:
    """kb: a knowledge base of who and what your news articles are about."""


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(project: str, strict: bool) -> None:
    """Validate content/ and print every problem as path:line:col."""
    root = _root(project)
    result = _run_check(root)
    sys.exit(_print_diagnostics(result.diagnostics, strict))


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--site-dir", default=None, help="Where to put the site (default: site/ in the project).")
@click.option("--strict", is_flag=True, help="Treat content warnings as errors.")
def build(project: str, site_dir: str | None, strict: bool) -> None:
    """Check content, generate Markdown, render the site with MkDocs, swap it into site/."""
    from .site import FileSystemError, SiteDirRefused, build_site, deferred_signals

    root = _root(project)
    target = Path(site_dir).absolute() if site_dir else root / "site"
    try:
        log_lines = build_site(root, target, strict_content=strict)
    except (SiteDirRefused, FileSystemError) as exc:
        click.echo(f"{exc}", err=True)
        sys.exit(1)
    except BuilderError as exc:
        click.echo(f"{exc}", err=True)
        click.echo("kb: nothing was built; the previous site is unchanged", err=True)
        sys.exit(1)
    with deferred_signals():  # the new site is in place: report it, whatever arrives now
        for line in log_lines:
            if ": warning: " in line or ": note: " in line:
                click.echo(line.split(": ", 1)[1])
        click.echo(f"kb: site built in {target} (open {target / 'index.html'})")


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--full/--dirty", default=False, show_default=True,
              help="After an edit, rebuild every page (--full) or only pages whose Markdown changed (--dirty).")
def serve(project: str, dev_addr: str, full: bool) -> None:
    """Serve the site locally; rebuild and reload when content/ or templates/ change."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    from .site import ensure_docs_dir

    root = _root(project)
    result = _run_check(root)
    if _print_diagnostics(result.diagnostics, False):
        sys.exit(1)
    ensure_docs_dir(root)
    try:
        mkdocs_serve(
            config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True,
            build_type=None if full else "dirty",
            strict=full,  # MkDocs warns that a dirty build is for development; content is checked above
        )
    except Abort as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@main.command()
@click.argument("entity_type")
@click.argument("name")
@click.option("--project", default=None, help=ROOT_HELP)
def new(entity_type: str, name: str, project: str) -> None:
    """Create content/entities/<id>.yaml for a new entity, e.g. kb new person "Satya Nadella"."""
    import yaml

    from .load import check_id, load_corpus
    from .site import file_system_message
    from .validate import name_problem

    root = _root(project)
    corpus, _ = load_corpus(root / "content", root)
    problem = name_problem(name)
    if problem:
        click.echo(f"kb: invalid name: {problem}", err=True)
        sys.exit(1)
    types = corpus.vocabulary.entity_types if corpus.vocabulary else {}
    if types and entity_type not in types:
        click.echo(f"kb: unknown entity type '{entity_type}'; expected one of: {', '.join(types)}", err=True)
        sys.exit(1)
    entity_id = slugify(name)
    if not name.strip() or check_id(entity_id):
        click.echo(f"kb: cannot make an id from the name '{name}'", err=True)
        sys.exit(1)
    path = root / "content" / "entities" / f"{entity_id}.yaml"
    if path.exists():
        click.echo(f"kb: {path.relative_to(root)} already exists; not overwriting it", err=True)
        sys.exit(1)
    body = yaml.safe_dump({"name": name.strip(), "type": entity_type}, allow_unicode=True, sort_keys=False)
    text = (
        "# yaml-language-server: $schema=../../schema/entity.schema.json\n"
        + body
        + "aliases: []\nsummary: \"\"\nrelations: []\n"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        click.echo(file_system_message(exc, root), err=True)
        sys.exit(1)
    click.echo(str(path.relative_to(root)))


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if the committed schema files are out of date.")
def schema(project: str, check_only: bool) -> None:
    """Write the JSON Schemas for entity files, kb.yml and front matter into schema/."""
    from .schema import json_schemas

    folder = _root(project) / "schema"
    stale = []
    for name, text in json_schemas().items():
        path = folder / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(name)
            if not check_only:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if check_only and stale:
        click.echo(f"kb: schema out of date: {', '.join(stale)}; run 'kb schema'", err=True)
        sys.exit(1)
    for name in json_schemas():
        click.echo(str(Path("schema") / name))


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--force", is_flag=True, help="Add an article even if it duplicates one already there.")
@click.option("--title", default=None, help="Use this title instead of the one found.")
@click.option("--publisher", default=None, help="Use this publisher instead of the one found.")
@click.option("--author", default=None, help="Use this author instead of the one found.")
@click.option("--date", default=None, help="Use this date (YYYY, YYYY-MM, YYYY-MM-DD or 'unknown').")
@click.option("--encoding", default=None, help="The text encoding of files that declare none (default UTF-8).")
def add(sources: tuple[str, ...], project: str, force: bool, title, publisher, author, date, encoding) -> None:
    """Add saved pages, text files, folders of them or URLs as content/articles/<slug>.md."""
    import time

    from .add import Overrides, add_sources, check_overrides
    from .progress import Progress

    overrides = Overrides(title, publisher, author, date)
    problem = check_overrides(overrides)
    if problem:
        click.echo(f"kb: {problem}", err=True)
        sys.exit(2)
    started = time.perf_counter()
    counts = {"added": 0, "duplicate": 0, "failed": 0}
    not_added: list[str] = []
    try:
        with Progress() as progress:
            for result in add_sources(list(sources), _root(project), force=force, overrides=overrides,
                                      encoding=encoding, progress=progress):
                counts[result.status] += 1
                if result.status == "added":
                    click.echo(f"added {result.path} from {result.source}")
                    for key, value, where in result.notes:
                        shown = f"{value}  ({where})" if value else where
                        click.echo(f"    {key + ':':11}{shown}")
                else:
                    not_added.append(result.source)
                    if result.status == "duplicate":
                        click.echo(f"kb: {result.source}: {result.reason}; nothing written (--force adds it anyway)",
                                   err=True)
                    else:
                        click.echo(f"kb: {result.source}: {result.reason}; nothing written", err=True)
    except BuilderError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    summary = f"kb add: {counts['added']} added"
    if counts["duplicate"]:
        summary += f", {counts['duplicate']} duplicate{'s' if counts['duplicate'] != 1 else ''} refused"
    if counts["failed"]:
        summary += f", {counts['failed']} failed"
    if not_added:
        shown = ", ".join(not_added[:10]) + (f" and {len(not_added) - 10} more" if len(not_added) > 10 else "")
        summary += f" (not added: {shown})"
    click.echo(summary + f" in {time.perf_counter() - started:.1f} s")
    sys.exit(1 if not_added else 0)


if __name__ == "__main__":
    main()
