"""Diagnostics and the exceptions that carry them.

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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

    def __str__(self) -> str:
        return visible(f"{self.location}: {self.severity}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(location: Location, message: str) -> Diagnostic:
    return Diagnostic(location, "error", message)


def warning(location: Location, message: str) -> Diagnostic:
    return Diagnostic(location, "warning", message)


class BuilderError(Exception):
    """Base class of every error kb reports to a user."""


class ContentError(BuilderError):
    """The content has problems; `diagnostics` lists every one of them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
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
