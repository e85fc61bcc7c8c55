"""No content string can put HTML or script into the site, whatever field it sits in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.markdown import MarkdownWriter, escape_text, parse

from .conftest import run_kb

PAYLOADS = [
    "<script>alert('kb-xss-1')</script>",
    '<img src=x onerror="alert(\'kb-xss-2\')">',
    "[click me](javascript:alert('kb-xss-3'))",
    "![pic](javascript:alert('kb-xss-4'))",
    "<div onclick=\"alert('kb-xss-5')\">raw block</div>",
    "{{ 7*7 }} {% if true %}kb-jinja{% endif %}",
    "<iframe src=\"https://evil.example\"></iframe>",
    "[x](<javascript:alert('kb-xss-6')>)",
    "<a href=\"javascript:alert('kb-xss-7')\">a</a>",
    "*{: onclick=\"alert('kb-xss-8')\" }*",
    "text{: onmouseover=\"alert('kb-xss-9')\" }",
    "&lt;script&gt;alert('kb-xss-10')&lt;/script&gt;",
]
EVIL = " ".join(PAYLOADS)


def _quote_yaml(text: str) -> str:
    return json.dumps(text)  # JSON strings are valid YAML scalars


@pytest.fixture
def hostile_project(project: Path) -> Path:
    content = project / "content"
    kb = (content / "kb.yml").read_text()
    kb = kb.replace("{label: works for, inverse: employs}", "{label: " + _quote_yaml("works <b onmouseover=x>for</b>") + ", inverse: " + _quote_yaml("<script>alert('kb-xss-11')</script>") + "}")
    (content / "kb.yml").write_text(kb)
    (content / "entities" / "evil.yaml").write_text(
        "name: " + _quote_yaml("Evil <script>alert('kb-xss-12')</script> Corp") + "\n"
        "type: organisation\n"
        "aliases:\n  - " + _quote_yaml("<img src=x onerror=alert('kb-xss-13')>") + "\n  - Evil Corp\n"
        "summary: " + _quote_yaml(EVIL + " See [[acme]].") + "\n"
        "relations:\n  - type: works-for\n    target: acme\n"
        "facts:\n  - text: " + _quote_yaml(EVIL) + "\n    property: evil\n    value: " + _quote_yaml("<b>bold</b>") + "\n"
        "    sources:\n      - article: evil-article\n        quote: " + _quote_yaml("Evil Corp said <script>") + "\n"
    )
    (content / "articles" / "evil-article.md").write_text(
        "---\n"
        "title: " + _quote_yaml("<script>alert('kb-xss-14')</script> {{ title }}") + "\n"
        "publisher: " + _quote_yaml("<img src=x onerror=alert('kb-xss-15')>") + "\n"
        "author: " + _quote_yaml("[a](javascript:alert('kb-xss-16'))") + "\n"
        "date: 2024-05-01\n"
        "url: https://example.com/a?b=%3Cscript%3E&c=(1)\n"
        "---\n\n"
        "Evil Corp said <script> at Acme Corporation.\n\n"
        + "\n\n".join(PAYLOADS)
        + "\n\n<script>\nalert('kb-xss-17')\n</script>\n\n"
        "“Evil plans are good plans for everyone,” said Jane Doe <img src=x onerror=alert('kb-xss-18')>.\n"
    )
    return project


def test_hostile_content_builds_into_a_site_without_any_injected_markup(hostile_project: Path):
    result = run_kb("build", "--project", str(hostile_project))
    assert result.returncode == 0, result.stdout + result.stderr
    site = hostile_project / "site"
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    saw_payload_text = 0
    for html in pages:
        text = html.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        for script in soup.find_all("script"):
            src = script.get("src", "")
            assert src.startswith(("assets/", "../", "./", "/assets/")) or script.get("id") == "__config" or (
                not src and "kb-xss" not in script.get_text()
            ), f"{html}: {script}"
            assert "kb-xss" not in script.get_text(), html
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), f"{html}: event handler {tag}"
                values = value if isinstance(value, list) else [value]
                for v in values:
                    assert not str(v).strip().lower().startswith("javascript:"), f"{html}: {tag}"
        assert not soup.find_all(["iframe", "object", "embed"]), html
        for img in soup.find_all("img"):
            assert "x" != img.get("src"), html
        if "kb-xss" in text:
            saw_payload_text += 1
    assert saw_payload_text > 3, "the payloads should be shown as text"
    evil_page = BeautifulSoup((site / "entities" / "evil" / "index.html").read_text(), "html.parser")
    assert "<script>alert('kb-xss-12')</script>" in evil_page.find("h1").get_text()
    article = BeautifulSoup((site / "articles" / "evil-article" / "index.html").read_text(), "html.parser")
    body = article.select_one("article").get_text()
    assert "{{ 7*7 }}" in body and "49" not in body
    assert "<div onclick=" in body, "a raw HTML block is shown as text"
    index = (site / "search" / "search_index.json").read_text()
    assert "<script" not in index and "<img" not in index
    shards = {f.name: f.read_text() for f in (site / "search" / "kb").glob("*.js")}  # the name index
    assert any("kb-xss-12" in text for text in shards.values())
    assert not [name for name, text in shards.items() if "<" in text or ">" in text or not text.isascii()]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_writer_round_trip_never_yields_html(payload: str):
    import markdown

    written = MarkdownWriter().render(parse(payload + "\n\nnext " + payload))
    html = markdown.markdown(written, extensions=["attr_list", "md_in_html", "tables", "admonition"])
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img", "iframe", "div"])
    for tag in soup.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs)
        assert not tag.get("href", "").lower().startswith("javascript:")


@pytest.mark.parametrize(
    "text",
    ["# heading?", "- list?", "1. numbered?", "> quote?", "| a | b |", "==", "~~~", ":emoji:", "*a* _b_ `c`",
     "[x](y)", "{: #id }", "&amp; &lt;", "a\\b", "!!! note", "    indented"],
)
def test_escaped_text_renders_as_the_same_text(text: str):
    import markdown

    html = markdown.markdown(escape_text(text), extensions=["attr_list", "tables", "admonition"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.get_text().strip() == " ".join(text.split())
    assert [t.name for t in soup.find_all(True)] in (["p"], [])


def test_remote_images_in_articles_become_links_not_images():
    import markdown

    written = MarkdownWriter().render(parse("![a chart](https://example.com/chart.png)"))
    html = markdown.markdown(written)
    assert '<a href="https://example.com/chart.png">Image: a chart</a>' in html
    assert "<img" not in html
