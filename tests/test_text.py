"""Article text: the plain-prose fast path gives exactly what markdown-it-py gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.markdown import MarkdownWriter, Span, parse
from builder.text import is_plain_prose, plain_blocks, read_blocks

WORDS = st.sampled_from(["Microsoft", "Kishida's", "said", "the", "$2.9", "billion", "“quoted”", "AI", "&", "&amp;", "AT&T", "R&D;", "1.", "-",
                         "#", "##", "2024", "Tokyo.", "(GENIAC)", "’s", "!", "{x}", "e.g.", "—", "Japan", "\u00a0", "a"])
LINE = st.lists(WORDS, min_size=0, max_size=8).map(" ".join).map(lambda s: s)
PREFIX = st.sampled_from(["", "", "", " ", "## ", "### ", "#### Heading ", "   "])
BODY = st.lists(st.tuples(PREFIX, LINE), min_size=1, max_size=12).map(
    lambda lines: "\n".join(p + l for p, l in lines)
)


def _shape(blocks):
    return [(b.number, b.kind, b.anchor, b.text, [(s.start, s.end, s.linkable) for s in b.segments], b.line,
             b.sentences, b.level) for b in blocks]


@settings(max_examples=400, deadline=None)
@given(BODY)
def test_fast_path_matches_markdown_it(body: str):
    if not is_plain_prose(body):
        return
    assert _shape(plain_blocks(body, 5)) == _shape(read_blocks(parse(body), 5))


@settings(max_examples=200, deadline=None)
@given(BODY)
def test_fast_path_writes_the_same_markdown(body: str):
    if not is_plain_prose(body):
        return
    blocks = plain_blocks(body, 1)
    spans = {b.number: [Span(0, min(3, len(b.text)), href="x.md")] for b in blocks if b.kind == "paragraph" and b.text}
    anchors = {b.number: b.anchor for b in blocks}
    fast = MarkdownWriter(spans_for=lambda n: spans.get(n, []), anchor_for=anchors.get).render_blocks(blocks)
    slow = MarkdownWriter(spans_for=lambda n: spans.get(n, []), anchor_for=anchors.get).render(parse(body))
    assert fast == slow


def test_markup_sends_a_body_to_the_parser():
    for body in ["a *b*", "a `b`", "> quote", "- item", "1. item", "a [b](c)", "a <b>", "a &amp;", "a &#38;", "x&copy;", "    code",
                 "#hashtag at start", "a\\\nb", "title\n===", "a  \nb"]:
        assert not is_plain_prose(body), body
    assert is_plain_prose("Plain words, $2.9 billion; “quotes” and Kishida’s (GENIAC)!\n\n## A heading\n\nMore.")
