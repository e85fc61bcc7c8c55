"""An article body as the phases after loading see it: numbered blocks of plain text."""

from __future__ import annotations

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
        blocks.append(
            Block(
                number=len(blocks),
                kind=node.type,
                anchor=anchor,
                text=text,
                segments=flat.segments if flat else [],
                line=line,
                sentences=split_sentences(text) if node.type == "paragraph" else [],
            )
        )
    return blocks


def parse_body(body: str, first_line: int) -> tuple[SyntaxTreeNode, list[Block]]:
    tree = parse(body)
    return tree, read_blocks(tree, first_line)
