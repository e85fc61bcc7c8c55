"""Finding entity names in text: one pass, longest match wins, whole words only.

An Aho-Corasick automaton over every name and alias reports all matches in one scan
of the text (time linear in its length, not one scan per alias). Matches that do not
sit on word boundaries are dropped first; overlaps are resolved after, leftmost-longest,
so a shorter valid name is never lost to a longer one that ends mid-word.

A name inside a chosen longer name ("Tokyo" in "Microsoft Research Asia lab in
Tokyo") is reported separately (`find_nested`) when it stands as a name of its own
inside the longer one: not glued to further capitalised words ("Human Rights" in
"Human Rights Watch" is not a mention of anything).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import ahocorasick


@dataclass(frozen=True, order=True)
class Match:
    start: int
    end: int
    entity_id: str


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class MentionFinder:
    """Finds mentions of the names in `names` (surface form -> entity id)."""

    def __init__(self, names: dict[str, str]):
        self.names = dict(sorted(names.items()))
        self.automaton = ahocorasick.Automaton()
        for surface, entity_id in self.names.items():
            self.automaton.add_word(surface, (len(surface), entity_id))
        if self.names:
            self.automaton.make_automaton()
        digest = hashlib.sha256()
        for surface, entity_id in self.names.items():
            digest.update(f"{surface}\x00{entity_id}\x01".encode())
        self.fingerprint = digest.hexdigest()

    def find(self, text: str) -> list[Match]:
        return self.find_with_nested(text)[0]

    def find_with_nested(self, text: str) -> tuple[list[Match], list[Match]]:
        """The chosen matches (leftmost-longest), and the names standing inside them."""
        if not self.names or not text:
            return [], []
        candidates = []
        n = len(text)
        for end_index, (length, entity_id) in self.automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
                continue
            if end < n and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
                continue
            candidates.append((start, -length, entity_id))
        candidates.sort()
        chosen: list[Match] = []
        inside: list[tuple[Match, int, int, str]] = []
        covered_to = 0
        for start, neg_length, entity_id in candidates:
            end = start - neg_length
            if start < covered_to:
                container = chosen[-1]
                if end <= container.end and entity_id != container.entity_id:
                    inside.append((container, start, end, entity_id))
                continue
            chosen.append(Match(start, end, entity_id))
            covered_to = end
        nested: list[Match] = []
        nested_to: dict[Match, int] = {}
        for container, start, end, entity_id in inside:  # already leftmost-longest within each container
            if start < nested_to.get(container, 0) or not _stands_alone(text, container, start, end):
                continue
            nested.append(Match(start, end, entity_id))
            nested_to[container] = end
        return chosen, nested


def _stands_alone(text: str, container: Match, start: int, end: int) -> bool:
    """A name inside a longer one that is not glued to more capitalised words on either side."""
    before = text[container.start : start].split()
    after = text[end : container.end].split()
    if before:
        word = before[-1]
        if word[:1].isupper() and not word.endswith(("'s", "’s")):
            return False
    if after:
        word = after[0]
        if word[:1].isupper() or word[:1].isdigit():
            return False
    if text[end : end + 1] in ("'", "’") and text[end + 1 : end + 2] not in ("s", ""):
        return False
    return True
