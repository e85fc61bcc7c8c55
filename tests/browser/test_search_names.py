"""The name search (kb-search.js over builder/search.py's shards), over http and from disk.

Queries are typed into Material's search box as a reader would; the "Names" block kb-search.js
puts above Material's results is read back once it answers the whole query (its data-query).
From disk, the site is built once without KB_SITE_URL and opened as file://<site>/index.html,
as the README says: links must open pages (not directory listings) and the name search is the
search there.
"""

from __future__ import annotations

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

NAMES = """() => Array.from(document.querySelectorAll(".kb-names .kb-names__item a"), a => [
  a.getAttribute("href"),
  a.querySelector(".kb-names__name").textContent,
  a.querySelector(".kb-names__type").textContent,
  (a.querySelector(".kb-names__snippet") || {textContent: ""}).textContent,
])"""


def site_path(href: str, base: str) -> str:
    """/entities/x/ for http://host/entities/x/ and for file://<site>/entities/x/index.html."""
    path = href[len(base):] if href.startswith(base) else href
    return re.sub(r"index\.html$", "", path)


def type_query(page, query: str) -> list[tuple[str, str, str, str]]:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=10)
    page.wait_for_function("q => { const b = document.querySelector('.kb-names'); "
                           "return b && b.getAttribute('data-query') === q; }", arg=query)
    return [tuple(r) for r in page.evaluate(NAMES)]


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
        shown = "\n".join(f"  {i + 1}. {n} ({site_path(h, base)})" for i, (h, n, _, _) in enumerate(results))
        assert results, f"{query!r}: no names shown"
        assert site_path(results[0][0], base) == expected, f"{query!r}: expected {expected} first, got\n{shown}"
    kishida = type_query(page, "Fumio Kishida")[0]
    assert site_path(kishida[0], base) == KISHIDA
    assert kishida[2] == "Person"
    assert kishida[3] == lead_of("fumio-kishida")  # the lead sentence, not the flattened infobox
    assert not re.search(r"First mentioned|Sources \d", kishida[3])


# --------------------------------------------------------------------------- over http


@pytest.fixture(scope="module")
def http_page(contexts, site):
    browsing = contexts("desktop", "light")
    page = browsing.new_page()
    page.goto(site.url("/"))
    mark = browsing.recorder.mark()
    yield page
    assert_no_problems(browsing.recorder, mark, "while searching names: ")


def test_names_rank_exact_names_aliases_and_typos_first_over_http(http_page, site):
    check_cases(http_page, site.base_url)
    # The block sits above Material's own results, which still come.
    assert http_page.evaluate("() => document.querySelector('.md-search-result').firstElementChild.className") == "kb-names"


@pytest.mark.parametrize("size, scheme", [("desktop", "dark"), ("phone", "light")])
def test_names_on_every_size_and_scheme(contexts, site, size, scheme):
    browsing = contexts(size, scheme)
    page = browsing.new_page()
    mark = browsing.recorder.mark()
    page.goto(site.url("/"))
    if size == "phone":
        page.locator("label.md-header__button[for=__search]").click()
    results = type_query(page, "Kishda")
    assert site_path(results[0][0], site.base_url) == KISHIDA
    first = page.locator(".kb-names__link").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box["height"] >= 24 and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-names-{size}-{scheme}.png"))
    page.close()
    assert_no_problems(browsing.recorder, mark, f"searching names ({size}, {scheme}): ")


def test_names_never_offer_graph_labels_or_type_tables(http_page, site):
    for query in ["Organisations", "Graph", "Person", "Relation"]:
        for href, name, kind, _ in type_query(http_page, query):
            path = site_path(href, site.base_url)
            assert re.fullmatch(r"/(entities|articles)/[^/]+/", path), f"{query!r}: {name} ({kind}) at {path}"


def test_names_are_text_and_only_the_sites_files_are_loaded(http_page, site):
    type_query(http_page, "Microsoft")
    assert http_page.evaluate("() => document.querySelectorAll('.kb-names script, .kb-names [onerror]').length") == 0
    loaded = http_page.evaluate("() => Array.from(document.querySelectorAll('script[src*=\"search/kb/\"]'), s => s.src)")
    assert loaded and all(src.startswith(site.base_url + "/search/kb/") for src in loaded)


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


def test_name_search_from_disk(disk, disk_site):
    page = disk.new_page()
    mark = disk.recorder.mark()
    page.goto(disk_site.url("/index.html"))
    assert page.locator("input.md-search__input").is_visible()  # Material hides it without its worker
    assert page.get_attribute(".md-search", "aria-label") == "Search"  # kb.js set up the page without document$
    check_cases(page, disk_site.base_url)
    type_query(page, "Kishda")
    page.locator("input.md-search__input").press("Enter")  # Material has no results here: the first name opens
    page.wait_for_url(disk_site.url(KISHIDA + "index.html"))
    assert is_page(page)
    assert_no_problems(disk.recorder, mark, "searching from disk: ")


def urldefrag_path(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]
