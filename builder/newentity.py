"""Writing a new entity file: the one writer behind `kb new` and `kb suggest --write`."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from .errors import BuilderError
from .load import check_id


class NewEntityError(BuilderError):
    """The entity file cannot be written (unknown type, no usable id, file exists)."""


def slugify(name: str) -> str:
    """'Zoë Müller-Straße' -> 'zoe-muller-strasse': accents dropped, not the letters they sit on."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def entity_file_text(entity_type: str, name: str, aliases: list[str] = ()) -> str:
    body = yaml.safe_dump({"name": name.strip(), "type": entity_type}, allow_unicode=True, sort_keys=False)
    alias_text = (
        "aliases:\n" + yaml.safe_dump(list(aliases), allow_unicode=True, default_flow_style=False)
        if aliases else "aliases: []\n"
    )
    return (
        "# yaml-language-server: $schema=../../schema/entity.schema.json\n"
        + body
        + alias_text
        + "summary: \"\"\nrelations: []\n"
    )


def write_entity(root: Path, entity_type: str, name: str, types: dict, aliases: list[str] = ()) -> Path:
    """Create content/entities/<id>.yaml; never overwrites. Returns the path written."""
    if types and entity_type not in types:
        raise NewEntityError(f"kb: unknown entity type '{entity_type}'; expected one of: {', '.join(types)}")
    entity_id = slugify(name)
    if not name.strip() or check_id(entity_id):
        raise NewEntityError(f"kb: cannot make an id from the name '{name}'")
    from .validate import RESERVED_IDS

    if entity_id in RESERVED_IDS:  # kb check would refuse the file
        raise NewEntityError(f"kb: the id '{entity_id}' is reserved for {RESERVED_IDS[entity_id]} that kb generates; "
                             f"write content/entities/<another id>.yaml by hand")
    path = root / "content" / "entities" / f"{entity_id}.yaml"
    if path.exists():
        raise NewEntityError(f"kb: {path.relative_to(root)} already exists; not overwriting it")
    aliases = [a for a in dict.fromkeys(a.strip() for a in aliases) if a and a != name.strip()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:  # never overwrites, even in a race
            f.write(entity_file_text(entity_type, name, aliases))
    except OSError as exc:  # a read-only folder, a name the file system refuses
        from .site import file_system_message

        raise NewEntityError(file_system_message(exc, root)) from None
    return path
