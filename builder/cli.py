"""The `kb` command: build, serve, check, new, schema. The only place that prints and exits."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import BuilderError, ContentError, Diagnostic, fatal_count, report_lines, summary_line
from .pipeline import check as run_check

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


VERBOSE_HELP = "Print every warning, not one line per class of warning."


def _print_diagnostics(
    diagnostics: list[Diagnostic], strict: bool, silenced: frozenset[str] = frozenset(), verbose: bool = False
) -> int:
    for line in report_lines(diagnostics, verbose=verbose, silenced=silenced):
        click.echo(line)
    click.echo(summary_line(diagnostics, silenced=silenced, strict=strict))
    return 1 if fatal_count(diagnostics, silenced=silenced, strict=strict) else 0


@click.group(cls=KbGroup)
@click.version_option(package_name="kb")
def main() -> None:
    """kb: a knowledge base of who and what your news articles are about."""


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (except classes silenced in kb.yml).")
@click.option("--verbose", is_flag=True, help=VERBOSE_HELP)
def check(project: str, strict: bool, verbose: bool) -> None:
    """Validate content/ and print every problem as path:line:col."""
    root = _root(project)
    result = _run_check(root)
    sys.exit(_print_diagnostics(result.diagnostics, strict, result.silenced, verbose))


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--site-dir", default=None, help="Where to put the site (default: site/ in the project).")
@click.option("--strict", is_flag=True, help="Treat content warnings as errors (except classes silenced in kb.yml).")
@click.option("--verbose", is_flag=True, help=VERBOSE_HELP)
def build(project: str, site_dir: str | None, strict: bool, verbose: bool) -> None:
    """Check content, generate Markdown, render the site with MkDocs, swap it into site/."""
    from .progress import Progress
    from .site import FileSystemError, SiteDirRefused, build_site, deferred_signals

    root = _root(project)
    target = Path(site_dir).absolute() if site_dir else root / "site"
    failure: BuilderError | None = None
    with Progress() as progress:
        try:
            log_lines = build_site(root, target, strict_content=strict, verbose=verbose)
        except BuilderError as exc:
            failure = exc
    if failure is not None:
        click.echo(f"{failure}", err=True)
        if not isinstance(failure, (SiteDirRefused, FileSystemError)):  # those are one line, nothing touched
            click.echo("kb: nothing was built; the previous site is unchanged", err=True)
        sys.exit(1)
    with deferred_signals():  # the new site is in place: report it, whatever arrives now
        for line in log_lines:
            if ": warning: " in line or ": note: " in line or line.startswith("INFO: kb: checked "):
                click.echo(line.split(": ", 1)[1])
        click.echo(f"kb: site built in {target} in {progress.elapsed:.1f} s (open {target / 'index.html'})")


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--full/--dirty", default=False, show_default=True,
              help="After an edit, rebuild every page (--full) or only pages whose Markdown changed (--dirty).")
@click.option("--verbose", is_flag=True, help=VERBOSE_HELP)
def serve(project: str, dev_addr: str, full: bool, verbose: bool) -> None:
    """Serve the site locally; rebuild and reload when content/ or templates/ change."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    from .site import ensure_docs_dir

    root = _root(project)
    result = _run_check(root)
    if _print_diagnostics(result.diagnostics, False, result.silenced, verbose):
        sys.exit(1)
    ensure_docs_dir(root)
    if verbose:
        os.environ["KB_VERBOSE"] = "1"
    try:
        mkdocs_serve(
            config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True,
            build_type=None if full else "dirty",
            strict=full,  # MkDocs warns that a dirty build is for development; content is checked above
        )
    except Abort as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.command()
@click.argument("entity_type")
@click.argument("name")
@click.option("--project", default=None, help=ROOT_HELP)
def new(entity_type: str, name: str, project: str) -> None:
    """Create content/entities/<id>.yaml for a new entity, e.g. kb new person "Satya Nadella"."""
    from .load import load_corpus
    from .newentity import NewEntityError, write_entity
    from .validate import name_problem

    root = _root(project)
    corpus, _ = load_corpus(root / "content", root)
    problem = name_problem(name)
    if problem:
        click.echo(f"kb: invalid name: {problem}", err=True)
        sys.exit(1)
    types = corpus.vocabulary.entity_types if corpus.vocabulary else {}
    try:
        path = write_entity(root, entity_type, name, types)
    except NewEntityError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(str(path.relative_to(root)))


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="Names and aliases listed.")
@click.option("--write", "write_names", multiple=True, metavar="NAME",
              help="Create the entity file for this suggested name (repeatable), with the aliases found.")
@click.option("--type", "entity_type", default=None, help="The type for --write, when the guess is wrong or missing.")
@click.argument("more_names", nargs=-1, metavar="[NAME]...")
def suggest(project: str, as_json: bool, limit: int, write_names: tuple[str, ...], entity_type: str | None,
            more_names: tuple[str, ...]) -> None:
    """Names the articles use that no entity covers, aliases entities lack, entities never mentioned.

    kb suggest --write "Tim Cook" "Apple" writes an entity file for each name given."""
    import json

    if more_names and not write_names:
        raise click.UsageError("names are only taken with --write: kb suggest --write NAME [NAME]...")
    write_names = write_names + more_names

    from .errors import relative_path
    from .newentity import NewEntityError, write_entity
    from .progress import Progress
    from .suggest import find_candidate, report_text, suggest as run_suggest

    root = _root(project)
    found = None
    with Progress() as progress:
        progress.step("kb: checking content")
        result = run_check(root / "content", root)
        if result.kb is not None and result.linked is not None and not result.errors:
            progress.step("kb: reading articles", total=len(result.kb.articles))
            found = run_suggest(result.kb, result.linked, on_article=progress.advance)
    if found is None:
        _print_diagnostics(result.diagnostics, False, result.silenced)
        click.echo("kb: fix the errors above first; suggestions need content that checks", err=True)
        sys.exit(1)
    summary = (
        f"kb: {len(found.entities)} names, {len(found.aliases)} aliases, {len(found.unmentioned)} unmentioned "
        f"entities from {len(result.kb.articles)} articles and {len(result.kb.entities)} entities "
        f"in {progress.elapsed:.1f} s"
    )
    if write_names:
        types = result.kb.vocabulary.entity_types if result.kb.vocabulary else {}
        failed = 0
        for name in write_names:
            cand = find_candidate(found, name)
            known = next((e for e in result.kb.entities.values()
                          if name.casefold() in {n.casefold() for n in [e.name, *(a.name for a in e.aliases)]}), None)
            if cand is None and known is not None:
                click.echo(f"kb: '{name}' is already an entity: {known.location.path}", err=True)
                failed += 1
                continue
            if cand is None:
                click.echo(f"kb: '{name}' is not among the suggestions; use kb new TYPE \"{name}\"", err=True)
                failed += 1
                continue
            chosen = entity_type or cand.type
            if not chosen:
                click.echo(f"kb: no type guessed for '{cand.name}' ({cand.reason}); give one with --type", err=True)
                failed += 1
                continue
            aliases = sorted(cand.aliases, key=lambda a: (-cand.aliases[a], a))
            try:
                path = write_entity(root, chosen, cand.name, types, aliases)
            except NewEntityError as exc:
                click.echo(str(exc), err=True)
                failed += 1
                continue
            click.echo(f"{relative_path(path, root)}: {chosen} '{cand.name}'"
                       + (f", aliases: {', '.join(aliases)}" if aliases else ""))
        sys.exit(1 if failed else 0)
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        click.echo(summary, err=True)
        return
    paths = {e.id: e.location.path for e in result.kb.entities.values()}
    for line in report_text(found, limit, paths):
        click.echo(line)
    click.echo("")
    click.echo(summary)


@main.command()
@click.option("--project", default=None, help=ROOT_HELP)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "graphml", "jsonld"]), default="json",
              show_default=True, help="JSON (schema/export.schema.json), CSV tables, GraphML (Gephi) or JSON-LD.")
@click.option("--out", default=None,
              help="The file to write (a folder for csv); by default the standard output (csv needs --out).")
def export(project: str, fmt: str, out: str | None) -> None:
    """Export the knowledge graph: entities, aliases, relations, mentions, quotes, facts and citations."""
    from .assemble import assemble
    from .export import to_csv, to_graphml, to_json, to_jsonld
    from .site import file_system_message

    root = _root(project)
    if fmt != "csv" and out and out != "-" and (out.endswith(("/", os.sep)) or Path(out).is_dir()):
        click.echo(f"kb: --out {out} is a folder; --format {fmt} writes one file: give a file name, such as"
                   f" {os.path.join(out, 'kb.' + fmt)}", err=True)
        sys.exit(2)
    result = run_check(root / "content", root)
    if result.kb is None or result.linked is None or result.errors:
        _print_diagnostics(result.diagnostics, False, result.silenced)
        click.echo("kb: nothing was exported; fix the errors above first", err=True)
        sys.exit(1)
    graph = assemble(result.kb, result.linked)
    if fmt == "csv":
        if not out:
            click.echo("kb: --format csv writes a folder of tables; give it with --out FOLDER", err=True)
            sys.exit(2)
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            click.echo(f"kb: {out} is a file; --format csv needs a folder", err=True)
            sys.exit(1)
        tables = to_csv(graph)
        for name, text in tables.items():
            _refuse_to_overwrite(folder / name, text, fmt)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in tables.items():
                (folder / name).write_text(text, encoding="utf-8")
                click.echo(str(folder / name))
        except OSError as exc:
            click.echo(file_system_message(exc, root), err=True)
            sys.exit(1)
        return
    text = {"json": to_json, "graphml": to_graphml, "jsonld": to_jsonld}[fmt](graph)
    if not out or out == "-":
        click.echo(text, nl=False)
        return
    target = Path(out)
    _refuse_to_overwrite(target, text, fmt)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(file_system_message(exc, root), err=True)
        sys.exit(1)
    click.echo(str(target))


# How many first lines an earlier export of each format shares with any new one.
_EXPORT_HEAD_LINES = {"json": 2, "jsonld": 3, "graphml": 3, "csv": 1}


def _refuse_to_overwrite(path: Path, text: str, fmt: str) -> None:
    """Exit 1 unless `path` is new or an earlier kb export in the same format: never replace a user's file."""
    if not path.exists() and not path.is_symlink():
        return
    lines = _EXPORT_HEAD_LINES[fmt]
    expected = "".join(text.splitlines(keepends=True)[:lines]).encode("utf-8")
    head = None
    if path.is_file():  # never open a device or a pipe: it may never end
        try:
            with open(path, "rb") as handle:
                head = handle.read(len(expected))
        except OSError:
            pass
    if head != expected:
        click.echo(f"kb: {path} exists and is not an earlier kb export ({fmt}); not overwriting it "
                   "(remove it or give another --out)", err=True)
        sys.exit(1)


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
