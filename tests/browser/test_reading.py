"""Issue 12, items 2-5 and 9-13: the pages as a reader sees them, at 1280 and 390 px, light and dark.

One visit per (page, size, scheme) collects what the tests look at (the `readings` fixture):
section order, infobox rows, page height, quote texts, tap-target sizes, and a screenshot of
the whole page for the pages the issue names (test-artifacts/screenshots/reading-*.png).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from .support import ARTICLE, KISHIDA, SCREENSHOTS, switch_palette

INVESTMENT = "/entities/microsoft-japan-investment-2024/"
CLOSURE = "/entities/iot-ai-insider-lab-shanghai-closure/"
LAB = "/entities/iot-ai-insider-lab-shanghai/"
MICROSOFT = "/entities/microsoft/"
TOKYO = "/entities/tokyo/"
WOODEN = "/entities/andrew-wooden/"

PAGES = {
    "home": "/", "kishida": KISHIDA, "investment": INVESTMENT, "article": ARTICLE, "microsoft": MICROSOFT,
    "lab": LAB, "closure": CLOSURE, "tokyo": TOKYO, "wooden": WOODEN, "timeline": "/timeline/",
    "quotes": "/quotes/", "conflicts": "/conflicts/",
}
SCREENSHOT_PAGES = {"home", "kishida", "investment", "article"}
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

READ = r"""() => {
  const text = el => el ? el.innerText.replace(/\s+/g, ' ').trim() : '';
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
    return {top: r.top + scrollY, left: r.left, right: r.right, bottom: r.bottom + scrollY, width: r.width, height: r.height}; };
  const article = document.querySelector('article.md-content__inner');
  const rows = {};
  for (const tr of document.querySelectorAll('.kb-infobox tr')) {
    const cells = tr.querySelectorAll('td');
    if (cells.length == 2) rows[text(cells[0])] = {value: text(cells[1]), cites: cells[1].querySelectorAll('a.kb-cite').length};
  }
  const small = [];
  for (const a of document.querySelectorAll('a.kb-cite, a.kb-para, a.kb-back')) {
    const r = a.getBoundingClientRect();
    if (r.width && (r.width < 24 || r.height < 24)) small.push(a.outerHTML.slice(0, 80) + ` ${r.width}x${r.height}`);
  }
  const ids = new Set([...document.querySelectorAll('[id]')].map(e => e.id));
  const brokenFragments = [...article.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1))
    .filter(id => id && !ids.has(decodeURIComponent(id)));
  return {
    title: document.title,
    h1: text(article.querySelector('h1')),
    h2: [...article.querySelectorAll('h2')].map(text).map(t => t.replace(/¶$/, '').trim()),
    h3: [...article.querySelectorAll('h3')].map(text).map(t => t.replace(/¶$/, '').trim()),
    text: text(article),
    footer: text(document.querySelector('footer')),
    height: document.documentElement.scrollHeight, viewport: innerHeight,
    overflow: document.documentElement.scrollWidth - innerWidth,
    lead: box(document.querySelector('.kb-lead')), infobox: box(document.querySelector('.kb-infobox')),
    rows,
    badge: (a => a ? {tag: a.tagName, href: a.getAttribute('href')} : null)(document.querySelector('.kb-infobox .kb-badge')),
    breadcrumb: text(document.querySelector('.kb-breadcrumb')),
    breadcrumbLinks: [...document.querySelectorAll('.kb-breadcrumb a')].map(a => a.getAttribute('href')),
    quotes: [...article.querySelectorAll('.kb-said blockquote p:first-child')].map(text),
    refQuotes: [...article.querySelectorAll('.kb-references li li')].map(text),
    references: article.querySelectorAll('.kb-references > ol > li').length,
    sourceSentences: [...article.querySelectorAll('h2#in-the-sources ~ ul li, h2#in-the-sources ~ details li')].map(text),
    folded: (d => d ? {open: d.open, summary: text(d.querySelector('summary'))} : null)(document.querySelector('details.kb-more')),
    small, brokenFragments,
    bodyLinks: [...article.querySelectorAll('p[id^=p] a[href*="entities/"]')].map(a => a.getAttribute('href')),
    timelineItems: [...article.querySelectorAll('h3 + ul > li')].map(text),
    timelineStrong: [...article.querySelectorAll('h3 + ul > li > strong > a')].map(text),
    quoteGroups: [...article.querySelectorAll('h2')].map(h => ({speaker: text(h).replace(/¶$/, '').trim(),
      blocks: (() => { const out = []; let e = h.nextElementSibling;
        while (e && e.tagName != 'H2') { if (e.matches('.kb-said')) out.push(text(e)); e = e.nextElementSibling; }
        return out; })()})),
    differ: [...article.querySelectorAll('.kb-differ')].map(d => ({text: text(d), tables: d.querySelectorAll('table').length,
      right: d.getBoundingClientRect().right})),
    cutOff: [...article.querySelectorAll('.kb-differ *')].filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX != 'visible').length,
    figuresHead: [...article.querySelectorAll('h2#figures ~ .md-typeset__scrollwrap th, h2#figures + p + .md-typeset__scrollwrap th')].map(text),
  };
}"""


@dataclass
class Reading:
    data: dict

    def __getattr__(self, name):
        return self.data[name]


@pytest.fixture(scope="module")
def readings(contexts, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for size in SIZES:
        browsing = contexts(size, "light")
        page = browsing.new_page()
        page.set_viewport_size(SIZES[size])  # 1280 x 800: "screens" are measured at this height
        for name, path in PAGES.items():
            page.goto(site.url(path))
            for scheme in ("light", "dark"):
                if scheme == "dark":
                    switch_palette(page, "slate", click=False)
                out[name, size, scheme] = Reading(page.evaluate(READ))
                if name in SCREENSHOT_PAGES:
                    page.screenshot(path=SCREENSHOTS / f"reading-{name}-{size}-{scheme}.png", full_page=True)
            switch_palette(page, "default", click=False)
        page.close()
    return out


ALL = [(s, c) for s in SIZES for c in ("light", "dark")]


def _section_text(r: Reading, heading: str, until: str | None = None) -> str:
    text = r.text
    start = text.find(heading)
    if start < 0:
        return ""
    end = text.find(until, start + len(heading)) if until else -1
    return text[start: end if end > 0 else None]


# ---------------------------------------------------------------- 2: events list their sentences


@pytest.mark.parametrize("name", ["investment", "closure", "tokyo"])
def test_descriptive_entities_list_the_sentences_their_facts_cite(readings, name):
    r = readings[name, "desktop", "light"]
    assert len(r.sourceSentences) >= 2, r.sourceSentences
    assert all(s.endswith("¶") for s in r.sourceSentences)
    assert "mentioned in 3 sources, newest first" not in r.text


# ------------------------------------------------------- 3: short pages, references, nothing twice


def test_kishida_fits_in_three_desktop_screens(readings):
    r = readings["kishida", "desktop", "light"]
    assert r.viewport == 800
    assert r.height / r.viewport <= 3.0, f"{r.height / r.viewport:.2f} screens"


@pytest.mark.parametrize("name", ["kishida", "investment", "microsoft", "lab"])
@pytest.mark.parametrize("size,scheme", ALL)
def test_no_quoted_passage_is_printed_twice(readings, name, size, scheme):
    r = readings[name, size, scheme]
    passages = r.quotes + [re.search(r"“(.+)”", q).group(1) for q in r.refQuotes if "“" in q]
    assert passages or name == "lab"
    for passage in passages:
        probe = passage.strip("“”")[:60]
        assert r.text.count(probe) == 1, f"{name}: printed {r.text.count(probe)} times: {probe!r}"


@pytest.mark.parametrize("name", ["kishida", "investment", "microsoft"])
def test_sections_come_in_reading_order_and_are_not_duplicated(readings, name):
    r = readings[name, "desktop", "light"]
    order = ["Facts", "Relations", "Sources differ", "Quotes", "Figures", "Connections", "In the sources", "References"]
    present = [h for h in r.h2 if h in order]
    assert present == [h for h in order if h in present], r.h2
    assert present[-1] == "References"
    assert len(r.h2) == len(set(r.h2))
    for gone in ("Related entities", "What links here", "Timeline"):
        assert gone not in r.h2
    assert not r.brokenFragments, r.brokenFragments


def test_one_reference_per_source_article_with_backlinks(readings):
    r = readings["kishida", "desktop", "light"]
    assert r.references == 3
    refs = _section_text(r, "References")
    assert re.search(r"\^ a b c", refs), refs[:200]


def test_long_source_lists_are_folded_with_a_count(readings):
    r = readings["microsoft", "desktop", "light"]
    assert r.folded is not None and not r.folded["open"]
    assert re.fullmatch(r"\d+ older articles?", r.folded["summary"]), r.folded


# ---------------------------------------------------------------------------- 4: the infobox


@pytest.mark.parametrize("size,scheme", ALL)
def test_infobox_rows_are_the_key_facts_each_with_a_source(readings, size, scheme):
    microsoft = readings["microsoft", size, scheme].rows
    assert "Satya Nadella" in microsoft["Led by"]["value"] and microsoft["Led by"]["cites"]
    assert list(microsoft)[0] == "Led by"
    kishida = readings["kishida", size, scheme].rows
    assert kishida["Role"]["value"].startswith("Prime Minister of Japan") and kishida["Role"]["cites"] == 3
    lab = readings["lab", size, scheme].rows
    assert lab["Opened"]["value"].startswith("2019") and lab["Opened"]["cites"]
    assert lab["Closed"]["value"].startswith("early 2025") and lab["Closed"]["cites"]
    investment = readings["investment", size, scheme].rows
    assert investment["Amount"]["value"].startswith("$2.9 billion") and investment["Amount"]["cites"]
    assert investment["Period"]["value"].startswith("2 years") and investment["Period"]["cites"]
    assert investment["Date"]["value"] == "April 2024"
    for name in ("microsoft", "kishida", "lab", "investment"):
        rows = readings[name, size, scheme].rows
        assert "First mentioned" not in rows and "Last mentioned" not in rows
        for label, row in rows.items():
            if label not in ("Date", "Participants", "Also known as", "Sources"):
                assert row["cites"], f"{name}: {label} has no source"


def test_lead_beside_the_infobox_on_a_desktop_and_before_it_on_a_phone(readings):
    for scheme in ("light", "dark"):
        desk = readings["kishida", "desktop", scheme]
        assert desk.infobox["left"] > desk.lead["left"] + 200  # to the right of the text
        assert abs(desk.infobox["top"] - desk.lead["top"]) < 40  # level with the lead
        phone = readings["kishida", "phone", scheme]
        assert phone.lead["bottom"] <= phone.infobox["top"] + 1, (phone.lead, phone.infobox)


# ----------------------------------------------------------------------- 5: "Unknown" publisher


@pytest.mark.parametrize("name", ["timeline", "kishida", "investment", "microsoft", "conflicts", "quotes", "home"])
def test_an_unknown_publisher_is_never_shown_as_a_source(readings, name):
    r = readings[name, "desktop", "light"]
    assert "Unknown" not in r.text, re.findall(r".{40}Unknown.{40}", r.text)[:3]


# ------------------------------------------------------------------------------ 9: timeline


@pytest.mark.parametrize("size,scheme", ALL)
def test_timeline_lists_events_not_states_or_notes(readings, size, scheme):
    r = readings["timeline", size, scheme]
    assert "Prime Minister of Japan." not in r.text
    assert "present in Japan for 46 years" not in r.text
    assert "The same article also gives" not in r.text
    for item in r.timelineItems:
        assert not re.match(r"(January|February|March|April|May|June|July|August|September|October|November"
                            r"|December) \d{4}", item), item
    assert "Microsoft's $2.9 billion investment in Japan" in r.timelineStrong
    assert "Closure of the IoT & AI Insider Lab" in r.timelineStrong
    assert any("dark and unoccupied" in item for item in r.timelineItems)  # the 31 March visit
    assert "March 2025" in r.h3


# -------------------------------------------------------------------------------- 10: quotes


@pytest.mark.parametrize("size,scheme", ALL)
def test_quotes_are_grouped_by_speaker_dated_one_per_block(readings, size, scheme):
    groups = [g for g in readings["quotes", size, scheme].quoteGroups if g["blocks"]]
    speakers = [g["speaker"] for g in groups]
    assert "Fumio Kishida" in speakers and "Kevin Scott" in speakers
    assert speakers[-1] == "Unattributed"
    assert len(speakers) == len(set(speakers))
    for group in groups:
        for block in group["blocks"]:
            assert block.count("“") == 1 or block.startswith("“"), block
            assert re.search(r"\b(19|20)\d\d\b", block.split("”")[-1]), f"no date: {block[-120:]}"
    kevin = next(g for g in groups if g["speaker"] == "Kevin Scott")
    assert len(kevin["blocks"]) == 2


# ------------------------------------------------------------------------- 11: sources differ


@pytest.mark.parametrize("size,scheme", ALL)
def test_sources_differ_is_stated_plainly_and_fits_a_phone(readings, size, scheme):
    r = readings["conflicts", size, scheme]
    headings = " | ".join(r.h2)
    assert "australia investment amount" not in headings.lower()
    assert "Microsoft's investment pledge in Australia: amount" in r.h2
    assert "Microsoft's $2.9 billion investment in Japan: AI skills period" in r.h2
    assert all(not re.search(r"\b[a-z]+-[a-z]+-[a-z]+\b", h) for h in r.h2), headings
    assert r.differ and all(d["text"].startswith("The sources disagree on the") for d in r.differ)
    assert any("AI Magazine contradicts itself" in d["text"] for d in r.differ)
    assert all(d["tables"] == 0 for d in r.differ)
    assert r.overflow <= 0 and r.cutOff == 0


# -------------------------------------------------------------------------------- 12: home


@pytest.mark.parametrize("size,scheme", ALL)
def test_home_has_storylines_key_entities_and_one_title(readings, size, scheme):
    r = readings["home", size, scheme]
    assert "kb:" not in r.title and r.title.endswith("Microsoft in Japan and China")
    assert "Built by kb" not in r.footer and "content/" not in r.footer
    assert "The stories" in r.h2 and "Key entities" in r.h2 and "Most mentioned" not in r.h2
    stories = _section_text(r, "The stories", "Key entities")
    assert "Microsoft's $2.9 billion investment in Japan" in stories
    assert "closure of the Shanghai IoT & AI lab" in stories
    key = _section_text(r, "Key entities", "Latest articles")
    for name in ("IoT & AI Insider Lab", "Microsoft Japan", "Generative AI Accelerator Challenge"):
        assert name in key
    for name in ("Cabinet Secretariat", "London (place)"):
        assert name not in key or key.index(name) > key.index("Microsoft Japan")
    for name in ("kishida", "investment", "article"):
        assert "kb:" not in readings[name, size, scheme].title


# ------------------------------------------------------------------------------- 13: smaller


def test_article_links_each_entity_once_and_links_its_author(readings):
    r = readings["article", "desktop", "light"]
    assert len(r.bodyLinks) >= 8 and len(r.bodyLinks) == len(set(r.bodyLinks))
    assert "Cited by" in r.h2
    assert r.breadcrumb.startswith("Articles › April 2024 ›")
    wooden = readings["wooden", "desktop", "light"]
    assert "Microsoft pumps $2.9 billion" in wooden.rows["Author of"]["value"]


def test_badge_links_to_the_type_and_breadcrumb_leads_there(readings):
    r = readings["kishida", "desktop", "light"]
    assert r.badge["tag"] == "A" and r.badge["href"].endswith("types/person/")
    assert r.breadcrumb == "People › Fumio Kishida"
    assert len(r.breadcrumbLinks) == 1 and r.breadcrumbLinks[0].endswith("types/person/")


def test_figures_say_what_they_measure(readings):
    r = readings["microsoft", "desktop", "light"]
    figures = _section_text(r, "Figures", "Connections")
    assert "Measures" in figures and "an amount of money" in figures


@pytest.mark.parametrize("name", ["kishida", "investment", "article", "microsoft"])
def test_citation_and_pilcrow_tap_targets_are_at_least_24_px(readings, name):
    for size in SIZES:
        assert not readings[name, size, "light"].small, readings[name, size, "light"].small[:5]


@pytest.mark.parametrize("name", sorted(SCREENSHOT_PAGES))
@pytest.mark.parametrize("size,scheme", ALL)
def test_nothing_is_wider_than_the_screen_and_screenshots_are_saved(readings, name, size, scheme):
    assert readings[name, size, scheme].overflow <= 0
    shot = SCREENSHOTS / f"reading-{name}-{size}-{scheme}.png"
    assert shot.is_file() and shot.stat().st_size > 10_000
