"""Hostile markup for tests/test_hostile_markup.py: every way content has tried to become HTML.

Each variant is a function of a marker (a word unique to one case) so that a case can find
its own payload in the built site. The same variants go into every field that takes Markdown.
"""

from __future__ import annotations

import json


def script(marker: str) -> str:
    return f"<script>alert('{marker}')</script>"


# Block Markdown: an article body, an entity's summary or fact text, kb.yml's description.
# Those marked True are code: their payload must come out as the text of a <code> element.
BLOCK_VARIANTS: dict[str, tuple[bool, object]] = {
    "list-item-indented-code": (True, lambda m: f"Lead {m}.\n\n-     {script(m)}\n"),
    "list-item-fenced-code": (True, lambda m: f"Lead {m}.\n\n- ```\n  {script(m)}\n  ```\n"),
    "list-item-tilde-fence": (True, lambda m: f"- ~~~html\n  {script(m)}\n  ~~~\n"),
    "ordered-item-indented-code": (True, lambda m: f"1.     {script(m)}\n"),
    "ordered-paren-item-code": (True, lambda m: f"3)     {script(m)}\n"),
    "nested-item-code": (True, lambda m: f"- outer\n\n  -     {script(m)}\n"),
    "blockquote-code": (True, lambda m: f">     {script(m)}\n"),
    "blockquote-list-code": (True, lambda m: f"> -     {script(m)}\n"),
    "list-item-tab-code": (True, lambda m: f"-\t\t{script(m)}\n"),
    "top-tab-code": (True, lambda m: f"Lead.\n\n\t{script(m)}\n"),
    "fenced-code": (True, lambda m: f"```\n{script(m)}\n```\n"),
    "indented-code": (True, lambda m: f"Lead.\n\n    {script(m)}\n"),
    "code-span": (True, lambda m: f"Text `{script(m)}` text.\n"),
    # GFM splits a cell at "|" even inside backticks: the rest is text; "\|" keeps it code.
    "table-code-span-pipe": (False, lambda m: f"| a | b |\n|---|---|\n| `x|{script(m)}` | y |\n"),
    "table-code-span-escaped-pipe": (True, lambda m: f"| a | b |\n|---|---|\n| `x\\|{script(m)}` | y |\n"),
    "list-paragraph-then-code": (True, lambda m: f"- para {m}\n\n      {script(m)}\n"),
    "raw-script": (False, lambda m: f"{script(m)}\n"),
    "img-onerror": (False, lambda m: f"<img src=x onerror=\"alert('{m}')\">\n"),
    "javascript-link": (False, lambda m: f"[{m}](javascript:alert('{m}'))\n"),
    "javascript-image": (False, lambda m: f"![{m}](javascript:alert('{m}'))\n"),
    "javascript-autolink": (False, lambda m: f"<javascript:alert('{m}')>\n"),
    "data-link": (False, lambda m: f"[{m}](data:text/html;base64,PHNjcmlwdD4=)\n"),
    "svg-onload": (False, lambda m: f"<svg onload=alert('{m}')>\n"),
    "attr-list-onclick": (False, lambda m: f"{m} {{: onclick=\"alert('{m}')\" }}\n"),
    "iframe": (False, lambda m: f"<iframe src=\"https://evil.example/{m}\"></iframe>\n"),
    "style-element": (False, lambda m: f"<style>body{{background:url(https://evil.example/{m})}}</style>\n"),
    "form": (False, lambda m: f"<form action=\"https://evil.example/{m}\"><input name=q></form>\n"),
    "entity-encoded-script": (False, lambda m: f"&lt;script&gt;alert('{m}')&lt;/script&gt;\n"),
}

# Plain-text fields (titles, names, quotes, labels): payloads on one line.
LINE_VARIANTS = {
    "raw-script": lambda m: script(m),
    "code-span": lambda m: f"`{script(m)}`",
    "javascript-link": lambda m: f"[{m}](javascript:alert('{m}'))",
    "attr-list": lambda m: f"{m} {{: onclick=alert('{m}') }}",
}


def marker(field: str, variant: str) -> str:
    """A word unique to one case, that survives every escaping (letters and digits only)."""
    return "kbx" + "".join(ch for ch in f"{field}{variant}" if ch.isalnum())


def expected_text(variant: str, m: str) -> str:
    """What a reader must see of the payload: the hostile text itself, as text."""
    if variant in ("javascript-link", "javascript-image", "data-link", "attr-list-onclick", "attr-list"):
        return m
    if variant == "javascript-autolink":
        return f"javascript:alert('{m}')"
    if variant == "img-onerror":
        return f"onerror=\"alert('{m}')\""
    if variant == "svg-onload":
        return f"<svg onload=alert('{m}')>"
    if variant == "iframe":
        return f"https://evil.example/{m}"
    if variant == "style-element":
        return f"https://evil.example/{m}"
    if variant == "form":
        return f"https://evil.example/{m}"
    return script(m)


def plain_text(markdown: str) -> str:
    """The text of one line of Markdown as kb reads it (a quote must match it verbatim)."""
    from builder.markdown import inline_text, parse

    return inline_text(parse(markdown).children[0].children[0]).text


def yaml_str(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML scalar


def hostile_project(dest, source_content) -> dict:
    """Write a project whose every Markdown and text field holds every variant; return the cases.

    A case is (field, variant) -> (page in the site, expected visible text, is code).
    """
    import shutil
    from pathlib import Path

    dest = Path(dest)
    content = dest / "content"
    shutil.copytree(source_content, content)
    cases: dict[tuple[str, str], tuple[str, str, bool]] = {}
    quote = "Acme Corporation opened a research lab"
    fact_source = f"    sources:\n      - article: acme-opens-lab\n        quote: {yaml_str(quote)}\n"
    description = []
    for n, (variant, (is_code, make)) in enumerate(BLOCK_VARIANTS.items()):
        m = marker("body", variant)
        (content / "articles" / f"hostile-{n}.md").write_text(
            f"---\ntitle: Hostile {n}\npublisher: P\ndate: 2024-05-{n % 28 + 1:02d}\n---\n\n"
            f"Acme Corporation.\n\n{make(m)}", encoding="utf-8")
        cases[("article body", variant)] = (f"articles/hostile-{n}/index.html", expected_text(variant, m), is_code)
        ms, mf = marker("summary", variant), marker("fact", variant)
        (content / "entities" / f"hostile-{n}.yaml").write_text(
            f"name: Hostile Entity {n}\ntype: organisation\n"
            f"aliases:\n  - {{name: Hostile Twin, ambiguous: true}}\n"
            f"summary: {yaml_str(make(ms))}\n"
            f"facts:\n  - text: {yaml_str(make(mf))}\n    value: \"2024-0{n % 9 + 1}\"\n" + fact_source,
            encoding="utf-8")
        cases[("entity summary", variant)] = (f"entities/hostile-{n}/index.html", expected_text(variant, ms), is_code)
        cases[("summary on disambiguation page", variant)] = ("hostile-twin/index.html", expected_text(variant, ms), is_code)
        cases[("fact text", variant)] = (f"entities/hostile-{n}/index.html", expected_text(variant, mf), is_code)
        # A fact whose value is a date is something that happened: it is on the timeline too.
        cases[("timeline item", variant)] = ("timeline/index.html", expected_text(variant, mf), is_code)
        md = marker("description", variant)
        description.append(make(md))
        cases[("kb.yml description", variant)] = ("index.html", expected_text(variant, md), is_code)
    kb = (content / "kb.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    titles = []
    relation_types = []
    for n, (variant, make) in enumerate(LINE_VARIANTS.items()):
        mt = marker("kbtitle", variant)
        titles.append(make(mt))
        cases[("kb.yml title", variant)] = ("index.html", expected_text(variant, mt), False)
        ml = marker("relation", variant)
        relation_types.append(f"  hostile-rel-{n}: {{label: {yaml_str(make(ml))}, inverse: {yaml_str('inverse ' + make(ml))}}}\n")
        cases[("relation label", variant)] = (f"entities/line-{n}/index.html", expected_text(variant, ml), False)
        fields = {f: marker(f, variant) for f in ("title", "publisher", "author", "url", "name", "alias", "quote")}
        said = make(fields["quote"])
        (content / "articles" / f"line-{n}.md").write_text(
            f"---\ntitle: {yaml_str(make(fields['title']))}\npublisher: {yaml_str(make(fields['publisher']))}\n"
            f"author: {yaml_str(make(fields['author']))}\ndate: 2024-06-{n + 1:02d}\n"
            f"url: {yaml_str('https://example.com/' + fields['url'] + '?q=%3Cscript%3E%22onmouseover=x')}\n---\n\n"
            f"Acme Corporation said {said} on Tuesday.\n", encoding="utf-8")
        for field in ("title", "publisher", "author"):
            cases[(f"article {field}", variant)] = (f"articles/line-{n}/index.html", expected_text(variant, fields[field]), False)
        cases[("article url", variant)] = (f"articles/line-{n}/index.html", "Read the original", False)
        (content / "entities" / f"line-{n}.yaml").write_text(
            f"name: {yaml_str(make(fields['name']))}\ntype: organisation\n"
            f"aliases:\n  - {yaml_str(make(fields['alias']))}\n"
            f"relations:\n  - type: hostile-rel-{n}\n    target: acme\n"
            f"facts:\n  - text: Said something.\n    sources:\n      - article: line-{n}\n"
            f"        quote: {yaml_str('said ' + plain_text(said))}\n", encoding="utf-8")
        cases[("entity name", variant)] = (f"entities/line-{n}/index.html", expected_text(variant, fields["name"]), False)
        cases[("entity alias", variant)] = (f"entities/line-{n}/index.html", expected_text(variant, fields["alias"]), False)
        cases[("citation quote", variant)] = (f"entities/line-{n}/index.html", expected_text(variant, fields["quote"]), False)
    out = []
    for line in kb:
        if line.startswith("title:"):
            line = f"title: {yaml_str(' '.join(titles))}\n"
        elif line.startswith("description:"):
            line = f"description: {yaml_str(chr(10).join(description))}\n"
        out.append(line)
        if line.startswith("relation_types:"):
            out += relation_types
    (content / "kb.yml").write_text("".join(out), encoding="utf-8")
    return cases


# Hostile input that must be refused: file -> (its text, the exact diagnostic `kb check` prints).
def _article(url: str) -> str:
    return f"---\ntitle: T\npublisher: P\ndate: 2024-01-01\nurl: {yaml_str(url)}\n---\n\nText.\n"


_ONLY_WEB = "only http:// and https:// URLs are allowed"
ERROR_CASES = {
    "articles/url-markup.md": (
        _article("https://e.example/?q=<script>alert(1)</script>"),
        "content/articles/url-markup.md:5:6: error: invalid URL 'https://e.example/?q=<script>alert(1)</script>' in 'url': "
        "spaces, quotes and angle brackets must be percent-encoded"),
    "articles/url-javascript.md": (
        _article("javascript:alert(1)"),
        f"content/articles/url-javascript.md:5:6: error: invalid URL 'javascript:alert(1)' in 'url': {_ONLY_WEB}"),
    "articles/url-javascript-upper.md": (
        _article("JAVASCRIPT:alert(1)"),
        f"content/articles/url-javascript-upper.md:5:6: error: invalid URL 'JAVASCRIPT:alert(1)' in 'url': {_ONLY_WEB}"),
    "articles/url-javascript-space.md": (
        _article(" javascript:alert(1)"),
        f"content/articles/url-javascript-space.md:5:6: error: invalid URL ' javascript:alert(1)' in 'url': {_ONLY_WEB}"),
    "articles/url-javascript-entity.md": (
        _article("java&#x09;script:alert(1)"),
        f"content/articles/url-javascript-entity.md:5:6: error: invalid URL 'java&#x09;script:alert(1)' in 'url': {_ONLY_WEB}"),
    "articles/url-data.md": (
        _article("data:text/html,<script>alert(1)</script>"),
        f"content/articles/url-data.md:5:6: error: invalid URL 'data:text/html,<script>alert(1)</script>' in 'url': {_ONLY_WEB}"),
    "articles/url-vbscript.md": (
        _article("vbscript:msgbox(1)"),
        f"content/articles/url-vbscript.md:5:6: error: invalid URL 'vbscript:msgbox(1)' in 'url': {_ONLY_WEB}"),
    "entities/wikilink-markup.yaml": (
        "name: W\ntype: organisation\nsummary: \"See [[<script>alert(1)</script>]].\"\n",
        "content/entities/wikilink-markup.yaml:3:15: error: [[link]] target '<script>alert(1)</script>' is not an entity"),
}
