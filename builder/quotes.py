"""Direct quotations: found in article text, attributed from the words around them, merged.

Attribution only uses what the text says: a speech verb next to a named entity
("said Kevin Scott", "Fumio Kishida, Prime Minister of Japan added:", "Cook …
stating,"), or a second quote in a paragraph whose first quote is attributed. A
quote with no such words stays unattributed; it can still join a quote that another
source attributes, when its words are part of that quote.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .model import Article

SPEAKER_TYPES = ("person", "organisation")
MIN_WORDS = 4
_VERBS = (
    r"said|says|say|added|adds|stated|states|stating|noted|notes|told|tells|continued|continues|"
    r"explained|explains|reaffirmed|wrote|writes|declared|announced|commented|remarked|argued|insisted"
)
_VERB_AFTER = re.compile(rf"^[\s,.;:!?–—-]*({_VERBS})\b", re.IGNORECASE)
_VERB_BEFORE = re.compile(rf"\b({_VERBS})\b[^.!?“\"‘]*?[:,]?\s*$", re.IGNORECASE)
_QUOTE = re.compile(
    r"“(?P<a>[^”]+)(?:”|$)|\"(?P<b>[^\"]+)(?:\"|$)|(?<![A-Za-z])‘(?P<c>.+?)’(?![A-Za-z])|(?<![A-Za-z])'(?P<d>.+?)'(?![A-Za-z])"
)
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_ELLIPSIS = re.compile(r"\.\.\.+|…+")


@dataclass(frozen=True)
class QuoteSource:
    article_id: str
    anchor: str
    text: str  # the words as this source printed them
    speaker: str | None  # as this source attributes them


@dataclass
class Quote:
    text: str
    speaker: str | None
    sources: list[QuoteSource] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "q-" + hashlib.sha1(_normal(self.text).encode()).hexdigest()[:8]

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(s.article_id for s in self.sources))


@dataclass(frozen=True)
class _Found:
    block: int
    start: int
    end: int
    text: str


def find_quotes(article: Article, mentions, entity_types: dict[str, str]) -> list[Quote]:
    """Every direct quotation of at least MIN_WORDS words in the article, attributed where the text says who."""
    speakers_by_block: dict[int, list] = {}
    for mention in mentions:
        if entity_types.get(mention.entity_id) in SPEAKER_TYPES:
            speakers_by_block.setdefault(mention.block, []).append(mention)
    out: list[Quote] = []
    previous_text = ""
    previous_mentions: list = []
    for block in article.blocks:
        if block.kind != "paragraph":
            previous_text, previous_mentions = "", []
            continue
        found = _quotes_in(block)
        mentions_here = speakers_by_block.get(block.number, [])
        speaker_of_paragraph = None
        cursor = 0
        for index, quote in enumerate(found):
            next_start = found[index + 1].start if index + 1 < len(found) else len(block.text)
            speaker = _speaker_after(block.text, quote.end, next_start, mentions_here)
            if speaker is None:
                speaker = _speaker_before(block.text, cursor, quote.start, mentions_here, 0)
            if speaker is None and quote.start == 0 or (speaker is None and not block.text[:quote.start].strip()):
                speaker = _speaker_before(previous_text, 0, len(previous_text), previous_mentions, 0)
            if speaker is None and speaker_of_paragraph is not None:
                speaker = speaker_of_paragraph
            speaker_of_paragraph = speaker_of_paragraph or speaker
            cursor = quote.end
            out.append(Quote(quote.text, speaker, [QuoteSource(article.id, block.anchor or "", quote.text, speaker)]))
        previous_text, previous_mentions = block.text, mentions_here
    return out


_QUOTE_MARKS = re.compile("[“\"‘']")


def _quotes_in(block) -> list[_Found]:
    found = []
    if not _QUOTE_MARKS.search(block.text):
        return found
    for match in _QUOTE.finditer(block.text):
        group = next(g for g in ("a", "b", "c", "d") if match.group(g) is not None)
        inner = match.group(group).strip()
        if len(inner.split()) < MIN_WORDS:
            continue
        found.append(_Found(block.number, match.start(), match.end(), inner.rstrip(",")))
    return found


def _first_speaker(mentions, start: int, end: int):
    for mention in mentions:
        if start <= mention.start and mention.end <= end:
            return mention.entity_id
    return None


def _sentence_end(text: str, start: int, limit: int) -> int:
    match = re.compile(r"[.!?](\s|$)").search(text, start, limit)
    return match.end() if match else limit


def _speaker_after(text: str, start: int, limit: int, mentions) -> str | None:
    """`,” said Kevin Scott, …` or `,” Kishida said.`"""
    clause_end = _sentence_end(text, start, limit)
    clause = text[start:clause_end]
    verb = _VERB_AFTER.match(clause)
    if verb:
        return _first_speaker(mentions, start + verb.end(), clause_end)
    name_then_verb = re.match(rf"^[\s,.;:!?–—-]*(?P<name>[^,.;:!?]+?)\s+({_VERBS})\b", clause, re.IGNORECASE)
    if name_then_verb:
        return _first_speaker(mentions, start, start + name_then_verb.end("name"))
    return None


def _speaker_before(text: str, start: int, end: int, mentions, _unused: int) -> str | None:
    """`Fumio Kishida, Prime Minister of Japan added: “…` or `Cook …, stating, “…`"""
    clause = text[start:end]
    sentence_start = max(clause.rfind(". "), clause.rfind("? "), clause.rfind("! "))
    offset = start + (sentence_start + 2 if sentence_start >= 0 else 0)
    if not _VERB_BEFORE.search(text[offset:end]):
        return None
    return _first_speaker(mentions, offset, end)


# --- merging the same quote from several sources ---------------------------------------------


def _normal(text: str) -> str:
    text = text.translate(_FOLD).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _fragments(text: str) -> list[str]:
    parts = [_normal(p) for p in _ELLIPSIS.split(text.translate(_FOLD))]
    return [p for p in parts if len(p.split()) >= 3]


SHINGLE = 4  # words: a fragment is looked up by its first four words


def _shingles(normal: str) -> set[str]:
    words = normal.split()
    return {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def merge_quotes(quotes: list[Quote], articles: dict[str, Article]) -> list[Quote]:
    """One Quote per statement: a quote whose words all appear in a longer one joins it.

    Candidates are found through an index of four-word shingles, so merging stays
    near-linear in the number of quotes.
    """
    ordered = sorted(quotes, key=lambda q: (-len(_normal(q.text)), q.sources[0].article_id, q.text))
    merged: list[Quote] = []
    normals: list[str] = []
    index: dict[str, list[int]] = {}
    for quote in ordered:
        fragments = _fragments(quote.text) or [_normal(quote.text)]
        first = " ".join(max(fragments, key=len).split()[:SHINGLE])
        home = None
        for candidate in index.get(first, []):
            if all(f in normals[candidate] for f in fragments) and _speakers_agree(merged[candidate].speaker, quote.speaker):
                home = candidate
                break
        if home is None:
            merged.append(Quote(quote.text, quote.speaker, list(quote.sources)))
            normal = _normal(quote.text)
            normals.append(normal)
            for shingle in _shingles(normal):
                index.setdefault(shingle, []).append(len(merged) - 1)
            continue
        target = merged[home]
        target.sources.extend(quote.sources)
        target.speaker = target.speaker or quote.speaker
    for quote in merged:
        quote.sources.sort(key=lambda s: (_date_key(articles.get(s.article_id)), s.article_id))
    return sorted(merged, key=lambda q: (q.speaker or "~", q.sources[0].article_id, q.text))


def _speakers_agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _date_key(article) -> str:
    """Oldest source first; a source whose date is unknown after every dated one."""
    if article is None:
        return ""
    return article.date.text if article.date else "\uffff"
