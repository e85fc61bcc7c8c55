"""Material's search box finds entities by name and by alias, best match first.

The query is typed key by key into the header's search box, as a reader would, and the
first entry of the result list that Material renders is read back.
"""

from __future__ import annotations

import pytest

from .support import assert_no_problems

METI = ("/entities/ministry-of-economy-trade-and-industry/", "Ministry of Economy, Trade and Industry")
CASES = [
    ("Kishida", "/entities/fumio-kishida/", "Fumio Kishida"),
    ("METI", *METI),
    ("Ministry of Economy", *METI),
    ("SCMP", "/entities/south-china-morning-post/", "South China Morning Post"),
]

RESULTS = """() => Array.from(document.querySelectorAll(".md-search-result__item"), item => {
  const link = item.querySelector("a.md-search-result__link");
  const title = item.querySelector("h1, h2");
  return [link ? link.getAttribute("href") : null, title ? title.textContent.trim() : null];
})"""


@pytest.fixture(scope="module")
def search(contexts, site):
    browsing = contexts("desktop", "light")
    page = browsing.new_page()
    page.goto(site.url("/"))
    box = page.locator("input.md-search__input")

    def run(query: str) -> list[tuple[str, str]]:
        box.click()
        box.press("Control+a")
        box.press("Backspace")
        page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
        box.press_sequentially(query, delay=15)
        page.wait_for_selector(".md-search-result__item")
        # Results arrive from a worker, one batch per keystroke: wait until they settle.
        last, stable = None, 0
        while stable < 3:
            page.wait_for_timeout(100)
            now = page.evaluate(RESULTS)
            stable = stable + 1 if now == last else 0
            last = now
        return [(site.path(page.evaluate("h => new URL(h, location.href).href", href)).split("?")[0], title)
                for href, title in last]

    mark = browsing.recorder.mark()
    yield run
    assert_no_problems(browsing.recorder, mark, "while searching: ")


@pytest.mark.parametrize("query, path, title", CASES, ids=[c[0] for c in CASES])
def test_search_ranks_the_entity_first(search, query, path, title):
    results = search(query)
    shown = "\n".join(f"  {i + 1}. {t} ({p})" for i, (p, t) in enumerate(results[:8]))
    assert results, f"no results for {query!r}"
    assert results[0] == (path, title), f"search for {query!r}: expected {title} first, got:\n{shown}"
