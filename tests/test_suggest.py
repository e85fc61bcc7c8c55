"""`kb suggest`: names no entity covers, aliases entities lack, entities never mentioned; --write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, ROOT, copy_project, run_kb

# Every named entity, and every alias of one, that the five shipped articles contain, listed by
# reading the articles (not from kb suggest's output). Concepts ("artificial intelligence",
# "GPUs", "Internet of Things"), roles ("Prime Minister") and fragments are not in it.
ACCEPTABLE = {
    "Microsoft", "Japan", "China", "Shanghai", "Satya Nadella", "Nadella", "Microsoft AI Tour", "NVIDIA",
    "NTT DATA Corporation", "PKSHA Technology Inc", "CyberSmart AI", "SCMP", "South China Morning Post",
    "Zhangjiang", "Zhangjiang hi-tech zone", "IoT & AI Insider Lab", "IoT and AI Insider Lab", "AI Insider Lab",
    "Zhangjiang AI Island", "Infineon Technologies", "Infineon", "Baidu", "CloudWalk Technology", "CloudWalk",
    "Winner Technology", "Commercial Aircraft Corporation of China", "Wency Chen", "India",
    "Microsoft Research Asia", "Microsoft Japan", "Miki Tsusaka", "Code Without Barriers",
    "United Nations Institute for Training and Research", "UNITAR", "United Nations", "London", "OpenAI",
    "Cabinet Secretariat", "National Security Strategy", "Fumio Kishida", "Kishida", "Tokyo", "Asia-Pacific",
    "Asia Pacific", "Asia", "Generative AI Accelerator Challenge", "GENIAC", "Ministry of Economy, Trade and Industry",
    "Kevin Scott", "Microsoft Research", "Microsoft AI London", "Jordan Hoffmann", "Inflection", "DeepMind",
    "Australia", "Apple", "Shenzhen", "CNC", "Tim Cook", "Cook", "China Development Forum", "Beijing",
    "Apple Store", "University of Tokyo", "Partnership on Artificial Intelligence Research", "Keio University",
    "Carnegie Mellon University", "Quad", "AUKUS", "ChatGPT", "Amazon", "Mississippi", "Saudi Arabia", "Google",
    "Microsoft Azure", "Azure", "Google Cloud", "Amazon Web Services", "Government of Japan", "US",
    "Research Hubs",
}


def suggest_json(project: Path, *args: str) -> dict:
    result = CliRunner().invoke(main, ["suggest", "--project", str(project), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def seeds_without_entities(tmp_path: Path) -> Path:
    project = copy_project(ROOT / "content", tmp_path / "kb")
    for path in (project / "content" / "entities").glob("*.yaml"):
        path.unlink()
    drop_entity_references(project / "content" / "kb.yml")
    return project


def drop_entity_references(kb_yml: Path) -> None:
    """kb.yml stays, but without the home page's storylines and featured entities: they name entity ids."""
    vocabulary = yaml.safe_load(kb_yml.read_text())
    for key in ("storylines", "featured"):
        vocabulary.pop(key, None)
    kb_yml.write_text(yaml.safe_dump(vocabulary, allow_unicode=True, sort_keys=False))


def test_top_30_on_the_seeds_are_at_least_90_percent_real_names(seeds_without_entities: Path):
    found = suggest_json(seeds_without_entities)["entities"][:30]
    assert len(found) == 30
    for i, item in enumerate(found, 1):
        mark = " " if item["name"] in ACCEPTABLE else "✗"
        print(f"{mark} {i:2} {item['name']} ({item['type'] or '?'}, {item['articles']} articles)")
    good = [item["name"] for item in found if item["name"] in ACCEPTABLE]
    assert len(good) >= 27, [item["name"] for item in found if item["name"] not in ACCEPTABLE]


def test_seed_suggestions_carry_types_reasons_aliases_and_examples(seeds_without_entities: Path):
    by_name = {item["name"]: item for item in suggest_json(seeds_without_entities)["entities"]}
    assert by_name["Generative AI Accelerator Challenge"]["aliases"] == ["GENIAC"]
    assert by_name["Generative AI Accelerator Challenge"]["type"] == "programme"
    assert by_name["South China Morning Post"]["aliases"] == ["SCMP"]
    assert by_name["Tim Cook"]["aliases"] == ["Cook"]
    assert by_name["Tim Cook"]["type"] == "person"
    assert by_name["Fumio Kishida"]["reason"] == "follows the title 'Japanese Prime Minister'"
    assert (by_name["Microsoft Japan"]["type"], by_name["Microsoft Japan"]["reason"]) == (
        "organisation", "follows the role 'President of'"
    )
    assert by_name["Cabinet Secretariat"] == {
        "name": "Cabinet Secretariat", "type": "organisation", "reason": "ends in 'Secretariat'",
        "mentions": 3, "articles": 3, "aliases": [],
        "examples": [
            {"article_id": "microsoft-in-japan-investing-in-ai-skills-to-boost-future", "anchor": "p14",
             "sentence": "Collaborating with Japan’s Cabinet Secretariat seeks to strengthen the country’s "
                         "cybersecurity defences further and ensure greater…"},
            {"article_id": "microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan", "anchor": "p4",
                 "sentence": "…discovery, and the firm will collaborate with Japan’s Cabinet Secretariat to "
                             "strengthen ‘cybersecurity resilience’ for the government…"},
        ],
    }
    for junk in ("Tuesday", "March", "Japanese", "Prime Minister", "Photo", "AI", "GPUs", "The", "Big Tech"):
        assert junk not in by_name


def newswire(tmp_path: Path) -> Path:
    return copy_project(FIXTURES / "newswire" / "content", tmp_path / "kb")


def test_report_on_newswire_texts(tmp_path: Path):
    project = newswire(tmp_path)
    result = CliRunner().invoke(main, ["suggest", "--project", str(project)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = lines.pop()
    assert summary.startswith("kb: 8 names, 2 aliases, 1 unmentioned entities from 3 articles and 4 entities in ")
    assert "\n".join(lines) == """\
Names no entity covers: 8, by how many articles would gain a link
  #  name                           type          articles  mentions  aliases    why
  1  Hanna Lindqvist                person               2         4  Lindqvist  its last word 'Lindqvist' is used alone, as a surname is
      nordal-expands-in-korea#p1: SEOUL, March 4 (Reuters) - Hanna Lindqvist, chief executive of Nordal Bank Corp, met regulators on Wednesday, a spokesman for the Financial…
      nordal-profit-rises#p2: Chief Executive Hanna Lindqvist said the Stockholm lender would open a branch in Osaka in June.
  2  Financial Supervisory Service  organisation         1         4  FSS        ends in 'Service'
      nordal-expands-in-korea#p2: Mr Park, an official at the Financial Supervisory Service, declined to comment.
  3  Eastbridge Rovers              organisation         1         3  -          ends in 'Rovers'
      eastbridge-beat-kelham#p1: LONDON, March 7 (Reuters) - Eastbridge Rovers beat Kelham United 2-1 on Saturday, with Tom Okafor scoring twice for the visitors.
  4  Kelham United                  organisation         1         3  -          ends in 'United'
      eastbridge-beat-kelham#p1: LONDON, March 7 (Reuters) - Eastbridge Rovers beat Kelham United 2-1 on Saturday, with Tom Okafor scoring twice for the visitors.
  5  Seoul                          place                1         2  -          follows 'in'
      nordal-expands-in-korea#p2: Lindqvist said Nordal would hire 200 staff in Seoul.
  6  Tom Okafor                     person               1         2  Okafor     its last word 'Okafor' is used alone, as a surname is
      eastbridge-beat-kelham#p1: LONDON, March 7 (Reuters) - Eastbridge Rovers beat Kelham United 2-1 on Saturday, with Tom Okafor scoring twice for the visitors.
  7  George Miller                  person               1         1  -          follows the title 'League President'
      eastbridge-beat-kelham#p4: League President George Miller said the result kept Eastbridge Rovers top of the table.
  8  Hanmi Steel Co                 organisation         1         1  -          ends in 'Co'
      nordal-expands-in-korea#p3: Shares of Hanmi Steel Co fell 2 percent in Seoul after the Financial Supervisory Service (FSS) said it would review the steelmaker's…

Aliases the entities lack: 2
  entity                     alias   articles  mentions  why
  nordal-bank-corp           Nordal         2         2  a short form used after the full name
      nordal-expands-in-korea#p2: Lindqvist said Nordal would hire 200 staff in Seoul.
      nordal-profit-rises#p4: Nordal shares rose 3 percent on Wednesday.
  financial-services-agency  FSA            1         3  an acronym defined next to the full name
      nordal-profit-rises#p3: The bank expects the Financial Services Agency (FSA) to approve the branch licence by September.

Entities no article mentions: 1
  content/entities/osaka-castle.yaml: Osaka Castle
"""
    for junk in ("TOKYO", "Subs", "Ward", "Carter", "Tuesday", "Reporting", "Kenji Mori", "South Korea"):
        assert f"  {junk} " not in result.stdout


def test_write_creates_entity_files_with_their_aliases(tmp_path: Path):
    project = newswire(tmp_path)
    result = CliRunner().invoke(
        main, ["suggest", "--project", str(project), "--write", "Hanna Lindqvist", "--write", "fss"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "content/entities/hanna-lindqvist.yaml: person 'Hanna Lindqvist', aliases: Lindqvist\n"
        "content/entities/financial-supervisory-service.yaml: organisation 'Financial Supervisory Service', "
        "aliases: FSS\n"
    )
    assert (project / "content" / "entities" / "hanna-lindqvist.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schema/entity.schema.json\n"
        "name: Hanna Lindqvist\ntype: person\naliases:\n- Lindqvist\nsummary: \"\"\nrelations: []\n"
    )
    # the new entities now link: they are no longer suggested, and kb check accepts the files
    after = suggest_json(project)
    names = [item["name"] for item in after["entities"]]
    assert "Hanna Lindqvist" not in names and "Financial Supervisory Service" not in names
    check = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert check.stdout.splitlines()[-1].startswith("0 errors")


def test_write_refuses_names_it_did_not_suggest_and_existing_files(tmp_path: Path):
    project = newswire(tmp_path)
    (project / "content" / "entities" / "seoul.yaml").write_text("name: Seoul City\ntype: place\n")
    result = CliRunner().invoke(
        main, ["suggest", "--project", str(project), "--write", "Nobody Here", "--write", "Seoul",
               "--write", "Tom Okafor"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "kb: 'Nobody Here' is not among the suggestions; use kb new TYPE \"Nobody Here\"\n"
        "kb: content/entities/seoul.yaml already exists; not overwriting it\n"
    )
    assert result.stdout == "content/entities/tom-okafor.yaml: person 'Tom Okafor', aliases: Okafor\n"
    assert (project / "content" / "entities" / "seoul.yaml").read_text() == "name: Seoul City\ntype: place\n"


def test_suggest_on_broken_content_prints_the_errors(tmp_path: Path):
    project = newswire(tmp_path)
    (project / "content" / "entities" / "bad.yaml").write_text("name: Bad\ntype: nope\n")
    result = CliRunner().invoke(main, ["suggest", "--project", str(project)])
    assert result.exit_code == 1
    assert result.stdout.startswith("content/entities/bad.yaml:2:7: error: unknown entity type 'nope'")
    assert result.stderr == "kb: fix the errors above first; suggestions need content that checks\n"


def test_kb_new_and_suggest_share_the_writer(tmp_path: Path):
    project = newswire(tmp_path)
    result = run_kb("new", "person", "Sam Reid", "--project", str(project))
    assert result.returncode == 0 and result.stdout == "content/entities/sam-reid.yaml\n"
    assert (project / "content" / "entities" / "sam-reid.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schema/entity.schema.json\n"
        "name: Sam Reid\ntype: person\naliases: []\nsummary: \"\"\nrelations: []\n"
    )


def test_suggest_outside_a_terminal_prints_no_progress(tmp_path: Path):
    project = newswire(tmp_path)
    result = run_kb("suggest", "--project", str(project), "--json", env={"CI": "1"})
    assert result.returncode == 0
    assert json.loads(result.stdout)["unmentioned"] == [{"id": "osaka-castle", "name": "Osaka Castle"}]
    assert result.stderr.startswith("kb: 8 names, 2 aliases, 1 unmentioned entities from 3 articles")
    assert "\x1b" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_write_takes_several_names_as_the_readme_shows(tmp_path: Path):
    # README: kb suggest --write "Fumio Kishida" "Microsoft Japan"
    project = newswire(tmp_path)
    result = CliRunner().invoke(main, ["suggest", "--project", str(project), "--write", "Hanna Lindqvist", "fss"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "content/entities/hanna-lindqvist.yaml: person 'Hanna Lindqvist', aliases: Lindqvist\n"
        "content/entities/financial-supervisory-service.yaml: organisation 'Financial Supervisory Service', "
        "aliases: FSS\n"
    )
    bare = CliRunner().invoke(main, ["suggest", "--project", str(project), "Tom Okafor"])
    assert bare.exit_code == 2
    assert "names are only taken with --write" in bare.output
    assert not (project / "content" / "entities" / "tom-okafor.yaml").exists()


def test_kb_new_refuses_a_reserved_id(tmp_path: Path):
    project = newswire(tmp_path)
    result = run_kb("new", "place", "Index", "--project", str(project))
    assert result.returncode == 1
    assert result.stderr == ("kb: the id 'index' is reserved for the index page of the folder that kb generates; "
                             "write content/entities/<another id>.yaml by hand\n")
    assert not (project / "content" / "entities" / "index.yaml").exists()


def test_write_of_an_existing_entity_names_its_file(tmp_path: Path):
    project = newswire(tmp_path)
    result = CliRunner().invoke(main, ["suggest", "--project", str(project), "--write", "nordal bank corp", "Seoul"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "kb: 'nordal bank corp' is already an entity: content/entities/nordal-bank-corp.yaml")
    assert result.stdout == "content/entities/seoul.yaml: place 'Seoul'\n"


def test_kb_new_keeps_the_letters_under_accents_in_the_id(tmp_path: Path):
    project = newswire(tmp_path)
    result = run_kb("new", "person", "Zoë Müller-Straße", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "content/entities/zoe-muller-strasse.yaml\n"  # was 'zo-m-ller-stra-e'


def test_the_progress_bar_runs_no_thread_so_rendering_may_fork() -> None:
    """kb renders in forked processes only when no other thread runs (a fork beside a thread
    can deadlock): the terminal's progress bar must not start one, or a person at a terminal
    would get a one-process build. (A fresh interpreter: the test process has threads of its own.)"""
    import subprocess
    import sys

    script = """
import os, threading
from builder import progress
from builder.parallel import in_processes
assert threading.active_count() == 1
with progress.Progress(enabled=True) as bar:
    bar.step("rendering", total=3)
    bar.advance()
    assert threading.active_count() == 1, threading.enumerate()
    pids = in_processes(lambda jobs: [os.getpid() for _ in jobs], list(range(100)), 2)
assert len(set(pids)) == 2, pids
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr
