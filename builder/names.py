"""People and organisations the way news writes them, within one article.

Once a person is named in full ("Tony Blair"), later "Blair", "Mr Blair", "Lord Blair"
or "Prime Minister Blair" refer to them, unless another person in the same article
shares the surname: another entity ("Cherie Blair" in the knowledge base), an unknown
capitalised name ("Cherie Blair" in the text only), or the same surname under both a
man's and a woman's title ("Mr Blair" and "Mrs Blair"). Then the article is left alone
for that surname. Organisations get the same treatment for the `short_names` their
entity file declares: a short form links only after the full name (or an alias)
appeared in the article, and only when one entity declaring it did.

Pure functions over the matches the linker already found; no second pass per name.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from .mentions import MentionFinder
from .validate import KnowledgeBase, common_words

TITLES = set("""
Mr Mrs Ms Miss Mx Dr Sir Lord Lady Dame Baroness Baron Prof Professor President Prime Minister
Chancellor Senator Sen Rep Representative Congressman Congresswoman Governor Gov Secretary Judge
Justice General Gen Colonel Col Captain Capt Lieutenant Lt Sergeant Sgt Major Admiral King Queen
Prince Princess Pope Cardinal Bishop Archbishop Rev Reverend Father Mayor Premier Chairman Chairwoman
Chair Chief Executive Leader Speaker Ambassador Commissioner Inspector Detective Officer Coach Deputy
Vice Foreign Home Finance Defence Defense Health Trade Interior Justice State Attorney Shadow CEO CFO
CTO COO MP MEP MSP Councillor Mme Mlle Herr Frau Sheikh Emir Crown Spokesman Spokeswoman Spokesperson
Analyst Economist Strategist Trader Dealer Director Manager Official Counsel Adviser Advisor Treasurer
Editor Executive Partner Delegate Negotiator Lawyer Banker Broker Consultant Founder Owner Head Envoy
Aide Assistant Superintendent Marshal Sheriff Chancellor Comptroller Auditor Registrar Undersecretary
""".split())
MALE_TITLES = {"Mr", "Sir", "Lord", "King", "Prince", "Baron", "Father", "Herr", "Congressman"}
FEMALE_TITLES = {"Mrs", "Ms", "Miss", "Lady", "Dame", "Queen", "Princess", "Baroness", "Mme", "Mlle", "Frau", "Congresswoman"}
NOT_FIRST_NAMES = set("""
yesterday today tomorrow meanwhile earlier later then now separately also still even however
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
""".split())
_WORD_BEFORE = re.compile(r"([A-Z][\w’'-]*\.?)\s+$")
_WORD_AFTER = re.compile(r"^\s+([A-Z][\w’'-]*)")


@dataclass(frozen=True)
class Found:
    block: int
    start: int
    end: int
    entity_id: str


class NameTable:
    """Surnames of the people in the knowledge base, and the short forms organisations declare."""

    def __init__(self, kb: KnowledgeBase):
        surnames: dict[str, list[str]] = {}
        short: dict[str, list[str]] = {}
        for entity_id, entity in sorted(kb.entities.items()):
            if entity.type == "person":
                words = entity.name.split()
                if len(words) >= 2 and words[-1][:1].isupper() and words[-1].replace("-", "").replace("'", "").isalpha():
                    surnames.setdefault(words[-1], []).append(entity_id)
                if len(words) >= 3 and all(w[:1].isupper() and w.isalpha() and len(w) > 2 for w in words[-2:]):
                    surnames.setdefault(" ".join(words[-2:]), []).append(entity_id)  # "Martinez Cuenca"
            for alias in getattr(entity, "short_names", []) or []:
                short.setdefault(alias.name, []).append(entity_id)
        self.surnames = {k: tuple(v) for k, v in surnames.items()}
        self.short_names = {k: tuple(v) for k, v in short.items()}
        forms = {name: name for name in list(self.surnames) + list(self.short_names)}
        self.finder = MentionFinder(forms)
        digest = hashlib.sha256(repr((sorted(self.surnames.items()), sorted(self.short_names.items()))).encode())
        self.fingerprint = digest.hexdigest()
        self.names = {e.id: e for e in kb.entities.values()}
        self.types = {e.id: e.type for e in kb.entities.values()}



def _title_start(text: str, start: int) -> tuple[int, str | None, bool]:
    """Where a run of titles before `start` begins; the gender its first title implies, if any;
    and whether the word before is a capitalised non-title (another first name)."""
    cursor, gender = start, None
    while True:
        window = max(0, cursor - 40)
        match = _WORD_BEFORE.search(text, window, cursor)
        if not match:
            return cursor, gender, False
        word = match.group(1).rstrip(".")
        if match.group(1).endswith(".") and word not in TITLES and len(word) > 1:
            return cursor, gender, False  # the end of the sentence before
        if word in TITLES:
            cursor = match.start(1)
            if word in MALE_TITLES:
                gender = "m"
            elif word in FEMALE_TITLES:
                gender = "f"
            continue
        if cursor != start:
            return cursor, gender, False
        low = word.lower()
        if word.endswith(("'s", "’s", "'", "’")) or low in common_words() or low in NOT_FIRST_NAMES:
            return cursor, gender, False
        return cursor, gender, True


def glued(text: str, start: int, end: int) -> bool:
    """A single-word name glued to another capitalised word: "Cherie Blair", "Blair House"."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before and before.end() == start and not (before.group(1).endswith(".") and len(before.group(1)) > 2):
        word = before.group(1).rstrip(".")
        low = word.lower()
        if word not in TITLES and not word.endswith(("'s", "’s", "'", "’")) and low not in common_words() and low not in NOT_FIRST_NAMES:
            return True
    after = _WORD_AFTER.match(text[end : end + 40])
    return bool(after)


def later_mentions(table: NameTable, paragraphs: list[tuple[int, str]], mentions: list) -> list[Found]:
    # mentions: objects with entity_id, block, start, end (the linker's, nested ones included)
    """Surname and short-name mentions of one article, given its paragraphs and the mentions found."""
    if not table.surnames and not table.short_names:
        return []
    entity_type = table.types
    texts = dict(paragraphs)
    introduced: dict[str, tuple[int, int]] = {}  # entity -> where it was first named in full
    for mention in sorted(mentions, key=lambda m: (m.block, m.start)):
        eid = mention.entity_id
        if eid in introduced:
            continue
        if entity_type.get(eid) == "person":
            if len(texts.get(mention.block, "")[mention.start : mention.end].split()) >= 2:
                introduced[eid] = (mention.block, mention.end)
        else:
            introduced[eid] = (mention.block, mention.end)
    spans_by_block: dict[int, list[tuple[int, int]]] = {}
    for mention in mentions:
        spans_by_block.setdefault(mention.block, []).append((mention.start, mention.end))
    occurrences: list[tuple[str, int, int, int]] = []  # (form, block, start, end)
    conflicts: set[str] = set()
    genders: dict[str, set[str]] = {}
    for number, text in paragraphs:
        taken = sorted(spans_by_block.get(number, []))
        starts = [a for a, _ in taken]
        reach, furthest = [], 0  # reach[i]: the furthest end among the first i + 1 spans
        for _, b in taken:
            furthest = max(furthest, b)
            reach.append(furthest)
        for match in table.finder.find(text):
            form = match.entity_id
            before = bisect.bisect_left(starts, match.end)  # spans starting before the match ends
            if before and reach[before - 1] > match.start:
                continue
            if form in table.surnames:
                start, gender, other_person = _title_start(text, match.start)
                if other_person:
                    conflicts.add(form)  # "Cherie Blair": someone else with this surname
                    continue
                if _WORD_AFTER.match(text[match.end : match.end + 40]):
                    continue  # "Blair House"
                if gender:
                    genders.setdefault(form, set()).add(gender)
                occurrences.append((form, number, start, match.end))
            else:
                if glued(text, match.start, match.end):
                    continue
                occurrences.append((form, number, match.start, match.end))
    out: list[Found] = []
    for form, number, start, end in occurrences:
        if form in table.surnames:
            if form in conflicts or len(genders.get(form, ())) > 1:
                continue
            owners = [e for e in table.surnames[form] if e in introduced]
        else:
            owners = [e for e in table.short_names[form] if e in introduced]
        if len(owners) != 1:
            continue  # nobody named in full, or two people sharing the name: abstain
        owner = owners[0]
        if introduced[owner] > (number, start):
            continue  # before the full name: not yet known who it is
        out.append(Found(number, start, end, owner))
    return out
