"""A fast inline renderer for the subset of Markdown the builder's templates generate.

markdown-it-py builds a Python object per delimiter, link and text run; generated pages hold
~100 links each, so that dominates. This renders an inline run straight to the HTML
markdown-it would give (with kb's attr_list and MkDocs link rewriting), or returns None
when the text holds anything outside the subset; the caller then uses markdown-it.

The subset: text; backslash escapes of Python-Markdown's ESCAPED_CHARS; the entities
`&amp; &lt; &gt; &quot; &#N;`; `[label](destination)` without a title; `*em*` and
`**strong**` whose delimiters CommonMark would pair the same way (checked with its
flanking rules; any other `*` gives up); `{: attrs }` right after an element; inline
HTML tags; line breaks without trailing spaces. Anything else (`_`, backticks, images,
autolinks, reference links, hard breaks, unmatched brackets) gives up.
"""

from __future__ import annotations

import html as htmlmod
import re
import unicodedata

PM_ESCAPES = frozenset("\\`*_{}[]()>#+-.!|")
_SPECIAL = re.compile(r"[\\&*\[\]{<_`!\n]")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]{1,7});")
_ANY_ENTITY = re.compile(r"&(?:#(?:x[a-f0-9]{1,6}|[0-9]{1,7})|[a-z][a-z0-9]{1,31});", re.I)  # markdown-it's
_TAG = re.compile(
    r"""<(?:[A-Za-z][A-Za-z0-9\-]*(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)*\s*/?|/[A-Za-z][A-Za-z0-9\-]*\s*)>"""
)
_DEST = re.compile(r"\(([^\s()<>\\\"'`]+)\)")
# [label](destination) whose label holds none of _SPECIAL (so run() would only escape it)
_SIMPLE_LINK = re.compile(r"\[([^\\&*\[\]{<_`!\n]*)\]\(([^\s()<>\\\"'`]+)\)")
_BRACKET_STOP = re.compile(r"[\\\[\]`<]")
_BAD_PROTOCOL = re.compile(r"(?i)^(vbscript|javascript|file|data):")
_ATTRS = re.compile(r"\{:?[ ]*([^\}\n ][^\n]*?)[ ]*\}")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class GiveUp(Exception):
    pass


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _is_ws(ch: str) -> bool:
    return ch in " \t\n\r\f\v" or "\u2000" <= ch <= "\u200a" or ch in "\u00a0\u1680\u202f\u205f\u3000"


def _is_punct(ch: str) -> bool:
    return ch in _ASCII_PUNCT or unicodedata.category(ch)[0] in "PS"


def _flanks(src: str, start: int, end: int) -> tuple[bool, bool]:
    """CommonMark can_open, can_close of the `*` run src[start:end]."""
    last = src[start - 1] if start > 0 else " "
    nxt = src[end] if end < len(src) else " "
    lp, np_ = _is_punct(last), _is_punct(nxt)
    lw, nw = _is_ws(last), _is_ws(nxt)
    left = not (nw or (np_ and not (lw or lp)))
    right = not (lw or (lp and not (nw or np_)))
    return left, right


_PARSED_ATTRS: dict[str, list[tuple[str, str]]] = {}


def _attr_html(attrs: str, existing: list[tuple[str, str]], ids: list | None = None) -> str:
    parsed = _PARSED_ATTRS.get(attrs)
    if parsed is None:
        from .html import parse_attrs

        parsed = parse_attrs(attrs)
        if len(_PARSED_ATTRS) < 100_000:
            _PARSED_ATTRS[attrs] = parsed
    out = list(existing)
    for key, value in parsed:
        if key == "class":
            for n, (k, v) in enumerate(out):
                if k == "class":
                    out[n] = ("class", f"{v} {value}")
                    break
            else:
                out.append(("class", value))
        else:
            for n, (k, _) in enumerate(out):
                if k == key:
                    out[n] = (key, value)
                    break
            else:
                out.append((key, value))
    if ids is not None:
        ids.extend(v for k, v in out if k == "id")
    return "".join(f' {k}="{_escape(v)}"' for k, v in out)


class _Inline:
    def __init__(self, src: str, rewrite, ids: list | None = None):
        self.src = src
        self.rewrite = rewrite
        self.ids = ids  # collects the ids attribute lists give

    def run(self, pos: int, end: int, in_link: bool) -> str:
        src = self.src
        out: list[str] = []
        while pos < end:
            m = _SPECIAL.search(src, pos, end)
            if not m:
                out.append(_escape(src[pos:end]))
                break
            k = m.start()
            if k > pos:
                out.append(_escape(src[pos:k]))
            ch = src[k]
            if ch == "\\":
                nxt = src[k + 1] if k + 1 < end else ""
                if nxt in PM_ESCAPES and nxt:
                    out.append(_escape(nxt))
                    pos = k + 2
                elif nxt == "\n" or not nxt:
                    raise GiveUp  # a hard break, or a backslash at the end
                else:
                    out.append("\\")
                    pos = k + 1
            elif ch == "&":
                em = _ENTITY.match(src, k, end)
                if not em:
                    if _ANY_ENTITY.match(src, k, end):
                        raise GiveUp
                    out.append("&amp;")  # markdown-it: a lone & is text
                    pos = k + 1
                    continue
                out.append(_escape(htmlmod.unescape(em.group(0))))
                pos = em.end()
            elif ch == "<":
                tm = _TAG.match(src, k, end)
                if not tm:
                    raise GiveUp
                out.append(tm.group(0))
                pos = tm.end()
            elif ch == "\n":
                if k >= 1 and src[k - 1] == " ":
                    raise GiveUp  # trailing spaces: maybe a hard break
                out.append("\n")
                pos = k + 1
                while pos < end and src[pos] == " ":
                    pos += 1  # markdown-it drops the next line's leading spaces
            elif ch == "[":
                if in_link:
                    raise GiveUp
                lm = _SIMPLE_LINK.match(src, k, end)
                if lm is None or _BAD_PROTOCOL.match(lm.group(2)):
                    pos = self.link(k, end, out)
                    continue
                # a label with nothing to parse in it: link() would give the same
                href = self.rewrite(lm.group(2))
                pos = lm.end()
                if pos < end and src[pos] == "{":
                    attrs, pos = self._attrs_after(pos, end)
                    if attrs:
                        out.append(f"<a{_attr_html(attrs, [('href', href)], self.ids)}>{_escape(lm.group(1))}</a>")
                        continue
                out.append(f'<a href="{_escape(href)}">{_escape(lm.group(1))}</a>')
            elif ch == "*":
                pos = self.emphasis(k, end, out, in_link)
            elif ch == "{":
                out.append("{")  # not after an element: plain text
                pos = k + 1
            else:  # ] _ ` !
                if ch == "!" and (k + 1 >= end or src[k + 1] != "["):
                    out.append("!")
                    pos = k + 1
                    continue
                raise GiveUp
        return "".join(out)

    def _close_bracket(self, start: int, end: int) -> int:
        src = self.src
        k = start + 1
        while True:
            m = _BRACKET_STOP.search(src, k, end)
            if not m:
                raise GiveUp
            k = m.start()
            c = src[k]
            if c == "\\":
                k += 2
                continue
            if c == "]":
                return k
            raise GiveUp  # [ ` < inside a label

    def _attrs_after(self, pos: int, end: int) -> tuple[str | None, int]:
        if pos < end and self.src[pos] == "{":
            m = _ATTRS.match(self.src, pos, end)
            if m:
                return m.group(1), m.end()
        return None, pos

    def link(self, start: int, end: int, out: list[str]) -> int:
        close = self._close_bracket(start, end)
        m = _DEST.match(self.src, close + 1, end)
        if not m or _BAD_PROTOCOL.match(m.group(1)):
            raise GiveUp
        label = self.run(start + 1, close, True)
        href = self.rewrite(m.group(1))
        attrs, pos = self._attrs_after(m.end(), end)
        base = [("href", href)]
        out.append(f"<a{_attr_html(attrs, base, self.ids) if attrs else ' href=' + chr(34) + _escape(href) + chr(34)}>"
                   f"{label}</a>")
        return pos

    def emphasis(self, start: int, end: int, out: list[str], in_link: bool) -> int:
        src = self.src
        run_end = start
        while run_end < end and src[run_end] == "*":
            run_end += 1
        count = run_end - start
        if count > 2:
            raise GiveUp
        can_open, _ = _flanks(src, start, run_end)
        if not can_open:
            raise GiveUp
        # the next * run must close this one, with nothing but text, escapes and links between
        k = run_end
        while True:
            if k >= end:
                raise GiveUp
            c = src[k]
            if c == "\\":
                k += 2
                continue
            if c == "[":
                if in_link:
                    raise GiveUp
                close = self._close_bracket(k, end)
                m = _DEST.match(src, close + 1, end)
                if not m:
                    raise GiveUp
                k = m.end()
                continue
            if c == "]" or c == "`" or c == "_":
                raise GiveUp
            if c == "*":
                break
            k += 1
        close_end = k
        while close_end < end and src[close_end] == "*":
            close_end += 1
        if close_end - k != count:
            raise GiveUp
        _, can_close = _flanks(src, k, close_end)
        if not can_close:
            raise GiveUp
        inner = self.run(run_end, k, in_link)
        tag = "em" if count == 1 else "strong"
        attrs, pos = self._attrs_after(close_end, end)
        out.append(f"<{tag}{_attr_html(attrs, [], self.ids) if attrs else ''}>{inner}</{tag}>")
        return pos


def render_inline(src: str, rewrite, ids: list | None = None) -> str | None:
    """The HTML markdown-it (configured as builder.html does) gives for `src`, or None.

    With `ids`, the ids attribute lists set are added to it (as they would be to tokens)."""
    try:
        return _Inline(src, rewrite, ids).run(0, len(src), False)
    except (GiveUp, IndexError):
        return None


# --- blocks --------------------------------------------------------------------------------------
#
# A Markdown segment (md_in_html already split off) made only of the block shapes the
# templates write: ATX headings, paragraphs (a last `{: attrs }` line included), bullet and
# ordered lists of one-paragraph items (in a tight list, an item may end with a nested bullet
# list of one-line items), pipe tables and blockquotes of paragraphs. Anything else (indented
# or lazy lines, other nesting, setext headings, rules, html blocks, reference definitions,
# tabs, trailing spaces that could make a break, white space markdown-it would trim...)
# gives up, and the caller parses the segment with markdown-it as before. The HTML is what
# markdown-it's renderer writes for the tokens it would build, after builder.html's list
# looseness (Python-Markdown's rules).

_HR = re.compile(r"^(?:(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,})$")
_ORDERED = re.compile(r"^([0-9]{1,9})([.)]) ")
_BULLET_START = "- "
_BLOCK_ATTR_LINE = re.compile(r"^[ ]*\{:?[ ]*([^\}\n ][^\n]*?)[ ]*\}[ ]*$")
_HEADING = re.compile(r"^(#{1,6}) (.*)$")
_DELIM_CELL = re.compile(r"^:?-+:?$")
_UNSAFE_FIRST = frozenset(" \t#>-+=|:<{!`~_")


def _line_ok(line: str) -> bool:
    """Can this line start (or continue) a paragraph that nothing else interrupts?"""
    ch = line[0]
    if ch in _UNSAFE_FIRST:
        return False
    if ch == "*":
        return len(line) > 1 and line[1] != " " and not _HR.match(line)
    if "0" <= ch <= "9":
        return not _ORDERED.match(line + " ") and not re.match(r"^[0-9]{1,9}[.)]$", line)
    if ch == "[":
        return "]:" not in line
    return True


class _Blocks:
    def __init__(self, rewrite, ids: list):
        self.rewrite = rewrite
        self.ids = ids  # ids builder.html's toc must treat as taken

    def inline(self, src: str) -> str:
        html = render_inline(src, self.rewrite, self.ids)
        if html is None:
            raise GiveUp
        return html

    def attrs(self, attrs: str) -> str:
        html = _attr_html(attrs, [], self.ids)
        return html

    def paragraph(self, lines: list[str]) -> tuple[str, str | None]:
        """(inline HTML, block attrs or None) of a paragraph's lines (already checked)."""
        attrs = None
        if len(lines) > 1 and lines[-1].endswith("}"):
            m = _BLOCK_ATTR_LINE.match(lines[-1])
            if m and "}" in m.group(1):
                raise GiveUp  # `{x} [a](b){.c}`: markdown-it's tokens decide
            if m:
                attrs = m.group(1)
                lines = lines[:-1]
        for line in lines[1:]:
            if not _line_ok(line):
                raise GiveUp
        if lines[0][0].isspace() or lines[-1][-1].isspace():
            raise GiveUp  # markdown-it strips the paragraph (str.strip: any white space)
        return self.inline("\n".join(lines)), attrs

    def run(self, lines: list[str], top: bool) -> list:
        out: list = []  # str (HTML) or (level, inner HTML) for a heading
        n = len(lines)
        i = 0
        prev_quote = False
        while i < n:
            line = lines[i]
            if not line:
                i += 1
                continue
            ch = line[0]
            quote = False
            if ch == "#":
                m = _HEADING.match(line)
                if not top or not m or line.endswith("#") or line.endswith(" "):
                    raise GiveUp
                content = m.group(2)
                if (not content or content[0].isspace() or content[-1].isspace() or "{" in content
                        or '"' in content or "&quot;" in content or "&#" in content):
                    raise GiveUp  # (the toc writes a quote mark as it is: markdown-it's tokens decide)
                out.append((len(m.group(1)), self.inline(content)))
                i += 1
            elif ch == ">":
                if prev_quote:
                    raise GiveUp  # Python-Markdown joins it to the blockquote before
                inner = []
                while i < n and lines[i].startswith(">"):
                    text = lines[i][1:]
                    if text.startswith(" "):
                        text = text[1:]
                    inner.append(text)
                    i += 1
                if i < n and lines[i]:
                    raise GiveUp  # a lazy continuation line
                body = self.run(inner, False)
                if not body:
                    raise GiveUp  # markdown-it writes <blockquote></blockquote>
                out.append("<blockquote>\n")
                out.extend(body)
                out.append("</blockquote>\n")
                quote = True
            elif ch == "|":
                if not top:
                    raise GiveUp
                i = self.table(lines, i, out)
            elif line.startswith(_BULLET_START) or ("0" <= ch <= "9" and _ORDERED.match(line)):
                if not top:
                    raise GiveUp  # list looseness looks at the quoted lines, `>` and all
                i = self.list(lines, i, out)
            else:
                if not _line_ok(line):
                    raise GiveUp
                start = i
                while i < n and lines[i]:
                    i += 1
                html, attrs = self.paragraph(lines[start:i])
                out.append(f"<p{self.attrs(attrs) if attrs else ''}>{html}</p>\n")
            prev_quote = quote
        return out

    def list(self, lines: list[str], i: int, out: list) -> int:
        n = len(lines)
        m = _ORDERED.match(lines[i])
        marker = m.group(2) if m else "-"
        start_value = int(m.group(1)) if m else None

        def text_of(line: str) -> str | None:
            """The item's text if `line` starts an item of this list."""
            if m is None:
                return line[2:] if line.startswith("- ") else None
            mm = _ORDERED.match(line)
            return line[mm.end():] if mm and mm.group(2) == marker else None

        items: list[tuple[list[str], bool, list[str]]] = []  # (lines, blank line before, nested items)
        blank = False
        while True:
            text = text_of(lines[i])
            if not text or not _line_ok(text):
                raise GiveUp
            item = [text]
            nested: list[str] = []
            i += 1
            while i < n and lines[i]:
                cont = lines[i]
                if text_of(cont) is not None:
                    break  # the next item, no blank line between
                if cont.startswith("    - "):
                    nested.append(cont[6:])  # a nested list of one-line items, ending the item
                elif nested or not cont.startswith("  "):
                    raise GiveUp  # a lazy line, another kind of list, text after a nested list
                else:
                    item.append(cont.lstrip(" "))
                i += 1
            items.append((item, blank, nested))
            k = i
            while k < n and not lines[k]:
                k += 1
            if k < n and lines[k].startswith(" "):
                raise GiveUp  # an indented block after a blank line belongs to the item
            blank = k > i
            if k < n and text_of(lines[k]) is not None:
                i = k
                continue
            break
        tight_mi = not any(b for _, b, _ in items[1:])  # markdown-it's own tightness
        tag = "ul" if m is None else "ol"
        start_attr = f' start="{start_value}"' if start_value not in (None, 1) else ""
        out.append(f"<{tag}{start_attr}>\n")
        for k, (item, blank_before, nested) in enumerate(items):
            html, attrs = self.paragraph(item)
            if nested:
                if not tight_mi or attrs:
                    raise GiveUp
                inner = []
                for text in nested:
                    if not text or not _line_ok(text):
                        raise GiveUp
                    inner.append(f"<li>{self.inline(text)}</li>\n")
                out.append(f"<li>{html}\n<ul>\n{''.join(inner)}</ul>\n</li>\n")
                continue
            # Python-Markdown's looseness (builder.html._pm_list_looseness)
            loose = (k > 0 and blank_before) or (k + 1 < len(items) and items[k + 1][1])
            attr_html = self.attrs(attrs) if attrs else ""
            # markdown-it put the attributes on the item when the list was tight, else on its
            # paragraph (lost if Python-Markdown's rules then hide that paragraph)
            li_attrs = attr_html if tight_mi else ""
            p_attrs = "" if tight_mi else attr_html
            if loose:
                out.append(f"<li{li_attrs}>\n<p{p_attrs}>{html}</p>\n</li>\n")
            else:
                out.append(f"<li{li_attrs}>{html}</li>\n")
        out.append(f"</{tag}>\n")
        return i

    def table(self, lines: list[str], i: int, out: list) -> int:
        n = len(lines)
        if i + 1 >= n:
            raise GiveUp
        head, delim = lines[i], lines[i + 1]
        if not (delim.startswith("|") and delim.endswith("|") and len(delim) > 2):
            raise GiveUp
        aligns = []
        for cell in delim[1:-1].split("|"):
            t = cell.strip(" ")
            if not _DELIM_CELL.match(t):
                raise GiveUp
            aligns.append(("center" if t[0] == ":" else "right") if t[-1] == ":" else ("left" if t[0] == ":" else ""))
        rows = [head]
        k = i + 2
        while k < n and lines[k]:
            rows.append(lines[k])
            k += 1
        cols = len(aligns)
        parts = ["<table>\n<thead>\n"]
        for r, row in enumerate(rows):
            if not (row.startswith("|") and row.endswith("|") and len(row) > 1) or "\\" in row or "`" in row:
                raise GiveUp
            cells = row[1:-1].split("|")
            if len(cells) != cols:
                raise GiveUp
            if r == 1:
                parts.append("<tbody>\n")
            parts.append("<tr>\n")
            tag = "th" if r == 0 else "td"
            for cell, align in zip(cells, aligns):
                text = cell.strip(" ")
                if text != cell.strip():
                    raise GiveUp  # other white space at an end: markdown-it trims differently
                style = f' style="text-align:{align}"' if align else ""
                parts.append(f"<{tag}{style}>{self.inline(text) if text else ''}</{tag}>\n")
            parts.append("</tr>\n")
            if r == 0:
                parts.append("</thead>\n")
        if len(rows) > 1:
            parts.append("</tbody>\n")
        parts.append("</table>\n")
        out.append("".join(parts))
        return k


def render_blocks(text: str, rewrite) -> tuple[list, list[str]] | None:
    """A Markdown segment as HTML pieces (str) and headings ((level, inner HTML)), and the
    ids builder.html's toc must treat as taken; None when the segment leaves the subset."""
    if "\t" in text or "\r" in text or "\x00" in text:
        return None  # (markdown-it normalises these first)
    lines = text.split("\n")
    if " \n" in text or text.endswith(" "):
        # trailing spaces: markdown-it strips them at the end of a block (a paragraph's,
        # a heading's, a table row's); elsewhere they may make a hard break
        for k, line in enumerate(lines):
            if line.endswith(" "):
                nxt = lines[k + 1] if k + 1 < len(lines) else ""
                # the next line ends the block (blank, another item or row), or is one the
                # paragraph rules below give up on (so the strip never reaches the output)
                if nxt.strip(" ") and not nxt.startswith(("- ", "|", "    - ")) and not _ORDERED.match(nxt):
                    return None
                lines[k] = line.rstrip(" ")
    ids: list[str] = []
    try:
        return _Blocks(rewrite, ids).run(lines, True), ids
    except (GiveUp, IndexError):
        return None
