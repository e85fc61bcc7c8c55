"""Graphs a reader can use, hover previews that fit, citation anchors that stay put (issue 12, 6 and 8).

Every measurement is taken in Chromium on the built shipped site: rendered font sizes,
label boxes, colours as computed by the browser, the address bar after real clicks.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import KISHIDA, SCREENSHOTS, assert_no_problems

LABELS = """sel => Array.from(document.querySelectorAll(sel + " text")).map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, top: b.top, right: b.right, bottom: b.bottom,
            size: parseFloat(getComputedStyle(t).fontSize) * (b.height ? 1 : 0),
            px: b.height};
})"""

FRAME = """sel => { const b = document.querySelector(sel).getBoundingClientRect();
    return {left: b.left, top: b.top, right: b.right, bottom: b.bottom, height: b.height, width: b.width}; }"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and \
               a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5:
                found.append((a["text"], b["text"]))
    return found


def rendered_font_px(page, selector: str) -> list[float]:
    """The on-screen height of one em of each label: font size × the SVG's scale."""
    return page.evaluate("""sel => Array.from(document.querySelectorAll(sel + " text")).map(t => {
        const svg = t.ownerSVGElement;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(t.getAttribute("font-size")) * scale;
    })""", selector)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_global_graph_labels_are_readable_and_never_overlap(contexts, site, size):
    browsing = contexts(size, "light")
    page = browsing.new_page()
    page.goto(site.url("/graph/"))
    labels = page.evaluate(LABELS, ".kb-global svg")
    assert len(labels) >= 30, f"only {len(labels)} labelled nodes on the graph ({size})"
    sizes = rendered_font_px(page, ".kb-global svg")
    assert min(sizes) >= 12, f"labels render at {min(sizes):.1f} px on {size}"
    assert overlapping(labels) == [], f"overlapping labels on {size}: {overlapping(labels)[:5]}"
    frame = page.evaluate("() => { const s = document.querySelector('.kb-global svg');"
                          " const b = s.getBoundingClientRect(); return {left: b.left, right: b.right,"
                          " top: b.top, bottom: b.bottom}; }")
    outside = [t["text"] for t in labels if t["left"] < frame["left"] - 1 or t["right"] > frame["right"] + 1
               or t["top"] < frame["top"] - 1 or t["bottom"] > frame["bottom"] + 1]
    assert outside == [], f"labels cut off by the frame: {outside}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"graph-{size}-light.png"))
    assert_no_problems(browsing.recorder)


def test_global_graph_legend_matches_the_nodes_and_every_entity_is_reachable(browsing, site):
    page = browsing.new_page()
    page.goto(site.url("/graph/"))
    legend = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(".kb-legend-item"))
        .map(i => [i.textContent.trim(), getComputedStyle(i.querySelector(".kb-dot")).backgroundColor]))""")
    nodes = page.evaluate("""() => Array.from(document.querySelectorAll(".kb-global a.kb-node")).map(a =>
        [a.dataset.type, getComputedStyle(a.querySelector("circle")).fill])""")
    plural = {"organisation": "Organisations", "person": "People", "place": "Places", "facility": "Facilities",
              "programme": "Programmes", "event": "Events"}
    assert set(legend) == set(plural.values()), legend
    for entity_type, fill in nodes:
        assert fill == legend[plural[entity_type]], f"a {entity_type} node is {fill}, its legend {legend[plural[entity_type]]}"
    assert len({fill for _, fill in nodes}) == len({t for t, _ in nodes}), "two types share a colour"
    # Every entity is a node or listed as not connected: nothing is lost, nothing floats alone.
    entities = {p for p in site.html_pages() if re.fullmatch(r"/entities/[^/]+/", p)}
    linked = page.evaluate("""() => Array.from(document.querySelectorAll(
        ".kb-global a.kb-node, .kb-graph-note a")).map(a => a.getAttribute("href") || a.getAttribute("xlink:href"))""")
    reached = {site.path(page.evaluate("u => new URL(u, location.href).href", href)) for href in linked}
    assert entities <= reached, f"not on the graph page: {sorted(entities - reached)[:5]}"
    degrees = page.evaluate("""() => { const xy = p => p.getAttribute("cx") + "," + p.getAttribute("cy");
        const ends = new Set(); document.querySelectorAll(".kb-global line").forEach(l => {
          ends.add(parseFloat(l.getAttribute("x1")).toFixed(1) + "," + parseFloat(l.getAttribute("y1")).toFixed(1));
          ends.add(parseFloat(l.getAttribute("x2")).toFixed(1) + "," + parseFloat(l.getAttribute("y2")).toFixed(1)); });
        return Array.from(document.querySelectorAll(".kb-global circle")).filter(c => !ends.has(
          parseFloat(c.getAttribute("cx")).toFixed(1) + "," + parseFloat(c.getAttribute("cy")).toFixed(1))).length; }""")
    assert degrees == 0, f"{degrees} nodes drawn with no line to any other"
    assert "scroll to zoom" not in page.locator("article").inner_text().lower()


def test_local_graphs_fit_their_labels_on_every_entity_page(contexts, site):
    page = contexts("phone", "light").new_page()
    checked = 0
    for path in sorted(p for p in site.html_pages() if re.fullmatch(r"/entities/[^/]+/", p)):
        page.goto(site.url(path))
        if page.locator(".kb-local svg").count() == 0:
            continue
        checked += 1
        labels = page.evaluate(LABELS, ".kb-local svg")
        frame = page.evaluate(FRAME, ".kb-local svg")
        assert overlapping(labels) == [], f"{path}: overlapping labels {overlapping(labels)[:3]}"
        cut = [t["text"] for t in labels if t["right"] > frame["right"] + 1 or t["left"] < frame["left"] - 1]
        assert cut == [], f"{path}: labels cut off: {cut}"
        nodes = page.locator(".kb-local a.kb-node").count()
        assert frame["height"] <= 40 + 30 * nodes, f"{path}: {frame['height']:.0f} px tall for {nodes} nodes"
        assert min(rendered_font_px(page, ".kb-local svg")) >= 12, f"{path}: labels below 12 px on a phone"
        touch = page.evaluate("() => getComputedStyle(document.querySelector('.kb-local svg')).touchAction")
        assert touch != "none", f"{path}: the local graph traps touch scrolling"
    assert checked >= 40, f"only {checked} entity pages have a local graph"


def test_global_graph_pinch_zooms_while_one_finger_and_the_wheel_scroll_the_page(contexts, site):
    page = contexts("phone", "light").new_page()
    page.goto(site.url("/graph/"))
    svg = page.locator(".kb-global svg")
    expect(svg).to_be_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('.kb-global svg')).touchAction") \
        == "pan-x pan-y"
    width = "() => document.querySelector('.kb-global svg').viewBox.baseVal.width"
    before = page.evaluate(width)
    pinch = """([spread]) => {
        const svg = document.querySelector('.kb-global svg');
        const b = svg.getBoundingClientRect(); const cx = b.left + 150, cy = b.top + 150;
        const fire = (type, id, x) => svg.dispatchEvent(new PointerEvent(type, {pointerId: id,
            pointerType: 'touch', clientX: x, clientY: cy, bubbles: true, isPrimary: id === 1}));
        fire('pointerdown', 1, cx - 20); fire('pointerdown', 2, cx + 20);
        fire('pointermove', 1, cx - 20 - spread); fire('pointermove', 2, cx + 20 + spread);
        fire('pointerup', 1, cx - 20 - spread); fire('pointerup', 2, cx + 20 + spread);
    }"""
    page.evaluate(pinch, [40])
    after = page.evaluate(width)
    assert after < before * 0.8, f"pinching out did not zoom in: viewBox width {before} -> {after}"
    # One finger: left to the browser (the page scrolls), the graph does not move.
    one = """() => { const svg = document.querySelector('.kb-global svg'); const b = svg.getBoundingClientRect();
        const fire = (type, y) => svg.dispatchEvent(new PointerEvent(type, {pointerId: 7, pointerType: 'touch',
            clientX: b.left + 100, clientY: y, bubbles: true, isPrimary: true}));
        const vb = svg.viewBox.baseVal; const was = [vb.x, vb.y, vb.width];
        fire('pointerdown', b.top + 200); fire('pointermove', b.top + 100); fire('pointerup', b.top + 100);
        return was[0] === vb.x && was[1] === vb.y && was[2] === vb.width; }"""
    assert page.evaluate(one), "a one-finger drag moved the graph instead of scrolling the page"
    # A plain wheel scrolls the page; Ctrl + wheel zooms.
    desktop = contexts("desktop", "light").new_page()
    desktop.goto(site.url("/graph/"))
    box = desktop.locator(".kb-global svg").bounding_box()
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + 100)
    start = desktop.evaluate(width)
    desktop.mouse.wheel(0, 300)
    desktop.wait_for_timeout(300)
    assert desktop.evaluate(width) == start, "a plain wheel zoomed the graph (scroll trap)"
    assert desktop.evaluate("() => window.scrollY") > 0, "a plain wheel over the graph did not scroll the page"
    desktop.keyboard.down("Control")
    desktop.mouse.wheel(0, -100)
    desktop.keyboard.up("Control")
    desktop.wait_for_timeout(200)
    assert desktop.evaluate(width) < start, "Ctrl + wheel did not zoom the graph"
    desktop.get_by_role("button", name="Reset zoom").click()
    assert desktop.evaluate(width) == start


def test_hover_preview_shows_the_lead_and_fits(contexts, site):
    for size in ("desktop", "phone"):
        page = contexts(size, "light").new_page()
        page.goto(site.url(KISHIDA))
        link = page.locator("article a[href*='/entities/microsoft/']").first
        link.scroll_into_view_if_needed()
        link.hover()
        preview = page.locator(".kb-preview")
        expect(preview).to_be_visible(timeout=5000)
        expect(preview.locator("strong")).to_have_text("Microsoft")
        assert len(preview.inner_text()) > 60, preview.inner_text()
        box = preview.bounding_box()
        viewport = page.viewport_size
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{size}: preview off screen {box}"
        assert box["height"] <= 300, f"{size}: preview {box['height']} px tall"
        overflow = page.evaluate("() => { const p = document.querySelector('.kb-preview');"
                                 " return p.scrollWidth > p.clientWidth + 1; }")
        assert not overflow, f"{size}: the preview's text overflows sideways"
        page.mouse.move(0, 0)
        expect(preview).to_have_count(0)


def test_citation_fragment_stays_in_the_address_bar_and_clears_on_the_next_page(browsing, site):
    page = browsing.new_page()
    page.goto(site.url(KISHIDA))
    page.evaluate("window.__kbSamePage = true")
    citation = page.locator("article a[href*='/articles/'][href*='#p']").first
    anchor = citation.get_attribute("href").split("#")[1]
    citation.click()
    expect(page).to_have_url(re.compile(r"/articles/[^/]+/#" + anchor + "$"))
    page.wait_for_function("id => { const p = document.getElementById(id); return !!p && p.classList.contains('kb-target'); }", arg=anchor)
    page.wait_for_timeout(400)
    # The highlighted words are on screen and not under the header or the "Back to top" button.
    target = page.evaluate("""id => { const b = document.getElementById(id).getBoundingClientRect();
        return {top: b.top, bottom: b.bottom}; }""", anchor)
    covers = page.evaluate("""() => Array.from(document.querySelectorAll('.md-header, .md-top'))
        .filter(e => { const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden'
                       && !e.hidden && parseFloat(s.opacity) > 0; })
        .map(e => e.getBoundingClientRect().bottom)""")
    assert target["top"] >= max(covers) - 1, f"#{anchor} starts at {target['top']}, under something ending at {covers}"
    assert target["top"] < page.viewport_size["height"], "the cited paragraph is not on screen"
    # The next page opened from here has no stale fragment.
    page.locator("article a[href*='/entities/']:not([href*='#'])").first.click()
    expect(page).to_have_url(re.compile(r"/entities/[^/#]+/$"))
    assert page.evaluate("window.__kbSamePage") is True
    assert_no_problems(browsing.recorder)
