"""`kb export`: the assembled knowledge graph as data for analysts' own tools.

A room at the edge: pure functions from the assembled `Graph` to text (JSON, JSON-LD,
GraphML) or to tables (CSV); the CLI and the site writer put them into files. The JSON
shape is documented by schema/export.schema.json (from `ExportSpec`, written by `kb schema`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from pydantic import BaseModel, ConfigDict, Field

from .assemble import Graph
from .render import entity_path, page_url

EXPORT_VERSION = 1
FORMATS = ("json", "csv", "graphml", "jsonld")
SITE_EXPORT = "export/kb.json"  # where the built site serves the JSON

# schema.org types for kb's usual entity types; anything else is a Thing.
SCHEMA_ORG_TYPES = {
    "person": "Person", "people": "Person",
    "organisation": "Organization", "organization": "Organization", "company": "Organization",
    "place": "Place", "location": "Place", "country": "Country", "city": "City",
    "facility": "Place", "event": "Event", "programme": "CreativeWork", "program": "CreativeWork",
    "product": "Product",
}


def _date(value) -> str | None:
    return str(value) if value else None


def export_data(graph: Graph, *, lazy: bool = False) -> dict:
    """Everything in the graph as plain data, in a stable order.

    With lazy, "mentions" (by far the longest list) is an iterator that makes each record
    when it is asked for, so a writer never holds them all.
    """
    kb = graph.kb
    vocabulary = kb.vocabulary
    entities, aliases, relations, facts, citations = [], [], [], [], []
    for entity_id, view in sorted(graph.entities.items()):
        entity = view.entity
        entities.append({
            "id": entity_id, "name": entity.name, "type": entity.type, "summary": entity.summary,
            "date": _date(entity.date), "participants": list(entity.participants),
            "page": page_url(entity_path(entity_id)), "articles": len(view.mentioned_in),
            "mentions": view.mention_count,
        })
        for alias in entity.aliases:
            aliases.append({"entity": entity_id, "alias": alias.name, "ambiguous": alias.ambiguous})
        for relation in entity.relations:
            if relation.target in graph.entities and relation.type in vocabulary.relation_types:
                relations.append({
                    "source": entity_id, "type": relation.type, "target": relation.target,
                    "since": _date(relation.since), "until": _date(relation.until),
                    "articles": list(relation.sources),
                })
        for number, fact_view in enumerate(view.facts, 1):
            fact = fact_view.fact
            fact_id = f"{entity_id}/f{number}"
            ids = []
            for source in fact_view.sources:
                citation_id = f"{fact_id}/c{len(ids) + 1}"
                ids.append(citation_id)
                citations.append({
                    "id": citation_id, "fact": fact_id, "article": source.article_id,
                    "paragraph": source.anchor or None, "quote": source.quote,
                })
            facts.append({
                "id": fact_id, "entity": entity_id, "text": fact.text, "property": fact.property,
                "value": fact.value, "as_of": _date(fact.as_of), "citations": ids,
            })
    articles = []
    for article_id, view in sorted(graph.articles.items()):
        article = view.article
        articles.append({
            "id": article_id, "title": article.title, "publisher": article.publisher,
            "date": _date(article.date), "author": article.author, "url": article.url,
            "page": page_url(f"articles/{article_id}.md"),
        })
    mentions = _mentions(graph) if lazy else list(_mentions(graph))
    quotes = [
        {
            "id": quote.id, "text": quote.text, "speaker": quote.speaker,
            "sources": [
                {"article": s.article_id, "paragraph": s.anchor or None, "text": s.text, "speaker": s.speaker}
                for s in quote.sources
            ],
        }
        for quote in graph.quotes
    ]
    return {
        "kb_export_version": EXPORT_VERSION,
        "title": vocabulary.title,
        "description": vocabulary.description,
        "entity_types": [
            {"id": t.id, "label": t.label, "plural": t.plural} for t in vocabulary.entity_types.values()
        ],
        "relation_types": [
            {"id": t.id, "label": t.label, "inverse": t.inverse, "symmetric": t.symmetric}
            for t in vocabulary.relation_types.values()
        ],
        "entities": entities,
        "aliases": aliases,
        "relations": relations,
        "articles": articles,
        "mentions": mentions,
        "quotes": quotes,
        "facts": facts,
        "citations": citations,
    }


def _mentions(graph: Graph):
    """Every mention as a record, article by article (in id order), in the article's order."""
    for article_id, view in sorted(graph.articles.items()):
        blocks = {b.number: b for b in view.article.blocks}
        for m in view.linked.mentions:
            block = blocks.get(m.block)
            sentence = ""
            if block is not None and m.sentence < len(block.sentences):
                a, b = block.sentences[m.sentence]
                sentence = block.text[a:b]
            yield {
                "entity": m.entity_id, "article": article_id,
                "paragraph": block.anchor if block is not None else None,
                "block": m.block, "sentence": m.sentence, "start": m.start, "end": m.end,
                "text": block.text[m.start:m.end] if block is not None else "", "sentence_text": sentence,
            }


def _json_parts(graph: Graph) -> list[str]:
    """to_json's text in a few pieces (the records of one list are one piece)."""
    data = export_data(graph, lazy=True)
    dump = json.JSONEncoder(ensure_ascii=False).encode
    parts = ["{\n"]
    for n, (key, value) in enumerate(data.items()):
        parts.append(("" if n == 0 else ",\n") + f" {dump(key)}: ")
        if not isinstance(value, (list, Iterator)):
            parts.append(dump(value))
            continue
        records = ",\n  ".join(map(dump, value))
        parts += ["[\n  ", records, "\n ]"] if records else ["[]"]
    parts.append("\n}\n")
    return parts


def to_json(graph: Graph) -> str:
    """The export as JSON text: one top-level field a line, and one record a line inside the lists.

    Each record is written by json's C encoder (an indented dump goes through its pure-Python
    encoder: ~10x the time, and a chunk list several times the text's size at its peak).
    The first two lines are as they always were ("{" and the version): `kb export` knows an
    earlier export by them.
    """
    return "".join(_json_parts(graph))


def to_json_bytes(graph: Graph) -> bytes:
    """to_json's text as UTF-8: half the memory of the text for the site's copy (files may be bytes)."""
    return b"".join(part.encode("utf-8") for part in _json_parts(graph))


CSV_TABLES = {
    "entities.csv": ("entities", ["id", "name", "type", "summary", "date", "participants", "page", "articles", "mentions"]),
    "aliases.csv": ("aliases", ["entity", "alias", "ambiguous"]),
    "relations.csv": ("relations", ["source", "type", "target", "since", "until", "articles"]),
    "articles.csv": ("articles", ["id", "title", "publisher", "date", "author", "url", "page"]),
    "mentions.csv": ("mentions", ["entity", "article", "paragraph", "block", "sentence", "start", "end", "text",
                                  "sentence_text"]),
    "quotes.csv": ("quotes", ["id", "text", "speaker", "article", "paragraph", "source_text", "source_speaker"]),
    "facts.csv": ("facts", ["id", "entity", "text", "property", "value", "as_of", "citations"]),
    "citations.csv": ("citations", ["id", "fact", "article", "paragraph", "quote"]),
}


def to_csv(graph: Graph) -> dict[str, str]:
    """One CSV text per table (file name -> text). Lists are joined with ';', missing values are empty."""
    data = export_data(graph)
    quote_rows = [
        {"id": q["id"], "text": q["text"], "speaker": q["speaker"], "article": s["article"],
         "paragraph": s["paragraph"], "source_text": s["text"], "source_speaker": s["speaker"]}
        for q in data["quotes"] for s in q["sources"]
    ]
    out = {}
    for name, (key, columns) in CSV_TABLES.items():
        rows = quote_rows if key == "quotes" else data[key]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        out[name] = buffer.getvalue()
    return out


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"):
# contributed text such as '=HYPERLINK("http://evil", "x")' must stay text when an analyst
# opens the table, so such cells get a leading apostrophe, as OWASP recommends.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = ";".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def co_mentions(graph: Graph) -> dict[tuple[str, str], int]:
    """How many sentences name both entities, for every pair that shares one."""
    sentences: dict[tuple[str, int, int], set[str]] = {}
    for article_id, view in graph.articles.items():
        for m in view.linked.mentions:
            if m.entity_id in graph.entities:
                sentences.setdefault((article_id, m.block, m.sentence), set()).add(m.entity_id)
    pairs: dict[tuple[str, str], int] = {}
    for ids in sentences.values():
        ordered = sorted(ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    return pairs


def to_graphml(graph: Graph) -> str:
    """Entities as nodes; relations (directed, labelled) and co-mentions (weighted) as edges. Opens in Gephi."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    keys = [
        ("label", "node", "string"), ("type", "node", "string"), ("mentions", "node", "int"),
        ("articles", "node", "int"), ("kind", "edge", "string"), ("relation", "edge", "string"),
        ("weight", "edge", "double"),
    ]
    for name, domain, kind in keys:
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {
            "id": f"{domain[0]}_{name}", "for": domain, "attr.name": "label" if name == "label" else name,
            "attr.type": kind,
        })
    g = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "kb", "edgedefault": "undirected"})

    def data(parent, key: str, value) -> None:
        ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key}).text = str(value)

    for entity_id, view in sorted(graph.entities.items()):
        node = ET.SubElement(g, f"{{{GRAPHML_NS}}}node", {"id": entity_id})
        data(node, "n_label", view.entity.name)
        data(node, "n_type", view.entity.type)
        data(node, "n_mentions", view.mention_count)
        data(node, "n_articles", len(view.mentioned_in))
    count = 0
    for relation in export_data(graph)["relations"]:
        count += 1
        edge = ET.SubElement(g, f"{{{GRAPHML_NS}}}edge", {
            "id": f"e{count}", "source": relation["source"], "target": relation["target"], "directed": "true",
        })
        data(edge, "e_kind", "relation")
        data(edge, "e_relation", relation["type"])
        data(edge, "e_weight", 1.0)
    for (a, b), shared in sorted(co_mentions(graph).items()):
        count += 1
        edge = ET.SubElement(g, f"{{{GRAPHML_NS}}}edge", {"id": f"e{count}", "source": a, "target": b,
                                                          "directed": "false"})
        data(edge, "e_kind", "co-mention")
        data(edge, "e_weight", float(shared))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def schema_org_type(type_id: str, label: str) -> str:
    return SCHEMA_ORG_TYPES.get(type_id.lower()) or SCHEMA_ORG_TYPES.get(label.lower()) or "Thing"


def to_jsonld(graph: Graph) -> str:
    """The graph as JSON-LD with schema.org types: entities, NewsArticles that mention them, Quotations."""
    data = export_data(graph)
    types = {t["id"]: t for t in data["entity_types"]}
    nodes = []
    for e in data["entities"]:
        node = {
            "@id": f"#entity/{e['id']}",
            "@type": schema_org_type(e["type"], types.get(e["type"], {}).get("label", "")),
            "identifier": e["id"],
            "name": e["name"],
            "url": e["page"],
        }
        names = [a["alias"] for a in data["aliases"] if a["entity"] == e["id"]]
        if names:
            node["alternateName"] = names
        if e["summary"]:
            node["description"] = e["summary"]
        if e["date"]:
            node["startDate" if node["@type"] == "Event" else "dateCreated"] = e["date"]
        related = [
            {"@type": "Role", "roleName": r["type"], "sameAs": f"#entity/{r['target']}"}
            for r in data["relations"] if r["source"] == e["id"]
        ]
        if related:
            node["subjectOf"] = related
        nodes.append(node)
    mentioned: dict[str, list[str]] = {}
    for m in data["mentions"]:
        ids = mentioned.setdefault(m["article"], [])
        if m["entity"] not in ids:
            ids.append(m["entity"])
    for a in data["articles"]:
        node = {
            "@id": f"#article/{a['id']}", "@type": "NewsArticle", "identifier": a["id"], "headline": a["title"],
            "publisher": {"@type": "Organization", "name": a["publisher"]},
            "mentions": [{"@id": f"#entity/{i}"} for i in mentioned.get(a["id"], [])],
        }
        if a["date"]:
            node["datePublished"] = a["date"]
        if a["author"]:
            node["author"] = {"@type": "Person", "name": a["author"]}
        if a["url"]:
            node["url"] = a["url"]
        nodes.append(node)
    for q in data["quotes"]:
        node = {
            "@id": f"#quote/{q['id']}", "@type": "Quotation", "text": q["text"],
            "citation": [{"@id": f"#article/{s['article']}"} for s in q["sources"]],
        }
        if q["speaker"]:
            node["spokenByCharacter"] = {"@id": f"#entity/{q['speaker']}"}
        nodes.append(node)
    doc = {"@context": "https://schema.org", "@graph": nodes}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


# The JSON export's shape, written to schema/export.schema.json by `kb schema`.

class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


Date = str | None


class ExportEntityType(_Closed):
    id: str
    label: str
    plural: str


class ExportRelationType(_Closed):
    id: str
    label: str
    inverse: str
    symmetric: bool


class ExportEntity(_Closed):
    id: str
    name: str
    type: str = Field(description="A key of entity_types.")
    summary: str = Field(description="Markdown, with [[id]] cross-references.")
    date: Date = Field(description="For events: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.")
    participants: list[str]
    page: str = Field(description="The entity's page, relative to the site's root.")
    articles: int = Field(description="How many articles mention it.")
    mentions: int


class ExportAlias(_Closed):
    entity: str
    alias: str
    ambiguous: bool = Field(description="Shared with another entity, so never linked automatically.")


class ExportRelation(_Closed):
    source: str
    type: str = Field(description="A key of relation_types.")
    target: str
    since: Date
    until: Date
    articles: list[str] = Field(description="Ids of the articles that support it.")


class ExportArticle(_Closed):
    id: str
    title: str
    publisher: str
    date: Date = Field(description="Null when the date is not known.")
    author: str | None
    url: str | None
    page: str


class ExportMention(_Closed):
    entity: str
    article: str
    paragraph: str | None = Field(description="The paragraph's anchor on the article page, e.g. 'p3'.")
    block: int = Field(description="The paragraph or heading, numbered from 0 in the article.")
    sentence: int = Field(description="The sentence, numbered from 0 in its paragraph.")
    start: int = Field(description="Character offsets of the mention in the paragraph's plain text.")
    end: int
    text: str
    sentence_text: str


class ExportQuoteSource(_Closed):
    article: str
    paragraph: str | None
    text: str = Field(description="The words as this article printed them.")
    speaker: str | None = Field(description="The entity this article attributes them to; null when unattributed.")


class ExportQuote(_Closed):
    id: str
    text: str
    speaker: str | None = Field(description="An entity id; null when no source says who spoke.")
    sources: list[ExportQuoteSource]


class ExportFact(_Closed):
    id: str
    entity: str
    text: str
    property: str | None
    value: str | None
    as_of: Date
    citations: list[str] = Field(description="Ids in citations.")


class ExportCitation(_Closed):
    id: str
    fact: str
    article: str
    paragraph: str | None
    quote: str = Field(description="The words quoted from the article, verbatim.")


class ExportSpec(_Closed):
    """The knowledge graph as `kb export --format json` writes it (and the site serves at export/kb.json)."""

    model_config = ConfigDict(extra="forbid", title="kb export")

    kb_export_version: int = Field(description=f"The version of this format ({EXPORT_VERSION}).")
    title: str
    description: str
    entity_types: list[ExportEntityType]
    relation_types: list[ExportRelationType]
    entities: list[ExportEntity]
    aliases: list[ExportAlias]
    relations: list[ExportRelation]
    articles: list[ExportArticle]
    mentions: list[ExportMention]
    quotes: list[ExportQuote]
    facts: list[ExportFact]
    citations: list[ExportCitation]
