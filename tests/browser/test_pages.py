"""The main kinds of page, at desktop and phone width, in the light and the dark palette.

One visit per page and width does the work (the module's `visits` fixture): the page is
loaded in the light palette, screenshotted and measured, checked with axe-core (desktop),
then switched to the dark palette with the header's toggle and screenshotted, measured and
checked again. The tests then look at what was recorded:

- screenshots in test-artifacts/screenshots/<page>-<size>-<scheme>.png: the whole page on
  a phone, where a long narrow page shows what stacks and wraps, the first screen on a
  desktop (a whole desktop page costs twice the time and shows little more);
- nothing is wider than the screen; the entity infobox floats right on a desktop and
  stacks above the text on a phone;
- axe-core finds no serious or critical violations: every rule in light, and the rules
  that depend on colour in dark (the others see the same page either way). axe-core is
  the copy bundled with axe-playwright-python, injected into the page; running it must
  fetch nothing;
- no console errors, uncaught exceptions or failed requests meanwhile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .support import ARTICLE, KISHIDA, SCHEME, SCREENSHOTS, switch_palette

PAGES = {"home": "/", "entity": KISHIDA, "article": ARTICLE, "graph": "/graph/"}
SIZES = ["desktop", "phone"]
SCHEMES = {"light": "default", "dark": "slate"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

LAYOUT = """() => {
  const box = document.querySelector(".kb-infobox");
  const content = document.querySelector("article.md-content__inner");
  const out = {overflow: document.documentElement.scrollWidth - window.innerWidth, infobox: null};
  if (box) {
    const b = box.getBoundingClientRect(), c = content.getBoundingClientRect();
    out.infobox = {float: getComputedStyle(box).float, left: Math.round(b.left), right: Math.round(b.right),
                   width: Math.round(b.width), column: Math.round(c.width), screen: window.innerWidth};
  }
  return out;
}"""


@dataclass
class Seen:
    scheme: str  # data-md-color-scheme after loading or switching
    layout: dict
    screenshot: Path
    violations: list | None = None  # serious/critical axe-core violations (desktop only)


@dataclass
class Visits:
    seen: dict = field(default_factory=dict)  # (page, size, scheme) -> Seen
    problems: list = field(default_factory=list)
    fetched_by_axe: list = field(default_factory=list)


@pytest.fixture(scope="module")
def visits(contexts, site) -> Visits:
    import axe_playwright_python

    axe_script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = Visits()
    for size in SIZES:
        browsing = contexts(size, "light")
        recorder = browsing.recorder
        mark = recorder.mark()
        page = browsing.new_page()

        def axe(options: dict) -> list[dict]:
            before = len(recorder.requests)
            if not page.evaluate("() => !!window.axe"):
                page.evaluate(axe_script)
            results = page.evaluate(f"() => axe.run(document, {json.dumps(options)})")
            # The browser asks for the favicon on its own, whenever it likes; anything else is axe's.
            result.fetched_by_axe += [u for u in recorder.requests[before:] if not u.endswith("/favicon.png")]
            return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

        for name, path in PAGES.items():
            page.goto(site.url(path))
            for scheme, rules in (("light", None), ("dark", COLOUR_RULES)):
                if scheme == "dark":
                    switch_palette(page, "slate", click=False)
                shot = SCREENSHOTS / f"{name}-{size}-{scheme}.png"
                page.screenshot(path=shot, full_page=size == "phone")
                seen = Seen(page.evaluate(SCHEME), page.evaluate(LAYOUT), shot)
                if size == "desktop":
                    options = {"resultTypes": ["violations"]}
                    if rules:
                        options["runOnly"] = {"type": "rule", "values": rules}
                    seen.violations = axe(options)
                result.seen[name, size, scheme] = seen
            switch_palette(page, "default", click=False)  # the choice is stored: undo it
        page.close()
        result.problems += recorder.problems_since(mark)
    return result


def test_screenshots_are_saved(visits):
    for (name, size, scheme), seen in visits.seen.items():
        data = seen.screenshot.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, f"{seen.screenshot} is not a proper screenshot"
    assert len(visits.seen) == len(PAGES) * len(SIZES) * len(SCHEMES)


def test_palette_toggle_switches_light_and_dark(visits):
    wrong = [f"{key}: {seen.scheme}" for key, seen in visits.seen.items() if seen.scheme != SCHEMES[key[2]]]
    assert not wrong, "palette not as expected:\n" + "\n".join(wrong)


def test_nothing_is_wider_than_the_screen(visits):
    wide = [f"{PAGES[n]} ({s}, {c}): {seen.layout['overflow']}px too wide"
            for (n, s, c), seen in visits.seen.items() if seen.layout["overflow"] > 1]
    assert not wide, "\n".join(wide)


def test_infobox_floats_on_a_desktop_and_stacks_on_a_phone(visits):
    desktop = visits.seen["entity", "desktop", "light"].layout["infobox"]
    phone = visits.seen["entity", "phone", "dark"].layout["infobox"]
    assert desktop and phone, "no .kb-infobox on the entity page"
    assert desktop["float"] == "right" and desktop["width"] < 0.5 * desktop["column"], desktop
    assert phone["float"] == "none", f"the infobox floats on a phone: {phone}"
    assert 0 <= phone["left"] and phone["right"] <= phone["screen"], f"the infobox is cut off on a phone: {phone}"
    assert phone["width"] >= 0.9 * phone["column"], f"the infobox does not span the phone's column: {phone}"


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(visits, name):
    report = []
    for scheme in SCHEMES:
        for v in visits.seen[name, "desktop", scheme].violations:
            report.append(f"{scheme}: {v['id']} ({v['impact']}): {v['help']}")
            report += [f"    {', '.join(map(str, n['target']))}: {' '.join(n.get('failureSummary', '').split())[:200]}"
                       for n in v["nodes"][:5]]
    assert not report, f"{PAGES[name]}: serious or critical axe-core violations\n" + "\n".join(report)


def test_axe_core_fetches_nothing(visits):
    assert not visits.fetched_by_axe, f"requests while axe-core ran: {visits.fetched_by_axe}"


def test_no_console_errors_meanwhile(visits):
    assert not visits.problems, "\n".join(visits.problems)
