"""An article body as the phases after loading see it: numbered blocks of plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.tree import SyntaxTreeNode

from .markdown import Segment, inline_text, parse
from .sentences import split_sentences


@dataclass
class Block:
    """A paragraph or heading of an article, in document order."""

    number: int  # position among the article's paragraphs and headings
    kind: str  # "paragraph" or "heading"
    anchor: str | None  # "p3" for the third paragraph; headings get theirs from the TOC
    text: str
    segments: list[Segment]
    line: int  # 1-based line in the article file
    sentences: list[tuple[int, int]]
    level: int = 0  # for headings: 1 to 6


def read_blocks(tree: SyntaxTreeNode, first_line: int) -> list[Block]:
    blocks: list[Block] = []
    paragraphs = 0
    for node in tree.walk():
        if node.type not in ("paragraph", "heading"):
            continue
        flat = inline_text(node.children[0]) if node.children else None
        text = flat.text if flat else ""
        anchor = None
        if node.type == "paragraph":
            paragraphs += 1
            anchor = f"p{paragraphs}"
        line = first_line + (node.map[0] if node.map else 0)
        level = int(node.tag[1]) if node.type == "heading" else 0
        blocks.append(
            Block(
                number=len(blocks),
                kind=node.type,
                anchor=anchor,
                text=text,
                segments=flat.segments if flat else [],
                line=line,
                sentences=split_sentences(text) if node.type == "paragraph" else [],
                level=level,
            )
        )
    return blocks


def parse_body(body: str, first_line: int) -> list[Block]:
    """The body's blocks; plain prose takes the fast path, anything else markdown-it-py."""
    if is_plain_prose(body):
        return plain_blocks(body, first_line)
    return read_blocks(parse(body), first_line)


# --- the fast path for plain prose -----------------------------------------------------------
# Most news text is paragraphs and "## " headings with no Markdown markup at all. For such a
# body CommonMark's result is known without a parser: paragraphs are runs of non-blank lines,
# joined with spaces. markdown-it-py parses ~4 MB/s; this path is an order of magnitude faster.
# tests/test_text.py checks that both paths give identical blocks.

_MARKUP = re.compile(r"[`*_\[\]<>\\|~]|&(?:#|[A-Za-z][A-Za-z0-9]*;)|[^\S \n\t]|^ {0,3}(?:[>+=-]|\d{1,9}[.)]|#(?!#{0,5} +\S))|^(?: {4}|\t)| {2,}$|\r|^ {0,3}#{1,6}(?: +#+)? *$", re.M)
_HEADING = re.compile(r"^ {0,3}(#{1,6}) +(.*?)(?: +#+)? *$")


def is_plain_prose(body: str) -> bool:
    """True when the body holds nothing but paragraphs of plain text and ATX headings."""
    return _MARKUP.search(body) is None


def plain_blocks(body: str, first_line: int) -> list[Block]:
    blocks: list[Block] = []
    paragraphs = 0
    lines: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal paragraphs, lines
        if not lines:
            return
        paragraphs += 1
        parts = [line.strip(" \t") for line in lines]
        segments, offset = [], 0
        for part in parts:  # one segment per line, as markdown-it makes one text token per line
            if part:
                segments.append(Segment(offset, offset + len(part), True))
            offset += len(part) + 1
        text = " ".join(parts)
        blocks.append(Block(len(blocks), "paragraph", f"p{paragraphs}", text, segments,
                            first_line + start, split_sentences(text)))
        lines = []

    for index, line in enumerate(body.split("\n")):
        heading = _HEADING.match(line)
        if heading:
            flush()
            text = heading.group(2).strip(" \t")
            segments = [Segment(0, len(text), True)] if text else []
            blocks.append(Block(len(blocks), "heading", None, text, segments, first_line + index, [],
                                len(heading.group(1))))
        elif not line.strip():
            flush()
        else:
            if not lines:
                start = index
            lines.append(line)
    flush()
    return blocks

