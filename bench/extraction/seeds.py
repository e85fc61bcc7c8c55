"""Compare `kb add`'s extraction of the five raw seed texts with the hand-cleaned shipped articles.

    .venv/bin/python bench/extraction/seeds.py [SEEDS_DIR]   (default: ../shared/seeds next to the repo)

For each seed it finds the shipped article with the same title, then prints the front matter
found against the shipped one and every paragraph that differs (unified diff of paragraphs).
Exit 0 always: the differences are explained in bench/README.md.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from builder.extract import extract, to_markdown  # noqa: E402
from builder.source import split_front_matter  # noqa: E402


def shipped_articles() -> dict[str, tuple[str, dict, str]]:
    out = {}
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        doc, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        out[str(doc.data["title"])] = (path.stem, doc.data, body)
    return out


def paragraphs(markdown: str) -> list[str]:
    return [p.strip() for p in markdown.split("\n\n") if p.strip()]


def main() -> int:
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        seeds = Path("/work/shared/seeds")
    shipped = shipped_articles()
    equal = 0
    for seed in sorted(seeds.glob("*.txt")):
        article = extract(seed.read_bytes(), seed.name)
        match = shipped.get(article.title or "")
        print(f"== {seed.name}: {article.title!r}")
        if match is None:
            print("   no shipped article has this title")
            continue
        stem, front, body = match
        for key in ("publisher", "author", "date", "url"):
            got = getattr(article, key)
            want = front.get(key)
            mark = "=" if str(got) == str(want) else "≠"
            print(f"   {key:9} {mark} kb add: {got!r}  shipped: {want!r}")
        mine, theirs = paragraphs(to_markdown(article.blocks)), paragraphs(body)
        if mine == theirs:
            equal += 1
            print(f"   body: equal to content/articles/{stem}.md ({len(mine)} paragraphs)")
            continue
        print(f"   body differs from content/articles/{stem}.md:")
        for line in difflib.unified_diff(theirs, mine, "shipped", "kb add", lineterm="", n=0):
            print("     " + line[:160])
    print(f"{equal} of {len(list(seeds.glob('*.txt')))} bodies equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
