"""The fast path (the builder renders page bodies, the `kb` plugin only the shell) builds the
same site as plain `mkdocs build` on the generated Markdown without the plugin.

Both are built for real: `kb build` for the fast path; for the slow path a copy of mkdocs.yml
with `plugins: [search]` run by MkDocs itself on the same build/docs. Every page's `article`
element is compared (text, and each element's tag, href, id and class), and so is the search
index (location, title and text of every entry). On the shipped content and on a small
generated corpus (bench/generate.py).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.html import render_bodies, render_page
from builder.pipeline import build_docs

from .conftest import ROOT, copy_project, run_kb

GENERATOR = ROOT / "bench" / "generate.py"


def _slow_site(project: Path) -> Path:
    """MkDocs alone, without the kb plugin, on the Markdown kb build left in build/docs."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    slow = re.sub(r"(?m)^plugins:\n(?:[ ]+- .*\n)+", "plugins:\n  - search\n", text)
    assert "- kb" not in slow and "- search" in slow
    (project / "slow.yml").write_text(slow, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "slow.yml", "-d", "site-slow"],
                         cwd=project, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    return project / "site-slow"


def _article(path: Path) -> tuple[str, list]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article")
    assert article is not None, path
    shape = [(el.name, el.get("href"), el.get("id"), " ".join(el.get("class") or []))
             for el in article.find_all(True)]
    return " ".join(article.get_text().split()), shape


def _search(site: Path) -> list[tuple]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    norm = lambda s: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", s)).split())  # noqa: E731
    return sorted((d["location"], norm(d["title"]), norm(d["text"]), d.get("boost")) for d in docs)


def _compare(fast: Path, slow: Path) -> int:
    fast_pages = sorted(p.relative_to(fast) for p in fast.rglob("*.html"))
    slow_pages = sorted(p.relative_to(slow) for p in slow.rglob("*.html"))
    assert fast_pages == slow_pages
    compared = 0
    for rel in fast_pages:
        if "<article" not in (slow / rel).read_text(encoding="utf-8"):
            continue  # redirect pages the builder writes as HTML
        a, b = _article(fast / rel), _article(slow / rel)
        assert a[0] == b[0], f"{rel}: text differs"
        assert a[1] == b[1], f"{rel}: elements differ: " + next(
            f"{x} != {y}" for x, y in zip(a[1] + [None], b[1] + [None]) if x != y)
        compared += 1
    fast_index, slow_index = _search(fast), _search(slow)
    assert len(fast_index) == len(slow_index)
    for x, y in zip(fast_index, slow_index):
        assert x == y
    return compared


def _two_ways(project: Path) -> int:
    result = run_kb("build", "--project", str(project), env={"KB_SEARCH_INDEX": "full"})  # Material's index kept, to compare
    assert result.returncode == 0, result.stdout + result.stderr
    return _compare(project / "site", _slow_site(project))


def test_shipped_content_two_ways(tmp_path: Path) -> None:
    project = copy_project(ROOT / "content", tmp_path / "kb")
    assert _two_ways(project) > 80


def test_shipped_content_two_ways_without_directory_urls(tmp_path: Path) -> None:
    """With use_directory_urls: false (x.md -> x.html) the builder's links follow MkDocs' too."""
    project = copy_project(ROOT / "content", tmp_path / "kb")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "use_directory_urls: true" in text
    config.write_text(text.replace("use_directory_urls: true", "use_directory_urls: false"), encoding="utf-8")
    assert _two_ways(project) > 80
    assert 'href="japan.html"' in (project / "site" / "entities" / "fumio-kishida.html").read_text(encoding="utf-8")


def test_generated_corpus_two_ways(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(GENERATOR), "--articles", "40", "--entities", "25", "--out", str(corpus)],
                   check=True, capture_output=True, timeout=120)
    project = copy_project(corpus, tmp_path / "kb")
    assert _two_ways(project) > 40


# Constructs templates may use beyond today's (md_in_html details, admonitions, loose and tight
# list items, attribute lists, escapes, tables): the converter against Python-Markdown itself,
# configured as mkdocs.yml configures it.
SNIPPETS = [
    "<details markdown>\n<summary>More (3)</summary>\n\n- a\n- b [x](y.md)\n\n</details>\n",
    '<details class="kb-more" markdown>\n<summary>Show 4 more</summary>\n\n1. one\n2. two\n</details>\n\nafter',
    '!!! note "Sources differ"\n    The *amount* differs.\n\n    Second para.\n\nAfter.',
    "## Heading with `code` and *em*\n\n## Heading with `code` and *em*\n\n### Über straße & co\n",
    "Text with \\< and \\& and \\| and a\\ b and 3\\. x &amp; &copy; <b>bold</b>",
    "| a | b |\n|---|:-:|\n| [l](x.md) | **b** |\n| c \\| d | e |\n",
    "* one\n* two\n\n    indented para\n\n* three\n",
    "1. one\n1. two\n\n3. three\n4. four\n",
    "Para line\n{: .lead #intro }\n\n## H {: #custom .c }\n\n*x*{: .kb-quote } [*y*{: .kb-quote }](z.md)\n{: #p1 }",
    '<div class="x" markdown>\n\n<div class="y" markdown>\ninner *em*\n</div>\n\n</div>\n',
    '<p class="kb-lead" markdown>Lead *sentence* here.</p>\n\nnext',
    "a  \nb\n\n---\n\n> q1\n\n> q2\n\nSome text\n- not a list\n",
    '<div class="kb-graph" markdown="0">\n\n<svg><text>A</text></svg>\n\n</div>\n',
    # escaped braces are text, never an attribute list (a hostile title once made <h1 {="{">)
    "# &lt;b&gt; \\{\\{ title \\}\\}\n\nText \\{: .x \\}\n{: #p1 }\n\n*a*\\{: .b \\}\n",
    "1. ^ [a](#c-1){ #ref-1 .kb-back } [b](#c-2){ .kb-back }  [T](x.md#p1)\n    - *a:* “q” [¶](x.md#p2){.kb-para}\n",
]


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_converter_matches_python_markdown(snippet: str) -> None:
    import markdown

    def shape(text: str) -> tuple:
        soup = BeautifulSoup(text, "html.parser")
        return " ".join(soup.get_text().split()), [
            (el.name, sorted((k, " ".join(v) if isinstance(v, list) else v) for k, v in el.attrs.items()
                             if k not in ("style", "title"))) for el in soup.find_all(True)]

    ref = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "admonition", "toc"],
                            extension_configs={"toc": {"permalink": True}}).convert(snippet)
    assert shape(render_page(snippet, "x.md", frozenset()).body) == shape(ref)


def test_two_processes_give_the_same_bodies(tmp_path: Path) -> None:
    """The render of page bodies split over 2 forked processes equals the serial one."""
    docs = tmp_path / "docs"
    build_docs(ROOT / "content", docs, root=ROOT)
    pages = {str(p.relative_to(docs)): p.read_text(encoding="utf-8") for p in docs.rglob("*.md")}
    files = frozenset(str(p.relative_to(docs)) for p in docs.rglob("*") if p.is_file())
    serial, _ = render_bodies(pages, files, workers=1)
    parallel, _ = render_bodies(pages, files, workers=2)
    assert len(serial) > 80
    assert list(serial) == list(parallel)
    for page in serial:
        assert serial[page] == parallel[page], page


def test_two_processes_give_the_same_markdown(tmp_path: Path) -> None:
    """Entity and article pages rendered in 2 forked processes equal the serial render, and a
    template that fails in a worker is reported as it is in one process."""
    from builder.assemble import assemble
    from builder.errors import RenderError
    from builder.pipeline import check
    from builder.render import render_site

    result = check(ROOT / "content", ROOT)
    graph = assemble(result.kb, result.linked)
    templates = ROOT / "templates"
    serial, serial_cache = render_site(graph, templates, workers=1)
    parallel, parallel_cache = render_site(graph, templates, workers=2)
    assert len(graph.entities) + len(graph.articles) >= 64  # enough pages to fork
    assert list(serial) == list(parallel) and serial == parallel
    assert serial_cache == parallel_cache
    broken = tmp_path / "templates"
    shutil.copytree(templates, broken)
    (broken / "entity.md.j2").write_text("{{ view.no_such_field }}\n", encoding="utf-8")
    messages = []
    for workers in (1, 2):
        with pytest.raises(RenderError) as raised:
            render_site(graph, broken, workers=workers)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("templates/entity.md.j2:1:1: error: template failed: UndefinedError: ")


def test_cached_bodies_follow_their_links(tmp_path: Path) -> None:
    """A cached body is reused only while the pages it links to exist exactly as before."""
    pages = {"a.md": "[b](b.md) and [c](c.md)\n", "b.md": "# B\n"}
    first, cache = render_bodies(pages, frozenset(pages))
    assert 'href="../b/"' in first["a.md"].body and 'href="c.md"' in first["a.md"].body
    again, cache = render_bodies(pages, frozenset(pages), cache)
    assert again["a.md"] is first["a.md"]
    with_c = {**pages, "c.md": "# C\n"}
    third, _ = render_bodies(with_c, frozenset(with_c), cache)
    assert 'href="../c/"' in third["a.md"].body
    assert third["b.md"] is first["b.md"]


def test_site_identical_with_one_or_two_workers(tmp_path: Path) -> None:
    """`kb build` gives byte-identical files whether it renders in 1 or 2 processes."""
    project = copy_project(ROOT / "content", tmp_path / "kb")
    sites = []
    for workers in ("1", "2"):
        shutil.rmtree(project / "build" / "cache", ignore_errors=True)
        out = project / f"site-{workers}"
        result = run_kb("build", "--project", str(project), "--site-dir", str(out), env={"KB_WORKERS": workers,
                                                                                          "SOURCE_DATE_EPOCH": "0"})
        assert result.returncode == 0, result.stdout + result.stderr
        sites.append({str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    differing = [path for path in sites[0] if sites[0][path] != sites[1][path]]
    assert differing == []


def test_fast_inline_renderer_equals_markdown_it(tmp_path: Path) -> None:
    """The fast inline path gives byte for byte what markdown-it gives, on every shipped and generated page."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(GENERATOR), "--articles", "30", "--entities", "20", "--out", str(corpus)],
                   check=True, capture_output=True, timeout=120)
    compared = 0
    for content in (ROOT / "content", corpus):
        docs = tmp_path / f"docs-{compared}"
        build_docs(content, docs, root=content.parent)
        files = frozenset(str(p.relative_to(docs)) for p in docs.rglob("*") if p.is_file())
        for path in sorted(docs.rglob("*.md")):
            page, text = str(path.relative_to(docs)), path.read_text(encoding="utf-8")
            assert render_page(text, page, files).body == render_page(text, page, files, fast=False).body, page
            compared += 1
    assert compared > 150


def test_a_page_changed_after_the_builder_is_rendered_by_mkdocs(tmp_path: Path) -> None:
    """If anything changes a page's Markdown after the builder rendered it (here a hook that
    runs before the kb plugin), MkDocs renders that page itself instead of using a stale body."""
    project = copy_project(ROOT / "content", tmp_path / "kb")
    (project / "hook.py").write_text(
        "from mkdocs.plugins import event_priority\n"
        "@event_priority(100)\n"
        "def on_page_markdown(markdown, page, **kwargs):\n"
        "    if page.file.src_uri == 'entities/tokyo.md':\n"
        "        return markdown + '\\n\\nAdded *by a hook*.\\n'\n"
        "    return markdown\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    result = run_kb("build", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup((project / "site" / "entities" / "tokyo" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.article.find("em", string="by a hook") is not None
    assert soup.article.h1.get_text(strip=True).startswith("Tokyo")


def test_nothing_changed_nothing_done_and_an_edit_shows(tmp_path: Path) -> None:
    """A second `kb build` with the same inputs leaves the site untouched; an entity edit rebuilds it."""
    project = copy_project(ROOT / "content", tmp_path / "kb")
    first = run_kb("build", "--project", str(project))
    assert first.returncode == 0, first.stdout + first.stderr
    page = project / "site" / "entities" / "tokyo" / "index.html"
    before = page.stat().st_mtime_ns
    again = run_kb("build", "--project", str(project))
    assert again.returncode == 0
    assert re.sub(r"[0-9.]+ s\b", "", again.stdout) == re.sub(r"[0-9.]+ s\b", "", first.stdout)  # timings aside
    assert page.stat().st_mtime_ns == before
    entity = project / "content" / "entities" / "tokyo.yaml"
    entity.write_text(entity.read_text(encoding="utf-8").replace("summary: ", "summary: Edited-for-test. ", 1),
                      encoding="utf-8")
    edited = run_kb("build", "--project", str(project))
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert "Edited-for-test." in page.read_text(encoding="utf-8")


def _random_markdown(r, mild: bool) -> str:
    """A page of the block shapes templates write (headings, paragraphs with attribute lines,
    tight and loose lists, nested one-line lists, tables, blockquotes), with rarer hostile
    lines (lazy and indented lines, other list markers, rules, trailing spaces, raw HTML)."""
    words = ["alpha", "R&D", "Grid & Power", "&amp;", "“q”", "*em*", "**strong**", "[link](a.md)",
             "[self](x.md#p2)", "[ext](https://e.com/a?b=1)", "[cite](#ref-1){#cite-1 .kb-cite}", "*q*{: .kb-quote }",
             "<b>b</b>", "Über", "'s", '"quoted"', "[up](../a.md)", "[child](x/y.md#p1)",
             "[idx](index.md)", "[sub](sub/x.md)", "[q](x.md?a=1#b)", "(since 2023)", "Pub, 1 May 2024."]
    cells = list(words)
    if not mild:
        words += ["\u00a0nbsp\u00a0", "\x00", "&quot;q&quot;", "&#34;", "- li", "\u2003", "&copy;", "`code`", "_u_", "&foo;", "&#38;", "a\\|b", "#tag", "x*y", "1.", "{x}", "\\[1\\]"]
        cells += ["a\\|b", "\\[1\\]"]
    hostile = 0.03 if mild else 0.2

    def text(n=None):
        return " ".join(r.choice(words) for _ in range(n or r.randint(1, 6)))

    def para():
        lines = [text() for _ in range(r.randint(1, 3))]
        if r.random() < hostile:
            lines[0] = r.choice(["- ", "* ", "2) ", "> ", "  ", "    ", "---", "+ ", "| ", "<span>", "{: .x }", "[r]: u"]) + lines[0]
        if r.random() < hostile and len(lines) > 1:
            lines[1] = r.choice(["---", "===", "- x", "1. y", "> z", "  lazy", "|a|b|", "|---|---|", "{: #mid }"])
        if r.random() < 0.4:
            lines.append(r.choice(["{: #p1 }", "{: .c #p2 }", "{#p3}", "{: .kb-source }", "{:x}"]))
        if r.random() < 0.15:
            lines[-1] += r.choice([" ", "  "])
        return "\n".join(lines)

    def heading():
        return "#" * r.randint(1, 4) + " " + r.choice(["Facts", "p1", "cite-1", text(2), "Q & A", "Quotes #", "H {: #h }"])

    def listing():
        ordered = r.random() < 0.4
        items = []
        for k in range(r.randint(1, 4)):
            item = text() + r.choice(["", "", "", " ", "  "])
            if r.random() < 0.4:
                extra = ["    {: #p%d }" % k, "  more text", "   {: .c }", "    - *a:* nested [In](#src-1)", "    - n1\n    - “n2”"]
                item += "\n" + r.choice(extra + ([] if mild else ["lazy", "    - n\n  more"]))
            items.append((f"{k + r.choice([1, 1, 3])}. " if ordered else "- ") + item)
        out = items[0]
        for item in items[1:]:
            out += r.choice(["\n", "\n", "\n\n"]) + item
        return out

    def table():
        cols = r.randint(1, 3)

        def row():
            return "| " + " | ".join(r.choice(["", r.choice(cells), "[l](b.md){#tid}"]) for _ in range(cols)) + " |"

        delim = "|" + "|".join(r.choice(["---", ":-:", ":--", "--:"]) for _ in range(cols)) + "|"
        return "\n".join([row(), delim] + [row() for _ in range(r.randint(0, 3))])

    def quote():
        lines = ["> " + text(), ">", "> — X, [P](a.md#p4)"] + ([] if mild else [">> nested", "lazy", "> - a", "> 1. b"])
        return "\n".join(r.choice(lines) for _ in range(r.randint(1, 4)))

    blocks = [r.choice([para, para, heading, listing, table, quote])() for _ in range(r.randint(1, 8))]
    out = blocks[0]
    for block in blocks[1:]:
        out += r.choice(["\n\n", "\n\n", "\n\n\n", "\n"]) + block
    if r.random() < 0.3:
        out = '<div class="kb-said" markdown>\n\n' + out + "\n\n</div>\n\n" + quote()
    return out


def test_block_fast_path_equals_markdown_it() -> None:
    """The block-level fast path (builder.html_fast.render_blocks) and the shared link cache give
    what markdown-it alone gives: body, toc, search entries and the files looked up, on random
    pages of the shapes templates write, in several directories, with and without directory URLs."""
    import random

    from builder.html import Links
    from builder.html_fast import render_blocks

    files = frozenset({"a.md", "b.md", "x.md", "index.md", "x/y.md", "sub/x.md", "sub/x/y.md", "sub/index.md", "sub/a.md"})
    links = {True: Links(files, True), False: Links(files, False)}
    pages = ["x.md", "sub/x.md", "sub/index.md", "index.md", "x/y.md", "sub/a.md"]
    taken = 0
    for seed in range(700):
        r = random.Random(seed)
        markdown = _random_markdown(r, mild=seed % 3 != 0)
        page, directory_urls = r.choice(pages), r.random() < 0.7
        taken += render_blocks(markdown, lambda href: href) is not None
        fast = render_page(markdown, page, files, directory_urls=directory_urls, links=links[directory_urls])
        slow = render_page(markdown, page, files, fast=False, directory_urls=directory_urls)
        assert (fast.body, fast.toc, fast.search, fast.targets) == (slow.body, slow.toc, slow.search, slow.targets), \
            f"seed {seed}, {page}:\n{markdown}"
    assert taken > 40  # whole pages on the block path, not only segments of them


def test_link_cache_equals_rewrite_link() -> None:
    """Links (each href worked out once per directory) gives rewrite_link's answer for every page,
    the page itself and pages below it included, and records the same files looked up."""
    from builder.html import Links, rewrite_link

    files = frozenset({"a.md", "x.md", "index.md", "x/y.md", "x/index.md", "sub/x.md", "sub/x/y.md", "sub/index.md",
                       "sub/a.md", "x.y.md", "img.png", "sub/x/z/w.md"})
    hrefs = ["a.md", "x.md", "x.md#p2", "x.md?a=1#b", "x/y.md", "x/index.md", "index.md", "../a.md", "../x.md", "./x.md",
             "sub/x.md", "x/y.md#p1", "img.png", "missing.md", "#ref-1", "https://e.com/x.md", "/abs.md", "x%2Ey.md",
             "x.y.md", "x/z/w.md", "../sub/x/y.md", "y.md", "../../a.md", ""]
    pages = sorted(p for p in files if p.endswith(".md"))
    checked = 0
    for directory_urls in (True, False):
        links = Links(files, directory_urls)
        for page in pages:
            looked, expected_looked = set(), set()
            rewrite = links.for_page(page, looked)
            for href in hrefs:
                assert rewrite(href) == rewrite_link(href, page, files, directory_urls, expected_looked), (page, href)
                checked += 1
            assert looked == expected_looked, page
    assert checked == 2 * len(pages) * len(hrefs)


def test_search_entries_equal_single_pass_tag_strip() -> None:
    """Search entries' text (tags dropped in two passes, guards checked once per body) equals the
    straightforward single pass over each section, on random bodies with awkward markup."""
    import random

    from builder import html as h

    def reference(body: str, url: str, title: str) -> list[dict]:
        parts = h._HEADING_SPLIT.split(body)
        sections = []
        if parts[0] or len(parts) == 1 or not parts[1].startswith("<h1"):
            sections.append(("", "", parts[0]))
        for k in range(1, len(parts), 3):
            m = re.search(r'\bid="([^"]*)"', parts[k])
            inner = re.sub(r'<a class="headerlink".*?</a>', "", parts[k], flags=re.S)
            sections.append((m.group(1) if m else "", " ".join(re.sub(r"<[^>]*>", "", inner).split()), parts[k + 2]))
        out = []
        for n, (ident, head, text) in enumerate(sections):
            text = re.sub(r"<(script|style|object)\b.*?</\1>", " ", text, flags=re.S | re.I)
            text = re.sub(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>", lambda m: f"<{m.group(1)}{m.group(2).lower()}>"
                          if m.group(2).lower() in ("p", "code", "pre", "li", "ol", "ul", "sub", "sup") else "", text)
            out.append({"location": url + (f"#{ident}" if ident and n else ""), "title": head or title,
                        "text": " ".join(text.split()).replace("&quot;", '"')})
        return out

    pieces = ["<p>", "</p>", "<P class='x'>", "<pre>", "<prEs>", "<p_x>", '<li id="1">', "</LI>", "<b>", "</b>",
              '<a href="x">', "<", ">", "<<b>p>", "<p title='<b>'>", "text", " ", "&quot;", "<code>", "<sup1>", "</ ul>",
              '<ol start="3">', "<script>x<p>y</script>", "<STYLE>s</STYLE>", "<br/>", "<!-- c -->", "<1>",
              '<h2 id="a">A<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>', '<h1 id="t">T</h1>',
              "<h3>x <b>y</b></h3>", "\n"]
    r = random.Random(5)
    for _ in range(20000):
        body = "".join(r.choice(pieces) for _ in range(r.randint(1, 14)))
        assert h.search_entries(body, "u/", "T", {}) == reference(body, "u/", "T"), body


BLOCK_EDGE_CASES = [
    "\u00a0lead para\n\nnext",  # white space markdown-it strips from a paragraph (str.strip)
    "para ends\u00a0\n\nx",
    "- \u2003item\n- b\n",
    "# &quot;Q&quot; heading\n\n## &#34;x",  # the toc writes these as a quote mark
    "> - a\n>\n> - b\n",  # list looseness sees the `>` lines as not blank
    "a\x00b [l](a.md)\n",  # markdown-it normalises NUL first
    "- a  \n- b\n\n| x | y |  \n|---|---|\n| 1 | 2 |  \n",  # trailing spaces that end a block
    "1. one\n    - nested *a:* [In](#src-1)\n    - two\n10. ten\n    - n\n11. last\n",
    "1. one\n\n2. two\n    {: #p2 }\n3. three\n    {: .c }\n",  # attributes lost on hidden paragraphs
]


@pytest.mark.parametrize("markdown", BLOCK_EDGE_CASES)
def test_block_fast_path_edge_cases(markdown: str) -> None:
    files = frozenset({"a.md", "x.md"})
    fast, slow = render_page(markdown, "x.md", files), render_page(markdown, "x.md", files, fast=False)
    assert (fast.body, fast.toc, fast.search) == (slow.body, slow.toc, slow.search)
