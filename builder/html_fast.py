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
_TAG = re.compile(
    r"""<(?:[A-Za-z][A-Za-z0-9\-]*(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)*\s*/?|/[A-Za-z][A-Za-z0-9\-]*\s*)>"""
)
_DEST = re.compile(r"\(([^\s()<>\\\"'`]+)\)")
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


def _attr_html(attrs: str, existing: list[tuple[str, str]]) -> str:
    from .html import parse_attrs

    out = list(existing)
    for key, value in parse_attrs(attrs):
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
    return "".join(f' {k}="{_escape(v)}"' for k, v in out)


class _Inline:
    def __init__(self, src: str, rewrite):
        self.src = src
        self.rewrite = rewrite

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
                    raise GiveUp
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
                pos = self.link(k, end, out)
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
        out.append(f"<a{_attr_html(attrs, base) if attrs else ' href=' + chr(34) + _escape(href) + chr(34)}>"
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
        out.append(f"<{tag}{_attr_html(attrs, []) if attrs else ''}>{inner}</{tag}>")
        return pos


def render_inline(src: str, rewrite) -> str | None:
    """The HTML markdown-it (configured as builder.html does) gives for `src`, or None."""
    try:
        return _Inline(src, rewrite).run(0, len(src), False)
    except (GiveUp, IndexError):
        return None
