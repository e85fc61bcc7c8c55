"""Finding mentions: one pass, longest match wins, whole words, never inside code, links, URLs or headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.link import link
from builder.load import load_corpus
from builder.mentions import MentionFinder
from builder.validate import validate

NAMES = {
    "Microsoft": "microsoft",
    "Microsoft Research Asia": "msra",
    "Microsoft Japan": "microsoft-japan",
    "Kishida": "kishida",
    "Fumio Kishida": "kishida",
    "Asia": "asia",
    "AI": "ai",
}


def found(text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.entity_id) for m in MentionFinder(NAMES).find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Microsoft Research Asia opened", [("Microsoft Research Asia", "msra")]),
        ("Microsoft Japan and Microsoft", [("Microsoft Japan", "microsoft-japan"), ("Microsoft", "microsoft")]),
        ("Kishida's statement", [("Kishida", "kishida")]),
        ("Kishida’s statement", [("Kishida", "kishida")]),
        ("Fumio Kishida said", [("Fumio Kishida", "kishida")]),
        ("Microsofty and AIs and MAIN", []),
        ("non-Microsoft (Asia).", [("Microsoft", "microsoft"), ("Asia", "asia")]),
        ("the AI lab", [("AI", "ai")]),
    ],
)
def test_mentions(text, expected):
    assert found(text) == expected


def test_a_longer_name_ending_mid_word_does_not_hide_a_shorter_valid_one():
    finder = MentionFinder({"Acme": "acme", "Acme Researchers": "x"})
    assert [(m.start, m.end, m.entity_id) for m in finder.find("Acme Researcher said")] == [(0, 4, "acme")]


def test_the_automaton_is_built_once_for_all_names():
    finder = MentionFinder({f"Name{i}": f"e{i}" for i in range(2000)})
    assert len(finder.find("Name5 met Name1999 and Name2000")) == 2
    assert len(finder.automaton) == 2000


def test_linking_the_fixture_article_skips_code_links_headings_and_urls(project: Path):
    article = project / "content" / "articles" / "acme-opens-lab.md"
    article.write_text(article.read_text() + "\nSee https://acme.example/Acme or mail doe@acme.example for Acme.\n")
    corpus, diagnostics = load_corpus(project / "content", project)
    kb, _ = validate(corpus)
    linked, _, _ = link(kb)
    result = linked["acme-opens-lab"]
    blocks = {b.number: b for b in kb.articles["acme-opens-lab"].blocks}
    mentioned = [(blocks[m.block].text[m.start : m.end], m.entity_id) for m in result.mentions]
    assert ("Acme Corporation", "acme") in mentioned
    assert ("Acme Research", "acme-research") in mentioned
    assert ("Doe", "jane-doe") in mentioned  # "Doe's"
    heading = next(b for b in blocks.values() if b.kind == "heading")
    assert not [m for m in result.mentions if m.block == heading.number]
    last = max(blocks)
    in_last = [blocks[last].text[m.start : m.end] for m in result.mentions if m.block == last]
    assert in_last == ["Acme"], "only the plain-text Acme, not the one in the URL or the e-mail address"
    code_paragraph = next(b for b in blocks.values() if "code name" in b.text)
    linked_spans = [s for s in result.spans.get(code_paragraph.number, []) if s.href]
    texts = [code_paragraph.text[s.start : s.end] for s in linked_spans]
    assert texts == ["Doe", "Acme"], "the `Acme` code span and the [Acme home] link text are not linked"


def test_an_alias_marked_ambiguous_is_not_linked_and_gets_a_disambiguation_page(project: Path):
    import shutil

    from bs4 import BeautifulSoup

    from .conftest import run_kb

    golden = Path(__file__).resolve().parent / "golden" / "alias-marked-ambiguous" / "content"
    shutil.copytree(golden, project / "content", dirs_exist_ok=True)
    result = run_kb("build", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note: alias 'Acme' is shared by acme, springfield and marked ambiguous" in result.stdout
    page = BeautifulSoup((project / "site" / "acme" / "index.html").read_text(), "html.parser")
    targets = {a["href"] for a in page.select("article li a")}
    assert {"../entities/acme/", "../entities/springfield/"} <= targets
    article = BeautifulSoup((project / "site" / "articles" / "acme-opens-lab" / "index.html").read_text(), "html.parser")
    linked_texts = [a.get_text() for a in article.select("article p a[href*='entities/']")]
    assert "Acme" not in linked_texts and "Acme Corporation" in linked_texts
