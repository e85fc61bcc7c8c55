"""Alias hygiene: names in entity files that link the wrong words, found in the linked articles.

Three warnings, each at the alias's (or name's) line:col in its entity file, with the
number of mentions affected:

- a bare surname that other people in the articles share ("Blair" for Tony Blair, when
  the articles also name Cherie Blair): kb already finds a person by surname after the
  full name, so the alias only adds wrong links;
- an alias that is a common word ("Brown", "Apple" in prose): it links ordinary text;
- a name that is a fragment of a longer name ("Prime Minister Tony" in "Prime Minister
  Tony Blair"): it takes the mentions of the longer name, of another entity or not.

Runs after the link phase, over its results; one scan of every paragraph in all.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .errors import Diagnostic, Location, warning
from .link import LinkedArticle
from .mentions import MentionFinder
from .names import NOT_FIRST_NAMES, TITLES
from .validate import KnowledgeBase, common_words

_NEXT_CAPITALISED = re.compile(r" ((?:[A-Z][\w’'-]*)(?: [A-Z][\w’'-]*)*)")
_WORD_BEFORE = re.compile(r"([A-Z][\w’'-]*) $")


_PLACE_TYPES = {"place", "location", "country", "city", "region"}
_SUFFIXES = {
    "Co", "Corp", "Corporation", "Inc", "Ltd", "Plc", "PLC", "LLC", "SA", "AG", "NV", "International", "Group",
    "Holdings", "Company", "Limited", "Incorporated", "GmbH", "Bhd", "Pty",
}


def _continues_the_name(run: str, start: int, mention_starts: set[int]) -> bool:
    """Whether the capitalised words after a name make it part of a longer name ("Prime Minister
    Tony" + "Blair"), rather than a title ("World Bank President …"), a company suffix ("Nikko
    Securities Co"), another name ("Bank of England Robin Leigh-Pemberton") or "Toronto-based"."""
    first = run.split()[0].rstrip("'’s").rstrip("'’")
    if first in TITLES or first in _SUFFIXES or "-" in first or start in mention_starts:
        return False
    return True


def _examples(counter: Counter, limit: int = 3) -> str:
    return ", ".join(f"'{text}' ×{n}" for text, n in counter.most_common(limit))


def alias_warnings(kb: KnowledgeBase, linked: dict[str, LinkedArticle]) -> list[Diagnostic]:
    persons = {e.id: e for e in kb.entities.values() if e.type == "person"}
    surname_owners: dict[str, set[str]] = defaultdict(set)
    for entity in persons.values():
        words = entity.name.split()
        if len(words) >= 2:
            surname_owners[words[-1]].add(entity.id)
    # the aliases to look at, by surface form
    bare: dict[str, list[tuple[str, Location]]] = defaultdict(list)  # surname alias -> (entity, where)
    common: dict[str, list[tuple[str, Location]]] = defaultdict(list)
    for entity in kb.entities.values():
        for alias in entity.aliases:
            if alias.ambiguous:
                continue
            name = alias.name
            if entity.type == "person" and " " not in name and name[:1].isupper() and entity.name.split()[-1] == name:
                bare[name].append((entity.id, alias.location))
            if not name.islower() and not name.isupper() and " " not in name and name.lower() in common_words():
                common[name].append((entity.id, alias.location))
    watched = {name: name for name in list(bare) + list(common)}
    finder = MentionFinder(watched)
    others: dict[str, Counter] = defaultdict(Counter)  # surname -> other people's names, counted
    articles_with_others: dict[str, set[str]] = defaultdict(set)
    uses: Counter = Counter()  # surface -> occurrences in the articles
    uses_by_article: dict[str, Counter] = defaultdict(Counter)
    fragments: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (entity, surface) -> longer names
    for article_id, article in sorted(kb.articles.items()):
        result = linked.get(article_id)
        by_block = defaultdict(list)
        if result is not None:
            for mention in result.mentions:
                if not mention.nested:
                    by_block[mention.block].append(mention)
        for block in article.blocks:
            if block.kind != "paragraph":
                continue
            text = block.text
            for match in finder.find(text) if watched else []:
                surface = match.entity_id
                owners = {e for e, _ in bare.get(surface, []) + common.get(surface, [])}
                if any(text.endswith(kb.entities[o].name, 0, match.end) for o in owners):
                    continue  # part of the owner's own full name
                uses[surface] += 1
                uses_by_article[surface][article_id] += 1
                if surface in bare:
                    before = _WORD_BEFORE.search(text, max(0, match.start - 40), match.start)
                    if before and before.group(1) not in TITLES and before.group(1).lower() not in common_words() \
                            and before.group(1).lower() not in NOT_FIRST_NAMES and not before.group(1).endswith(("'s", "’s")):
                        full = f"{before.group(1)} {surface}"
                        if not any(kb.entities[o].name.endswith(full) for o in owners):
                            others[surface][full] += 1
                            articles_with_others[surface].add(article_id)
            mention_starts = {m.start for m in result.mentions if m.block == block.number} if result else set()
            for mention in by_block.get(block.number, []):
                surface = text[mention.start : mention.end]
                if " " not in surface or kb.entities[mention.entity_id].type in _PLACE_TYPES:
                    continue  # a place inside a longer name ("Port Talbot Steelworks") is still that place
                following = _NEXT_CAPITALISED.match(text, mention.end)
                if following and _continues_the_name(following.group(1), following.start(1), mention_starts):
                    fragments[(mention.entity_id, surface)][surface + " " + following.group(1)] += 1
    for surname, owners in surname_owners.items():
        if surname in bare:
            for entity_id in owners:
                if all(entity_id != e for e, _ in bare[surname]):
                    others[surname][kb.entities[entity_id].name] += 0
    out: list[Diagnostic] = []
    for surname, aliases in sorted(bare.items()):
        if not others[surname]:
            continue
        affected = sum(uses_by_article[surname][a] for a in articles_with_others[surname])
        for entity_id, where in aliases:
            out.append(warning(where, (
                f"alias '{surname}' is a bare surname that other people in the articles share"
                f" ({_examples(others[surname])}): {affected} mention(s) affected. kb finds "
                f"'{surname}' after the full name '{kb.entities[entity_id].name}' by itself; remove the alias"
            )))
    for name, aliases in sorted(common.items()):
        if not uses[name]:
            continue
        for entity_id, where in aliases:
            out.append(warning(where, (
                f"alias '{name}' is a common word: it matches {uses[name]} time(s) in the articles, ordinary text included, as"
                f" '{kb.entities[entity_id].name}'; use the full name, or a `short_names` entry"
            )))
    for (entity_id, surface), longer in sorted(fragments.items()):
        entity = kb.entities[entity_id]
        total = sum(longer.values())
        if total == 0:
            continue
        where = entity.name_location or entity.location
        for alias in entity.aliases:
            if alias.name == surface:
                where = alias.location
        out.append(warning(where, (
            f"'{surface}' is a fragment of longer names in the articles ({_examples(longer)}):"
            f" it takes {total} mention(s) from them"
        )))
    return out
