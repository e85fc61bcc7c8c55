"""The shipped knowledge base, end to end: read the HTML that `kb build` produced."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from builder.load import load_corpus
from builder.text import Block

from .conftest import ROOT

KEY_PAGES = {
    "geniac": "GENIAC",
    "microsoft-japan": "Microsoft Japan",
    "iot-ai-insider-lab-shanghai": "Shanghai lab",
    "fumio-kishida": "Fumio Kishida",
    "tokyo": "Tokyo",  # named inside "Microsoft Research Asia lab in Tokyo" and "University of Tokyo"
    "microsoft-research-asia": "Microsoft Research Asia",
}


def page(site: Path, url_path: str) -> BeautifulSoup:
    path = site / url_path.strip("/") / "index.html" if not url_path.endswith(".html") else site / url_path
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def content_links(soup: BeautifulSoup, base: str) -> set[str]:
    """Entity pages linked from the article body of a page (not the nav or the footer)."""
    out = set()
    for a in soup.select("article a[href]"):
        target = urljoin(base, a["href"])
        match = re.match(r"^/entities/([a-z0-9-]+)/$", urlparse(target).path)
        if match:
            out.add(match.group(1))
    return out


def test_home_page_lists_counts_latest_articles_and_key_entities(shipped_site: Path):
    soup = page(shipped_site, "/")
    text = " ".join(soup.select_one("article").get_text(" ").split())
    corpus, _ = load_corpus(ROOT / "content")
    assert f"Articles ({len(corpus.articles)})" in text
    assert len(soup.find("h2", id="latest-articles").find_next("ul").select("li")) == len(corpus.articles)
    assert "Microsoft" in soup.find("h2", id="key-entities").find_next("ul").get_text()


@pytest.mark.parametrize("target", ["geniac", "microsoft-japan", "iot-ai-insider-lab-shanghai"])
def test_key_entities_are_at_most_two_clicks_from_kishida(shipped_site: Path, target: str):
    start = "fumio-kishida"
    seen = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if seen[current] == 2:
            continue
        base = f"/entities/{current}/"
        for linked in content_links(page(shipped_site, base), base):
            if linked not in seen:
                seen[linked] = seen[current] + 1
                queue.append(linked)
    assert target in seen and seen[target] <= 2, f"{target} is not within two clicks of Kishida"


def _mentioning_articles(entity_id: str) -> set[str]:
    corpus, _ = load_corpus(ROOT / "content")
    entity = next(e for e in corpus.entities if e.id == entity_id)
    names = entity.names
    out = set()
    for article in corpus.articles:
        for block in article.blocks:
            if block.kind == "paragraph" and any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", block.text) for n in names):
                out.add(article.id)
    return out


@pytest.mark.parametrize("entity_id", sorted(KEY_PAGES))
def test_key_pages_show_the_sentences_of_every_article_that_mentions_them(shipped_site: Path, entity_id: str):
    soup = page(shipped_site, f"/entities/{entity_id}/")
    heading = soup.find("h2", id="in-the-sources")
    assert heading, "no 'In the sources' section"
    section = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        section.append(sibling)
    linked_articles = set()
    sentences = []
    for element in section:
        for a in element.select("a[href]"):
            match = re.search(r"articles/([a-z0-9-]+)/", a["href"])
            if match:
                linked_articles.add(match.group(1))
        sentences += [li.get_text(" ", strip=True) for li in element.select("li")]
    expected = _mentioning_articles(entity_id)
    assert expected, "the test expects the articles to mention this entity"
    assert expected <= linked_articles
    # A sentence already quoted higher up the page is not repeated, so an article may be
    # listed without sentences ("Also in (quoted above)"); but some sentences are shown.
    assert sentences
    assert all(s.endswith("¶") for s in sentences), "each sentence links to its paragraph"


def test_snippet_links_land_on_paragraphs_that_contain_the_sentence(shipped_site: Path):
    soup = page(shipped_site, "/entities/microsoft/")
    checked = 0
    for li in soup.select("h2#in-the-sources ~ ul li"):
        anchor = li.find_all("a")[-1]
        if anchor.get_text() != "¶":
            continue
        url = urljoin("/entities/microsoft/", anchor["href"])
        path, fragment = urlparse(url).path, urlparse(url).fragment
        target = page(shipped_site, path).find(id=fragment)
        assert target is not None and target.name in ("p", "li")
        words = li.get_text().rstrip().rstrip("¶").split()[:6]
        assert " ".join(words) in " ".join(target.get_text().split())
        checked += 1
    assert checked >= 3


def test_entity_page_shows_type_aliases_relations_both_ways_and_source_count(shipped_site: Path):
    soup = page(shipped_site, "/entities/microsoft-japan/")
    text = soup.select_one("article").get_text(" ")
    assert "Organisation" in soup.select_one(".kb-infobox .kb-badge").get_text()
    assert re.search(r"Sources\s+\d+ articles?", soup.select_one(".kb-infobox").get_text(" "))
    # the relation on one side, its inverse on the other, both in the infoboxes
    assert re.search(r"Parent\s+Microsoft", soup.select_one(".kb-infobox").get_text(" "))
    microsoft = page(shipped_site, "/entities/microsoft/")
    assert re.search(r"Subsidiaries\s+Microsoft Japan", microsoft.select_one(".kb-infobox").get_text(" "))
    kishida = page(shipped_site, "/entities/fumio-kishida/")
    assert "Also known as Kishida" in " ".join(kishida.select_one(".kb-infobox").get_text(" ").split())
    assert kishida.find("h2", id="connections")
    assert text


def test_article_page_has_metadata_linked_body_entities_by_type_and_related_articles(shipped_site: Path):
    soup = page(shipped_site, "/articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan/")
    meta = soup.select_one(".kb-meta").get_text(" ")
    assert "Telecoms.com" in meta and "Andrew Wooden" in meta and "10 April 2024" in meta
    body_paragraphs = soup.select("article p[id^=p]")
    assert len(body_paragraphs) >= 8
    first_links = content_links(soup, "/articles/x/")
    assert {"microsoft", "fumio-kishida", "geniac", "kevin-scott"} <= first_links
    assert soup.find("h2", id="entities-in-this-article")
    assert soup.find(string=re.compile("People:"))
    assert soup.find("h2", id="related-articles").find_next("ul").select("a")


def test_only_the_first_mention_in_an_article_is_linked(shipped_site: Path):
    soup = page(shipped_site, "/articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan/")
    targets = [a["href"] for p in soup.select("article p[id^=p]") for a in p.select("a[href*='entities/']")]
    assert len(targets) >= 8
    assert len(targets) == len(set(targets)), sorted(targets)


def test_headings_are_never_linked(shipped_site: Path):
    soup = page(shipped_site, "/articles/microsoft-strategic-expansion-in-japan-2-9-billion-boost/")
    heading = next(h for h in soup.select("article h2") if "Tokyo" in h.get_text())
    assert heading is not None and not heading.select("a[href*='entities/']")


def test_type_pages_and_article_list(shipped_site: Path):
    people = page(shipped_site, "/types/person/")
    assert "Fumio Kishida" in people.get_text()
    articles = page(shipped_site, "/articles/")
    assert len(articles.select("article table a[href*='articles/'], article table a[href]")) >= 5


def test_nav_does_not_list_entity_or_article_pages(shipped_site: Path):
    soup = page(shipped_site, "/entities/fumio-kishida/")
    nav_links = [a["href"] for a in soup.select("nav.md-nav--primary a[href]")]
    assert len(nav_links) < 20
    assert not any("entities/" in href for href in nav_links)


def test_every_internal_link_resolves(shipped_site: Path):
    missing = []
    for html in shipped_site.rglob("*.html"):
        rel = html.relative_to(shipped_site).as_posix()
        base = "/" + rel.removesuffix("index.html")
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for a in soup.select("a[href]"):
            href = a["href"]
            if href.startswith(("http://", "https://", "mailto:", "javascript:")):
                continue
            url = urlparse(urljoin(base, href))
            target = shipped_site / unquote(url.path).lstrip("/")
            if url.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{rel}: {href}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = set(re.findall(r'id="([^"]+)"', target.read_text(encoding="utf-8")))
                if unquote(url.fragment) not in ids:
                    missing.append(f"{rel}: {href} (no #{url.fragment})")
    assert not missing, "\n".join(missing[:20])


def test_no_page_loads_anything_from_the_network(shipped_site: Path):
    offenders = []
    for html in shipped_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for match in re.finditer(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//[^"]+"', text):
            if "rel=\"canonical\"" in match.group(0):
                continue
            offenders.append(f"{html.relative_to(shipped_site)}: {match.group(0)[:100]}")
    assert not offenders, "\n".join(offenders[:10])


def test_alias_redirect_pages_point_at_the_canonical_page(shipped_site: Path):
    soup = page(shipped_site, "/kishida/")
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh.endswith("url=../entities/fumio-kishida/index.html")  # index.html: works from disk too
    assert (shipped_site / "entities" / "fumio-kishida" / "index.html").is_file()
    assert page(shipped_site, "/meti/").find("link", rel="canonical")["href"] == (
        "../entities/ministry-of-economy-trade-and-industry/"
    )


def test_paragraph_blocks_are_numbered_in_order():
    corpus, _ = load_corpus(ROOT / "content")
    for article in corpus.articles:
        anchors = [b.anchor for b in article.blocks if isinstance(b, Block) and b.kind == "paragraph"]
        assert anchors == [f"p{i}" for i in range(1, len(anchors) + 1)]
