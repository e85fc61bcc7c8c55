"""Issue 12 without a browser: the entity page model, kb.yml's page fields, the built HTML."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from builder.model import Article, PartialDate
from builder.pages import short_title, source_name

from builder.pipeline import build_docs

from .conftest import ROOT, run_kb


def soup_of(site: Path, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((site / url_path.strip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")


def _article(publisher: str, title: str = "A long title about a thing that happened somewhere far away") -> Article:
    return Article("a", title, publisher, PartialDate("2024"), None, None, "", 1, None)


def test_an_unknown_publisher_is_not_a_source_name():
    assert source_name(_article("Telecoms.com")) == "Telecoms.com"
    for unknown in ("Unknown", "unknown", " ", "Unknown publisher"):
        name = source_name(_article(unknown))
        assert "nknown" not in name and name.startswith("A long title about")
    assert short_title("Short title") == "Short title"
    assert short_title("Microsoft's Strategic Expansion in Japan: A $2.9 Billion Boost") == (
        "Microsoft's Strategic Expansion in Japan…")


def test_kb_yml_names_only_entities_and_relation_types_that_exist(project: Path):
    kb = project / "content" / "kb.yml"
    text = kb.read_text(encoding="utf-8")
    text = text.replace("  person: {label: Person, plural: People}",
                        "  person: {label: Person, plural: People, infobox: [role, {relation: works-fro}]}")
    text += "featured: [acme, jane-do]\nstorylines:\n  - title: The story\n    entities: [springfeld]\n"
    kb.write_text(text, encoding="utf-8")
    result = run_kb("check", "--project", str(project))
    assert result.returncode == 1
    lines = kb.read_text(encoding="utf-8").split("\n")
    featured = next(i for i, line in enumerate(lines) if line.startswith("featured:"))
    story = next(i for i, line in enumerate(lines) if "entities: [springfeld]" in line)
    person = next(i for i, line in enumerate(lines) if "works-fro" in line)
    at = lambda n, word: f"content/kb.yml:{n + 1}:{lines[n].index(word) + 1}"  # noqa: E731
    assert (f"{at(featured, 'jane-do')}: error: featured names unknown entity 'jane-do'"
            " (did you mean 'jane-doe'?)") in result.stdout
    assert (f"{at(story, 'springfeld')}: error: storyline 'The story' names unknown entity 'springfeld'"
            " (did you mean 'springfield'?)") in result.stdout
    assert (f"{at(person, 'works-fro')}: error: the infobox of type 'person' names unknown relation type"
            " 'works-fro' (did you mean 'works-for'?)") in result.stdout
    assert "featured names unknown entity 'acme'" not in result.stdout


def test_kb_yml_infobox_and_storylines_reach_the_pages(project: Path):
    kb = project / "content" / "kb.yml"
    text = kb.read_text(encoding="utf-8").replace(
        "  person: {label: Person, plural: People}",
        "  person: {label: Person, plural: People, infobox: [{relation: works-for, label: Employer}, role]}")
    text += "featured: [jane-doe]\nstorylines:\n  - title: The <b>story</b>\n    entities: [acme]\n"
    text += "properties: {role: 'Role | <i>title</i>'}\n"
    kb.write_text(text, encoding="utf-8")
    jane_file = project / "content" / "entities" / "jane-doe.yaml"
    jane_file.write_text(jane_file.read_text(encoding="utf-8") + (
        "facts:\n  - text: Directs the lab.\n    property: role\n    value: 'Director | <b>CEO</b> [x](y)'\n"
        "    sources:\n      - article: acme-opens-lab\n        quote: the lab's director\n"), encoding="utf-8")
    result = run_kb("build", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    home = soup_of(site, "/")
    assert home.find("h2", id="the-stories") and "The <b>story</b>" in home.get_text()  # escaped, not markup
    assert not home.select("article b")
    key = home.find("h2", id="key-entities").find_next("ul").select("li")
    assert key[0].get_text().startswith("Jane Doe")
    jane = soup_of(site, "/entities/jane-doe/")
    rows = {tr.select("td")[0].get_text(strip=True): tr.select("td")[1] for tr in jane.select(".kb-infobox tr")
            if len(tr.select("td")) == 2}
    assert "Employer" in rows and rows["Employer"].find("a")
    # a value or label with a pipe, markup or link syntax stays text, in its own cell
    role = rows["Role | <i>title</i>"]
    assert role.get_text(" ", strip=True).startswith("Director | <b>CEO</b> [x](y)")
    assert not jane.select(".kb-infobox b, .kb-infobox i") and role.find("a", class_="kb-cite")
    assert "Minimal knowledge base" in home.title.get_text() and "kb:" not in home.title.get_text()
    # an entity without a summary: a lead sentence with its article ("a person", "an organisation")
    lead = " ".join(soup_of(site, "/entities/springfield/").select_one(".kb-lead").get_text(" ").split())
    assert re.fullmatch(r"Springfield is a place named in \d+ sources?\.", lead), lead


def test_kishida_page_prints_each_quoted_passage_once(shipped_site: Path):
    soup = soup_of(shipped_site, "/entities/fumio-kishida/")
    article = soup.select_one("article")
    text = " ".join(article.get_text(" ").split())
    passages = [" ".join(b.get_text(" ").split()) for b in article.select(".kb-said blockquote p:first-child")]
    for li in article.select(".kb-references li li"):
        found = re.search(r"“(.+)”", " ".join(li.get_text(" ").split()))
        if found:
            passages.append(found.group(1))
    assert len(passages) >= 3
    for passage in passages:
        probe = passage.strip("“”")[:60]
        assert text.count(probe) == 1, probe
    assert len(article.select(".kb-references > ol > li")) == 3
    # every citation mark and backlink lands on an element of the page
    ids = {e["id"] for e in soup.select("[id]")}
    for a in article.select("a.kb-cite, a.kb-back"):
        assert a["href"].startswith("#") and a["href"][1:] in ids, a


def test_entity_pages_have_no_first_or_last_mentioned_rows(shipped_site: Path):
    for html in sorted((shipped_site / "entities").glob("*/index.html")):
        infobox = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one(".kb-infobox")
        assert infobox is not None, html
        assert "First mentioned" not in infobox.get_text() and "Last mentioned" not in infobox.get_text()


def test_article_page_is_cited_by_and_its_author_lists_it(shipped_site: Path):
    soup = soup_of(shipped_site, "/articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan/")
    cited = soup.find("h2", id="cited-by").find_next("p")
    assert "Fumio Kishida" in cited.get_text()
    author = soup.select_one(".kb-meta a")
    assert author.get_text() == "Andrew Wooden" and author["href"].endswith("entities/andrew-wooden/")
    wooden = soup_of(shipped_site, "/entities/andrew-wooden/")
    assert "Author of" in wooden.select_one(".kb-infobox").get_text()


def test_importance_ranks_the_story_above_places_named_in_passing():
    from builder.assemble import assemble
    from builder.pages import importance
    from builder.pipeline import check

    from .conftest import ROOT

    result = check(ROOT / "content")
    graph = assemble(result.kb, result.linked)
    rank = [v.entity.id for v in sorted(graph.entities.values(), key=lambda v: -importance(v))]
    assert rank[:2] == ["microsoft", "microsoft-japan-investment-2024"]
    lab = rank.index("iot-ai-insider-lab-shanghai")
    for passing in ("cabinet-secretariat", "london", "australia"):
        assert lab < rank.index(passing), (passing, rank[:20])


def test_a_malformed_infobox_item_is_one_plain_error_each(project: Path):
    kb = project / "content" / "kb.yml"
    row = "infobox: [{relation: works-for, inverse: maybe}, 42, {}, Bad Id, role]"
    kb.write_text(kb.read_text(encoding="utf-8").replace(
        "  person: {label: Person, plural: People}", "  person: {label: Person, plural: People, " + row + "}"),
        encoding="utf-8")
    result = run_kb("check", "--project", str(project))
    assert result.returncode == 1
    n = next(i for i, line in enumerate(kb.read_text(encoding="utf-8").split("\n")) if "Bad Id" in line) + 1
    col = lambda word: row.index(word) + len("  person: {label: Person, plural: People, ") + 1  # noqa: E731
    assert [line for line in result.stdout.splitlines() if line.startswith("content/kb.yml")] == [
        f"content/kb.yml:{n}:{col('maybe')}: error: 'inverse' should be true or false, got 'maybe'",
        f"content/kb.yml:{n}:{col('42')}: error: an item of 'infobox' should be a string or a mapping, got int '42'",
        f"content/kb.yml:{n}:{col('{}')}: error: missing required field 'relation'",
        f"content/kb.yml:{n}:{col('Bad Id')}: error: invalid id 'Bad Id' in 'infobox': use lowercase letters, digits "
        "and single hyphens; try 'bad-id'",
    ]


def test_a_source_that_printed_part_of_a_merged_quote_says_so(shipped_site: Path):
    # Kishida's statement: Telecoms.com printed all of it, AI Magazine all of it in two pieces, the
    # Strategic Expansion article only its first sentence: "as printed by" must not claim all three.
    for url in ("/quotes/", "/entities/fumio-kishida/"):
        article = soup_of(shipped_site, url).select_one("article")
        lines = [" ".join(p.get_text(" ").split()) for p in article.select("blockquote p")]
        line = next(x for x in lines if x.startswith("— Fumio Kishida, as printed by"))
        assert "Microsoft's Strategic Expansion in Japan… (in part)" in line, line
        assert "AI Magazine (in part)" not in line and "Telecoms.com (in part)" not in line, line
        assert line.count("(in part)") == 1


def test_kb_yml_naming_a_thing_twice_is_an_error_where_it_is(project: Path):
    # a careless edit: the home page listed Microsoft twice, the infobox a row twice
    kb = project / "content" / "kb.yml"
    text = kb.read_text(encoding="utf-8").replace(
        "  person: {label: Person, plural: People}",
        "  person: {label: Person, plural: People, infobox: [role, {relation: works-for}, role, {relation: works-for}]}")
    text += "featured: [acme, jane-doe, acme]\nstorylines:\n  - title: S\n    entities: [acme, acme]\n"
    kb.write_text(text, encoding="utf-8")
    result = run_kb("check", "--project", str(project))
    assert result.returncode == 1
    lines = kb.read_text(encoding="utf-8").split("\n")
    n = lambda start: next(i for i, line in enumerate(lines) if line.startswith(start)) + 1  # noqa: E731
    person, featured, story = n("  person:"), n("featured:"), n("    entities:")
    assert [x for x in result.stdout.splitlines() if x.startswith("content/kb.yml")] == [
        f"content/kb.yml:{person}:{lines[person - 1].rindex('role') + 1}: error: the infobox of type 'person' names "
        "fact property 'role' twice; remove one",
        f"content/kb.yml:{person}:{lines[person - 1].rindex('{relation') + 1}: error: the infobox of type 'person' "
        "names relation 'works-for' twice; remove one",
        f"content/kb.yml:{featured}:{lines[featured - 1].rindex('acme') + 1}: error: featured names 'acme' twice; "
        "remove one",
        f"content/kb.yml:{story}:{lines[story - 1].rindex('acme') + 1}: error: storyline 'S' names 'acme' twice; "
        "remove one",
    ]


def test_a_capitalised_key_is_an_unknown_field_not_a_union_member(project: Path):
    # the union clean-up must not take a key the file wrote ('A', 'InfoboxRelationSpec'...) for pydantic's tag
    (project / "content" / "entities" / "odd.yaml").write_text("A: null\n", encoding="utf-8")
    relations = project / "content" / "entities" / "acme.yaml"
    relations.write_text(relations.read_text(encoding="utf-8").replace("  - type: located-in\n",
                                                                      "  - Type: located-in\n    type: located-in\n", 1),
                         encoding="utf-8")
    result = run_kb("check", "--project", str(project))
    assert result.returncode == 1
    assert "content/entities/odd.yaml:1:1: error: unknown field 'A'" in result.stdout
    assert "content/entities/odd.yaml:1:1: error: missing required field 'name'" in result.stdout
    assert "error: unknown field 'Type' (did you mean 'type'?)" in result.stdout


def test_quotes_page_shows_the_most_quoted_in_full_and_lists_the_rest() -> None:
    """At archive scale the Quotes page stays a page: the 50 most quoted speakers show their
    first 5 quotes (their own page has all), the others are listed by name, unattributed
    quotes are capped; shipped-size content is unaffected."""
    from types import SimpleNamespace

    from builder.pages import QUOTES_PER_SPEAKER, SPEAKERS_IN_FULL, UNATTRIBUTED_SHOWN, quote_groups
    from builder.quotes import Quote

    entities = {f"p{n:03d}": SimpleNamespace(entity=SimpleNamespace(name=f"Person {n:03d}")) for n in range(80)}
    quotes = [Quote(f"words {n} {k}", f"p{n:03d}", []) for n in range(80) for k in range(1 + n % 9)]
    quotes += [Quote(f"nobody {k}", None, []) for k in range(250)]
    groups = quote_groups(SimpleNamespace(entities=entities, quotes=quotes))
    assert len(groups.named) == SPEAKERS_IN_FULL == 50
    counts = [total for _, _, total in groups.named]
    assert counts == sorted(counts, reverse=True) and counts[0] == 9
    assert all(len(shown) == min(QUOTES_PER_SPEAKER, total) for _, shown, total in groups.named)
    assert len(groups.others) == 30 and [s for s, _ in groups.others] == sorted(s for s, _ in groups.others)
    assert {s for s, _ in groups.others}.isdisjoint(s for s, _, _ in groups.named)
    assert len(groups.unattributed) == UNATTRIBUTED_SHOWN and groups.unattributed_total == 250


def test_a_quotes_template_from_before_the_groups_still_renders(tmp_path: Path) -> None:
    """A project keeps its own templates: one that iterates (speaker, quotes) pairs still works."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "quotes.md.j2").write_text(
        "# Quotes\n\n{% for speaker, quotes in groups %}\n## {{ speaker or 'Unattributed' }}: {{ quotes|length }}\n{% endfor %}\n",
        encoding="utf-8")
    build_docs(ROOT / "content", tmp_path / "docs", templates_dir=templates, root=ROOT)
    page = (tmp_path / "docs" / "quotes.md").read_text(encoding="utf-8")
    assert "## fumio-kishida: " in page and "## Unattributed: " in page
