"""Search (kb-search.js over builder/search.py's name and full-text shards), over http and from disk.

Queries are typed into Material's search box as a reader would; Material's result list is read
back once it has settled: over http kb-search.js answers as Material's search worker, from disk
it fills the same list itself. Exact names and aliases first, names within a typo, a word from
an article's body with the snippet around it. From disk, the site is built once without
KB_SITE_URL and opened as file://<site>/index.html, as the README says: links must open pages
(not directory listings) and search works there too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .support import ROOT, SCREENSHOTS, Browsing, Site, assert_no_problems

KISHIDA = "/entities/fumio-kishida/"
MICROSOFT_JAPAN = "/entities/microsoft-japan/"
SHANGHAI_LAB = "/entities/iot-ai-insider-lab-shanghai/"
CASES = [("Microsoft Japan", MICROSOFT_JAPAN), ("Shanghai lab", SHANGHAI_LAB), ("Kishda", KISHIDA)]

RESULTS = """() => Array.from(document.querySelectorAll(".md-search-result__list > li"), li => {
  const a = li.querySelector("a.md-search-result__link");
  const art = a.querySelector("article");
  const title = art.querySelector("h1, h2");
  const text = Array.from(art.childNodes).filter(n => n !== title && !(n.classList && n.classList.contains("md-icon")))
    .map(n => n.textContent).join("").trim();
  return [a.getAttribute("href"), title.textContent.trim(), text, Array.from(li.querySelectorAll("a.md-search-result__link"), x => x.getAttribute("href")),
          Array.from(li.querySelectorAll("mark"), m => m.textContent), li.innerHTML];
})"""


def site_path(href: str, base: str) -> str:
    """/entities/x/ for http://host/entities/x/ and for file://<site>/entities/x/index.html."""
    path = href[len(base):] if href.startswith(base) else href
    path, _, anchor = path.partition("#")
    path = path.split("?")[0]  # Material adds ?h=<terms> (search.highlight) before the #anchor
    return re.sub(r"index\.html$", "", path) + (f"#{anchor}" if anchor else "")


def type_query(page, query: str) -> list[tuple]:
    """Material's result list once it has settled on the typed query: (href, title, text,
    every link of the item, marked words, the item's HTML) per page."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press("Control+a")
    box.press("Backspace")
    page.wait_for_function("() => !document.querySelector('.md-search-result__list > li')")
    box.press_sequentially(query, delay=10)
    page.wait_for_selector(".md-search-result__list > li")
    last, stable = None, 0
    while stable < 3:  # results arrive once per keystroke: wait until they settle
        page.wait_for_timeout(100)
        now = page.evaluate(RESULTS)
        stable = stable + 1 if now == last else 0
        last = now
    return [tuple(r) for r in last]


def lead_of(entity_id: str) -> str:
    """The first sentence of an entity's summary in content/, its [[links]] as names."""
    entities = ROOT / "content" / "entities"
    summary = " ".join(yaml.safe_load((entities / f"{entity_id}.yaml").read_text(encoding="utf-8"))["summary"].split())
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z\[])", summary, maxsplit=1)[0]

    def name(match: re.Match) -> str:
        if match.group(2):
            return match.group(2)
        return yaml.safe_load((entities / f"{match.group(1)}.yaml").read_text(encoding="utf-8"))["name"]

    return re.sub(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]", name, first)


def check_cases(page, base: str) -> None:
    for query, expected in CASES:
        results = type_query(page, query)
        shown = "\n".join(f"  {i + 1}. {r[1]} ({site_path(r[0], base)})" for i, r in enumerate(results))
        assert results, f"{query!r}: nothing shown"
        assert site_path(results[0][0], base) == expected, f"{query!r}: expected {expected} first, got\n{shown}"
    kishida = type_query(page, "Fumio Kishida")[0]
    assert site_path(kishida[0], base) == KISHIDA
    assert kishida[1] == "Fumio Kishida"
    # the type and the lead sentence, not the flattened infobox
    assert kishida[2] == "Person: " + lead_of("fumio-kishida")
    assert not re.search(r"First mentioned|Sources \d", kishida[2])
    alias = type_query(page, "METI")[0]
    assert site_path(alias[0], base) == "/entities/ministry-of-economy-trade-and-industry/"
    assert alias[2].startswith("Organisation, also \u201cMETI\u201d: ")
    check_full_text(page, base)


BODY_WORD = "cultivation"  # in one article's body only (checked below)
BODY_ARTICLE = "/articles/microsoft-strategic-expansion-in-japan-2-9-billion-boost/"


def check_full_text(page, base: str) -> None:
    holders = [p.stem for p in (ROOT / "content").rglob("*") if p.is_file() and BODY_WORD in p.read_text(encoding="utf-8").lower()]
    assert holders == ["microsoft-strategic-expansion-in-japan-2-9-billion-boost"]
    results = type_query(page, BODY_WORD)
    assert results and site_path(results[0][0], base).split("#")[0] == BODY_ARTICLE, results
    _, _, _, links, marks, html = results[0]
    assert any(site_path(h, base).startswith(BODY_ARTICLE + "#") for h in links)  # the section that holds it
    assert [m.lower() for m in marks] == [BODY_WORD]
    text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?mark[^>]*>", "", html)).split())
    assert "cross-disciplinary research and talent cultivation." in text  # the snippet: the text around the hit
    # the same word with a typo, and as the start of a word still being typed
    assert site_path(type_query(page, "cultivaton")[0][0], base).split("#")[0] == BODY_ARTICLE
    assert site_path(type_query(page, "cultiva")[0][0], base).split("#")[0] == BODY_ARTICLE


# --------------------------------------------------------------------------- over http


@pytest.fixture(scope="module")
def http_page(contexts, site):
    browsing = contexts("desktop", "light")
    page = browsing.new_page()
    page.goto(site.url("/"))
    mark = browsing.recorder.mark()
    yield page
    assert_no_problems(browsing.recorder, mark, "while searching names: ")


def test_names_aliases_typos_and_full_text_over_http(http_page, site):
    check_cases(http_page, site.base_url)


def test_material_downloads_no_page_text(site):
    """The worker is kb's and Material's index holds no page: a reader downloads only shards."""
    index = json.loads((site.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == [] and index["config"]["lang"] == ["en"]
    workers = list((site.root / "assets" / "javascripts" / "workers").glob("search.*.js"))
    assert workers and all("importScripts(\"../../kb-search.js\")" in w.read_text(encoding="utf-8") for w in workers)


@pytest.mark.parametrize("size, scheme", [("desktop", "dark"), ("phone", "light")])
def test_results_on_every_size_and_scheme(contexts, site, size, scheme):
    browsing = contexts(size, scheme)
    page = browsing.new_page()
    mark = browsing.recorder.mark()
    page.goto(site.url("/"))
    if size == "phone":
        page.locator("label.md-header__button[for=__search]").click()
    results = type_query(page, "Kishda")
    assert site_path(results[0][0], site.base_url) == KISHIDA
    first = page.locator(".md-search-result__list > li a.md-search-result__link").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box["height"] >= 24 and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{size}-{scheme}.png"))
    page.close()
    assert_no_problems(browsing.recorder, mark, f"searching ({size}, {scheme}): ")


def test_results_are_text_with_marks_only(http_page, site):
    type_query(http_page, "Microsoft")
    tags = http_page.evaluate("() => Array.from(new Set(Array.from(document.querySelectorAll('.md-search-result__list *'), e => e.tagName.toLowerCase()))).sort()")
    assert set(tags) <= {"a", "article", "div", "h1", "h2", "mark", "details", "summary", "li", "p"}, tags
    assert http_page.evaluate("() => document.querySelectorAll('.md-search-result__list [onerror], .md-search-result__list [style]').length") == 0


# --------------------------------------------------------------------------- from disk


@pytest.fixture(scope="session")
def disk_site(chromium, tmp_path_factory) -> Site:
    """The shipped site built without KB_SITE_URL, to be opened from disk."""
    root = tmp_path_factory.mktemp("kb-disk") / "site"
    env = {k: v for k, v in os.environ.items() if k != "KB_SITE_URL"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "builder.cli", "build", "--project", str(ROOT), "--site-dir", str(root)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0 and (root / "index.html").is_file(), result.stdout + result.stderr
    print(f"\nkb build for the file:// tests: {time.monotonic() - started:.1f}s")
    return Site(root, Path(root).as_uri())


@pytest.fixture(scope="module")
def disk(browser, disk_site):
    browsing = Browsing(browser, disk_site)
    yield browsing
    browsing.close()


def is_page(page) -> bool:
    """A rendered kb page, not a directory listing: Material's header and an <h1>."""
    return page.locator("header.md-header").count() == 1 and page.locator("article h1").count() >= 1


def test_click_through_from_disk(disk, disk_site):
    page = disk.new_page()
    mark = disk.recorder.mark()
    page.goto(disk_site.url("/index.html"))
    assert is_page(page)
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    folders = [h for h in hrefs if h.startswith("file:") and urldefrag_path(h).endswith("/")]
    assert not folders, f"links to folders from disk: {folders[:5]}"

    page.locator(f"article a[href$='{KISHIDA}index.html']").first.click()
    page.wait_for_load_state()
    assert page.url == disk_site.url(KISHIDA + "index.html") and is_page(page)
    assert page.locator("article h1").first.text_content().strip().rstrip("¶") == "Fumio Kishida"

    page.locator("article a[href*='/articles/'][href$='/index.html']:not([href$='/articles/index.html'])").first.click()
    page.wait_for_load_state()
    assert re.search(r"/articles/[^/]+/index\.html$", page.url) and is_page(page), page.url
    article = page.url

    crumb = page.locator(".kb-breadcrumb a").first  # "Articles"
    crumb.click()
    page.wait_for_load_state()
    assert page.url == disk_site.url("/articles/index.html") and is_page(page), page.url
    page.go_back()
    assert page.url == article

    # An alias redirect page names index.html, so it lands on the page from disk too.
    page.goto(disk_site.url("/kishida/index.html"))
    page.wait_for_url(disk_site.url(KISHIDA + "index.html"))
    assert is_page(page)
    assert_no_problems(disk.recorder, mark, "clicking through from disk: ")


def test_graph_links_open_pages_from_disk(disk, disk_site):
    page = disk.new_page()
    page.goto(disk_site.url(KISHIDA + "index.html"))
    svg_links = page.evaluate("() => Array.from(document.querySelectorAll('svg a'), a => a.getAttribute('href'))")
    assert svg_links, "no graph links on the entity page"
    assert all(h.endswith("index.html") for h in svg_links), svg_links[:5]


def test_search_from_disk(disk, disk_site):
    page = disk.new_page()
    mark = disk.recorder.mark()
    page.goto(disk_site.url("/index.html"))
    assert page.locator("input.md-search__input").is_visible()  # Material hides it without its worker
    assert page.get_attribute(".md-search", "aria-label") == "Search"  # kb.js set up the page without document$
    check_cases(page, disk_site.base_url)
    type_query(page, "Kishda")
    assert re.fullmatch(r"\d+ matching documents", page.locator(".md-search-result__meta").text_content())
    page.locator("input.md-search__input").press("Enter")  # the first result opens
    page.wait_for_url(disk_site.url(KISHIDA + "index.html"))
    assert is_page(page)
    assert_no_problems(disk.recorder, mark, "searching from disk: ")


def urldefrag_path(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]
