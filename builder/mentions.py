"""Finding entity names in text: one pass, longest match wins, whole words only.

An Aho-Corasick automaton over every name and alias reports all matches in one scan
of the text (time linear in its length, not one scan per alias). Matches that do not
sit on word boundaries are dropped first; overlaps are resolved after, leftmost-longest,
so a shorter valid name is never lost to a longer one that ends mid-word.
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
        if not self.names or not text:
            return []
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
        covered_to = 0
        for start, neg_length, entity_id in candidates:
            if start < covered_to:
                continue
            chosen.append(Match(start, start - neg_length, entity_id))
            covered_to = start - neg_length
        return chosen
