"""axe-core finds no serious or critical accessibility violations, in light and dark.

Each page is checked with every axe rule in the light palette, then switched to the dark
palette with the header's toggle and checked again with the rules that depend on colour
(the others see the same page either way). axe-core comes bundled with
axe-playwright-python (axe.min.js, injected into the page); the test checks that running
it fetches nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .support import ARTICLE, KISHIDA, SCHEME, assert_no_problems, switch_palette

PAGES = {"home": "/", "entity": KISHIDA, "article": ARTICLE, "graph": "/graph/"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


@pytest.fixture(scope="module")
def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
            f"      {', '.join(map(str, n['target']))}: {' '.join(n.get('failureSummary', '').split())[:200]}"
            for n in v["nodes"][:5])
        for v in violations)


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations_in_light_and_dark(axe_script, contexts, site, name):
    browsing = contexts("desktop", "light")
    page = browsing.new_page()
    try:
        page.goto(site.url(PAGES[name]))
        page.wait_for_load_state("load")
        assert page.evaluate(SCHEME) == "default"
        mark, fetched = browsing.recorder.mark(), []

        def run_axe(options: dict) -> list[dict]:
            before = len(browsing.recorder.requests)
            results = page.evaluate(f"() => axe.run(document, {json.dumps(options)})")
            # The browser asks for the favicon on its own, whenever it likes; anything else is axe's.
            fetched.extend(u for u in browsing.recorder.requests[before:] if not u.endswith("/favicon.png"))
            return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

        before = len(browsing.recorder.requests)
        page.evaluate(axe_script)
        fetched.extend(browsing.recorder.requests[before:])
        light = run_axe({"resultTypes": ["violations"]})
        switch_palette(page, "slate")
        dark = run_axe({"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": COLOUR_RULES}})
        switch_palette(page, "default")  # the choice is stored: undo it
        assert not fetched, f"axe-core fetched {fetched}"
        assert_no_problems(browsing.recorder, mark, "while axe ran: ")
    finally:
        page.close()
    report = (f"light:\n{describe(light)}\n" if light else "") + (f"dark:\n{describe(dark)}\n" if dark else "")
    assert not (light or dark), f"{PAGES[name]}: serious or critical axe-core violations\n{report}"
