"""Markdown in and Markdown out, never by string replacement.

Content Markdown is parsed with markdown-it-py (raw HTML disabled, so it stays text).
Generated Markdown is written back from the syntax tree by `MarkdownWriter`, which
escapes every piece of content text for Python-Markdown: Markdown punctuation gets a
backslash, HTML-special characters become entities. Nothing a content file says can
turn into raw HTML, a script or an unintended link.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.tree import SyntaxTreeNode

# The version of what MarkdownWriter writes: cached pages written by another version are
# rendered again (a fix to the writer must reach every page, cached or not).
WRITER_VERSION = "3"

# --- escaping ---------------------------------------------------------------------------

_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"}
# Python-Markdown's ESCAPED_CHARS: a backslash before any of these is honoured.
_BACKSLASHED = set("\\`*_{}[]()#+-.!")
_ALWAYS = set("\\`*_{}[]!") | set(_HTML_SPECIAL)  # "!" too: text ending in "!" before a link we write would make "![…](…)", an image
_BLOCK_MARKERS = frozenset("#+-=~:!")
_BLOCK_START = re.compile(r"^(\s*)([#+\-=~:!]|\d+[.)])")


class Markdown(str):
    """Text that is already safe Markdown; templates insert it as it is."""

    __slots__ = ()

    def __html__(self) -> str:  # markupsafe protocol: treated as already escaped
        return str(self)


# A bare "&" is left as it is: Python-Markdown (like any HTML writer) escapes it itself, and
# an "&amp;" per ampersand costs it one inline match each (bench/adversarial.py). Only an "&"
# that would start a character reference ("&lt;", "&#60;") becomes "&amp;".
_ESCAPES = str.maketrans({**{k: v for k, v in _HTML_SPECIAL.items() if k != "&"},
                          **{ch: "\\" + ch for ch in _ALWAYS if ch not in _HTML_SPECIAL}})
_REFERENCE_START = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)")


@lru_cache(maxsize=262144)
def escape_text(text: str, at_block_start: bool = True) -> Markdown:
    """Escape plain text so that Python-Markdown renders exactly these characters.

    With at_block_start, a leading "#", "-", "1." and the like is escaped too, since
    the text may begin a line; pieces inside a paragraph do not need that.
    """
    escaped = " ".join(text.split())
    if "&" in escaped:
        escaped = _REFERENCE_START.sub("&amp;", escaped)
    escaped = escaped.translate(_ESCAPES)
    return Markdown(escape_block_start(escaped) if at_block_start else escaped)


def escape_block_start(markdown: str) -> str:
    """Make sure a line of Markdown does not start a heading, list, rule or block by accident."""
    if not markdown or not (markdown[0] in _BLOCK_MARKERS or markdown[0].isdigit() or markdown[0].isspace()):
        return markdown
    return _BLOCK_START.sub(_escape_block_start, markdown, count=1)


def _escape_block_start(match: re.Match) -> str:
    lead, marker = match.group(1), match.group(2)
    if marker[-1] in ".)" and marker[:-1].isdigit():  # "1." would start a list
        return lead + marker[:-1] + ("\\." if marker[-1] == "." else "&#41;")
    if marker in "~:=":
        return lead + f"&#{ord(marker)};"
    return lead + "\\" + marker


SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_url(url: str) -> str | None:
    """An external URL fit for a Markdown link target, or None when it is not safe."""
    url = url.strip()
    if not url.lower().startswith(SAFE_SCHEMES):
        return None
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def link(label: Markdown, href: str) -> Markdown:
    """A Markdown link; `href` must come from safe_url or be a generated relative path."""
    href = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return Markdown(f"[{label}]({href})")


# --- parsing ----------------------------------------------------------------------------

WIKILINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"target": match.group(1).strip(), "label": (match.group(2) or "").strip()}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _new_parser(wikilinks: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    if wikilinks:
        parser.inline.ruler.before("link", "wikilink", _wikilink_rule)
    return parser


ARTICLE_PARSER = _new_parser(wikilinks=False)
SUMMARY_PARSER = _new_parser(wikilinks=True)


def parse(text: str, *, wikilinks: bool = False) -> SyntaxTreeNode:
    parser = SUMMARY_PARSER if wikilinks else ARTICLE_PARSER
    return SyntaxTreeNode(parser.parse(text))


# --- plain text of an inline node -------------------------------------------------------


@dataclass
class Segment:
    """A piece of a paragraph's plain text that came from one text token."""

    start: int
    end: int
    linkable: bool


@dataclass
class InlineText:
    text: str
    segments: list[Segment] = field(default_factory=list)


def inline_text(node: SyntaxTreeNode) -> InlineText:
    """The plain text of an inline node; each text token becomes a numbered segment."""
    parts: list[str] = []
    result = InlineText("")
    length = 0

    def visit(n: SyntaxTreeNode, linkable: bool) -> None:
        nonlocal length
        for child in n.children:
            kind = child.type
            if kind == "text":
                result.segments.append(Segment(length, length + len(child.content), linkable))
                parts.append(child.content)
                length += len(child.content)
            elif kind in ("softbreak", "hardbreak"):
                parts.append(" ")
                length += 1
            elif kind in ("code_inline", "wikilink"):
                parts.append(child.content if kind == "code_inline" else (child.meta["label"] or child.meta["target"]))
                length += len(parts[-1])
            elif kind == "link":
                visit(child, False)
            elif kind == "image":
                visit(child, False)
            else:
                visit(child, linkable)

    visit(node, True)
    result.text = "".join(parts)
    return result


# --- writing Markdown back ------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A decoration on plain text: a link to `href`, or a highlighted quote."""

    start: int
    end: int
    href: str | None = None
    highlight: bool = False


SpanLookup = Callable[[int], list[Span]]
WikilinkResolver = Callable[[str, str], Markdown]


class MarkdownWriter:
    """Renders a markdown-it syntax tree back to safe Markdown.

    `spans_for(block_no)` gives decorations (entity links, quote highlights) in a
    paragraph's plain-text coordinates; `anchor_for(block_no)` an id to attach to it.
    """

    def __init__(
        self,
        *,
        spans_for: Callable[[int], list[Span]] | None = None,
        anchor_for: Callable[[int], str | None] | None = None,
        resolve_wikilink: WikilinkResolver | None = None,
        heading_offset: int = 0,
    ):
        self.spans_for = spans_for or (lambda _n: [])
        self.anchor_for = anchor_for or (lambda _n: None)
        self.resolve_wikilink = resolve_wikilink
        self.heading_offset = heading_offset
        self.block_no = -1

    def render_blocks(self, blocks) -> Markdown:
        """Markdown for a plain-prose body (see text.plain_blocks): no syntax tree needed."""
        out = []
        for block in blocks:
            self._offset = 0
            if block.kind == "heading":
                out.append("#" * min(6, block.level + self.heading_offset) + " " + escape_text_keep_edges(block.text).strip())
                continue
            self._spans = sorted(self.spans_for(block.number), key=lambda s: (s.start, s.end))
            pieces = []
            for segment in block.segments:  # line by line, exactly as the tree path sees text tokens
                self._offset = segment.start
                pieces.append(self._text(block.text[segment.start : segment.end], False))
            text = escape_block_start(" ".join(pieces).strip())
            out.append(_paragraph(text, block.text, self.anchor_for(block.number)))
        return Markdown("\n\n".join(b for b in out if b.strip()) + "\n")

    def render(self, tree: SyntaxTreeNode) -> Markdown:
        self.block_no = -1
        blocks = self._blocks(tree.children)
        return Markdown("\n\n".join(b for b in blocks if b.strip()) + "\n")

    # blocks
    def _blocks(self, nodes: list[SyntaxTreeNode]) -> list[str]:
        return [self._block(n) for n in nodes]

    def _block(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "paragraph":
            self.block_no += 1
            inline = node.children[0]
            text = escape_block_start(self.inline(inline, self.spans_for(self.block_no)).strip())
            return _paragraph(text, lambda: inline_text(inline).text, self.anchor_for(self.block_no))
        if kind == "heading":
            self.block_no += 1
            level = min(6, int(node.tag[1]) + self.heading_offset)
            text = self.inline(node.children[0], []).strip()
            return "#" * level + " " + text if text else ""
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node)
        if kind == "blockquote":
            inner = "\n\n".join(self._blocks(node.children))
            return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
        if kind in ("code_block", "fence"):
            return code_block(node.content)
        if kind == "hr":
            return "* * *"
        if kind == "table":
            return self._table(node)
        if kind == "html_block":  # unreachable with html disabled; kept as text for safety
            return escape_text(node.content)
        return "\n\n".join(self._blocks(node.children))

    def _list(self, node: SyntaxTreeNode) -> str:
        items = []
        start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 0
        for i, item in enumerate(node.children):
            marker = f"{start + i}. " if node.type == "ordered_list" else "- "
            inner = "\n\n".join(b for b in self._blocks(item.children) if b.strip())
            lines = inner.split("\n")
            pad = " " * 4
            body = (marker + lines[0]) if lines else marker
            body += "".join("\n" + (pad + line if line else "") for line in lines[1:])
            items.append(body)
        return "\n\n".join(items)

    def _table(self, node: SyntaxTreeNode) -> str:
        rows = []
        for section in node.children:
            for row in section.children:
                rows.append([self.inline(cell.children[0], []).strip() if cell.children else "" for cell in row.children])
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    # inline
    def inline(self, node: SyntaxTreeNode, spans: list[Span]) -> str:
        self._offset = 0
        self._spans = sorted(spans, key=lambda s: (s.start, s.end))
        return self._inline_children(node, in_link=False)

    def _inline_children(self, node: SyntaxTreeNode, in_link: bool) -> str:
        out = []
        for child in node.children:
            kind = child.type
            if kind == "text":
                out.append(self._text(child.content, in_link))
            elif kind in ("softbreak", "hardbreak"):
                out.append(" ")
                self._offset += 1
            elif kind == "code_inline":
                out.append(code_span(child.content))
                self._offset += len(child.content)
            elif kind == "em":
                out.append(_wrap("*", self._inline_children(child, in_link)))
            elif kind == "strong":
                out.append(_wrap("**", self._inline_children(child, in_link)))
            elif kind == "link":
                label = self._inline_children(child, True)
                href = safe_url(child.attrs.get("href", ""))
                out.append(link(Markdown(label), href) if href and label.strip() else label)
            elif kind == "image":
                # Never an <img>: a remote image would be fetched when the page is browsed.
                label = self._inline_children(child, True) or escape_text("image")
                href = safe_url(child.attrs.get("src", ""))
                out.append(link(Markdown("Image: " + label), href) if href else label)
            elif kind == "wikilink":
                label = child.meta["label"] or child.meta["target"]
                self._offset += len(label)
                if self.resolve_wikilink:
                    out.append(self.resolve_wikilink(child.meta["target"], child.meta["label"]))
                else:
                    out.append(escape_text(label))
            else:
                out.append(self._inline_children(child, in_link))
        return "".join(out)

    def _text(self, text: str, in_link: bool) -> str:
        start, end = self._offset, self._offset + len(text)
        self._offset = end
        spans = [s for s in self._spans if s.start < end and s.end > start]
        if not spans:
            return escape_text_keep_edges(text)
        cuts = {start, end}
        for s in spans:
            cuts.update(c for c in (s.start, s.end) if start < c < end)
        pieces = []
        ordered = sorted(cuts)
        for a, b in zip(ordered, ordered[1:]):
            piece = text[a - start : b - start]
            covering = [s for s in spans if s.start <= a and s.end >= b]
            href = next((s.href for s in covering if s.href and not in_link), None)
            highlight = any(s.highlight for s in covering)
            pieces.append((piece, href, highlight))
        return "".join(_decorate(*p) for p in _merge_links(pieces))


# --- keeping Python-Markdown linear ---------------------------------------------------------
# Python-Markdown rebuilds a paragraph's whole text for every inline match (an escape, an
# entity, a link, an emphasis), so a paragraph costs (its matches) x (its length): a 160 KB
# paragraph of "[" took 100 s. A paragraph whose Markdown holds more than MAX_MATCHES of them
# is written as plain text in paragraphs of at most MAX_MATCHES matches and MAX_CHUNK
# characters: its links and highlights are dropped, its words all stay, and rendering is linear
# (bench/adversarial.py). No news paragraph comes near the limit.
MAX_MATCHES = 1000
MAX_CHUNK = 20_000
_MATCH_STARTS = re.compile(r"\\.|&#?[A-Za-z0-9]+;|[*\[<`]", re.S)
_ESCAPE_UNIT = re.compile(r"\\.|&#?[A-Za-z0-9]+;", re.S)


def inline_matches(markdown: str) -> int:
    """An upper bound on the inline matches Python-Markdown makes in this Markdown."""
    return len(_MATCH_STARTS.findall(markdown))


def _paragraph(markdown: str, plain: str | Callable[[], str], anchor: str | None) -> str:
    """A paragraph with its anchor; written as linear plain-text chunks when it would be quadratic."""
    if inline_matches(markdown) > MAX_MATCHES:
        text = plain() if callable(plain) else plain
        markdown = "\n\n".join(_chunks(escape_text(text, at_block_start=False)))
        first, sep, rest = markdown.partition("\n\n")
        return first + (f"\n{{: #{anchor} }}" if anchor and first else "") + sep + rest
    return markdown + (f"\n{{: #{anchor} }}" if anchor and markdown else "")


def _chunks(escaped: str) -> list[str]:
    """Escaped text cut before escapes into pieces of bounded cost, each safe to start a line."""
    cuts, count = [0], 0
    for unit in _ESCAPE_UNIT.finditer(escaped):
        count += 1
        if count > MAX_MATCHES or unit.start() - cuts[-1] >= MAX_CHUNK:
            cuts.append(unit.start())
            count = 1
    cuts.append(len(escaped))
    chunks = (escaped[a:b].strip() for a, b in zip(cuts, cuts[1:]))
    return [escape_block_start(c) for c in chunks if c]


def _merge_links(pieces):
    """Adjacent pieces of one link become one link (a quote may start inside a name)."""
    out: list[tuple[list[tuple[str, bool]], str | None]] = []
    for piece, href, highlight in pieces:
        if out and href and out[-1][1] == href:
            out[-1][0].append((piece, highlight))
        else:
            out.append(([(piece, highlight)], href))
    return out


def _decorate(parts, href) -> str:
    label = "".join(_highlight(p, h) for p, h in parts)
    return link(Markdown(label), href) if href else label


def _highlight(text: str, highlight: bool) -> str:
    if not highlight or not text.strip():
        return escape_text_keep_edges(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    inner = escape_text(text.strip(), at_block_start=False)
    return (" " if lead else "") + f"*{inner}*{{: .kb-quote }}" + (" " if trail else "")


def escape_text_keep_edges(text: str) -> str:
    """Escape a piece of a paragraph: keep one space at each edge where there was some."""
    if not text:
        return ""
    if not text.strip():
        return " "
    core = escape_text(text, at_block_start=False)
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + core + trail


def _wrap(marker: str, inner: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = " " if inner[0].isspace() else ""
    trail = " " if inner[-1].isspace() else ""
    return f"{lead}{marker}{stripped}{marker}{trail}"


# --- code: raw HTML whose every character is a character reference ------------------------
# Python-Markdown re-parses what we write, and where a piece of Markdown lands (a list item,
# a table cell, a line joined onto another) decides whether an indented block or a backtick
# span stays code. If it does not, code written as it is becomes live HTML. So code is never
# written as it is: it becomes one line of <code> (or <pre><code>) in which "<", "&" and every
# character Python-Markdown would act on is a character reference. Whatever context the
# line ends up in (a paragraph, a list item, a cell, a quote, a code block), it can only ever
# show text.

_CODE_REFS = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;",
     **{ch: f"&#{ord(ch)};" for ch in "\\`*_{}[]()|!#+-.:=~\"'"}}
)


def code_text(code: str) -> str:
    """Code as the content of a raw <code> element, safe in any Markdown context."""
    return code.translate(_CODE_REFS)


def code_span(code: str) -> Markdown:
    return Markdown(f"<code>{code_text(code)}</code>")


def code_block(code: str) -> Markdown:
    """A code block as a single line, so no indentation or blank line can change its context."""
    return Markdown(f"<pre><code>{code_text(code.rstrip(chr(10)) + chr(10))}</code></pre>")
