"""The full-text index (builder/search.py fulltext_files, write_site_search): what is indexed,
how postings decode, where each term and page lives, inert escaping, and the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builder import search
from builder.search import FT_DIR, WORKER_SHIM, fulltext_files, write_site_search

CALL = re.compile(r'^kbSearchShard\(("[^"]+"),(.*)\);\n$', re.S)


def parse(files: dict[str, str]) -> dict[str, object]:
    out = {}
    for path, text in files.items():
        match = CALL.match(text)
        assert match, text[:200]
        name = json.loads(match.group(1))
        assert path == f"search/{name}.js"
        out[name] = json.loads(match.group(2))
    return out


def postings(data: dict[str, object], term: str) -> tuple[int, list[tuple[int, int, int]]]:
    """(df, [(page, section, weight)]) of a term, from the shard meta.js says holds it."""
    firsts = data["ft/meta"]["terms"]
    k = max(i for i, first in enumerate(firsts) if first <= term)
    flat = data[f"ft/t{k}"].get(term)
    assert flat is not None, f"{term!r} not in shard {k}"
    out, page = [], 0
    for i in range(1, len(flat), 3):
        page += flat[i]
        out.append((page, flat[i + 1], flat[i + 2]))
    return flat[0], out


def doc(data: dict[str, object], page: int) -> list:
    counts = data["ft/meta"]["docs"]
    firsts = [sum(counts[:i]) for i in range(len(counts))]
    k = max(i for i, first in enumerate(firsts) if first <= page)
    return data[f"ft/d{k}"][page - firsts[k]]


ARTICLE = ("articles/solar-deal/", [
    {"location": "articles/solar-deal/", "title": "Solar deal signed",
     "text": "<p>Kyoto &amp; Osaka sign a solar deal. Solar panels, solar farms.</p>"},
    {"location": "articles/solar-deal/#financing", "title": "Financing",
     "text": "<p>The Zürich bank lends <code>&lt;script&gt;alert(1)&lt;/script&gt;</code> money.</p>"},
    {"location": "articles/solar-deal/#cited-by", "title": "Cited by", "text": "<p>Acme Corporation</p>"},
    {"location": "articles/solar-deal/#quotes", "title": "Quotes", "text": "<ul><li>quoteword</li></ul>"},
])
ENTITY = ("entities/acme/", [  # as html.search_entries gives a kb page: the breadcrumb, then the <h1>'s section
    {"location": "entities/acme/", "title": "Acme Corporation", "text": "<p>Organisations › Acme Corporation</p>"},
    {"location": "entities/acme/#acme-corporation", "title": "Acme Corporation", "text": "<p>A maker of anvils.</p>"},
    {"location": "entities/acme/#in-the-sources", "title": "In the sources", "text": "<p>repeated sentence about kyoto</p>"},
])
LIST = ("articles/", [{"location": "articles/", "title": "Articles", "text": "<p>Solar deal signed</p>"},
                      {"location": "articles/#2024", "title": "2024", "text": "<p>listword</p>"}])


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    return parse(fulltext_files([ARTICLE, ENTITY, LIST]))


def test_postings_give_page_section_tf_and_the_title_flag(data):
    df, hits = postings(data, "solar")
    assert df == 2
    assert hits == [(0, 0, 32 + 3), (2, 0, 1)]  # the article's title and 3 times in its text; the list's text
    assert postings(data, "zurich")[1] == [(0, 1, 1)]  # accents folded as kb-search.js folds them
    assert postings(data, "financing")[1] == [(0, 1, 32)]  # a section title alone
    assert postings(data, "anvils")[1] == [(1, 0, 1)]
    assert postings(data, "script")[1] == [(0, 1, 2)]  # markup in the text is just words (twice here)


def test_what_is_indexed(data):
    terms = {t for name, shard in data.items() if name.startswith("ft/t") for t in shard}
    assert "the" not in terms and "a" not in terms  # stop words
    assert "repeated" not in terms  # an entity page: its first section only
    assert "organisations" not in terms  # the breadcrumb before the <h1>
    assert "listword" not in terms  # any other page: its first section only
    assert "quoteword" not in terms and "cited" not in terms  # the article template's own sections
    assert doc(data, 0) == ["articles/solar-deal/", [
        ["", "Solar deal signed", "Kyoto & Osaka sign a solar deal. Solar panels, solar farms."],
        ["financing", "Financing", "The Zürich bank lends <script>alert(1)</script> money."]]]
    assert doc(data, 1) == ["entities/acme/", [["", "Acme Corporation", "A maker of anvils."]]]
    assert data["ft/meta"]["pages"] == 3


def test_files_are_inert_scripts():
    files = fulltext_files([ARTICLE, ENTITY, LIST])
    for path, text in files.items():
        assert path.startswith(FT_DIR + "/") and path.endswith(".js")
        assert "<" not in text and ">" not in text and "&" not in text and text.isascii(), path


def test_shards_split_by_size_and_every_term_is_where_meta_says(monkeypatch):
    monkeypatch.setattr(search, "TERM_SHARD_BYTES", 300)
    monkeypatch.setattr(search, "DOC_SHARD_BYTES", 200)
    pages = [(f"articles/a{n}/", [{"location": f"articles/a{n}/", "title": f"Title {n}",
                                   "text": " ".join(f"w{n * 7 + k}" for k in range(7)) + " common"}])
             for n in range(40)]
    data = parse(fulltext_files(pages))
    meta = data["ft/meta"]
    assert len(meta["terms"]) > 5 and meta["terms"] == sorted(meta["terms"])
    assert len(meta["docs"]) > 5 and sum(meta["docs"]) == 40 and all(n > 0 for n in meta["docs"])
    for n in range(40):
        assert doc(data, n)[0] == f"articles/a{n}/"
        assert postings(data, f"w{n * 7}")[1][0][0] == n
    assert [p for p, _, _ in postings(data, "common")[1]] == list(range(40))


def test_a_common_term_keeps_its_best_postings_and_its_true_df(monkeypatch):
    monkeypatch.setattr(search, "MAX_POSTINGS", 5)
    pages = [(f"articles/a{n}/", [{"location": f"articles/a{n}/", "title": "Title",
                                   "text": " ".join(["often"] * (1 + n % 9))}]) for n in range(30)]
    df, hits = postings(parse(fulltext_files(pages)), "often")
    assert df == 30 and len(hits) == 5
    assert sorted(w for _, _, w in hits) == [8] * 2 + [9] * 3  # tf 9 (pages 8, 17, 26), then tf 8
    assert [p for p, _, _ in hits] == sorted(p for p, _, _ in hits)


def test_write_site_search_replaces_the_worker_and_empties_materials_index(tmp_path: Path):
    site = tmp_path / "site"
    workers = site / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    (workers / "search.abc123.min.js").write_text("lunr", encoding="utf-8")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text(
        json.dumps({"config": {"lang": ["en"], "separator": "[\\s]+"}, "docs": [{"location": "", "title": "x", "text": "y"}]}),
        encoding="utf-8")
    (site / FT_DIR).mkdir()
    (site / FT_DIR / "d999.js").write_text("stale", encoding="utf-8")
    (site / FT_DIR / "keep.txt").write_text("not ours", encoding="utf-8")
    written = write_site_search(site, [ARTICLE, ENTITY, LIST])
    assert (workers / "search.abc123.min.js").read_text(encoding="utf-8") == WORKER_SHIM
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8")) == {
        "config": {"lang": ["en"], "separator": "[\\s]+"}, "docs": []}
    assert not (site / FT_DIR / "d999.js").exists() and (site / FT_DIR / "keep.txt").exists()
    assert set(written) == {p.relative_to(site).as_posix() for p in (site / FT_DIR).glob("*.js")} | {"search/search_index.json"}
