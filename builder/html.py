"""Generated Markdown to HTML, as MkDocs would make it, without MkDocs (a room after render).

`build/docs` stays the one source of truth: plain `mkdocs build` renders it with
Python-Markdown (attr_list, md_in_html, tables, admonition, toc with permalinks). This
module renders the same Markdown with markdown-it-py, reproducing what those extensions
and MkDocs' link rewriting produce, so that the `kb` MkDocs plugin can hand MkDocs a ready
body and skip Python-Markdown. `tests/test_two_paths.py` compares both on every page.

Reproduced here:
- backslash escapes only for Python-Markdown's ESCAPED_CHARS (+ `|` from tables);
- attr_list: `{: #id .class key=value }` after an inline element, at the end of a heading,
  or on the last line of a paragraph;
- md_in_html: a block-level tag with a `markdown` attribute starting a line holds Markdown
  (`markdown="span"` inline, `markdown="0"` raw); other block-level tags starting a line
  are raw HTML up to their matching closing tag, blank lines included;
- admonitions (`!!! type "title"`);
- toc: heading ids slugified as Python-Markdown does (`_1`, `_2` for repeats, explicit ids
  kept), a `¶` permalink in each heading, and the nested toc tokens;
- MkDocs' `use_directory_urls` link rewriting: `x.md` -> `x/`, relative to the page's URL.
"""

from __future__ import annotations

import html as htmlmod
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

# --- Python-Markdown's rules ------------------------------------------------------------------

PM_ESCAPES = frozenset("\\`*_{}[]()>#+-.!|")
BLOCK_LEVEL = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hgroup hr main menu nav ol p pre section table ul canvas colgroup dd body dt group "
    "html iframe li legend math map noscript output object option progress script style summary tbody "
    "td textarea tfoot th thead tr video center".split()
)
SPAN_LEVEL_MD = frozenset("address dd dt h1 h2 h3 h4 h5 h6 legend li p summary td th".split())

_ATTR_TOKEN = re.compile(
    r"""\#([^\s}]+)|\.([^\s}]+)|([^\s=}"']+)=(?:"([^"]*)"|'([^']*)'|([^\s}]*))|([^\s=}"']+)"""
)
_INLINE_ATTRS = re.compile(r"^\{:?[ ]*([^\}\n ][^\n]*?)[ ]*\}")
_BLOCK_ATTRS = re.compile(r"^[ ]*\{:?[ ]*([^\}\n ][^\n]*?)[ ]*\}[ ]*$")
_HEADER_ATTRS = re.compile(r"[ ]+\{:?[ ]*([^\}\n ][^\n]*?)[ ]*\}[ ]*$")
_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")
_TAGS = re.compile(r"<[^>]*>")


def slugify(value: str, separator: str = "-") -> str:
    """Python-Markdown's toc slugify (MkDocs' default)."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _SLUG_DROP.sub("", value).strip().lower()
    if separator == "-":
        return _SLUG_SPACE.sub("-", value)
    return re.sub(r"[{}\s]+".format(separator), separator, value)


_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_SPACE = re.compile(r"[-\s]+")


def unique(ident: str, ids: set[str]) -> str:
    while ident in ids or not ident:
        m = _IDCOUNT.match(ident)
        ident = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{ident}_1"
    ids.add(ident)
    return ident


def parse_attrs(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _ATTR_TOKEN.finditer(text):
        if m.group(1):
            out.append(("id", m.group(1)))
        elif m.group(2):
            out.append(("class", m.group(2)))
        elif m.group(3):
            value = next((g for g in m.group(4, 5, 6) if g is not None), "")
            out.append((m.group(3), value))
        elif m.group(7):
            out.append((m.group(7), m.group(7)))
    return out


def _apply_attrs(token: Token, attrs: list[tuple[str, str]]) -> None:
    for key, value in attrs:
        if key == "class":
            old = token.attrGet("class")
            token.attrSet("class", f"{old} {value}" if old else value)
        else:
            token.attrSet(key, value)


# --- markdown-it set up as Python-Markdown --------------------------------------------------


def _escape(state, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "\\" or pos + 1 >= state.posMax:
        return False
    ch = state.src[pos + 1]
    if ch not in PM_ESCAPES:
        return False  # Python-Markdown keeps the backslash
    if not silent:
        token = state.push("text_special", "", 0)
        token.content = ch
        token.markup = "\\" + ch
        token.info = "escape"
    state.pos = pos + 2
    return True


def _attr_list(state) -> None:
    """attr_list on the parsed inline tokens of each block."""
    tokens = state.tokens
    for i, block in enumerate(tokens):
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        opener = tokens[i - 1] if i else None
        if opener is not None and opener.type == "heading_open":
            last = children[-1]
            if last.type == "text":
                m = _HEADER_ATTRS.search(last.content)
                if m:
                    last.content = last.content[: m.start()]
                    _apply_attrs(opener, parse_attrs(m.group(1)))
        elif opener is not None and opener.type == "paragraph_open":
            last = children[-1]
            m = _BLOCK_ATTRS.match(last.content) if last.type == "text" else None
            if m and (len(children) == 1 or children[-2].type == "softbreak"):
                del children[-2 if len(children) > 1 else -1:]
                target = opener
                if opener.hidden and i >= 2 and tokens[i - 2].type == "list_item_open":
                    target = tokens[i - 2]
                _apply_attrs(target, parse_attrs(m.group(1)))
        # inline: {: ...} right after an element applies to that element
        stack: list[Token] = []
        for j, child in enumerate(children):
            if child.nesting == 1:
                stack.append(child)
                continue
            target = None
            if child.nesting == -1:
                target = stack.pop() if stack else None
            elif child.type in ("code_inline", "image"):
                target = child
            if target is None or j + 1 >= len(children):
                continue
            nxt = children[j + 1]
            if nxt.type != "text":
                continue
            m = _INLINE_ATTRS.match(nxt.content)
            if m:
                nxt.content = nxt.content[m.end():]
                _apply_attrs(target, parse_attrs(m.group(1)))


def _admonition(state, start_line: int, end_line: int, silent: bool) -> bool:
    """`!!! note "Title"` followed by an indented body (Python-Markdown's admonition)."""
    pos = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[pos: state.eMarks[start_line]]
    m = re.match(r'^!!![ ]+([\w\-]+(?:[ ]+[\w\-]+)*)(?:[ ]*"(.*?)")?[ ]*$', line)
    if not m or state.sCount[start_line] - state.blkIndent >= 4:
        return False
    if silent:
        return True
    klass, title = m.group(1), m.group(2)
    if title is None:
        title = klass.split()[0].capitalize()
    nxt = start_line + 1
    while nxt < end_line:
        if state.isEmpty(nxt):
            nxt += 1
            continue
        if state.sCount[nxt] - state.blkIndent < 4:
            break
        nxt += 1
    last = nxt
    while last > start_line + 1 and state.isEmpty(last - 1):
        last -= 1
    token = state.push("html_block", "", 0)
    token.content = f'<div class="admonition {klass.lower()}">\n'
    if title:
        token.content += f'<p class="admonition-title">{htmlmod.escape(title, quote=False)}</p>\n'
    old_indent = state.blkIndent
    state.blkIndent += 4
    state.md.block.tokenize(state, start_line + 1, last)
    state.blkIndent = old_indent
    token = state.push("html_block", "", 0)
    token.content = "</div>\n"
    state.line = nxt
    return True


def _inline(state) -> None:
    """markdown-it's core inline rule, with the fast renderer first for paragraphs."""
    from .html_fast import render_inline

    rewrite = state.env.get("rewrite")
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if rewrite is not None and i and tokens[i - 1].type == "paragraph_open":
            content = token.content
            attrs = None
            cut = content.rfind("\n")
            if cut >= 0 and content.endswith("}"):
                m = _BLOCK_ATTRS.match(content[cut + 1:])
                if m:
                    attrs, content = m.group(1), content[:cut]
            ids: list[str] = []
            # `{x} [a](b){.c}` on the last line is no attribute list: markdown-it's tokens decide
            # nor is a paragraph that is one `{...}` line
            # and spaces before the attribute line make a break markdown-it's tokens decide on
            html = (render_inline(content, rewrite, ids)
                    if (attrs is None or ("}" not in attrs and not content.endswith(" ")))
                    and not content.startswith("{") else None)
            if html is not None:
                # the ids its attribute lists set are taken, as markdown-it's tokens would say
                state.env.setdefault("ids", []).extend(ids)
                if attrs is not None:
                    opener = tokens[i - 1]
                    target = opener
                    if opener.hidden and i >= 2 and tokens[i - 2].type == "list_item_open":
                        target = tokens[i - 2]
                    _apply_attrs(target, parse_attrs(attrs))
                child = Token("html_inline", "", 0)
                child.content = html
                token.children = [child]
                continue
        state.md.inline.parse(token.content, state.md, state.env, token.children)


def _make_parser(tables: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).disable("fence")  # Python-Markdown has no fences
    if tables:
        md.enable("table")
    md.normalizeLink = lambda url: url  # Python-Markdown writes links as given
    md.normalizeLinkText = lambda text: text
    md.inline.ruler.at("escape", _escape)
    md.block.ruler.before("paragraph", "admonition", _admonition, {"alt": ["paragraph", "blockquote", "list"]})
    md.core.ruler.at("inline", _inline)
    md.core.ruler.before("text_join", "attr_list", _attr_list)  # escaped braces are still text_special here
    # Python-Markdown needs a blank line before a list: a list cannot interrupt a paragraph
    from markdown_it.rules_block import list_block

    def list_rule(state, start: int, end: int, silent: bool) -> bool:
        # (inside a list item, an indented list line does start a nested list, as in Python-Markdown)
        if (silent and state.parentType == "paragraph" and state.listIndent < 0
                and 0 <= state.sCount[start] - state.blkIndent < 2):
            return False
        return list_block(state, start, end, silent)

    md.block.ruler.at("list", list_rule, {"alt": ["paragraph", "reference", "blockquote"]})
    return md


_MD = _make_parser()
# markdown-it's table rule gives up on a header line without '|': text holding no '|' parses the
# same without it, and the rule is tried at every line (a tenth of the block parse on entity pages)
_MD_NO_TABLES = _make_parser(tables=False)


# --- md_in_html: split the document at block-level HTML --------------------------------------

_OPEN_TAG = re.compile(r"^<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^>]*?)?)\s*(/?)>")
_MARKDOWN_ATTR = re.compile(r"""\s+markdown(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _find_close(lines: list[str], start: int, tag: str, first_rest: str) -> int:
    """The index of the line closing `tag` opened on line `start` (nesting counted)."""
    res = _TAG_RES.get(tag)
    if res is None:
        res = _TAG_RES[tag] = (re.compile(rf"<{tag}(?=[\s>/])", re.I), re.compile(rf"</{tag}\s*>", re.I))
    open_re, close_re = res
    depth = 1 + len(open_re.findall(first_rest)) - len(close_re.findall(first_rest))
    if depth <= 0:
        return start
    for k in range(start + 1, len(lines)):
        line = lines[k]
        if "<" in line:  # (a line without one opens and closes nothing)
            depth += len(open_re.findall(line)) - len(close_re.findall(line))
            if depth <= 0:
                return k
    return -1


_TAG_RES: dict[str, tuple[re.Pattern, re.Pattern]] = {}


@dataclass
class _Segment:
    kind: str  # "md", "inline", "html"
    text: str


def _segments(text: str, nested: bool = False) -> list[_Segment]:
    """Markdown, raw HTML blocks and md_in_html elements, in document order."""
    lines = text.split("\n")
    out: list[_Segment] = []
    buf: list[str] = []
    i = 0
    prev_blank = True
    while i < len(lines):
        line = lines[i]
        m = _OPEN_TAG.match(line) if line.startswith("<") else None
        tag = m.group(1).lower() if m else ""
        if not m or tag not in BLOCK_LEVEL or m.group(3):
            buf.append(line)
            prev_blank = not line.strip()
            i += 1
            continue
        rest = line[m.end():]
        close = _find_close(lines, i, tag, rest)
        if close < 0:
            buf.append(line)
            prev_blank = False
            i += 1
            continue
        if buf:
            out.append(_Segment("md", "\n".join(buf)))
            buf = []
        attrs = m.group(2) or ""
        mattr = _MARKDOWN_ATTR.search(attrs)
        value = next((g for g in mattr.groups() if g is not None), "1") if mattr else "0"
        if value == "0" and mattr is not None and nested:
            # raw HTML inside a Markdown block: md_in_html drops the attribute there
            raw = "\n".join(lines[i: close + 1])
            out.append(_Segment("html", raw.replace(m.group(0), f"<{m.group(1)}{attrs[: mattr.start()]}{attrs[mattr.end():]}>", 1)))
        elif value == "0":  # raw HTML; at the top level Python-Markdown keeps markdown="0" as written
            out.append(_Segment("html", "\n".join(lines[i: close + 1])))
        else:
            clean = attrs[: mattr.start()] + attrs[mattr.end():]
            open_html = f"<{m.group(1)}{clean}>"
            if close == i:
                inner = rest[: rest.lower().rfind(f"</{tag}")]
                after = ""
            else:
                last = lines[close]
                cut = last.lower().rfind(f"</{tag}")
                inner = "\n".join(([rest] if rest.strip() else []) + lines[i + 1: close] + [last[:cut]])
                after = last[cut:]
            after = after[after.find(">") + 1:] if after else ""
            if value == "span" or (value != "block" and tag in SPAN_LEVEL_MD):
                out.append(_Segment("html", open_html))
                out.append(_Segment("inline", inner.strip()))
                out.append(_Segment("html", f"</{m.group(1)}>"))
            else:
                out.append(_Segment("html", open_html))
                out.extend(_segments(inner, nested=True))
                out.append(_Segment("html", f"</{m.group(1)}>"))
            if after.strip():
                buf.append(after)
        i = close + 1
        prev_blank = True
    if buf:
        out.append(_Segment("md", "\n".join(buf)))
    return out


def _pm_list_looseness(tokens: list[Token], lines: list[str]) -> list[Token]:
    """Python-Markdown wraps a list item in <p> when a blank line separates it from the item
    before or after it, or separates blocks inside it; other items stay tight."""
    def blank_before(line: int) -> bool:
        return line > 0 and not lines[line - 1].strip()

    for i, t in enumerate(tokens):
        if t.type not in ("bullet_list_open", "ordered_list_open"):
            continue
        level = t.level
        items: list[tuple[int, int]] = []  # (open index, close index) of each item
        j = i + 1
        while j < len(tokens) and not (tokens[j].level == level and tokens[j].nesting == -1):
            if tokens[j].type == "list_item_open" and tokens[j].level == level + 1:
                start = j
                while not (tokens[j].type == "list_item_close" and tokens[j].level == level + 1):
                    j += 1
                items.append((start, j))
            j += 1
        for n, (start, end) in enumerate(items):
            loose = False
            span = tokens[start].map
            if span:  # a blank line between the item's own lines (not after them)
                inner = [n for n in range(span[0], min(span[1], len(lines)))]
                while inner and not lines[inner[-1]].strip():
                    inner.pop()
                loose = any(not lines[n].strip() for n in inner)
            if tokens[start].map and blank_before(tokens[start].map[0]) and n > 0:
                loose = True
            if n + 1 < len(items) and tokens[items[n + 1][0]].map and blank_before(tokens[items[n + 1][0]].map[0]):
                loose = True
            for tok in tokens[start + 1: end]:
                if tok.level == level + 2 and tok.type in ("paragraph_open", "paragraph_close"):
                    tok.hidden = not loose
    return tokens


def _fast_tokens(pieces: list) -> list[Token]:
    """html_fast.render_blocks' pieces as tokens: HTML as it is, headings as heading tokens
    (render_page gives them their ids and permalinks)."""
    tokens: list[Token] = []
    html: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            html.append(piece)
            continue
        if html:
            token = Token("html_block", "", 0)
            token.content = "".join(html)
            tokens.append(token)
            html = []
        level, inner = piece
        opener = Token("heading_open", f"h{level}", 1)
        opener.block = True
        child = Token("html_inline", "", 0)
        child.content = inner
        inline = Token("inline", "", 0)
        inline.children = [child]
        closer = Token("heading_close", f"h{level}", -1)
        closer.block = True
        tokens.extend((opener, inline, closer))
    if html:
        token = Token("html_block", "", 0)
        token.content = "".join(html)
        tokens.append(token)
    return tokens


def _tokens(text: str, env: dict) -> list[Token]:
    from .html_fast import render_blocks

    tokens: list[Token] = []
    rewrite = env.get("rewrite")
    for seg in _segments(text):
        if seg.kind == "md" and rewrite is not None:
            fast = render_blocks(seg.text, rewrite)
            if fast is not None:
                pieces, ids = fast
                env.setdefault("ids", []).extend(ids)
                tokens.extend(_fast_tokens(pieces))
                continue
        if seg.kind == "md":
            md = _MD if "|" in seg.text else _MD_NO_TABLES
            tokens.extend(_pm_list_looseness(md.parse(seg.text, env), seg.text.split("\n")))
        elif seg.kind == "inline":
            inline = Token("inline", "", 0)
            inline.content = seg.text
            inline.children = []
            _MD.inline.parse(seg.text, _MD, env, inline.children)
            wrapper = [inline]
            _attr_list(type("S", (), {"tokens": wrapper})())
            tokens.extend(wrapper)
        else:
            token = Token("html_block", "", 0)
            token.content = seg.text + "\n"
            tokens.append(token)
    return tokens


# --- one page ---------------------------------------------------------------------------------


@dataclass
class PageHtml:
    body: str
    toc: list[dict] = field(default_factory=list)  # Python-Markdown's nested toc_tokens
    search: list[dict] = field(default_factory=list)  # Material's search entries for the page
    targets: tuple = ()  # docs files its links were resolved against, sorted
    source: str = ""  # digest of the Markdown after its front matter, stripped (see source_digest)


def page_url(page: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a docs file (mkdocs.structure.files.File.url)."""
    if not page.endswith(".md"):
        return page
    stem = page[:-3]
    if not directory_urls:
        if stem == "README" or stem.endswith("/README"):
            stem = stem[: -len("README")] + "index"
        return stem + ".html"
    if stem == "index" or stem.endswith("/index") or stem.endswith("/README") or stem == "README":
        stem = stem.rpartition("/")[0]
        return stem + "/" if stem else ""
    return stem + "/"


def _norm_parts(path: str) -> list[str]:
    path = posixpath.normpath("/" + path)[1:]
    return path.split("/") if path else []


def relative_url(url: str, other: str) -> str:
    """mkdocs.utils.get_relative_url."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    a, b = _norm_parts(other), _norm_parts(url)
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    rel = "/".join([".."] * (len(a) - common) + b[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def rewrite_link(href: str, page: str, files: frozenset[str] | set[str], directory_urls: bool = True,
                 looked_up: set[str] | None = None) -> str:
    """MkDocs' _RelativePathTreeprocessor.path_to_url for a link from docs page `page`.

    Each docs file looked up is added to `looked_up` (what the result depends on)."""
    scheme, netloc, path, query, anchor = urlsplit(href)
    if scheme or netloc or href.startswith(("/", "\\")) or not path:
        return href
    path = unquote(path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path).lstrip("/"))
    if looked_up is not None:
        looked_up.add(target)
    if target not in files:
        return href
    rel = relative_url(page_url(target, directory_urls), page_url(page, directory_urls))
    return urlunsplit(("", "", rel, query, anchor))


class Links:
    """rewrite_link for many pages against one set of files, each href worked out once per
    directory: a link's relative URL depends on the page only through its directory, except
    for a target at or below the page's own URL, which is worked out exactly."""

    def __init__(self, files: frozenset[str] | set[str], directory_urls: bool = True):
        self.files = files
        self.directory_urls = directory_urls
        self.entries: dict[tuple, dict[str, tuple]] = {}  # (directory, URL parts...) -> href -> entry

    def for_page(self, page: str, looked_up: set[str]):
        files, directory_urls, entries = self.files, self.directory_urls, self.entries
        page_dir = posixpath.dirname(page)
        own = page_url(page, directory_urls)
        dirname, _, basename = own.rpartition("/")
        a = _norm_parts(dirname if "." in basename else own)
        n = len(a)
        prefix = (page_dir, tuple(a[:-1]), n)
        last = a[-1] if n else None
        known = entries.get(prefix)
        if known is None:
            known = entries[prefix] = {}

        def rewrite(href: str) -> str:
            entry = known.get(href)
            if entry is None:
                entry = known[href] = self._entry(href, page_dir, a)
            target, generic, b = entry
            if target is not None:
                looked_up.add(target)
            if b is None or not n or len(b) < n or b[n - 1] != last:
                return generic
            return rewrite_link(href, page, files, directory_urls)  # at or below the page itself

        return rewrite

    def _entry(self, href: str, page_dir: str, a: list[str]) -> tuple:
        """(docs file looked up or None, the rewritten href for a page in this directory whose
        own last URL part is not the target's, the target URL's parts or None if unchanged)."""
        scheme, netloc, path, query, anchor = urlsplit(href)
        if scheme or netloc or href.startswith(("/", "\\")) or not path:
            return None, href, None
        path = unquote(path)
        target = posixpath.normpath(posixpath.join(page_dir, path).lstrip("/"))
        if target not in self.files:
            return target, href, None
        url = page_url(target, self.directory_urls)
        b = _norm_parts(url)
        other = a[:-1] + ["\x00"] if a else []
        common = 0
        for x, y in zip(other, b):
            if x != y:
                break
            common += 1
        rel = "/".join([".."] * (len(other) - common) + b[common:]) or "."
        rel = rel + "/" if url.endswith("/") else rel
        return target, urlunsplit(("", "", rel, query, anchor)), b


def _text_of(children: list[Token]) -> str:
    """The heading's inner text as Python-Markdown's toc sees it (tags stripped)."""
    parts = []
    for c in children:
        if c.type in ("text", "code_inline", "text_special"):
            parts.append(htmlmod.escape(c.content, quote=False))
        elif c.type == "html_inline":
            parts.append(c.content)
        elif c.type == "image":
            parts.append(htmlmod.escape(c.content, quote=False))
    return _TAGS.sub("", "".join(parts))


def _nest_stack(flat: list[dict]) -> list[dict]:
    root: list[dict] = []
    stack: list[tuple[int, dict]] = []
    for token in flat:
        node = {**token, "children": []}
        while stack and stack[-1][0] >= node["level"]:
            stack.pop()
        (stack[-1][1]["children"] if stack else root).append(node)
        stack.append((node["level"], node))
    return root


_SEARCH_KEEP = frozenset(("p", "code", "pre", "li", "ol", "ul", "sub", "sup"))
_HEADING_SPLIT = re.compile(r"(<h([1-6])[^>]*>.*?</h\2>)", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_SKIP_BLOCKS = re.compile(r"<(script|style|object)\b.*?</\1>", re.S | re.I)


_KEEP_NAMES = "(?:p|code|pre|li|ol|ul|sub|sup)(?![a-zA-Z0-9])"
_DROP_TAG = re.compile(rf"<(?!/?{_KEEP_NAMES})/?[a-zA-Z][a-zA-Z0-9]*[^>]*>")
_KEEP_TAG = re.compile(rf"<(/?)({_KEEP_NAMES})[^>]+>")  # with attributes: bare ones stay as they are
# where dropping the other tags first could change what the kept ones' pattern sees
_TAGS_UNSURE = re.compile(r"</?[a-z0-9]*[A-Z]|<[^>]*<|<(?![a-zA-Z]|/[a-zA-Z])")


_SKIP_START = re.compile(r"<(?:script|style|object)\b", re.I)


def _search_text(fragment: str, skip: bool = True, sure: bool = False) -> str:
    """`skip`: the body may hold a script, style or object block; `sure`: the body (and so,
    with those blocks blanked out, this section of it) has nothing _TAGS_UNSURE finds."""
    if skip:
        fragment = _SKIP_BLOCKS.sub(" ", fragment)
    if not sure and _TAGS_UNSURE.search(fragment):
        fragment = _TAG_NAME.sub(lambda m: f"<{m.group(1)}{m.group(2).lower()}>"
                                 if m.group(2).lower() in _SEARCH_KEEP else "", fragment)
    else:  # the same in two passes without a call per tag
        fragment = _KEEP_TAG.sub(lambda m: f"<{m.group(1)}{m.group(2)}>", _DROP_TAG.sub("", fragment))
    return " ".join(fragment.split()).replace("&quot;", '"')  # Material escapes text without quotes


_HEADING_ID = re.compile(r'\bid="([^"]*)"')
_HEADERLINK = re.compile(r'<a class="headerlink".*?</a>', re.S)


def search_entries(body: str, url: str, title: str, meta: dict) -> list[dict]:
    """Material's search entries (one per section) for a page body built here."""
    search = meta.get("search") or {}
    if search.get("exclude"):
        return []
    parts = _HEADING_SPLIT.split(body)
    entries = []
    preface = parts[0]
    sections: list[tuple[str, str, str]] = []  # id, title, text
    if preface or len(parts) == 1 or not parts[1].startswith("<h1"):
        sections.append(("", "", preface))  # Material's section before the first heading
    k = 1
    while k < len(parts):
        heading, text = parts[k], parts[k + 2]
        m = _HEADING_ID.search(heading)
        inner = _HEADERLINK.sub("", heading)
        sections.append((m.group(1) if m else "", " ".join(_TAGS.sub("", inner).split()), text))
        k += 3
    skip = _SKIP_START.search(body) is not None
    sure = _TAGS_UNSURE.search(body) is None
    for n, (ident, head, text) in enumerate(sections):
        location = url + (f"#{ident}" if ident and n else "")
        entry = {"location": location, "title": head or title, "text": _search_text(text, skip, sure)}
        if "boost" in search:
            entry["boost"] = search["boost"]
        entries.append(entry)
    return entries


def _merge_blockquotes(tokens: list[Token]) -> list[Token]:
    """Python-Markdown appends a blockquote that follows another (blank lines between) to it."""
    out: list[Token] = []
    for t in tokens:
        if t.type == "blockquote_open" and out and out[-1].type == "blockquote_close" and out[-1].level == t.level:
            out.pop()
            continue
        out.append(t)
    return out


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def source_digest(markdown_without_front_matter: str) -> str:
    """What the MkDocs plugin checks a page against before using the builder's body for it."""
    import hashlib

    return hashlib.sha1(markdown_without_front_matter.strip().encode("utf-8", "surrogatepass")).hexdigest()


def render_page(markdown: str, page: str, files: frozenset[str] | set[str], meta: dict | None = None,
                title: str = "", fast: bool = True, directory_urls: bool = True,
                links: Links | None = None) -> PageHtml:
    """One generated page's body HTML, toc and search entries, as MkDocs + Material make them.

    `links` (for these files and directory_urls) may be shared by many pages."""
    m = _FRONT.match(markdown)
    if m:
        markdown = markdown[m.end():]
    env: dict = {}
    looked_up: set[str] = set()
    if links is None or links.files is not files or links.directory_urls != directory_urls:
        links = Links(files, directory_urls)
    rewrite = links.for_page(page, looked_up)
    if fast:
        env["rewrite"] = rewrite
    tokens = _merge_blockquotes(_tokens(markdown, env))
    used: set[str] = set(env.get("ids", ()))
    for t in tokens:
        if t.attrs.get("id"):
            used.add(str(t.attrs["id"]))
        for c in t.children or ():
            if c.attrs.get("id"):
                used.add(str(c.attrs["id"]))
    flat = []
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            inline = tokens[i + 1]
            name = _text_of(inline.children or [])
            ident = t.attrGet("id")
            if not ident:
                ident = unique(slugify(htmlmod.unescape(name)), used)
                t.attrSet("id", ident)
            ident = str(ident)
            flat.append({"level": int(t.tag[1]), "id": htmlmod.unescape(ident), "name": name})
            link_open = Token("html_inline", "", 0)
            link_open.content = (f'<a class="headerlink" href="#{htmlmod.escape(ident)}" '
                                 f'title="Permanent link">&para;</a>')
            inline.children = (inline.children or []) + [link_open]
        elif t.type == "inline":
            for c in t.children or ():
                if c.type == "link_open":
                    href = c.attrGet("href")
                    if href:
                        c.attrSet("href", rewrite(str(href)))
                elif c.type == "image":
                    src = c.attrGet("src")
                    if src:
                        c.attrSet("src", rewrite(str(src)))
    body = _MD.renderer.render(tokens, _MD.options, env)
    url = page_url(page, directory_urls)
    return PageHtml(body, _nest_stack(flat), search_entries(body, url, title, meta or {}), tuple(sorted(looked_up)),
                    source_digest(markdown))


# --- the whole site ---------------------------------------------------------------------------



def _front_matter(markdown: str) -> dict:
    import yaml

    m = _FRONT.match(markdown)
    if not m:
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(m.group(1), Loader=loader)
    return data if isinstance(data, dict) else {}


_FILES: frozenset[str] = frozenset()
_DIRECTORY_URLS = True
_LINKS: Links | None = None
# A change to this converter (this file or its fast paths) invalidates every cached body.
_SOURCE = __import__("hashlib").sha256(b"".join(
    open(os.path.join(os.path.dirname(__file__), name), "rb").read() for name in ("html.py", "html_fast.py")
)).hexdigest()
_SEARCH_ATTRS = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def _render_one(item: tuple[str, str]) -> tuple[str, PageHtml]:
    page, markdown = item
    meta = _front_matter(markdown)
    out = render_page(markdown, page, _FILES, meta, str(meta.get("title", "")), directory_urls=_DIRECTORY_URLS,
                      links=_LINKS)
    if "data-search-" in out.body:
        out.body = _SEARCH_ATTRS.sub("", out.body)  # as Material's search plugin does
    return page, out


def _render_many(items: list[tuple[str, str]]) -> list[tuple[str, PageHtml]]:
    return [_render_one(item) for item in items]


def render_bodies(
    pages: dict[str, str | bytes],
    files: frozenset[str],
    previous: dict[str, tuple] | None = None,
    workers: int = 1,
    directory_urls: bool = True,
) -> tuple[dict[str, PageHtml], dict[str, tuple[str, frozenset[str], PageHtml]]]:
    """Body HTML for every generated Markdown page; pages unchanged since `previous` are reused.

    A cached body is valid while its Markdown is the same and each page it links to exists
    (or still does not): MkDocs rewrites only links to files it has. With workers > 1 the
    pages are converted in forked processes; the result does not depend on the split.
    """
    global _FILES, _DIRECTORY_URLS, _LINKS
    from .cache import digest

    previous = previous or {}
    out: dict[str, PageHtml] = {}
    cache: dict[str, tuple[str, frozenset[str], PageHtml]] = {}
    todo: list[tuple[str, str]] = []
    keys: dict[str, str] = {}
    for page in sorted(pages):
        markdown = pages[page]
        if not page.endswith(".md") or not isinstance(markdown, str):
            continue
        key = digest(_SOURCE, page, markdown, str(directory_urls))
        hit = previous.get(page)
        if hit and hit[0] == key and files.intersection(hit[2].targets) == frozenset(hit[1]):
            out[page] = hit[2]
        else:
            todo.append((page, markdown))
        keys[page] = key
    _FILES, _DIRECTORY_URLS = files, directory_urls
    _LINKS = Links(files, directory_urls)
    from .parallel import in_processes

    done = in_processes(_render_many, todo, workers)  # forked processes (builder/parallel.py)
    _FILES, _LINKS = frozenset(), None
    out.update(done)
    for page, key in keys.items():
        cache[page] = (key, tuple(sorted(files.intersection(out[page].targets))), out[page])
    return {page: out[page] for page in sorted(out)}, cache
