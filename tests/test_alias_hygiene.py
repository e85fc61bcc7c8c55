"""`kb check` warns about aliases that link the wrong words, with the mentions affected, at the
alias's line:col in its entity file; and the shipped content stays exactly right."""

from __future__ import annotations

from pathlib import Path

from builder.pipeline import check
from tests.conftest import ROOT, run_kb
from tests.newsfixture import make_project

ENTITIES = {
    "tony-blair": {"name": "Tony Blair", "type": "person", "aliases": ["Blair"]},
    "prime-minister-tony": {"name": "Prime Minister Tony", "type": "person"},
    "gordon-white": {"name": "Gordon White", "type": "person", "aliases": ["White"]},
    "acme": {"name": "Acme Corporation", "type": "organisation", "aliases": ["Apple"]},
}
ARTICLES = {
    "h1": "Prime Minister Tony Blair met Cherie Blair. Blair said yes.\n\nPrime Minister Tony Blair left.",
    "h2": "Gordon White said the White House was ready. White agreed.",
    "h3": "Acme Corporation sells an Apple a day. Apple pie, too.",
}
EXPECTED = [
    "content/entities/acme.yaml:4:5: warning: alias 'Apple' is a common word: it matches 2 time(s) in the"
    " articles, ordinary text included, as 'Acme Corporation'; use the full name, or a `short_names` entry",
    "content/entities/gordon-white.yaml:4:5: warning: alias 'White' is a common word: it matches 2 time(s) in the"
    " articles, ordinary text included, as 'Gordon White'; use the full name, or a `short_names` entry",
    "content/entities/prime-minister-tony.yaml:1:7: warning: 'Prime Minister Tony' is a fragment of longer names in"
    " the articles ('Prime Minister Tony Blair' ×2): it takes 2 mention(s) from them",
    "content/entities/tony-blair.yaml:4:5: warning: alias 'Blair' is a bare surname that other people in the"
    " articles share ('Cherie Blair' ×1): 2 mention(s) affected. kb finds 'Blair' after the full name"
    " 'Tony Blair' by itself; remove the alias",
]


def test_alias_warnings_with_mentions_affected_at_the_alias(tmp_path: Path):
    content = make_project(tmp_path, ENTITIES, ARTICLES)
    result = check(content, tmp_path)
    assert [str(d) for d in result.warnings] == EXPECTED


def test_kb_check_prints_them_and_still_passes(tmp_path: Path):
    make_project(tmp_path, ENTITIES, ARTICLES)
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text())
    done = run_kb("check", "--project", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for line in EXPECTED:
        assert line in done.stdout + done.stderr


SHIPPED_SPEAKERS = [  # every quote of the shipped articles, with its speaker, in order
    ("microsoft-grows-ai-presence-in-japan-retreat-from-china", "satya-nadella"),
    ("microsoft-in-japan-investing-in-ai-skills-to-boost-future", "miki-tsusaka"),
    ("microsoft-in-japan-investing-in-ai-skills-to-boost-future", "miki-tsusaka"),
    ("microsoft-in-japan-investing-in-ai-skills-to-boost-future", "fumio-kishida"),
    ("microsoft-in-japan-investing-in-ai-skills-to-boost-future", "fumio-kishida"),
    ("microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan", None),
    ("microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan", "kevin-scott"),
    ("microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan", "kevin-scott"),
    ("microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan", "fumio-kishida"),
    ("microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan", "microsoft"),  # "it announced … and said it plans to"
    ("microsoft-strategic-expansion-in-japan-2-9-billion-boost", "tim-cook"),
    ("microsoft-strategic-expansion-in-japan-2-9-billion-boost", None),
]


def test_the_shipped_quotes_keep_their_speakers_and_the_content_has_no_alias_warning():
    result = check(ROOT / "content", ROOT)
    found = [(a, q.speaker) for a, la in sorted(result.linked.items()) for q in la.quotes]
    assert found == SHIPPED_SPEAKERS
    assert [str(d) for d in result.warnings] == []
    texts = {q.speaker_text for la in result.linked.values() for q in la.quotes}
    assert "the Prime Minister" in texts  # shown as written: "Prime Minister" is ambiguous in the shipped aliases


def test_short_names_follow_the_alias_rules(tmp_path: Path):
    # a short name is linked after the full name: ',' and 'the' made 199 mentions of Microsoft
    from tests.conftest import FIXTURES, copy_project

    project = copy_project(FIXTURES / "minimal" / "content", tmp_path / "kb")
    acme = project / "content" / "entities" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8") + 'short_names: [",", "the", "M", "x\\u202ey", "Acme Co"]\n',
                    encoding="utf-8")
    line = len(acme.read_text(encoding="utf-8").splitlines())
    result = run_kb("check", "--verbose", "--project", str(project))
    assert result.returncode == 1
    at = f"content/entities/acme.yaml:{line}"
    assert [x for x in result.stdout.splitlines() if x.startswith(at)] == [
        f"{at}:15: error: short name ',' has no letter or digit: it would link punctuation all over the articles",
        f"{at}:20: warning: short name 'the' is a common lowercase word: it would link ordinary text"
        " [common-word-alias]",
        f"{at}:27: warning: short name 'M' is only 1 character: it will link every occurrence after the full name;"
        " remove it [short-alias]",
        f"{at}:32: error: short name 'x\\u202ey' contains the control character U+202E; names and aliases are one"
        " line of plain text",
    ]
