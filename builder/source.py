"""Reading content files safely: size limits, UTF-8, YAML with a location for every node.

A `SourceDoc` is plain Python data plus the line and column where each value and
each mapping key was written, so that any later phase can point at the exact spot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, Location, error

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 50_000  # a billion-laughs document expands far beyond this
MAX_YAML_DEPTH = 50
# libyaml's composer recurses in C and overflows the stack somewhere past 20,000 levels; a
# document whose nesting could exceed this bound is first walked as events (no recursion).
SAFE_COMPOSE_BOUND = 2_000

PathKey = tuple[Any, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ~10x faster


@dataclass
class SourceDoc:
    path: str
    data: Any
    value_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def at(self, *keys: Any) -> Location:
        """The location of the value at `keys`, or of its nearest written ancestor."""
        return self._nearest(self.value_marks, keys)

    def key_at(self, *keys: Any) -> Location:
        """The location of a mapping key (falls back to the value's location)."""
        if tuple(keys) in self.key_marks:
            line, col = self.key_marks[tuple(keys)]
            return Location(self.path, line, col)
        return self.at(*keys)

    def _nearest(self, marks: dict[PathKey, tuple[int, int]], keys: tuple) -> Location:
        keys = tuple(keys)
        while keys and keys not in marks:
            keys = keys[:-1]
        line, col = marks.get(keys, (1, 1))
        return Location(self.path, line, col)


class SourceProblem(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def read_text(path: Path, display: str) -> str:
    """The file's text, or a SourceProblem for oversize or non-UTF-8 files."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceProblem(
                error(Location(display), f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")
            )
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceProblem(error(Location(display), f"cannot read the file: {exc.strerror or exc}")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise SourceProblem(error(Location(display), f"file is over the limit of {MAX_FILE_BYTES:,} bytes"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceProblem(
            error(
                Location(display, line, col),
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            )
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceProblem(error(Location(display, line, 1), "file contains a NUL character"))
    return text


def parse_yaml(text: str, display: str, line_offset: int = 0) -> SourceDoc:
    """Parse one YAML document, keeping marks. Raises SourceProblem on any YAML error."""
    try:
        if _nesting_bound(text) > SAFE_COMPOSE_BOUND:
            _check_depth(text, display, line_offset)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceProblem(error(Location(display, line, col), f"YAML syntax error: {problem}")) from None
    except yaml.YAMLError as exc:  # composer errors without marks, e.g. several documents
        raise SourceProblem(error(Location(display, 1 + line_offset, 1), f"YAML error: {exc}")) from None
    doc = SourceDoc(display, None)
    if node is None:
        return doc
    builder = _NodeConverter(doc, line_offset)
    doc.data = builder.convert(node, ())
    return doc


def _nesting_bound(text: str) -> int:
    """An upper bound on how deeply a YAML text nests, found in one linear pass.

    Flow collections nest at most once per '[' or '{'; block collections need one more
    column of indentation, or a '- ', '? ' or ': ' indicator, per level (twice: a sequence
    may sit at its parent key's column).
    """
    widest = max((len(line) - len(line.lstrip(" \t-?:")) for line in text.split("\n")), default=0)
    return text.count("[") + text.count("{") + 2 * (widest + 1)


def _check_depth(text: str, display: str, line_offset: int) -> None:
    """Walk the YAML events (libyaml's parser keeps its own stack) and stop at the first level too deep."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH + 1:
                mark = event.start_mark
                raise SourceProblem(
                    error(
                        Location(display, mark.line + 1 + line_offset, mark.column + 1),
                        f"YAML nested more than {MAX_YAML_DEPTH} levels deep",
                    )
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


class _NodeConverter:
    """Turns a composed node graph into plain data, counting nodes to stop alias bombs."""

    def __init__(self, doc: SourceDoc, line_offset: int):
        self.doc = doc
        self.line_offset = line_offset
        self.count = 0
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1

    def _fail(self, node: yaml.Node, message: str) -> SourceProblem:
        line, col = self._mark(node)
        return SourceProblem(error(Location(self.doc.path, line, col), message))

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise self._fail(
                node,
                f"YAML expands to more than {MAX_YAML_NODES:,} values (anchors and aliases"
                " repeated too often); write the values out",
            )
        if len(path) > MAX_YAML_DEPTH:
            raise self._fail(node, f"YAML nested more than {MAX_YAML_DEPTH} levels deep")
        if id(node) in self.active:
            raise self._fail(node, "YAML alias refers to itself")
        self.doc.value_marks.setdefault(path, self._mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.active.add(id(node))
            items = [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
            self.active.discard(id(node))
            return items
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict:
        self.active.add(id(node))
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self._fail(key_node, "YAML merge keys ('<<') are not supported; write the fields out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, "a mapping key must be a plain word")
            key = self._scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise self._fail(key_node, f"duplicate key '{key}'")
            self.doc.key_marks[path + (key,)] = self._mark(key_node)
            out[key] = self.convert(value_node, path + (key,))
        self.active.discard(id(node))
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates keep their written form and precision
        if node.tag == "tag:yaml.org,2002:int" and len(node.value) > 100:
            raise self._fail(node, f"number too long ({len(node.value):,} characters); quote it if it is text")
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self._fail(node, f"invalid YAML value: {exc}") from None
        except (ValueError, OverflowError) as exc:
            raise self._fail(node, f"invalid YAML value: {exc}") from None


def split_front_matter(text: str, display: str) -> tuple[SourceDoc, str, int]:
    """An article's front matter, its body, and the body's first line number."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise SourceProblem(
            error(Location(display, 1, 1), "article must start with YAML front matter between '---' lines")
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            doc = parse_yaml(front, display, line_offset=1)
            body = "\n".join(lines[index + 1 :])
            return doc, body, index + 2
    raise SourceProblem(error(Location(display, 1, 1), "front matter is not closed by a '---' line"))
