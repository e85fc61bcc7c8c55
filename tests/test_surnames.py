"""People by surname and title after their full name, short forms of organisations, names inside
names: through the real load → validate → link phases, and counted by assemble."""

from __future__ import annotations

import pytest

from builder.assemble import assemble
from tests.newsfixture import linked

ENTITIES = {
    "tony-blair": {"name": "Tony Blair", "type": "person"},
    "cherie-blair": {"name": "Cherie Blair", "type": "person"},
    "gordon-brown": {"name": "Gordon Brown", "type": "person"},
    "wes-brown": {"name": "Wes Brown", "type": "person"},
    "george-bush": {"name": "George Bush", "type": "person"},
    "michael-howard": {"name": "Michael Howard", "type": "person", "aliases": ["Howard"]},
    "european-commission": {"name": "European Commission", "type": "organisation", "short_names": ["Commission"]},
    "icc": {"name": "International Criminal Court", "type": "organisation", "short_names": ["Court"]},
    "ecj": {"name": "European Court of Justice", "type": "organisation", "short_names": ["Court"]},
    "microsoft-research-asia": {"name": "Microsoft Research Asia", "type": "organisation"},
    "msra-tokyo": {"name": "Microsoft Research Asia lab in Tokyo", "type": "place"},
    "tokyo": {"name": "Tokyo", "type": "place"},
    "human-rights": {"name": "Human Rights", "type": "organisation"},
    "human-rights-watch": {"name": "Human Rights Watch", "type": "organisation"},
}
ARTICLES = {
    "titles": "Mr Blair arrived late. Tony Blair said the plan was sound.\n\n"
    "Later Mr Blair and Prime Minister Blair met President Bush. Blair's office agreed, and Blair left.",
    "bush": "George Bush spoke at Blair House. President Bush said he was ready. Yesterday Bush left for Texas.",
    "unknown-namesake": "Tony Blair arrived with Euan Blair. Mr Blair spoke first.",
    "kb-namesake": "Tony Blair arrived with Cherie Blair. Mr Blair spoke first, then Blair left.",
    "one-of-two-in-kb": "Gordon Brown spoke. Mr Brown then left the room.",
    "two-in-kb": "Gordon Brown met Wes Brown at the stadium. Mr Brown spoke first.",
    "mr-and-mrs": "Gordon Brown spoke. Mr Brown then left, and Mrs Brown stayed.",
    "never-named-in-full": "Mr Blair spoke. Blair then left.",
    "quote-by-surname": "Tony Blair visited the school.\n\n“Education is still my first priority,” Mr Blair said.",
    "one-word-alias-in-other-name": "Michael Howard met Jane Howard. Howard said little.",
    "short-names": "The Commission met first. The European Commission said it would act. The Commission will vote.",
    "short-name-shared": "The International Criminal Court and the European Court of Justice ruled. The Court said no.",
    "short-name-one": "The International Criminal Court ruled. The Court said no.",
    "nested": "Microsoft opened a new Microsoft Research Asia lab in Tokyo on Tuesday.",
    "not-nested": "Human Rights Watch criticised the plan.",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return linked(tmp_path_factory.mktemp("surnames"), ENTITIES, ARTICLES)


def mentions(result, article_id, nested=None):
    blocks = result.kb.articles[article_id].blocks
    return [
        (blocks[m.block].text[m.start : m.end], m.entity_id)
        for m in result.linked[article_id].mentions
        if nested is None or m.nested == nested
    ]


@pytest.mark.parametrize(
    "article_id, expected",
    [
        ("titles", [("Tony Blair", "tony-blair"), ("Mr Blair", "tony-blair"), ("Prime Minister Blair", "tony-blair"),
                    ("Blair", "tony-blair"), ("Blair", "tony-blair")]),
        ("bush", [("George Bush", "george-bush"), ("President Bush", "george-bush"), ("Bush", "george-bush")]),
        ("unknown-namesake", [("Tony Blair", "tony-blair")]),
        ("kb-namesake", [("Tony Blair", "tony-blair"), ("Cherie Blair", "cherie-blair")]),
        ("one-of-two-in-kb", [("Gordon Brown", "gordon-brown"), ("Mr Brown", "gordon-brown")]),
        ("two-in-kb", [("Gordon Brown", "gordon-brown"), ("Wes Brown", "wes-brown")]),
        ("mr-and-mrs", [("Gordon Brown", "gordon-brown")]),
        ("never-named-in-full", []),
        ("one-word-alias-in-other-name", [("Michael Howard", "michael-howard"), ("Howard", "michael-howard")]),
        ("short-names", [("European Commission", "european-commission"), ("Commission", "european-commission")]),
        ("short-name-shared", [("International Criminal Court", "icc"), ("European Court of Justice", "ecj")]),
        ("short-name-one", [("International Criminal Court", "icc"), ("Court", "icc")]),
        ("not-nested", [("Human Rights Watch", "human-rights-watch")]),
    ],
)
def test_mentions(result, article_id, expected):
    assert mentions(result, article_id) == expected


def test_a_quote_attributed_by_title_and_surname(result):
    [quote] = result.linked["quote-by-surname"].quotes
    assert (quote.speaker, quote.speaker_text) == ("tony-blair", "Mr Blair")


def test_surname_mentions_are_linked_once_per_paragraph(result):
    spans = result.linked["titles"].spans
    assert [s.href for s in spans[0]] == ["tony-blair"]  # the full name carries the paragraph's link
    assert [(s.start, s.href) for s in spans[1]] == [(6, "tony-blair")]  # "Mr Blair", first in its paragraph


def test_names_inside_names_count_but_the_link_stays_on_the_longer_name(result):
    assert mentions(result, "nested", nested=False) == [("Microsoft Research Asia lab in Tokyo", "msra-tokyo")]
    assert mentions(result, "nested", nested=True) == [
        ("Microsoft Research Asia", "microsoft-research-asia"), ("Tokyo", "tokyo"),
    ]
    assert [s.href for s in result.linked["nested"].spans[0]] == ["msra-tokyo"]


def test_counts_sources_related_and_article_entities(result):
    graph = assemble(result.kb, result.linked)
    tokyo = graph.entities["tokyo"]
    assert tokyo.mention_count == 1 and tokyo.mentioned_in == {"nested"}
    [entry] = tokyo.sources
    [snippet] = entry.snippets
    assert ("Tokyo", "tokyo") in [(snippet.text[a:b], e) for a, b, e in snippet.mentions]
    assert dict(tokyo.related)["msra-tokyo"] == 1
    assert "tokyo" in {e for ids in graph.articles["nested"].entities_by_type.values() for e in ids}
    assert graph.entities["tony-blair"].mention_count == 5 + 1 + 1 + 2  # titles, both namesakes (full name only), quote-by-surname
    assert graph.entities["human-rights"].mention_count == 0
