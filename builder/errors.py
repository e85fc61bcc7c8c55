"""Diagnostics and the exceptions that carry them.

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Every class of warning, by its stable code: shown in each message, named in kb.yml's
# `silence:` list to quiet a class on purpose, counted in summaries.
WARNING_CODES = {
    "unmentioned-entity": "an entity that no article mentions or cites",
    "article-without-entity": "an article that mentions no entity",
    "event-without-date": "an event entity with no 'date'",
    "duplicate-alias": "an alias listed twice for the same entity",
    "common-word-alias": "an alias that is a common lowercase word and would link ordinary text",
    "short-alias": "an alias of one or two characters, which would link every occurrence",
    "ignored-folder": "a folder inside content/articles or content/entities, which kb does not read",
}
SHOWN_PER_CLASS = 3  # files named after a grouped warning

# Characters that could make one diagnostic look like several, or reorder what a terminal shows.
UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text with every control and bidi character written as an escape: one line, shown as stored."""
    return UNSAFE_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True, order=True)
class Location:
    """Where something was written: a file, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    location: Location
    severity: str  # "error" or "warning"
    message: str
    code: str = field(default="", compare=False)  # a warning's class, one of WARNING_CODES

    def __str__(self) -> str:
        tag = f" [{self.code}]" if self.code else ""
        return visible(f"{self.location}: {self.severity}: {self.message}{tag}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(location: Location, message: str) -> Diagnostic:
    return Diagnostic(location, "error", message)


def warning(location: Location, message: str, code: str = "") -> Diagnostic:
    return Diagnostic(location, "warning", message, code)


def warning_class(d: Diagnostic) -> str:
    """The class a warning is grouped and silenced by: its code, else its message."""
    return d.code or d.message


def report_lines(
    diagnostics: list[Diagnostic], *, verbose: bool = False, silenced: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """The lines to print for these diagnostics, each `path:line:col: severity: message`.

    Errors are all printed. Warnings of a silenced class are left out; a class that occurs
    more than once is printed once, at its first occurrence, with a count and the next few
    files, unless `verbose`.
    """
    groups: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.severity == "warning" and warning_class(d) not in silenced:
            groups.setdefault(warning_class(d), []).append(d)
    out = []
    for d in diagnostics:
        if d.severity != "warning":
            out.append(str(d))
            continue
        group = groups.get(warning_class(d))
        if group is None:
            continue
        if verbose or len(group) == 1:
            out.append(str(d))
        elif d is group[0]:
            rest = group[1:]
            names = list(dict.fromkeys(Path(x.location.path).name for x in rest))
            shown = ", ".join(names[:SHOWN_PER_CLASS]) + (", …" if len(names) > SHOWN_PER_CLASS else "")
            out.append(f"{d} (and {len(rest)} more like it: {shown}; --verbose for all)")
    return out


def summary_line(
    diagnostics: list[Diagnostic], *, silenced: frozenset[str] | set[str] = frozenset(), strict: bool = False
) -> str:
    """'1 error, 3 warnings (unmentioned-entity 2, common-word-alias 1), 4 silenced'."""
    errors = sum(d.severity == "error" for d in diagnostics)
    counts = Counter(warning_class(d) for d in diagnostics if d.severity == "warning")
    quiet = sum(n for c, n in counts.items() if c in silenced)
    loud = {c: n for c, n in counts.items() if c not in silenced}
    warnings = sum(loud.values())
    text = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if warnings:
        text += " (" + ", ".join(f"{c} {n}" for c, n in sorted(loud.items(), key=lambda i: (-i[1], i[0]))) + ")"
    if quiet:
        text += f", {quiet} silenced in kb.yml"
    if strict and warnings:
        text += " (warnings are errors with --strict)"
    return text


def fatal_count(diagnostics: list[Diagnostic], *, silenced=frozenset(), strict: bool = False) -> int:
    """Errors, plus warnings of classes not silenced when `strict`."""
    return sum(
        d.severity == "error" or (strict and d.severity == "warning" and warning_class(d) not in silenced)
        for d in diagnostics
    )


class BuilderError(Exception):
    """Base class of every error kb reports to a user."""


class ContentError(BuilderError):
    """The content has problems; `diagnostics` lists every one of them."""

    def __init__(self, diagnostics: list[Diagnostic], silenced: frozenset[str] = frozenset()):
        self.diagnostics = sorted(diagnostics)
        self.silenced = silenced
        errors = sum(d.is_error for d in self.diagnostics)
        super().__init__(f"{errors} error(s) in content")


class RenderError(BuilderError):
    """A template could not be rendered (a user-edited template is broken)."""


class SiteError(BuilderError):
    """MkDocs failed to turn the generated Markdown into a site."""


def relative_path(path: Path, root: Path) -> str:
    """The path as a user would type it: relative to the project when possible."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
