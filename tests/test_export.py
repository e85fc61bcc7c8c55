"""`kb export`: JSON (valid against schema/export.schema.json), CSV tables, GraphML, JSON-LD; site/export/kb.json."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, ROOT, copy_project

SCHEMA = json.loads((ROOT / "schema" / "export.schema.json").read_text())
G = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The newswire fixture, with Hanna Lindqvist as an entity so her quote has a speaker."""
    project = copy_project(FIXTURES / "newswire" / "content", tmp_path / "kb")
    (project / "content" / "entities" / "hanna-lindqvist.yaml").write_text(
        "name: Hanna Lindqvist\ntype: person\naliases: [Lindqvist]\n"
        "relations:\n  - {type: works-for, target: nordal-bank-corp, since: 2024, sources: [nordal-expands-in-korea]}\n"
    )
    return project


def export(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["export", "--project", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_export_validates_and_carries_the_graph(project: Path):
    data = json.loads(export(project))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [e["id"] for e in data["entities"]] == [
        "financial-services-agency", "hanna-lindqvist", "nordal-bank-corp", "osaka-castle", "stockholm",
    ]
    assert data["aliases"] == [{"entity": "hanna-lindqvist", "alias": "Lindqvist", "ambiguous": False}]
    assert data["relations"] == [
        {"source": "hanna-lindqvist", "type": "works-for", "target": "nordal-bank-corp", "since": "2024",
         "until": None, "articles": ["nordal-expands-in-korea"]},
        {"source": "nordal-bank-corp", "type": "based-in", "target": "stockholm", "since": None, "until": None,
         "articles": []},
    ]
    assert {
        "entity": "hanna-lindqvist", "article": "nordal-profit-rises", "paragraph": "p2", "block": 1, "sentence": 1,
        "start": 130, "end": 139, "text": "Lindqvist",
        "sentence_text": "\"We see demand from small firms,\" Lindqvist told reporters.",
    } in data["mentions"]
    assert data["quotes"] == [{
        "id": data["quotes"][0]["id"], "text": "We see demand from small firms", "speaker": "hanna-lindqvist",
        "sources": [{"article": "nordal-profit-rises", "paragraph": "p2", "text": "We see demand from small firms",
                     "speaker": "hanna-lindqvist"}],
    }]
    assert data["facts"] == [{
        "id": "nordal-bank-corp/f1", "entity": "nordal-bank-corp", "text": "Quarterly profit rose 12 percent.",
        "property": "profit-growth", "value": "12 percent", "as_of": None, "citations": ["nordal-bank-corp/f1/c1"],
    }]
    assert data["citations"] == [{
        "id": "nordal-bank-corp/f1/c1", "fact": "nordal-bank-corp/f1", "article": "nordal-profit-rises",
        "paragraph": "p1", "quote": "its quarterly profit rose 12 percent",
    }]


def test_shipped_content_exports_valid_json(tmp_path: Path):
    project = copy_project(ROOT / "content", tmp_path / "kb")
    out = tmp_path / "kb.json"
    assert export(project, "--out", str(out)) == f"{out}\n"
    data = json.loads(out.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert len(data["entities"]) == len(list((ROOT / "content" / "entities").glob("*.yaml")))
    assert len(data["articles"]) == 5
    assert any(q["speaker"] == "fumio-kishida" for q in data["quotes"])
    assert all(c["fact"] in {f["id"] for f in data["facts"]} for c in data["citations"])


def test_a_broken_export_is_rejected_by_the_schema():
    broken = {"kb_export_version": 1, "entities": [{"id": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(broken)


def test_csv_tables(project: Path, tmp_path: Path):
    folder = tmp_path / "tables"
    names = ["entities", "aliases", "relations", "articles", "mentions", "quotes", "facts", "citations"]
    assert export(project, "--format", "csv", "--out", str(folder)) == "".join(
        f"{folder / name}.csv\n" for name in names
    )
    tables = {p.stem: list(csv.DictReader(io.StringIO(p.read_text()))) for p in folder.glob("*.csv")}
    assert sorted(tables) == sorted(names)
    assert (folder / "relations.csv").read_text() == (
        "source,type,target,since,until,articles\n"
        "hanna-lindqvist,works-for,nordal-bank-corp,2024,,nordal-expands-in-korea\n"
        "nordal-bank-corp,based-in,stockholm,,,\n"
    )
    assert tables["quotes"] == [{
        "id": tables["quotes"][0]["id"], "text": "We see demand from small firms", "speaker": "hanna-lindqvist",
        "article": "nordal-profit-rises", "paragraph": "p2", "source_text": "We see demand from small firms",
        "source_speaker": "hanna-lindqvist",
    }]
    assert tables["citations"][0]["quote"] == "its quarterly profit rose 12 percent"
    assert len(tables["mentions"]) == len(json.loads(export(project))["mentions"])


def test_csv_needs_a_folder(project: Path):
    result = CliRunner().invoke(main, ["export", "--project", str(project), "--format", "csv"])
    assert result.exit_code == 2
    assert result.stderr == "kb: --format csv writes a folder of tables; give it with --out FOLDER\n"


def test_graphml_is_well_formed_with_declared_keys(project: Path):
    root = ET.fromstring(export(project, "--format", "graphml"))
    assert root.tag == f"{G}graphml"
    keys = {k.get("id"): k.get("for") for k in root.iter(f"{G}key")}
    graph = root.find(f"{G}graph")
    nodes = {n.get("id"): {d.get("key"): d.text for d in n} for n in graph.iter(f"{G}node")}
    edges = list(graph.iter(f"{G}edge"))
    for element, domain in [(n, "node") for n in graph.iter(f"{G}node")] + [(e, "edge") for e in edges]:
        for d in element.iter(f"{G}data"):
            assert keys.get(d.get("key")) == domain
    assert nodes["hanna-lindqvist"] == {"n_label": "Hanna Lindqvist", "n_type": "person", "n_mentions": "4",
                                        "n_articles": "2"}
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in edges)
    described = {(e.get("source"), e.get("target"), e.find(f"{G}data[@key='e_kind']").text) for e in edges}
    assert ("hanna-lindqvist", "nordal-bank-corp", "relation") in described
    assert ("financial-services-agency", "hanna-lindqvist", "co-mention") in described


def test_jsonld_uses_schema_org_types(project: Path):
    doc = json.loads(export(project, "--format", "jsonld"))
    assert doc["@context"] == "https://schema.org"
    by_id = {node["@id"]: node for node in doc["@graph"]}
    assert by_id["#entity/hanna-lindqvist"]["@type"] == "Person"
    assert by_id["#entity/hanna-lindqvist"]["alternateName"] == ["Lindqvist"]
    assert by_id["#entity/nordal-bank-corp"]["@type"] == "Organization"
    assert by_id["#entity/stockholm"]["@type"] == "Place"
    article = by_id["#article/nordal-profit-rises"]
    assert article["@type"] == "NewsArticle" and article["datePublished"] == "2026-03-03"
    assert article["publisher"] == {"@type": "Organization", "name": "Newswire"}
    quote = next(node for node in doc["@graph"] if node["@type"] == "Quotation")
    assert quote["spokenByCharacter"] == {"@id": "#entity/hanna-lindqvist"}
    references = [m["@id"] for node in doc["@graph"] for m in node.get("mentions", [])]
    assert references and all(ref in by_id for ref in references)


def test_export_refuses_broken_content(project: Path):
    (project / "content" / "entities" / "bad.yaml").write_text("name: Bad\ntype: nope\n")
    result = CliRunner().invoke(main, ["export", "--project", str(project)])
    assert result.exit_code == 1
    assert result.stdout.startswith("content/entities/bad.yaml:2:7: error: unknown entity type 'nope'")
    assert result.stderr == "kb: nothing was exported; fix the errors above first\n"


def test_the_built_site_serves_the_json_linked_from_home(shipped_site: Path, tmp_path: Path):
    served = json.loads((shipped_site / "export" / "kb.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(served)
    home = BeautifulSoup((shipped_site / "index.html").read_text(), "html.parser")
    assert [a.get_text() for a in home.select('a[href="export/kb.json"]')] == ["Download the data"]
    assert served == json.loads(export(copy_project(ROOT / "content", tmp_path / "kb")))


def test_an_article_without_a_date_exports_null_and_no_date_published(project: Path):
    article = project / "content" / "articles" / "eastbridge-beat-kelham.md"
    article.write_text(article.read_text().replace("date: 2026-03-07\n", ""))
    data = json.loads(export(project))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert {a["id"]: a["date"] for a in data["articles"]}["eastbridge-beat-kelham"] is None
    by_id = {n["@id"]: n for n in json.loads(export(project, "--format", "jsonld"))["@graph"]}
    assert "datePublished" not in by_id["#article/eastbridge-beat-kelham"]
    assert by_id["#article/nordal-profit-rises"]["datePublished"] == "2026-03-03"


def test_csv_cells_that_a_spreadsheet_would_run_stay_text(project: Path, tmp_path: Path):
    (project / "content" / "entities" / "hanna-lindqvist.yaml").write_text(
        "name: Hanna Lindqvist\ntype: person\naliases: [Lindqvist]\n"
        "summary: '=HYPERLINK(\"http://evil.example\", \"click\")'\n"
    )
    folder = tmp_path / "tables"
    export(project, "--format", "csv", "--out", str(folder))
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((folder / "entities.csv").read_text()))}
    assert rows["hanna-lindqvist"]["summary"] == "'=HYPERLINK(\"http://evil.example\", \"click\")"
    # Numbers and ordinary text are untouched.
    assert all(not r["name"].startswith("'") for r in rows.values())


def test_export_never_overwrites_a_file_it_did_not_write(project: Path, tmp_path: Path):
    kb_yml = project / "content" / "kb.yml"
    before = kb_yml.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "quotes.csv").write_text("who,what\nme,my own table\n")
    for fmt, out in [("json", kb_yml), ("graphml", notes), ("jsonld", notes), ("csv", tables)]:
        result = CliRunner().invoke(main, ["export", "--project", str(project), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 1, (fmt, result.output)
        shown = tables / "quotes.csv" if fmt == "csv" else out
        assert result.stderr == (f"kb: {shown} exists and is not an earlier kb export ({fmt}); not overwriting it "
                                 "(remove it or give another --out)\n")
    assert kb_yml.read_bytes() == before
    assert notes.read_text() == "my notes\n"
    assert sorted(p.name for p in tables.iterdir()) == ["quotes.csv"]
    # an earlier export is replaced, in every format
    for fmt in ("json", "graphml", "jsonld", "csv"):
        out = tmp_path / f"again.{fmt}"
        first = export(project, "--format", fmt, "--out", str(out))
        assert export(project, "--format", fmt, "--out", str(out)) == first


def test_export_to_an_unwritable_place_or_a_device_is_one_line(project: Path, tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x\n")
    for fmt, out, message in [
        ("json", blocker / "kb.json", f"kb: {blocker}: File exists"),
        ("csv", blocker / "tables", f"kb: {blocker / 'tables'}: Not a directory"),
        # a device is never read to see whether it is an earlier export (/dev/full never ends)
        ("json", Path("/dev/full"), "kb: /dev/full exists and is not an earlier kb export (json); not overwriting it "
                                    "(remove it or give another --out)"),
    ]:
        result = CliRunner().invoke(main, ["export", "--project", str(project), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.stderr == message + "\n"


def test_out_that_names_a_folder_is_one_line_and_exit_2(project: Path, tmp_path: Path):
    existing = tmp_path / "exports"
    existing.mkdir()
    for fmt, out in [("json", f"{tmp_path / 'new-folder'}/"), ("json", str(existing)), ("graphml", f"{existing}/"),
                     ("jsonld", str(existing))]:
        result = CliRunner().invoke(main, ["export", "--project", str(project), "--format", fmt, "--out", out])
        assert result.exit_code == 2, (out, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.stderr == (f"kb: --out {out} is a folder; --format {fmt} writes one file: give a file name,"
                                 f" such as {out.rstrip('/')}/kb.{fmt}\n")
    assert not (tmp_path / "new-folder").exists() and list(existing.iterdir()) == []
