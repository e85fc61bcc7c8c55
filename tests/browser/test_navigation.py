"""Moving around the site with real clicks: cross-references, citations, the graph, the
dark palette's toggle.

Material's instant navigation is on (theme.features in mkdocs.yml): a click fetches the next
page and swaps it in without reloading. Each test sets a marker on `window` and checks it
is still there at the end, which proves the clicks were handled in place.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .support import KISHIDA, SCHEME, assert_no_problems, switch_palette

INSTANT = ("the page was reloaded, so instant navigation is off: Material only handles links its "
           "sitemap.xml lists, which needs site_url to be where the site is served (KB_SITE_URL)")

TRANSPARENT = {"rgba(0, 0, 0, 0)", "transparent"}


def heading(page):
    return page.locator("article.md-content__inner h1").first


def follow(page, site, name: str, path: str) -> None:
    """Click the first link called `name` in the page's content; expect to land on `path`."""
    link = page.locator("article.md-content__inner").get_by_role("link", name=name, exact=True).first
    expect(link).to_be_attached()
    link.click()
    expect(page).to_have_url(re.compile(re.escape(site.url(path)) + r"(#.*)?$"))
    expect(heading(page)).to_contain_text(name)


def test_cross_references_lead_from_kishida_to_geniac_to_meti(browsing, site):
    page = browsing.new_page()
    page.goto(site.url(KISHIDA))
    expect(heading(page)).to_contain_text("Fumio Kishida")
    page.evaluate("window.__kbSamePage = true")
    switch_palette(page, "slate")  # a real click on the header's toggle; the choice must stick

    follow(page, site, "Microsoft's $2.9 billion investment in Japan", "/entities/microsoft-japan-investment-2024/")
    follow(page, site, "Generative AI Accelerator Challenge", "/entities/geniac/")
    follow(page, site, "Ministry of Economy, Trade and Industry", "/entities/ministry-of-economy-trade-and-industry/")

    assert page.evaluate("window.__kbSamePage") is True, INSTANT
    assert page.evaluate(SCHEME) == "slate", "the dark palette was lost on the way"
    page.go_back()
    expect(page).to_have_url(site.url("/entities/geniac/"))
    expect(heading(page)).to_contain_text("Generative AI Accelerator Challenge")
    assert_no_problems(browsing.recorder)


PARAGRAPH = """id => {
  const p = document.getElementById(id);
  if (!p) return null;
  const box = p.getBoundingClientRect();
  return {
    text: p.textContent,
    marked: p.classList.contains("kb-target") || p.matches(":target"),
    backgrounds: Array.from(p.querySelectorAll(".kb-quote"), q => getComputedStyle(q).backgroundColor),
    visible: box.bottom > 0 && box.top < window.innerHeight,
    others: Array.from(document.querySelectorAll("p[id] .kb-quote"))
      .filter(q => q.closest("p[id]") !== p).slice(0, 5).map(q => getComputedStyle(q).backgroundColor),
  };
}"""


def normalise(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()


def check_highlight(page, anchor: str, quote: str) -> None:
    state = page.evaluate(PARAGRAPH, anchor)
    assert state is not None, f"no paragraph #{anchor} on {page.url}"
    assert normalise(quote) in normalise(state["text"]), f"#{anchor} does not contain “{quote}”: {state['text']!r}"
    assert state["marked"], f"#{anchor} is neither :target nor .kb-target"
    assert state["backgrounds"], f"#{anchor} has no .kb-quote span"
    assert any(bg not in TRANSPARENT for bg in state["backgrounds"]), (
        f"the quote in #{anchor} is not highlighted: backgrounds {state['backgrounds']}")
    assert state["visible"], f"#{anchor} is not scrolled into view"
    assert all(bg in TRANSPARENT for bg in state["others"]), (
        f"quotes outside #{anchor} are highlighted too: {state['others']}")


def test_fact_citation_highlights_the_quoted_paragraph(browsing, site):
    page = browsing.new_page()
    page.goto(site.url(KISHIDA))
    page.evaluate("window.__kbSamePage = true")
    # A fact's citation mark leads to its reference at the end of the page; the reference's
    # quoted words link (¶) to the paragraph of the article that prints them.
    mark = page.locator("#facts ~ ul a.kb-cite").first
    number = int(mark.inner_text().strip("[]"))
    mark.click()
    expect(page).to_have_url(re.compile(rf"#ref-{number}$"))
    item = page.locator(".kb-references li li", has=page.locator("a.kb-para")).first
    quote = re.search(r"“(.+)”", item.inner_text()).group(1)
    citation = item.locator("a.kb-para")
    href = citation.get_attribute("href")
    anchor = href.split("#")[1]

    citation.click()
    expect(page).to_have_url(re.compile(r"/articles/[^/]+/#" + anchor + "$"))
    expect(page.locator(f"[id='{anchor}'] .kb-quote").first).to_be_visible()
    page.wait_for_function("id => { const p = document.getElementById(id);"
                           " return p.classList.contains('kb-target') || p.matches(':target'); }", arg=anchor)
    check_highlight(page, anchor, quote)
    assert page.evaluate("window.__kbSamePage") is True, INSTANT

    # The same link opened directly (a bookmark, a new tab): CSS :target does it.
    article = page.url
    page.goto(site.url("/"))
    page.goto(article)
    check_highlight(page, anchor, quote)
    assert_no_problems(browsing.recorder)


def test_graph_shows_the_main_entities_and_a_node_click_opens_its_page(browsing, site):
    page = browsing.new_page()
    page.goto(site.url("/graph/"))
    nodes = page.locator(".kb-graph svg a.kb-node")
    assert nodes.count() >= 40, f"only {nodes.count()} nodes in the graph"
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll(".kb-graph svg a.kb-node circle"))
        .filter(c => { const b = c.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length""")
    assert drawn == nodes.count(), f"only {drawn} of {nodes.count()} nodes are drawn with a size"
    page.evaluate("window.__kbSamePage = true")

    node = page.locator('.kb-graph svg a.kb-node[aria-label^="Fumio Kishida ("]')
    expect(node).to_have_count(1)
    node.locator("circle").click()
    expect(page).to_have_url(site.url(KISHIDA))
    expect(heading(page)).to_contain_text("Fumio Kishida")
    assert page.evaluate("window.__kbSamePage") is True, INSTANT
    # The entity page's own graph of its connections, and one more click from it.
    local = page.locator(".kb-local svg a.kb-node")
    assert local.count() >= 3, f"the local graph on {KISHIDA} has {local.count()} nodes"
    page.locator('.kb-local svg a.kb-node[aria-label^="Government of Japan ("] circle').click()
    expect(page).to_have_url(site.url("/entities/government-of-japan/"))
    expect(heading(page)).to_contain_text("Government of Japan")
    assert_no_problems(browsing.recorder)
