"""The one schema for every content file: entity files, kb.yml and article front matter.

Pydantic models check shapes; `export_json_schemas` writes the same rules as JSON
Schema for editors (VS Code's YAML extension reads the modeline in each file).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Annotated, Any, Literal

from .errors import WARNING_CODES

from pydantic import (
    AfterValidator,
    BaseModel,
    WithJsonSchema,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
URL_PATTERN = r"^https?://[^\s<>\"']+$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]


def _scalar_to_str(value: Any) -> Any:
    """YAML reads `2024` as a number; a date or a fact's value is kept as written."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return value


def check_date(value: str) -> str:
    """A date at its precision: YYYY, YYYY-MM or YYYY-MM-DD, and a real one."""
    if not re.match(DATE_PATTERN, value):
        raise ValueError(f"invalid date '{value}': expected YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ValueError(f"invalid date '{value}': not a real calendar date") from None
    return value


DateText = Annotated[
    str,
    BeforeValidator(_scalar_to_str),
    StringConstraints(pattern=DATE_PATTERN),
    AfterValidator(check_date),
    WithJsonSchema(
        {
            "description": "A date at its precision: YYYY, YYYY-MM or YYYY-MM-DD.",
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
        }
    ),
]
Value = Annotated[
    str,
    BeforeValidator(_scalar_to_str),
    StringConstraints(min_length=1, max_length=200),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]}),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class AliasSpec(Strict):
    name: Text = Field(description="Another name the articles use for this entity.")
    ambiguous: bool = Field(
        False,
        description="Several entities share this name: it is listed but never auto-linked.",
    )


def _alias_from_string(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


AliasItem = Annotated[
    AliasSpec,
    BeforeValidator(_alias_from_string),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "description": "Another name the articles use."},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "ambiguous": {
                            "type": "boolean",
                            "description": "Several entities share this name: never auto-linked.",
                        },
                    },
                },
            ]
        }
    ),
]


class RelationSpec(Strict):
    type: Id = Field(description="A key of relation_types in content/kb.yml.")
    target: Id = Field(description="The id of another entity (its file name without .yaml).")
    since: DateText | None = None
    until: DateText | None = None
    sources: list[Id] = Field(default_factory=list, description="Ids of articles that support it.")


class QuoteSpec(Strict):
    article: Id = Field(description="The id of the cited article (its file name without .md).")
    quote: Annotated[str, StringConstraints(min_length=3, max_length=2000)] = Field(
        description="Words copied verbatim from the article."
    )


class FactSpec(Strict):
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="The claim, in Markdown."
    )
    property: Id | None = Field(
        None, description="Facts on one entity that share a property but differ in value are shown as a conflict."
    )
    value: Value | None = None
    as_of: DateText | None = None
    sources: list[QuoteSpec] = Field(min_length=1)


class EntitySpec(Strict):
    """One entity file: content/entities/<id>.yaml."""

    model_config = ConfigDict(title="kb entity", extra="forbid", str_strip_whitespace=True)

    name: Text
    type: Id = Field(description="A key of entity_types in content/kb.yml.")
    aliases: list[AliasItem] = Field(default_factory=list)
    short_names: list[Text] = Field(
        default_factory=list,
        description="Short forms ('the Commission', 'Fed') linked only in an article that has already"
        " named the entity in full, and only when no other entity there declares the same short form.",
    )
    summary: LongText = Field("", description="Markdown; [[id]] or [[id|label]] links an entity.")
    relations: list[RelationSpec] = Field(default_factory=list)
    facts: list[FactSpec] = Field(default_factory=list)
    date: DateText | None = Field(None, description="For events: when it happened.")
    participants: list[Id] = Field(default_factory=list, description="For events: entity ids.")


class InfoboxRelationSpec(Strict):
    relation: Id = Field(description="A key of relation_types: the entities it links to.")
    inverse: bool = Field(False, description="Seen from the target's side (e.g. 'led by' for 'leads').")
    label: Text | None = Field(None, description="The row's label; by default the relation's label.")


InfoboxItem = Annotated[
    Id | InfoboxRelationSpec,
    Field(description="A fact property (a string) or a relation ({relation: id, inverse: true})."),
]


class EntityTypeSpec(Strict):
    label: Text
    plural: Text
    infobox: list[InfoboxItem] = Field(
        default_factory=list,
        description="The key facts shown in the infobox of this type's pages, in order: fact "
        "properties (strings) and relations ({relation: leads, inverse: true}).",
    )


class StorylineSpec(Strict):
    title: Text
    summary: LongText = Field("", description="Markdown; [[id]] or [[id|label]] links an entity.")
    entities: list[Id] = Field(min_length=1, description="Entity ids, the way in first.")


class RelationTypeSpec(Strict):
    label: Text
    inverse: Text | None = Field(None, description="The label seen from the target's page.")
    symmetric: bool = False

    @model_validator(mode="after")
    def _one_direction_rule(self) -> "RelationTypeSpec":
        if self.symmetric and self.inverse:
            raise ValueError("a relation type has either 'inverse' or 'symmetric: true', not both")
        if not self.symmetric and not self.inverse:
            raise ValueError("a relation type needs an 'inverse' label or 'symmetric: true'")
        return self


class VocabularySpec(Strict):
    """content/kb.yml: what the knowledge base is about and the words it uses."""

    model_config = ConfigDict(title="kb vocabulary", extra="forbid", str_strip_whitespace=True)

    title: Text
    description: LongText = ""
    entity_types: dict[Id, EntityTypeSpec] = Field(min_length=1)
    relation_types: dict[Id, RelationTypeSpec] = Field(default_factory=dict)
    properties: dict[Id, Text] = Field(
        default_factory=dict, description="Human labels of fact properties (e.g. amount: Amount)."
    )
    event_properties: list[Id] = Field(
        default_factory=list,
        description="Fact properties that record something that happened (a visit, an opening): their "
        "dated facts go on the timeline. Other dated facts are states and stay in the infobox.",
    )
    storylines: list[StorylineSpec] = Field(
        default_factory=list, description="The stories the home page offers as ways in."
    )
    featured: list[Id] = Field(
        default_factory=list, description="Entity ids the home page lists first under 'Key entities'."
    )
    silence: list[Literal[tuple(WARNING_CODES)]] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Warning classes this project accepts on purpose: not printed, counted as "
        "silenced, and not failing `kb check --strict`. One of: "
        + "; ".join(f"{code} ({what})" for code, what in WARNING_CODES.items()) + ".",
    )


def _unknown_date(value: Any) -> Any:
    """`date: unknown` (or an empty `date:`) says honestly that the article's date is not known."""
    if isinstance(value, str) and value.strip().lower() == "unknown":
        return None
    return value


ArticleDate = Annotated[
    DateText | None,
    BeforeValidator(_unknown_date),
    WithJsonSchema(
        {
            "description": "A date at its precision: YYYY, YYYY-MM or YYYY-MM-DD; 'unknown' (or no date) when the "
            "article's date is not known.",
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                {"const": "unknown"},
                {"type": "null"},
            ],
        }
    ),
]


class FrontMatterSpec(Strict):
    """The YAML front matter of content/articles/<id>.md."""

    model_config = ConfigDict(title="kb article front matter", extra="forbid", str_strip_whitespace=True)

    title: Text
    publisher: Text
    date: ArticleDate = None
    author: Text | None = None
    url: Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2000)] | None = None


SCHEMAS = {
    "entity.schema.json": EntitySpec,
    "kb.schema.json": VocabularySpec,
    "article.schema.json": FrontMatterSpec,
}


def json_schemas() -> dict[str, str]:
    """Each schema file's name and its JSON text, as `kb schema` writes them."""
    from .export import ExportSpec  # the output of `kb export`, documented alongside the inputs

    out = {}
    for name, model in {**SCHEMAS, "export.schema.json": ExportSpec}.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out
