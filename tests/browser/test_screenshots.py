"""Screenshots of the main kinds of page, desktop and phone, light and dark.

Saved as test artifacts in test-artifacts/screenshots/<page>-<size>-<scheme>.png (full
page). On the way, the layout is checked where it can break: nothing is wider than the
screen, and on a phone the entity infobox stacks above the text instead of floating.
"""

from __future__ import annotations

import pytest

from .support import ARTICLE, KISHIDA, SCHEME, SCREENSHOTS, assert_no_problems

PAGES = {"home": "/", "entity": KISHIDA, "article": ARTICLE, "graph": "/graph/"}

LAYOUT = """() => {
  const doc = document.documentElement;
  const box = document.querySelector(".kb-infobox");
  const content = document.querySelector("article.md-content__inner");
  const out = {overflow: doc.scrollWidth - window.innerWidth, infobox: null};
  if (box) {
    const b = box.getBoundingClientRect(), c = content.getBoundingClientRect();
    out.infobox = {float: getComputedStyle(box).float, left: b.left, right: b.right,
                   width: b.width, contentWidth: c.width, viewport: window.innerWidth};
  }
  return out;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(contexts, site, size, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browsing = contexts(size, scheme)
    page = browsing.new_page()
    mark = browsing.recorder.mark()
    problems = []
    try:
        for name, path in PAGES.items():
            page.goto(site.url(path))
            assert page.evaluate(SCHEME) == ("slate" if scheme == "dark" else "default")
            page.screenshot(path=SCREENSHOTS / f"{name}-{size}-{scheme}.png", full_page=True)
            layout = page.evaluate(LAYOUT)
            if layout["overflow"] > 1:
                problems.append(f"{path}: the page is {layout['overflow']}px wider than the {size} screen")
            box = layout["infobox"]
            if box and size == "phone":
                if box["float"] != "none":
                    problems.append(f"{path}: the infobox floats ({box['float']}) on a phone")
                if box["left"] < 0 or box["right"] > box["viewport"] or box["width"] < 0.9 * box["contentWidth"]:
                    problems.append(f"{path}: the infobox does not span the phone's text column: {box}")
            if box and size == "desktop" and box["float"] != "right":
                problems.append(f"{path}: the infobox does not float right on a desktop: {box}")
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    assert_no_problems(browsing.recorder, mark)
