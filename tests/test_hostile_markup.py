"""Hostile markup in every field: no page of the built site holds markup outside the allowlist.

All hostile cases share ONE `kb build` (MkDocs included) of a project whose every Markdown and
text field holds every variant (tests/hostile_markup.py); each case then asserts on its page:
the allowlist check finds nothing, and the payload is there for the reader to see as text (as
the text of a <code> element when it was written as code). Refused input is checked with one
`kb check` run: the exact located message and exit 1. Then the allowlist checker itself, and
a hypothesis fuzz through the full build.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.allowlist import find_offences, find_site_offences, is_safe_url
from builder.markdown import MarkdownWriter, parse

from .conftest import FIXTURES, ROOT, copy_project, run_kb
from .hostile_markup import BLOCK_VARIANTS, ERROR_CASES, hostile_project, yaml_str

EXTRA_SCRIPTS = ("assets/kb.js", "assets/kb-search.js")


def _project_shell(dest: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", dest / "templates")
    (dest / "build" / "docs").mkdir(parents=True)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    dest = tmp_path_factory.mktemp("hostile") / "kb"
    cases = hostile_project(dest, FIXTURES / "minimal" / "content")
    _project_shell(dest)
    result = run_kb("build", "--project", str(dest))
    assert result.returncode == 0, result.stdout + result.stderr
    return dest / "site", cases


def _all_case_ids():
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return sorted(hostile_project(Path(tmp) / "kb", FIXTURES / "minimal" / "content"))


ALL_CASES = _all_case_ids()


def _content(page_html: str):
    soup = BeautifulSoup(page_html, "html.parser")
    return soup.find("article", class_="md-content__inner") or soup


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{f}:{v}" for f, v in ALL_CASES])
def test_hostile_field_shows_as_text_and_no_markup_leaves_the_allowlist(hostile_build, case):
    site, cases = hostile_build
    page, expected, is_code = cases[case]
    html = (site / page).read_text(encoding="utf-8")
    assert [str(o) for o in find_offences(page, html, EXTRA_SCRIPTS)] == []
    content = _content(html)
    if is_code:
        codes = [c.get_text() for c in content.find_all("code")]
        assert any(expected in c for c in codes), f"{expected!r} is not the text of a <code> in {page}: {codes}"
    else:
        assert expected in content.get_text(), f"{expected!r} not shown as text in {page}"


def test_no_page_of_the_hostile_site_holds_markup_outside_the_allowlist(hostile_build):
    site, _ = hostile_build
    pages = list(site.rglob("*.html"))
    assert len(pages) > 60
    assert [str(o) for o in find_site_offences(site, EXTRA_SCRIPTS)] == []
    for page in pages:  # and, independently of the checker, no script of the content's
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            assert not any(name.startswith("on") for name in tag.attrs), (page, tag)
        for s in soup.find_all("script"):
            assert "kbx" not in (s.string or ""), (page, s)


def test_article_url_is_percent_encoded_in_the_link(hostile_build):
    site, _ = hostile_build
    html = (site / "articles/line-0/index.html").read_text(encoding="utf-8")
    link = _content(html).find("a", string="Read the original")
    assert link["href"] == "https://example.com/kbxurlrawscript?q=%3Cscript%3E%22onmouseover=x"


def test_refused_hostile_input_gets_its_located_error_and_exit_1(tmp_path: Path):
    project = copy_project(FIXTURES / "minimal" / "content", tmp_path / "kb")
    for name, (text, _) in ERROR_CASES.items():
        (project / "content" / name).write_text(text, encoding="utf-8")
    result = run_kb("check", "--project", str(project))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for name, (_, message) in ERROR_CASES.items():
        assert message in lines, (name, result.stdout)
    assert f"{len(ERROR_CASES)} errors, 0 warnings" in result.stdout


# --- the writer: code comes out as code in every context --------------------------------------


@pytest.mark.parametrize("variant", [v for v, (code, _) in BLOCK_VARIANTS.items() if code])
def test_writer_never_writes_code_as_it_is(variant):
    _, make = BLOCK_VARIANTS[variant]
    out = MarkdownWriter().render(parse(make("kbx")))
    assert "<script" not in out and "alert(" not in out
    assert "&lt;script&gt;alert&#40;" in out


def test_paragraph_anchor_stays_an_anchor_when_code_follows_in_a_list_item():
    import markdown

    out = MarkdownWriter(anchor_for=lambda n: f"p{n + 1}").render(parse("- para\n\n      code\n"))
    html = markdown.markdown(out, extensions=["attr_list", "md_in_html", "tables"])
    assert '<p id="p1">para</p>' in html and "{:" not in html


def test_code_span_with_a_pipe_stays_in_its_table_cell():
    import markdown

    out = MarkdownWriter().render(parse("| a | b |\n|---|---|\n| `x\\|y` | z |\n"))
    html = markdown.markdown(out, extensions=["attr_list", "md_in_html", "tables"])
    cells = BeautifulSoup(html, "html.parser").find_all("td")
    assert [c.get_text() for c in cells] == ["x|y", "z"]


# --- the allowlist checker itself ---------------------------------------------------------------

SHELL = (
    '<!doctype html><html><head><meta charset="utf-8"><title>T</title>'
    '<link rel="stylesheet" href="../assets/stylesheets/main.css"></head><body>'
    '<article class="md-content__inner md-typeset">{content}</article>'
    '<script id="__config" type="application/json">{{"base": ".."}}</script>'
    '<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
    '<script src="../assets/kb.js"></script>{shell}</body></html>'
)
FORBIDDEN = {
    "<script>alert(1)</script>": "<script> (element not allowed in page content)",
    '<img src="x">': '<img src="x"> (element not allowed)',
    '<iframe src="https://e.example"></iframe>': '<iframe src="https://e.example"> (element not allowed)',
    '<object data="x.swf"></object>': '<object data="x.swf"> (element not allowed)',
    '<embed src="x.swf">': '<embed src="x.swf"> (element not allowed)',
    "<style>p{}</style>": "<style> (element not allowed)",
    '<form action="x"></form>': '<form action="x"> (element not allowed in page content)',
    '<p onclick="alert(1)">x</p>': '<p onclick="alert(1)"> (event-handler attribute onclick)',
    '<a href="javascript:alert(1)">x</a>': '<a href="javascript:alert(1)"> (unsafe URL in href)',
    '<a href="  JaVa\tScRiPt:alert(1)">x</a>': '<a href="  JaVa\tScRiPt:alert(1)"> (unsafe URL in href)',
    '<a href="data:text/html,x">x</a>': '<a href="data:text/html,x"> (unsafe URL in href)',
    '<a href="vbscript:x">x</a>': '<a href="vbscript:x"> (unsafe URL in href)',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>':
        '<a xlink:href="javascript:alert(1)"> (unsafe URL in xlink:href)',
    '<svg onload="alert(1)"></svg>': '<svg onload="alert(1)"> (event-handler attribute onload)',
    "<svg><foreignObject><p>x</p></foreignObject></svg>": "<foreignObject> (element not allowed)",
    '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>':
        '<animate attributeName="href" to="javascript:alert(1)"/> (element not allowed)',
    "<noscript><p>x</p></noscript>": "<noscript> (element not allowed)",
    '<p style="color:red">x</p>': '<p style="color:red"> (attribute style not allowed)',
    '<span data-x="1" srcdoc="x">y</span>': '<span data-x="1" srcdoc="x"> (attribute srcdoc not allowed)',
    '<p x-evil="1">x</p>': '<p x-evil="1"> (attribute x-evil not allowed on <p>)',
    "<!-- x -->": "<!-- x --> (comment in page content)",
    "</article><p>x</p>": "</article> (end of the page content region written by the content)",
}


@pytest.mark.parametrize("markup", FORBIDDEN)
def test_allowlist_catches_each_forbidden_thing_in_page_content(markup):
    offences = find_offences("p/index.html", SHELL.format(content=markup, shell=""), EXTRA_SCRIPTS)
    assert [o.message for o in offences] == [f"markup outside the allowlist: {FORBIDDEN[markup]}"]
    assert str(offences[0]).startswith("p/index.html:1:")


def test_allowlist_accepts_what_kb_writes():
    content = ('<h1 id="t">T</h1><p id="p1">a <a href="../x/">b</a> <em class="kb-quote">c</em> <code>&lt;d</code></p>'
               '<pre><code>x</code></pre><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>'
               '<div class="kb-graph" markdown="0"><svg viewBox="0 0 1 1" xmlns="http://www.w3.org/2000/svg">'
               '<a xlink:href="../e/"><circle cx="1" cy="1" r="1"/><text x="1" y="1">n</text></a></svg></div>')
    assert find_offences("p/index.html", SHELL.format(content=content, shell=""), EXTRA_SCRIPTS) == []


@pytest.mark.parametrize("shell, reason", [
    ("<script>alert(1)</script>", "inline script that is not the theme's"),
    ('<script src="https://cdn.example/x.js"></script>', "script that is not the theme's or an extra_javascript file"),
    ('<script src="../assets/other.js"></script>', "script that is not the theme's or an extra_javascript file"),
    ('<script id="__config" type="application/json">{not json</script>', "theme configuration that is not JSON"),
    ('<a href="javascript:alert(1)">x</a>', "unsafe URL in href"),
    ('<link rel="stylesheet" href="https://cdn.example/x.css">', "a stylesheet, icon or preload from outside the site"),
    ('<meta http-equiv="refresh" content="0; url=https://evil.example">', "refresh to anywhere but a page of this site"),
    ('<form action="https://evil.example"></form>', "form that submits somewhere (the theme's forms do not)"),
])
def test_allowlist_checks_the_theme_shell(shell, reason):
    offences = find_offences("p/index.html", SHELL.format(content="<p>x</p>", shell=shell), EXTRA_SCRIPTS)
    assert len(offences) == 1 and f"({reason}" in offences[0].message, offences


def test_allowlist_reports_markup_inside_the_title():
    html = SHELL.format(content="", shell="").replace("<title>T</title>", "<title>T<b>x</b></title>")
    assert [o.message for o in find_offences("p/index.html", html, EXTRA_SCRIPTS)] == [
        "markup outside the allowlist: <b> (markup inside <title>)"]


def test_safe_urls():
    assert all(map(is_safe_url, ["../x/", "#p2", "https://e.example/a?b", "mailto:a@b", "y/"]))
    assert not any(map(is_safe_url, ["javascript:x", " javascript:x", "jav\nascript:x", "DATA:x", "vbscript:x", "file:///etc"]))


def test_shipped_site_passes_the_allowlist(shipped_site):
    assert [str(o) for o in find_site_offences(shipped_site, EXTRA_SCRIPTS)] == []


# --- fuzz: generated content through the full build ----------------------------------------------

_ALPHABET = string.ascii_letters[:6] + " \n\t`~*_[](){}<>!#|\\&;:=\"'/-.1" + "é"
_PIECES = ["<script>", "</script>", "javascript:", "data:", "    ", "```", "~~~", "- ", "1. ", "> ", "\n\n", "|", "{: ",
           "onerror=", "<svg ", "<img ", "&lt;", "&#60;", "[[acme]]", "](", "`"]
hostile_text = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(_ALPHABET, max_size=6)), max_size=25).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(body=hostile_text, summary=hostile_text, fact=hostile_text, description=hostile_text, name=hostile_text)
def test_fuzzed_content_never_leaves_the_allowlist(tmp_path_factory, body, summary, fact, description, name):
    dest = tmp_path_factory.mktemp("fuzz") / "kb"
    project = copy_project(FIXTURES / "minimal" / "content", dest)
    content = project / "content"
    (content / "articles" / "fuzz.md").write_text(
        "---\ntitle: Fuzz\npublisher: P\ndate: 2024-05-01\n---\n\nAcme Corporation.\n\n" + body, encoding="utf-8")
    (content / "entities" / "fuzz.yaml").write_text(
        f"name: {yaml_str('Fuzz ' + ' '.join(name.split()))}\ntype: organisation\n"
        f"summary: {yaml_str(summary)}\n"
        f"facts:\n  - text: {yaml_str(fact or 'x')}\n    as_of: 2024-03\n    sources:\n"
        f"      - article: acme-opens-lab\n        quote: Acme Corporation opened a research lab\n", encoding="utf-8")
    kb = (content / "kb.yml").read_text(encoding="utf-8")
    (content / "kb.yml").write_text(kb.replace("description: A tiny corpus for tests.", f"description: {yaml_str(description)}"),
                                    encoding="utf-8")
    result = run_kb("build", "--project", str(project))
    if result.returncode != 0:  # refused content must be refused with located errors, never a crash
        assert "Traceback" not in result.stdout + result.stderr
        assert "markup outside the allowlist" not in result.stdout + result.stderr, result.stdout
        assert ": error: " in result.stdout, result.stdout + result.stderr
        return
    assert [str(o) for o in find_site_offences(project / "site", EXTRA_SCRIPTS)] == []


# --- linear rendering: no paragraph we write makes Python-Markdown quadratic -------------------


@pytest.mark.parametrize("unit, chunked", [("[", True), ("*_`{}[]\\", True), ("&<", True), ("`a` ", False),
                                           ("*a* ", False)])
def test_a_paragraph_of_escapes_is_written_in_chunks_of_bounded_cost(unit, chunked):
    import markdown

    from builder.markdown import MAX_MATCHES, inline_matches

    text = unit * (3 * MAX_MATCHES)
    out = MarkdownWriter(anchor_for=lambda n: f"p{n + 1}").render(parse("Intro.\n\n" + text + "\n\nEnd.\n"))
    paragraphs = out.split("\n\n")
    assert (len(paragraphs) > 3) == chunked  # code spans and emphasis become plain text: cheap in one
    assert all(inline_matches(p) <= MAX_MATCHES for p in paragraphs)
    html = markdown.markdown(out, extensions=["attr_list", "md_in_html", "tables"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="p2") is not None and soup.find(id="p2").get_text() != "End."
    shown = "".join(p.get_text() for p in soup.find_all("p")[1:-1])
    plain = " ".join(parse(text).children[0].children[0].content.split()) if unit in ("[", "&<") else None
    if plain is not None:
        assert shown.replace(" ", "") == plain.replace(" ", "")


def test_an_ordinary_paragraph_keeps_its_links_and_markup():
    out = MarkdownWriter().render(parse("A *b* [c](https://e.example/) `d` " + "[x] " * 100 + "\n"))
    assert "*b*" in out and "[c](https://e.example/)" in out and "<code>d</code>" in out and "\n\n" not in out.strip()


@pytest.mark.parametrize("text", ["AT&T", "&copy &lt; &amp; &#60; &#x3C; &", "&lt&lt;", "& &; &#; &#x; &a1b2;",
                                  "a&<b>&&", "&lt;script&gt;alert(1)&lt;/script&gt;"])
def test_ampersands_show_exactly_as_written(text):
    import markdown

    from builder.markdown import escape_text

    html = markdown.markdown(escape_text(text), extensions=["attr_list", "md_in_html", "tables"])
    assert BeautifulSoup(html, "html.parser").get_text() == text
    assert "<b>" not in html and "<script" not in html


def test_an_exclamation_mark_before_a_link_kb_writes_never_makes_an_image(tmp_path):
    """'Wow!' right before a link the builder writes must not become Markdown's '![…](…)'."""
    project = copy_project(FIXTURES / "minimal" / "content", tmp_path / "kb")
    content = project / "content"
    (content / "articles" / "bang.md").write_text(
        "---\ntitle: Bang\npublisher: P\ndate: 2024-05-01\n---\n\nWow!Acme Corporation opened a lab.\n",
        encoding="utf-8")
    (content / "entities" / "bang.yaml").write_text(
        "name: Bang Ltd\ntype: organisation\nsummary: 'Yes![[acme]] and more'\n", encoding="utf-8")
    kb = (content / "kb.yml").read_text(encoding="utf-8")
    (content / "kb.yml").write_text(kb.replace("description: A tiny corpus for tests.",
                                               "description: 'Hello![[acme]]'"), encoding="utf-8")
    result = run_kb("build", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    assert [str(o) for o in find_site_offences(site, EXTRA_SCRIPTS)] == []
    for page, text in [("articles/bang/index.html", "Wow!"), ("entities/bang/index.html", "Yes!"),
                       ("index.html", "Hello!")]:
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article")
        assert article.find("img") is None, page
        assert text in article.get_text(), page


_EARLY_HOOK = '''
from mkdocs.plugins import event_priority

@event_priority(100)  # before kb's own on_post_page: kb's check sees this
def on_post_page(output, page, config):
    if page.file.src_uri == "entities/acme.md":
        output = output.replace('<article class="md-content__inner md-typeset">',
                                '<article class="md-content__inner md-typeset"><script>early()</script>', 1)
    return output
'''
_LATE_HOOK = _EARLY_HOOK.replace("@event_priority(100)", "@event_priority(-200)").replace(
    "before kb's own on_post_page: kb's check sees this", "after kb's check: only the check of the files sees it").replace(
    '"entities/acme.md"', '"entities/jane-doe.md"').replace("early()", "late()")


def test_kb_build_refuses_markup_added_before_or_after_the_plugins_check(tmp_path: Path):
    """kb build takes the plugin's check of a page only for a file holding exactly the bytes checked."""
    project = copy_project(FIXTURES / "minimal" / "content", tmp_path / "kb")
    (project / "early.py").write_text(_EARLY_HOOK, encoding="utf-8")
    (project / "late.py").write_text(_LATE_HOOK, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config + "\nhooks:\n  - early.py\n  - late.py\n", encoding="utf-8")
    result = run_kb("build", "--project", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert [(line.split(":")[0], line.split(": ", 2)[2]) for line in lines[:2]] == [
        ("entities/acme/index.html", "markup outside the allowlist: <script> (element not allowed in page content)"),
        ("entities/jane-doe/index.html", "markup outside the allowlist: <script> (element not allowed in page content)"),
    ], result.stderr
    assert lines[2:] == ["kb: 2 piece(s) of markup outside the allowlist; the previous site is unchanged",
                         "kb: nothing was built; the previous site is unchanged"]
    assert not (project / "site").exists()
