"""Write a kb project from Reuters-21578 for the benchmark's articles.

    python bench/realnews/convert.py --corpus /work/.mirror/loki86+ksr_zadanie1V2/repo --out /tmp/rn

Writes OUT/content/kb.yml (the small vocabulary in vocabulary.yml), OUT/content/entities/
(copies of bench/realnews/entities/*.yaml) and OUT/content/articles/reuters-<NEWID>.md for
every article listed in annotations.jsonl (or --ids). Front matter: the headline as the
title (Reuters sets it in capitals; kept as printed), publisher Reuters, the DATE field.
The body: one paragraph per block, each on one line; characters Markdown would read as
markup are backslash-escaped, so kb's block text equals the plain paragraph text that the
annotation offsets refer to (`paragraph`, `start`, `end` in annotations.jsonl).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reuters import paragraphs, read_stories  # noqa: E402

DEFAULT_CORPUS = Path("/work/.mirror/loki86+ksr_zadanie1V2/repo")
ANNOTATIONS = HERE / "annotations.jsonl"


def article_id(newid: int) -> str:
    return f"reuters-{newid}"


_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING = re.compile(r"^(\s*)([#>+=-]|\d{1,9}[.)])")


def escape_with_map(paragraph: str) -> tuple[str, list[int]]:
    """Backslash-escape Markdown markup so the paragraph renders as exactly its text.

    Also returns, for each character of the paragraph, its position in the escaped text.
    """
    out: list[str] = []
    where: list[int] = []
    for ch in paragraph:
        if _INLINE.match(ch):
            out.append("\\")
        where.append(len(out))
        out.append(ch)
    text = "".join(out)
    m = _LEADING.match(text)
    if m:
        lead = m.group(2)
        at = m.start(2) + (len(lead) - 1 if lead[0].isdigit() else 0)
        text = text[:at] + "\\" + text[at:]
        where = [w + 1 if w >= at else w for w in where]
    return text, where


def escape(paragraph: str) -> str:
    return escape_with_map(paragraph)[0]


def body_offsets(paras: list[str]) -> list[tuple[int, list[int]]]:
    """For each paragraph: where it starts in the converted body, and its character map."""
    out, base = [], 0
    for para in paras:
        text, where = escape_with_map(para)
        out.append((base, where))
        base += len(text) + 2  # paragraphs are separated by a blank line
    return out


def yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML strings


def annotated_ids(path: Path = ANNOTATIONS) -> list[int]:
    ids = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            row = json.loads(line)
            if row.get("kind") == "article":
                ids.append(int(row["newid"]))
    return ids


def article_markdown(story) -> str:
    head = ["---", f"title: {yaml_string(story.title or f'Reuters story {story.newid}')}",
            "publisher: Reuters", f"date: {story.date}", "---", ""]
    return "\n".join(head) + "\n\n".join(escape(p) for p in paragraphs(story.raw_body)) + "\n"


def convert(corpus: Path, out: Path, ids: list[int]) -> list[str]:
    stories = read_stories(corpus)
    missing = [i for i in ids if i not in stories]
    if missing:
        raise SystemExit(f"not in the corpus: NEWID {missing}")
    content = out / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    (content / "entities").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "vocabulary.yml", content / "kb.yml")
    for entity in sorted((HERE / "entities").glob("*.yaml")):
        shutil.copyfile(entity, content / "entities" / entity.name)
    written = []
    for newid in ids:
        path = content / "articles" / f"{article_id(newid)}.md"
        path.write_text(article_markdown(stories[newid]), encoding="utf-8")
        written.append(article_id(newid))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder with reut2-NNN.sgm, or a git dir whose HEAD holds them")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write (content/ inside)")
    parser.add_argument("--ids", help="comma-separated NEWIDs (default: the articles in annotations.jsonl)")
    args = parser.parse_args(argv)
    ids = [int(x) for x in args.ids.split(",")] if args.ids else annotated_ids()
    written = convert(args.corpus, args.out, ids)
    print(f"{len(written)} articles written to {args.out / 'content' / 'articles'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
