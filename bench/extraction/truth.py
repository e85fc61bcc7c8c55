"""Hand-made ground truth for article bodies, stored without the articles' text.

The pages are public test fixtures of two extraction libraries (see bench/README.md for the
repositories and commits); they are not committed here. `truth.json` holds, for each page,
the first and last words of the article body as a person reading the page would mark them,
plus the lines inside that range that are not part of the article (captions, ad labels,
"Read more" links...). `ground_truth(html, spec)` turns a page and its spec into the body
text: the page is split into text lines at block elements, the lines from `start` to `end`
are kept, and the excluded ones dropped.

    .venv/bin/python bench/extraction/truth.py dump PAGE.html    # numbered lines, to write a spec
    .venv/bin/python bench/extraction/truth.py show NAME         # the ground truth of one page
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "br", "article", "section",
    "blockquote", "figcaption", "figure", "pre", "dd", "dt", "header", "footer", "aside", "nav", "ul", "ol",
    "table", "form", "main", "span-block", "hr", "address", "center", "dl", "fieldset", "noscript", "option",
    "select", "button", "label",
}
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head", "select", "option", "button")


def page_lines(page: bytes | str) -> list[str]:
    """The page's visible text, one line per block element."""
    if isinstance(page, bytes):  # decoded as kb add decodes it, so both see the same characters
        sys.path.insert(0, str(HERE.parents[1]))
        from builder.extract import decode

        page = decode(page, "html")
    tree = lxml.html.fromstring(page)
    for bad in tree.xpath("|".join(f"//{t}" for t in DROP_TAGS)):
        bad.drop_tree()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = "".join(tree.itertext())
    return [re.sub(r"\s+", " ", line).strip() for line in text.split("\n") if line.strip()]


def _find(lines: list[str], marker: str, start: int = 0, nth: int = 0) -> int:
    hits = [i for i in range(start, len(lines)) if marker in lines[i]]
    if len(hits) <= nth:
        raise LookupError(f"marker not found: {marker!r}")
    return hits[nth]


def ground_truth(page: bytes | str, spec: dict) -> str:
    lines = page_lines(page)
    first = _find(lines, spec["start"], nth=spec.get("occurrence", 0))  # the page may repeat its lead
    end = _find(lines, spec["end"], first)
    body = lines[first:end + 1]
    body[0] = body[0][body[0].index(spec["start"]):]
    if first == end:
        body[0] = body[0][:body[0].index(spec["end"]) + len(spec["end"])]
    else:
        body[-1] = body[-1][:body[-1].index(spec["end"]) + len(spec["end"])]
    excluded = spec.get("exclude", [])
    return "\n".join(line for line in body if not any(_matches(line, x) for x in excluded))


def _matches(line: str, marker: str) -> bool:
    """An excluded line: equal to a short marker, or starting with a long one (40 characters)."""
    return line == marker or (len(marker) >= 40 and line.startswith(marker))


def load_specs() -> dict[str, dict]:
    return json.loads((HERE / "truth.json").read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    if argv[:1] == ["dump"]:
        for i, line in enumerate(page_lines(Path(argv[1]).read_bytes())):
            print(f"{i:4} {line[:110]}")
        return 0
    if argv[:1] == ["show"]:
        from pages import page_path  # noqa: E402

        spec = load_specs()[argv[1]]
        print(ground_truth(page_path(argv[1]).read_bytes(), spec))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
