"""Phase 1, load: content files become typed objects that remember their file and line.

Problems found while reading (encoding, size, YAML syntax, schema shape) become
diagnostics; a file with problems is left out of the corpus, but its id is kept so
that references to it are not reported a second time.
"""

from __future__ import annotations

import difflib
import errno
import functools
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .cache import digest
from .errors import Diagnostic, Location, error, relative_path, warning
from .model import (
    Alias,
    InfoboxItem,
    Storyline,
    Article,
    Citation,
    Corpus,
    Entity,
    EntityType,
    Fact,
    Reference,
    Relation,
    RelationType,
    Vocabulary,
    optional_date,
)
from .markdown import WIKILINK
from .schema import ID_PATTERN, EntitySpec, FrontMatterSpec, VocabularySpec
from .text import parse_body
from .source import SourceDoc, SourceProblem, parse_yaml, read_text, split_front_matter

ENTITY_SUFFIXES = (".yaml", ".yml")


def load_corpus(
    content_dir: Path, root: Path | None = None, parsed: dict[str, list] | None = None
) -> tuple[Corpus, list[Diagnostic]]:
    """Read content_dir (kb.yml, entities/, articles/) into a Corpus plus every problem found.

    `parsed` maps an article body's digest to its blocks from an earlier build; those
    bodies are not parsed again (their syntax tree is made only if a page needs it).
    """
    root = root or content_dir.parent
    parsed = parsed or {}
    diagnostics: list[Diagnostic] = []
    if content_dir.is_dir():
        try:
            os.listdir(content_dir)
        except OSError as exc:  # otherwise everything in it would look missing
            where = Location(relative_path(content_dir, root))
            return Corpus(None, [], [], set()), [error(where, f"cannot read the folder: {exc.strerror or exc}")]
    vocabulary = _load_vocabulary(content_dir / "kb.yml", root, diagnostics)
    entities, broken_entities = _load_all(
        _files(content_dir / "entities", ENTITY_SUFFIXES, root, diagnostics), root, _load_entity, diagnostics
    )
    articles, broken_articles = _load_all(
        _files(content_dir / "articles", (".md",), root, diagnostics),
        root,
        lambda path, article_id, display, found: _load_article(path, article_id, display, found, parsed),
        diagnostics,
    )
    return Corpus(vocabulary, entities, articles, broken_entities | broken_articles), diagnostics


def _files(folder: Path, suffixes: tuple[str, ...], root: Path, diagnostics: list[Diagnostic]) -> list[tuple[Path, str]]:
    """The files to load from a folder, each with the path diagnostics name it by."""
    if not folder.is_dir():
        diagnostics.append(error(Location(relative_path(folder, root)), "folder is missing"))
        return []
    problem = outside_project(folder, root)
    if problem:
        diagnostics.append(error(Location(_display(folder, root)), problem))
        return []
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        diagnostics.append(error(Location(relative_path(folder, root)), f"cannot read the folder: {exc.strerror or exc}"))
        return []
    files = []
    for path in entries:
        if path.name.startswith("."):
            continue
        link = path.is_symlink()
        if link:
            display, problem = _display(path, root), outside_project(path, root)
        else:  # a plain entry of a folder inside the project (checked above) is inside it too
            display, problem = relative_path(path, root), None
        if problem:
            diagnostics.append(error(Location(display), problem))
        elif path.is_dir():
            kind = "a folder, not a file" if path.suffix in suffixes else "a folder: kb reads only the files directly in"
            where = relative_path(folder, root)
            message = f"'{path.name}' is {kind}" + (f" {where}/; it is ignored" if kind.endswith("in") else "")
            if path.suffix in suffixes:
                diagnostics.append(error(Location(display), message))
            else:
                diagnostics.append(warning(Location(display), message, "ignored-folder"))
        elif not path.is_file():
            diagnostics.append(error(Location(display), "not a regular file"))
        elif path.suffix in suffixes:
            files.append((path, relative_path(path, root) if link else display))
        else:
            expected = " or ".join(suffixes)
            diagnostics.append(error(Location(display), f"unexpected file here: expected a {expected} file"))
    return files


def _display(path: Path, root: Path) -> str:
    """A path as written (not resolved through symbolic links), relative to the project."""
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


OUTSIDE = "symbolic link points outside the project; copy what it points to into content/ instead"


def outside_project(path: Path, root: Path) -> str | None:
    """Why a path in content/ cannot be read: a broken symbolic link, a loop, or one pointing outside the project."""
    if not path.is_symlink():
        if path.resolve().is_relative_to(root.resolve()):
            return None
        return OUTSIDE
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop"
    except FileNotFoundError:
        return f"broken symbolic link (to {os.readlink(path)})"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot follow the symbolic link: {exc.strerror or exc}"
    if not target.is_relative_to(root.resolve()):
        return OUTSIDE
    return None


def _load_all(paths, root, load_one, diagnostics):
    loaded, broken, seen = [], set(), {}
    for path, display in paths:
        file_id = path.stem
        id_problem = check_id(file_id)
        if id_problem:
            diagnostics.append(error(Location(display), f"invalid id '{file_id}' (from the file name): {id_problem}"))
            continue
        if file_id in seen:
            diagnostics.append(
                error(Location(display), f"duplicate id '{file_id}': other instance in {seen[file_id]}")
            )
            continue
        seen[file_id] = display
        try:
            item = load_one(path, file_id, display, diagnostics)
        except SourceProblem as problem:
            diagnostics.append(problem.diagnostic)
            item = None
        if item is None:
            broken.add(file_id)
        else:
            loaded.append(item)
    return loaded, broken


MAX_ID_LENGTH = 120  # as for ids in references (schema.Id)


def check_id(text: str) -> str | None:
    """Why `text` is not a safe id, or None when it is one."""
    if len(text) > MAX_ID_LENGTH:
        return f"ids are at most {MAX_ID_LENGTH} characters; this one has {len(text):,}"
    if re.match(ID_PATTERN, text):
        return None
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    hint = f"; try '{suggestion}'" if suggestion else ""
    return f"use lowercase letters, digits and single hyphens{hint}"


def _validate(spec: type[BaseModel], doc: SourceDoc, diagnostics: list[Diagnostic]) -> Any:
    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else type(doc.data).__name__
        diagnostics.append(error(doc.at(), f"expected a mapping of fields, got {kind}"))
        return None
    try:
        return spec.model_validate(doc.data)
    except ValidationError as exc:
        diagnostics.extend(translate_errors(spec, doc, exc))
        return None


def _load_vocabulary(path: Path, root: Path, diagnostics: list[Diagnostic]) -> Vocabulary | None:
    display = relative_path(path, root)
    problem = outside_project(path, root)
    if problem:
        diagnostics.append(error(Location(display), problem))
        return None
    if path.is_dir():
        diagnostics.append(error(Location(display), "is a folder; content/kb.yml must be a file"))
        return None
    if not path.is_file():
        diagnostics.append(error(Location(display), "content/kb.yml is missing: it names the entity and relation types"))
        return None
    try:
        doc = parse_yaml(read_text(path, display), display)
    except SourceProblem as problem:
        diagnostics.append(problem.diagnostic)
        return None
    spec = _validate(VocabularySpec, doc, diagnostics)
    if spec is None:
        return None
    return Vocabulary(
        title=spec.title,
        description=spec.description,
        entity_types={
            k: EntityType(k, v.label, v.plural, tuple(_infobox_item(i) for i in v.infobox))
            for k, v in spec.entity_types.items()
        },
        relation_types={
            k: RelationType(k, v.label, v.label if v.symmetric else v.inverse, v.symmetric)
            for k, v in spec.relation_types.items()
        },
        location=doc.at(),
        properties=dict(spec.properties),
        storylines=[Storyline(s.title, s.summary, tuple(s.entities)) for s in spec.storylines],
        featured=list(spec.featured),
        event_properties=list(spec.event_properties),
        locations=_vocabulary_locations(spec, doc),
        silence=frozenset(spec.silence),
    )


def _vocabulary_locations(spec: VocabularySpec, doc) -> dict[tuple, Location]:
    """Where kb.yml names entities and relation types, for located messages in validation."""
    out = {("featured", i): doc.at("featured", i) for i in range(len(spec.featured))}
    out["title",] = doc.at("title")
    for i in range(len(spec.storylines)):
        out["storylines", i, "title"] = doc.at("storylines", i, "title")
    for type_id in spec.entity_types:
        for key in ("label", "plural"):
            out["entity_types", type_id, key] = doc.at("entity_types", type_id, key)
    for relation_id, relation in spec.relation_types.items():
        for key in ("label", "inverse"):
            out["relation_types", relation_id, key] = doc.at("relation_types", relation_id, key)
    for i, story in enumerate(spec.storylines):
        for j in range(len(story.entities)):
            out["storylines", i, "entities", j] = doc.at("storylines", i, "entities", j)
    for type_id, entity_type in spec.entity_types.items():
        for n, item in enumerate(entity_type.infobox):
            out["entity_types", type_id, "infobox", n] = doc.at("entity_types", type_id, "infobox", n)
            if not isinstance(item, str):
                out["entity_types", type_id, "infobox", n, "relation"] = doc.at(
                    "entity_types", type_id, "infobox", n, "relation")
    return out


def _infobox_item(item) -> InfoboxItem:
    if isinstance(item, str):
        return InfoboxItem(property=item)
    return InfoboxItem(relation=item.relation, inverse=item.inverse, label=item.label)


def _load_entity(path: Path, entity_id: str, display: str, diagnostics: list[Diagnostic]) -> Entity | None:
    text = read_text(path, display)
    doc = parse_yaml(text, display)
    spec = _validate(EntitySpec, doc, diagnostics)
    if spec is None:
        return None
    return Entity(
        id=entity_id,
        name=spec.name,
        type=spec.type,
        aliases=[Alias(a.name, a.ambiguous, doc.at("aliases", i)) for i, a in enumerate(spec.aliases)],
        short_names=[Alias(name, False, doc.at("short_names", i)) for i, name in enumerate(spec.short_names)],
        name_location=doc.at("name"),
        summary=spec.summary,
        relations=[
            Relation(
                type=r.type,
                target=r.target,
                since=optional_date(r.since),
                until=optional_date(r.until),
                sources=tuple(r.sources),
                location=doc.at("relations", i, "type"),
                target_location=doc.at("relations", i, "target"),
                source_locations=tuple(doc.at("relations", i, "sources", j) for j in range(len(r.sources))),
            )
            for i, r in enumerate(spec.relations)
        ],
        facts=[
            Fact(
                text=f.text,
                property=f.property,
                value=f.value,
                as_of=optional_date(f.as_of),
                citations=tuple(
                    Citation(
                        s.article,
                        s.quote,
                        doc.at("facts", i, "sources", j, "quote"),
                        doc.at("facts", i, "sources", j, "article"),
                    )
                    for j, s in enumerate(f.sources)
                ),
                location=doc.at("facts", i),
            )
            for i, f in enumerate(spec.facts)
        ],
        date=optional_date(spec.date),
        participants=list(spec.participants),
        location=doc.at(),
        type_location=doc.at("type"),
        summary_location=_scalar_start(text, doc.at("summary")),
        references=_references(
            text,
            [(spec.summary, doc.at("summary"))] + [(f.text, doc.at("facts", i, "text")) for i, f in enumerate(spec.facts)],
        ),
        participant_locations=[doc.at("participants", i) for i in range(len(spec.participants))],
    )


def _load_article(
    path: Path, article_id: str, display: str, diagnostics: list[Diagnostic], parsed: dict[str, list]
) -> Article | None:
    doc, body, body_line = split_front_matter(read_text(path, display), display)
    spec = _validate(FrontMatterSpec, doc, diagnostics)
    if spec is None:
        return None
    body_digest = digest(str(body_line), body)
    # The syntax tree is not kept: 10,000 of them take gigabytes. Rendering parses again
    # the bodies that need it (those that are not plain prose).
    blocks = parsed[body_digest] if body_digest in parsed else parse_body(body, body_line)
    return Article(
        id=article_id,
        title=spec.title,
        publisher=spec.publisher,
        date=optional_date(spec.date),
        author=spec.author,
        url=spec.url,
        body=body,
        body_line=body_line,
        location=Location(display, 1, 1),
        blocks=blocks,
        digest=body_digest,
        field_locations={key: doc.at(key) for key in ("title", "publisher", "author")},
    )


# --- turning pydantic's errors into messages that point at the YAML -------------------------

_TYPE_NAMES = {
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
}


def translate_errors(spec: type[BaseModel], doc: SourceDoc, exc: ValidationError) -> list[Diagnostic]:
    out = []
    for err in _one_branch_per_union(exc.errors(include_url=False)):
        loc = tuple(err["loc"])
        out.append(error(*_explain(spec, doc, loc, err)))
    return out


_TYPE_ERRORS = {"string_type", "model_type", "dict_type", "model_attributes_type"}


@functools.cache
def _model_names() -> frozenset[str]:
    from . import schema

    return frozenset(name for name, value in vars(schema).items()
                     if isinstance(value, type) and issubclass(value, BaseModel))


def _union_tag(loc: tuple, i: int) -> bool:
    """pydantic names the member of a union (`Id | InfoboxRelationSpec`) in an error's location,
    right after the list index; anything else there is a key the file wrote."""
    part = loc[i]
    return (i > 0 and isinstance(loc[i - 1], int) and isinstance(part, str)
            and (part == "constrained-str" or part in _model_names()))


def _one_branch_per_union(errors: list[dict]) -> list[dict]:
    """A value that fits no member of a union: the errors of the member the value was meant for
    (a mapping: the mapping's; otherwise the string's), or one line when it fits neither, with the
    union's member names (internal to kb) left out of the location."""
    groups: dict[tuple, list[tuple[str, dict]]] = {}
    out: list[dict | tuple] = []
    for err in errors:
        loc = tuple(err["loc"])
        at = next((i for i in range(len(loc)) if _union_tag(loc, i)), None)
        if at is None:
            out.append(err)
            continue
        key = loc[:at]
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append((loc[at], {**err, "loc": key + loc[at + 1:]}))
    result = []
    for item in out:
        if isinstance(item, dict):
            result.append(item)
            continue
        branches = groups[item]
        wrong_type = [e for _, e in branches if e["type"] in _TYPE_ERRORS and tuple(e["loc"]) == item]
        if len(wrong_type) == len(branches) and len({tag for tag, _ in branches}) > 1:
            value = wrong_type[0].get("input")
            result.append({**wrong_type[0], "type": "union_no_member", "input": value})
            continue
        mapping = any(tag != "constrained-str" and (e["type"] not in _TYPE_ERRORS or tuple(e["loc"]) != item)
                      for tag, e in branches)
        result.extend(e for tag, e in branches if (tag != "constrained-str") == mapping)
    return result


def _explain(spec: type[BaseModel], doc: SourceDoc, loc: tuple, err: dict) -> tuple[Location, str]:
    kind = err["type"]
    name = _field_name(loc)
    value = err.get("input")
    if kind == "extra_forbidden":
        known = _fields_at(spec, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        message = f"unknown field '{loc[-1]}'"
        message += f" (did you mean '{hint[0]}'?)" if hint else f"; expected one of: {', '.join(known)}"
        return doc.key_at(*loc), message
    if kind == "missing":
        return doc.at(*loc[:-1]), f"missing required field '{loc[-1]}'"
    if kind == "union_no_member":
        return doc.at(*loc), f"an item of '{name}' should be a string or a mapping, got {_describe(value)}"
    if kind == "model_type" and "aliases" in loc:
        return doc.at(*loc), f"an alias should be a name or a mapping with 'name', got {_describe(value)}"
    if kind in _TYPE_NAMES:
        return doc.at(*loc), f"'{name}' should be {_TYPE_NAMES[kind]}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern == ID_PATTERN:
            return doc.at(*loc), f"invalid id '{value}' in '{name}': {check_id(str(value))}"
        if "https?" in pattern:
            text = str(value)
            scheme = text.split("://", 1)[0] if "://" in text else ""
            if scheme.lower() in ("http", "https") and scheme != scheme.lower():
                return doc.at(*loc), (
                    f"invalid URL '{value}' in '{name}': write the scheme in lowercase ('{scheme.lower()}://')"
                )
            if text.lower().startswith(("http://", "https://")):
                return doc.at(*loc), (
                    f"invalid URL '{value}' in '{name}': spaces, quotes and angle brackets must be percent-encoded"
                )
            return doc.at(*loc), f"invalid URL '{value}' in '{name}': only http:// and https:// URLs are allowed"
        return doc.at(*loc), f"invalid date '{value}' in '{name}': expected YYYY, YYYY-MM or YYYY-MM-DD"
    if kind == "value_error":
        return doc.at(*loc), str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "too_short":
        return doc.at(*loc), f"'{name}' needs at least {err['ctx']['min_length']} item(s)"
    if kind == "string_too_short":
        return doc.at(*loc), f"'{name}' must not be empty"
    if kind in ("string_too_long", "too_long"):
        return doc.at(*loc), f"'{name}' is too long (at most {err['ctx']['max_length']:,})"
    return doc.at(*loc), f"'{name}': {err['msg']}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return f"{type(value).__name__} '{value}'" if not isinstance(value, str) else f"'{value}'"


def _field_name(loc: tuple) -> str:
    named = [str(p) for p in loc if isinstance(p, str)]
    return named[-1] if named else "value"


def _fields_at(spec: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc` (a path of field names, dict keys and list indexes)."""
    current: Any = spec
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = _inner_model(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        return None
    return None


def _scalar_start(text: str, where: Location) -> Location:
    """Where a scalar's text starts: the line after a `|` or `>` block indicator."""
    lines = text.split("\n")
    if where.line - 1 >= len(lines):
        return where
    rest = lines[where.line - 1][where.col - 1 :]
    if rest[:1] in ("|", ">") and where.line < len(lines):
        following = lines[where.line]
        indent = len(following) - len(following.lstrip(" "))
        return Location(where.path, where.line + 1, indent + 1)
    return where


def _references(text: str, fields: list[tuple[str, Location]]) -> list[Reference]:
    """Each [[target|label]] in the given field values, located in the file's text."""
    lines = text.split("\n")
    found = []
    for value, where in fields:
        line_no = where.line - 1
        col = where.col - 1
        for match in WIKILINK.finditer(value):
            written = match.group(0)
            while line_no < len(lines) and written not in lines[line_no][col:]:
                line_no, col = line_no + 1, 0
            if line_no < len(lines):
                col = lines[line_no].index(written, col)
                location = Location(where.path, line_no + 1, col + 1)
                col += len(written)
            else:  # folded across lines: point at the field
                location, line_no, col = where, where.line - 1, where.col - 1
            found.append(Reference(match.group(1).strip(), (match.group(2) or "").strip(), location))
    return found
