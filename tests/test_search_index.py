"""The name index (builder/search.py): shards, entries, ranking data and inert escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builder.assemble import assemble
from builder.pipeline import check
from builder.search import SEARCH_DIR, fold, lead_sentence, script_json, search_files, shard_of, tokens

HOSTILE = "</script><script>alert(1)</script>"
SHARD = re.compile(r'^kbSearchShard\(("(?:[a-z0-9_]+|other|index)"),(.*)\);\n$', re.S)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    from tests.conftest import FIXTURES, copy_project

    project = copy_project(FIXTURES / "minimal" / "content", tmp_path_factory.mktemp("search") / "kb")
    entities = project / "content" / "entities"
    (entities / "hostile.yaml").write_text(
        f"name: '{HOSTILE}'\ntype: person\naliases: ['Zoë <b>Müller</b> & Co']\n"
        "summary: >-\n  Founder of [[acme|the Acme firm]] in [[springfield]]. Not in the snippet.\n",
        encoding="utf-8")
    result = check(project / "content")
    assert result.kb is not None and result.linked is not None, [str(d) for d in result.diagnostics]
    return search_files(assemble(result.kb, result.linked))


def parse(files: dict[str, str]) -> dict[str, object]:
    out = {}
    for path, text in files.items():
        assert path.startswith(SEARCH_DIR + "/") and path.endswith(".js")
        match = SHARD.match(text)
        assert match, text[:200]
        out[json.loads(match.group(1))] = json.loads(match.group(2))
    return out


def test_every_shard_is_one_call_with_json_and_the_index_lists_them(files):
    shards = parse(files)
    index = shards.pop("index")
    assert index == {"shards": {s: len(files[f"{SEARCH_DIR}/{s}.js"]) for s in shards}, "split": []}
    assert {"a", "j", "d", "s"} <= set(shards)  # Acme…, Jane Doe, Doe, Springfield


def test_entries_are_filed_under_every_token_of_every_name(files):
    shards = parse(files)
    by_name = {}
    for shard, entries in shards.items():
        if shard == "index":
            continue
        for name, aliases, kind, snippet, url, is_entity in entries:
            by_name.setdefault(name, set()).add(shard)
            assert url.endswith("/") and not url.startswith("/")
    assert by_name["Jane Doe"] == {"j", "d"}
    assert by_name["Acme Corporation"] == {"a", "c"}  # "Acme" alias: also "a"
    # "Zoë <b>Müller</b> & Co": accents folded, markup is just words
    assert by_name[HOSTILE] == {"s", "c", "a", "z", "m"}  # script, alert, 1 aside; zoe, muller, co ("b" is one letter)
    jane = next(e for e in shards["j"] if e[0] == "Jane Doe")
    assert jane == ["Jane Doe", ["Doe"], "Person", "", "entities/jane-doe/", 1]
    article = next(e for e in shards["o"] if e[5] == 0)  # "Acme opens a lab …": an article
    assert article[2] == "Article" and article[4].startswith("articles/")


def test_the_snippet_is_the_lead_sentence_as_plain_text(files):
    entry = next(e for e in parse(files)["z"] if e[0] == HOSTILE)
    assert entry[3] == "Founder of the Acme firm in Springfield."
    assert entry[1] == ["Zoë <b>Müller</b> & Co"]
    assert entry[2] == "Person"
    assert lead_sentence("A [[x]] of *many* things. Second.", {"x": "Ex"}) == "A Ex of many things."


def test_hostile_names_stay_inert_in_the_script(files):
    text = files[f"{SEARCH_DIR}/z.js"]
    assert "<" not in text and ">" not in text and "&" not in text and "</script" not in text.lower()
    assert text.isascii()
    assert "\\u003c/script\\u003e" in text
    assert script_json("a</script>&\u2028") == '"a\\u003c/script\\u003e\\u0026\\u2028"'


def test_tokens_and_shards_follow_the_browser_rule():
    assert tokens("Zoë Müller-Ōta, Inc.") == ["zoe", "muller", "ota", "inc"]
    assert fold("ÉCOLE") == "ecole"
    assert shard_of("kishida") == "k" and shard_of("2024") == "2" and shard_of("東京") == "other"
    assert shard_of("kishida", frozenset("k")) == "ki" and shard_of("k", frozenset("k")) == "k_"
    assert shard_of("kishida", frozenset({"k", "ki"})) == "kis" and shard_of("ki", frozenset({"k", "ki"})) == "ki_"


def test_large_shards_are_split_by_one_more_letter(files, tmp_path, monkeypatch):
    # The same index with a tiny limit: every letter is split, and entries move to two-letter shards.
    from builder import search
    from tests.conftest import FIXTURES, copy_project

    monkeypatch.setattr(search, "MAX_PREFIX", 3)
    project = copy_project(FIXTURES / "minimal" / "content", tmp_path / "kb")
    result = check(project / "content")
    small = parse(search_files(assemble(result.kb, result.linked), split_above=10))
    index = small.pop("index")
    assert {"j", "ja", "d", "do"} <= set(index["split"]) and "jan" in small and "j" not in small
    assert all(len(p) <= 2 for p in index["split"])  # never beyond three letters
    assert sorted(index["shards"]) == sorted(small)
    assert any(e[0] == "Jane Doe" for e in small["jan"]) and any(e[0] == "Jane Doe" for e in small["doe"])
