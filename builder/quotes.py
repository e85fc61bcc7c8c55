"""Direct quotations: found in article text, attributed from the structure around them, merged.

Finding. A quotation is a balanced pair of marks: “…”, "…", ‘…’ or '…'. Apostrophes
(don't, Japan's, the companies' plans, '90s) are never marks. One left-to-right scan
pairs the marks (linear in the text, whatever it holds). News convention for a quote
that runs over several paragraphs is kept: a quote left open at the end of a paragraph
continues when the next paragraph opens with a quote mark; every piece keeps one speaker.
A short quoted phrase inside a sentence with no speech act (scare quotes, titles,
terms: "a so-called 'AI pioneer'") is not a quotation of anyone and is left out.

Attributing. The speaker is the subject of a speech verb (said, told, added, warned …)
in the quote's own sentence, in either order ("X said", "said X"), found after setting
aside leading phrases ("Responding to Kishida,", "According to Microsoft,"), an
apposition ("X, the chief executive of Y, said") or a relative clause ("X, who …,
said"). The audience is never the speaker: "told the BBC" is an object, not a subject.
The subject names an entity only when the whole noun phrase ends in that entity's
name ("Japanese Prime Minister Fumio Kishida", not "Kishida's office", not "a
spokesman for Microsoft", not "Human Rights" in "Human Rights Watch"); otherwise the
quote keeps the phrase as written (`speaker_text`) and no entity. A quote with no
attribution of its own inherits a speaker only when it stands alone: after an earlier
quote of the same paragraph, as the continuation of an open quote, or after a
paragraph ending "…, stating:". A pronoun subject ("he said") resolves to the speaker of
the immediately preceding quote when that quote is attributed and no other person is
named in between; otherwise the quote stays unattributed. When unsure: abstain.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

from .model import Article
from .sentences import _is_abbreviation

SPEAKER_TYPES = ("person", "organisation")
MIN_WORDS = 4  # fewer words are not listed as a quotation
SCARE_WORDS = 8  # a shorter quote with no speech act in its sentence is a phrase, not a quotation
_WINDOW = 400  # characters of a sentence read before a quote for its attribution

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_ELLIPSIS = re.compile(r"\.\.\.+|…+")


@dataclass(frozen=True)
class QuoteSource:
    article_id: str
    anchor: str
    text: str  # the words as this source printed them
    speaker: str | None  # as this source attributes them
    speaker_text: str | None = None  # the attribution as written: "a Downing Street spokesman"
    block: int = -1  # the paragraph (block number) it was printed in


@dataclass
class Quote:
    text: str
    speaker: str | None
    sources: list[QuoteSource] = field(default_factory=list)
    speaker_text: str | None = None  # who said it, as the text names them (entity or not)

    @property
    def id(self) -> str:
        return "q-" + hashlib.sha1(_normal(self.text).encode()).hexdigest()[:8]

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(s.article_id for s in self.sources))

    @property
    def printings(self) -> list[tuple[str, str, bool]]:
        """(article id, anchor of its first printing there, printed there only in part) for each
        article that printed it, in the order of article_ids: one pass over the sources."""
        anchor: dict[str, str] = {}
        printed: dict[str, int] = {}
        for s in self.sources:
            anchor.setdefault(s.article_id, s.anchor)
            printed[s.article_id] = printed.get(s.article_id, 0) + len(s.text)
        return [(a, anchor[a], printed[a] < 0.9 * len(self.text)) for a in anchor]

    @property
    def block(self) -> int:
        return self.sources[0].block if self.sources else -1


# --- finding: one pass over the marks ----------------------------------------------------------

_DOUBLE, _SINGLE = "double", "single"
_OPENERS_BEFORE = set("([{–—-/:") | {"“", "‘", '"', "'"}
_ELISIONS = ("em", "n", "til", "cause", "tis", "twas")


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _mark_role(text: str, i: int) -> tuple[str, str] | None:
    """(family, 'open' | 'close') for a quote mark at text[i], or None for an apostrophe or a stray mark."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch == "“":
        return _DOUBLE, "open"
    if ch == "”":
        return _DOUBLE, "close"
    if ch == '"':
        if (prev.isspace() or prev in _OPENERS_BEFORE) and not nxt.isspace():
            return _DOUBLE, "open"
        if not prev.isspace() and (not _word(nxt)):
            return _DOUBLE, "close"
        return None
    # single marks: ‘ ’ '
    if _word(prev) and _word(nxt):
        return None  # don't, Japan's, rock'n'roll
    if nxt.isdigit():
        return None  # '90s, ’07
    if ch in "‘'" and (prev.isspace() or prev in _OPENERS_BEFORE) and (_word(nxt) or nxt in "“\"…"):
        tail = text[i + 1 : i + 6].lower()
        if ch == "'" and any(tail.startswith(e) and not _word((tail + " ")[len(e)]) for e in _ELISIONS):
            return None  # 'em, 'n'
        return _SINGLE, "open"
    if ch in "’'" and not prev.isspace():
        if prev in "sS" and nxt == " " and i + 2 < len(text) and text[i + 2].islower():
            return None  # the companies' plans
        return _SINGLE, "close"
    return None


@dataclass
class _Piece:
    block: int
    start: int  # the opening mark
    end: int  # after the closing mark (or the paragraph's end when the quote runs on)
    open_end: bool = False  # the quote runs on into the next paragraph
    continued: bool = False  # this piece continues a quote from the previous paragraph
    family: str = _DOUBLE
    runs_on: bool = False  # an open end that the next paragraph continues

    def inner(self, text: str) -> str:
        stop = self.end if self.open_end else self.end - 1
        return text[self.start + 1 : stop].strip()


_ANY_MARK = re.compile("[“”\"‘’']")


def scan_quotes(text: str, block: int = 0) -> list[_Piece]:
    """The outermost balanced quotations of one paragraph, plus one left open at its end.

    Linear: every mark is looked at once and the stack of open marks holds at most one
    mark per family (a second opening of a family drops the unbalanced first one).
    """
    pieces: list[_Piece] = []
    stack: list[tuple[str, int]] = []
    for mark in _ANY_MARK.finditer(text):
        i = mark.start()
        role = _mark_role(text, i)
        if role is None:
            continue
        family, kind = role
        where = next((k for k, (f, _) in enumerate(stack) if f == family), None)
        if kind == "open":
            if where is not None:
                del stack[where:]  # the earlier one was never closed
            stack.append((family, i))
            continue
        if where is None:
            continue  # a closing mark with nothing open
        start = stack[where][1]
        del stack[where:]
        if not stack:
            pieces.append(_Piece(block, start, i + 1, family=family))
    if stack:
        family, start = stack[0]
        pieces.append(_Piece(block, start, len(text), open_end=True, family=family))
    return pieces


def _opens_with_quote(text: str) -> str | None:
    stripped = text.lstrip()
    if not stripped:
        return None
    role = _mark_role(stripped, 0)
    return role[0] if role and role[1] == "open" else None


# --- attributing: the subject of a speech verb ----------------------------------------------

_SPEECH = set("""
say says said saying tell tells told telling add adds added adding warn warns warned warning
argue argues argued arguing insist insists insisted insisting claim claims claimed claiming
state states stated stating note notes noted noting explain explains explained explaining
ask asks asked reply replies replied replying write writes wrote writing announce announces
announced announcing declare declares declared declaring comment comments commented remark
remarks remarked continue continues continued reaffirm reaffirms reaffirmed acknowledge
acknowledges acknowledged admit admits admitted confirm confirms confirmed stress stresses
stressed emphasise emphasised emphasises emphasize emphasized emphasizes urge urges urged
recall recalls recalled tweet tweets tweeted quip quipped concede concedes conceded respond
responds responded answer answers answered predict predicts predicted promise promises
promised suggest suggests suggested call calls called describe describes described brag brags
bragged boast boasts boasted caution cautions cautioned observe observes observed maintain
maintains maintained contend contends contended assert asserts asserted counter counters
countered complain complains complained testify testifies testified scoff scoffs scoffed deny
denies denied agree agrees agreed believe believes believed forecast forecasts estimated estimates
""".split())
_INVERTED = set("""
said says added adds asked asks replied replies wrote writes continued continues explained
explains noted notes insisted insists warned warns argued argues claimed claims stated states
declared remarked commented recalled answered responded conceded quipped admitted acknowledged
stressed emphasised emphasized tweeted bragged boasted cautioned observed maintained contended
asserted countered complained
""".split())
_PARTICIPLES = {w for w in _SPEECH if w.endswith("ing")}
_AUX = set("""
has had have will would also then later further previously earlier recently again once
subsequently reportedly publicly privately simply repeatedly just quickly has've is was
""".split())
_NOT_IN_NP = set("""
is was were are be been being has had have do does did will would could should can may might
must shall that which who whom whose when where while because if than then not but so as
after before since although though whether this these those there here what how why its
""".split()) | _SPEECH
_TIME_NOUNS = {"week", "month", "year", "night", "weekend", "monday", "tuesday", "wednesday", "thursday", "friday",
               "saturday", "sunday", "morning", "evening", "afternoon"}
_COORDINATION = {"and", "or", "&"}
_NEVER_NAMES = {"it", "this", "that", "these", "those", "there", "here", "what", "how", "why", "when", "where",
                "who", "which", "if", "but", "so", "as", "is", "was", "has", "had", "the", "a", "an"} - {"the", "a", "an"}
_BREAKS_HEAD = {"of", "for", "from", "with", "and", "or", "to", "by", "in", "on", "at", "&", "about", "against"}
_STOP_AFTER_VERB = {
    "in", "on", "at", "during", "after", "before", "while", "when", "last", "this", "yesterday",
    "today", "adding", "as", "who", "which", "that", "earlier", "later", "told", "speaking", "writing",
}
_ADVERB_SEGMENTS = {
    "however", "meanwhile", "too", "also", "though", "nonetheless", "nevertheless", "moreover",
    "in turn", "for his part", "for her part", "for its part", "for their part", "in response",
    "in a statement", "in an interview", "on tuesday", "on monday", "on wednesday", "on thursday",
    "on friday", "on saturday", "on sunday", "on the other hand", "separately", "instead",
}
_LEAD_WORDS = set("""
according in on at after before during when while as asked speaking later however meanwhile
but and yet still earlier last this separately elsewhere also instead since despite following
under for with without then now today yesterday overall nonetheless nevertheless indeed again
previously recently here back from by through upon once if although though because like unlike
amid against over of in addition told pressed questioned reached contacted interviewed
""".split())
_CONJUNCTIONS = {"but", "and", "yet", "so", "still", "however", "meanwhile", "now", "then", "also", "indeed"}
_PRONOUNS = {"he": "person", "she": "person", "it": "organisation", "they": "organisation"}
_FIRST_PERSON = {"i", "we", "you"}
_ABBREVIATION_TOKENS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "prof", "lt", "col", "sgt", "capt"}

_TOKEN = re.compile(r"[^\W_][\w'’&-]*|§+|[,;:.!?()\[\]—–]")
_MASK = "§"


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def word(self) -> bool:
        return self.text[0].isalnum()


@dataclass(frozen=True)
class Attribution:
    speaker: str | None  # an entity id, only when the subject is that entity's name
    text: str | None  # the subject as written
    pronoun: str | None = None  # "he", "she", "it", "they": to resolve from the previous quote


def _tokens(masked: str, start: int, end: int) -> list[_Tok]:
    return [_Tok(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(masked, start, end)]


def _segments(tokens: list[_Tok]) -> list[list[_Tok]]:
    """Split at commas and dashes; a parenthesis ("(CBI)") is left out, not split at."""
    out: list[list[_Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text in ("(", "["):
            depth += 1
        elif tok.text in (")", "]"):
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif tok.text in (",", "—", "–"):
            out.append([])
        else:
            out[-1].append(tok)
    return out


def _phrase(tokens: list[_Tok]) -> str:
    return " ".join(t.low for t in tokens)


def _is_lead(segment: list[_Tok]) -> bool:
    """'Responding to Kishida', 'According to Microsoft', 'On Tuesday', 'Asked about it'."""
    if not segment or not segment[0].word:
        return False
    first = segment[0].low
    if first in _LEAD_WORDS:
        return True
    return first.endswith("ing") and len(segment) >= 2 and (segment[1].text[0].islower() or segment[1].low in _BREAKS_HEAD)


def _valid_np(segment: list[_Tok]) -> bool:
    if not 1 <= len(segment) <= 12:
        return False
    if len(segment) == 1 and segment[0].low in _PRONOUNS:
        return True
    for i, tok in enumerate(segment):
        if tok.text == ".":
            if i == 0 or (segment[i - 1].low not in _ABBREVIATION_TOKENS and len(segment[i - 1].text) != 1):
                return False
            continue
        if not tok.word:
            return False
        low = tok.low
        if (tok.text[0].islower() and low in _NOT_IN_NP) or low in _NEVER_NAMES or low in _FIRST_PERSON:
            return False
        if tok.text[0].islower() and (low.endswith("ed") or low.endswith("ing")) and low not in {"red", "united"}:
            return False  # most likely a verb: the segment is a clause, not a noun phrase
    return True


class _Resolver:
    """Speaker of a noun phrase: an entity only when the phrase ends in its name."""

    def __init__(self, text: str, mentions: list):
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]

    def within(self, start: int, end: int) -> list:
        """The mentions that lie inside [start, end)."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end]

    def head_entity(self, segment: list[_Tok]) -> str | None:
        """The entity the noun phrase is about: its name ends the phrase ("Japanese Prime Minister Fumio
        Kishida"), or ends the part before a post-modifier ("Bob Bannon of Security Pacific", "analyst
        Michael Walsh at First Marathon"); never a name in a modifier ("a spokesman for Microsoft",
        "Kishida's office") and never one of two ("Nadella and Kishida")."""
        if segment and segment[-1].text == ".":
            segment = segment[:-1]
        if not segment:
            return None
        start = segment[0].start
        inside = self.within(start, segment[-1].end)

        def in_mention(tok: _Tok) -> bool:
            return any(m.start <= tok.start and tok.end <= m.end for m in inside)

        cut = next(
            (i for i, t in enumerate(segment) if t.low in _BREAKS_HEAD - _COORDINATION and not in_mention(t)), len(segment)
        )
        head = segment[:cut]
        if not head:
            return None
        for i, tok in enumerate(head[:-1]):
            if tok.low in _COORDINATION and not in_mention(tok) and head[i + 1].text[0].isupper():
                return None  # "Nadella and Kishida": two speakers, or one we cannot tell
        end = head[-1].end
        best = None
        for mention in inside:
            if mention.end == end and (best is None or mention.start < best.start):
                best = mention
        return best.entity_id if best is not None else None

    def exact_entity(self, segment: list[_Tok]) -> str | None:
        if not segment:
            return None
        start, end = segment[0].start, segment[-1].end
        for mention in self.within(start, end):
            if mention.start == start and mention.end == end:
                return mention.entity_id
        return None

    def attribution(self, segment: list[_Tok]) -> Attribution:
        start, end = segment[0].start, segment[-1].end
        if len(segment) == 1 and segment[0].low in _PRONOUNS:
            return Attribution(None, segment[0].text, segment[0].low)
        return Attribution(self.head_entity(segment), self.text[start:end])


def _strip_leads(segments: list[list[_Tok]]) -> list[list[_Tok]]:
    """Drop a leading conjunction ("But", "And") and leading phrases ("Responding to Kishida,")."""
    segments = [list(s) for s in segments]
    while True:
        if segments and segments[0] and segments[0][0].low in _CONJUNCTIONS:
            segments[0] = segments[0][1:]
        if len(segments) > 1 and (not segments[0] or _is_lead(segments[0])):
            segments = segments[1:]
            continue
        return segments


def _subject_of(region: list[_Tok], resolver: _Resolver, strip_leads: bool) -> Attribution | None:
    """The subject in the words before a speech verb, or None when they are not a subject."""
    while region and region[-1].word:
        low = region[-1].low
        if low in _AUX | {"not", "did", "does", "do", "yesterday", "today", "tonight", "quoted", "as"}:
            region = region[:-1]
        elif low in _TIME_NOUNS and len(region) > 1 and region[-2].low in ("last", "this", "next", "on", "earlier", "late"):
            region = region[:-2]
        else:
            break
    segments = _segments(region)
    if strip_leads:
        segments = _strip_leads(segments)
    segments = [s for s in segments if s and _phrase(s) not in _ADVERB_SEGMENTS]
    if not segments:
        return None
    first = segments[0]
    if len(segments) == 1:
        return resolver.attribution(first) if _valid_np(first) else None
    if segments[1][0].low in ("who", "which", "whose") and _valid_np(first):
        return resolver.attribution(first)  # "Nadella, who was on stage …, said"
    if _valid_np(first) and resolver.head_entity(first):
        return resolver.attribution(first)  # "Kishida, the Prime Minister of Japan, said"
    last = segments[-1]
    if _valid_np(last) and resolver.head_entity(last) and all(not resolver.head_entity(s) for s in segments[:-1]):
        return resolver.attribution(last)  # "Levesque, Beaubien Inc analyst Donna Pulcine told Reuters"
    if _valid_np(first) and first[0].text[0].isupper() and len(first) <= 6:
        return Attribution(None, resolver.text[first[0].start : first[-1].end])
    return None


_FINITE = {"was", "is", "has", "had", "did", "does", "will", "would", "could", "can", "made", "gave", "took",
           "spoke", "sent", "went", "said", "told"}


def _clause_subject(tokens: list[_Tok], resolver: _Resolver) -> Attribution | None:
    """The subject of a main clause: the noun phrase before its first finite verb
    ('But White House spokesman Marlin Fitzwater denied …' → Marlin Fitzwater,
    'Robert Giordano, chief economist at Goldman Sachs, scoffed …' → Robert Giordano)."""
    segments = _strip_leads(_segments(tokens))
    flat: list[_Tok] = []
    for i, segment in enumerate(segments):
        if i:
            flat.append(_Tok(",", segment[0].start if segment else 0, segment[0].start if segment else 0))
        flat += segment
    for index, tok in enumerate(flat[:30]):
        if not tok.word or not tok.text[0].islower():
            continue
        low = tok.low
        if low in _FINITE or (low.endswith("ed") and low not in {"red", "united"}) or low in _SPEECH:
            found = _subject_of(flat[:index], resolver, strip_leads=False)
            return found if found is not None and (found.speaker or found.pronoun) else None
    return None


def _recent_subject(masked: str, starts: list[int], sentence_start: int, resolver: _Resolver, back: int = 3):
    """The subject of the nearest of the `back` sentences before `sentence_start` that has one,
    with where that sentence ends; a sentence holding a quote stops the search (its attribution
    is the previous quote's, which the caller knows)."""
    index = bisect.bisect_left(starts, sentence_start)
    for _ in range(back):
        if index == 0 or index >= len(starts) or starts[index] != sentence_start:
            return None, 0
        if _MASK in masked[starts[index - 1] : sentence_start]:
            return None, 0
        found = _previous_sentence(masked, starts, sentence_start, resolver, narrative=True)
        if found is not None:
            return found, sentence_start
        index -= 1
        sentence_start = starts[index]
    return None, 0


def _previous_sentence(masked: str, starts: list[int], sentence_start: int, resolver: _Resolver, narrative: bool):
    """Who the sentence just before, in the same paragraph, has speaking (or, with `narrative`,
    acting): 'Ongpin told a businessmen's meeting.', 'Funaro said he hoped …', 'Giordano scoffed.'"""
    index = bisect.bisect_left(starts, sentence_start)
    if index == 0 or starts[index] != sentence_start:
        return None
    start, end = starts[index - 1], sentence_start
    if _MASK in masked[start:end]:
        return None  # a sentence with a quote of its own: that quote's attribution counts, not this
    tokens = _tokens(masked, max(start, end - _WINDOW), end)
    segments = _segments(tokens)
    last = [t for t in segments[-1] if t.text not in (".", "!", "?")] if segments else []
    verb = next((i for i, t in enumerate(last) if t.word and t.low in _SPEECH and t.text[0].islower()), None)
    if len(segments) > 1 and verb and _attribution_only(last[verb].low, last[verb + 1 :]):
        found = _subject_of(last[:verb], resolver, strip_leads=False)  # "…, Ongpin told a meeting."
    else:
        found = attribution_before(masked, start, end, resolver)  # "Funaro said he hoped …"
        if found is None and narrative:
            found = _clause_subject(tokens, resolver)
    if found is None or found.pronoun:
        return None
    return found


def _participle_subject(region: list[_Tok], resolver: _Resolver) -> Attribution | None:
    """'Cook expressed his optimism about China, stating,': the subject of the main clause."""
    return _clause_subject(region, resolver)


def attribution_before(masked: str, start: int, end: int, resolver: _Resolver) -> Attribution | None:
    """`Fumio Kishida, Prime Minister of Japan added: “…` or `Nadella said the region was “…`"""
    start = max(start, end - _WINDOW)
    tokens = _tokens(masked, start, end)
    according = None
    # leading phrases first: "Asked about it, Funaro said", "According to Microsoft, Kishida said"
    segments = _segments(tokens)
    skip = 0
    for segment in segments[:-1]:
        body = segment[1:] if segment and segment[0].low in _CONJUNCTIONS else segment
        if body and body[0].low == "according" and len(body) > 2 and body[1].low == "to":
            according = body[2:]
        elif not body or not _is_lead(body):
            break
        skip += len(segment) + 1
    tokens_after_leads = tokens[skip:]
    for index, tok in enumerate(tokens_after_leads):
        if not tok.word:
            continue
        low = tok.low
        if low == "according" and index + 1 < len(tokens_after_leads) and tokens_after_leads[index + 1].low == "to":
            segment = _segments(tokens_after_leads[index + 2 :])[0]
            rest = [t for t in tokens_after_leads[index + 2 + len(segment) :] if t.word]
            if rest:
                continue
            return resolver.attribution(segment) if _valid_np(segment) else None
        if low not in _SPEECH:
            continue
        if index > 0 and low in _PARTICIPLES and (
            tokens_after_leads[index - 1].text == "," or tokens_after_leads[index - 1].low == "as"
        ):  # "…, stating:", "X was quoted as saying"
            return _participle_subject(tokens_after_leads[:index], resolver)
        if index == 0:
            return None
        return _subject_of(tokens_after_leads[:index], resolver, strip_leads=True)
    if according and _valid_np(according):
        return resolver.attribution(according)  # "According to Nadella, “…”"
    return None


def attribution_after(masked: str, start: int, end: int, resolver: _Resolver, strict: bool) -> Attribution | None:
    """`,” said Kevin Scott, …`, `,” Kishida said.`, `” the Prime Minister reaffirmed …`, `,” according to X.`"""
    tokens = _tokens(masked, start, min(end, start + _WINDOW))
    if tokens and tokens[0].text == ",":
        tokens = tokens[1:]
        strict = False
    if not tokens or not tokens[0].word:
        return None
    if tokens[0].low == "according" and len(tokens) > 2 and tokens[1].low == "to":
        segment = []
        for tok in _segments(tokens[2:])[0]:
            if tok.low in _STOP_AFTER_VERB or tok.text in (".", ";", ":", "!", "?") or tok.text.startswith(_MASK):
                break
            segment.append(tok)
        return resolver.attribution(segment) if segment and _valid_np(segment) else None
    if tokens[0].low in _INVERTED:  # “…,” said Kevin Scott, Chief Technology Officer
        if strict and tokens[0].text[0].isupper():
            return None
        segments = _segments(tokens[1:])
        np: list[_Tok] = []
        for tok in segments[0] if segments else []:
            if tok.text == "." and np and (np[-1].low in _ABBREVIATION_TOKENS or len(np[-1].text) == 1):
                np.append(tok)
                continue
            if tok.low in _STOP_AFTER_VERB or tok.text in (".", ";", ":", "!", "?") or tok.text.startswith(_MASK):
                break
            np.append(tok)
        if not np or not _valid_np(np):
            return None
        found = resolver.attribution(np)
        if found.speaker is None and found.pronoun is None and len(segments) > 1:
            appositive = [t for t in segments[1] if t.text not in (".", ";")]
            entity = resolver.exact_entity(appositive)
            if entity and not np[0].text[0].isupper():
                return Attribution(entity, resolver.text[appositive[0].start : appositive[-1].end])
        return found
    for index, tok in enumerate(tokens[:16]):  # “…,” Kishida said.
        if tok.text.startswith(_MASK) or tok.text in (".", ";", ":", "!", "?"):
            return None
        if tok.word and tok.low in _SPEECH and tok.text[0].islower():
            if index == 0:
                return None
            if strict and not _attribution_only(tok.low, tokens[index + 1 :]):
                return None  # “….” Blair said the party would … : a new sentence, not an attribution
            return _subject_of(tokens[:index], resolver, strip_leads=False)
    return None


_ADJUNCT = {
    "in", "on", "at", "after", "before", "during", "while", "when", "from", "as", "adding", "yesterday", "today",
    "last", "this", "earlier", "later", "late", "recently", "afterwards", "again", "too", "also", "through", "via",
}


def _attribution_only(verb: str, tail: list[_Tok]) -> bool:
    """After 'X said' that follows a finished quoted sentence: only an adjunct may follow
    ('on Tuesday', 'in a statement'), or an audience after 'told' / 'asked'; never a clause."""
    if verb in ("told", "tells", "tell", "asked", "asks", "ask"):
        skipped = 0
        while tail and tail[0].word and tail[0].low not in _ADJUNCT and skipped < 4:
            tail, skipped = tail[1:], skipped + 1
    if not tail or tail[0].text in (",", ".", ";", "!", "?"):
        return True
    if tail[0].low not in _ADJUNCT:
        return False
    stop = next((i for i, t in enumerate(tail) if t.text in (",", ".", ";", "!", "?") or t.text.startswith(_MASK)), len(tail))
    return stop <= 6 and not any(t.low in _FINITE | {"cannot", "could", "would", "will", "should", "might", "must"} for t in tail[1:stop])


def _has_speech_act(masked: str, start: int, end: int) -> bool:
    return any(t.low in _SPEECH or t.low == "according" for t in _tokens(masked, start, end) if t.word)


def _sentence_starts(text: str, masked: str, pieces: list[_Piece]) -> list[int]:
    """Where the sentences of a paragraph start, quotes read as opaque."""
    starts = [0]
    for match in re.finditer(r"[.!?…]+(?=\s+[A-Z0-9§])", masked):
        opens_quote = masked[match.end() : match.end() + 2].lstrip()[:1] == _MASK
        if match.group(0).startswith(".") and not opens_quote and _is_abbreviation(masked[max(0, match.start() - 12) : match.start()]):
            continue
        starts.append(match.end())
    for piece in pieces:
        if piece.open_end:
            continue
        inner = text[piece.start + 1 : piece.end - 1].rstrip()
        rest = masked[piece.end : piece.end + 3]
        if inner[-1:] in ".!?…" and re.match(r"\s+[A-Z§]", rest):
            starts.append(piece.end)
    return sorted(set(starts))


# --- one article ------------------------------------------------------------------------------

_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


@dataclass
class _Said:
    speaker: str | None
    text: str | None
    block: int
    end: int


def _mask(text: str, pieces: list[_Piece]) -> str:
    parts, cursor = [], 0
    for piece in pieces:
        parts.append(text[cursor : piece.start])
        parts.append(_MASK * (piece.end - piece.start))
        cursor = piece.end
    parts.append(text[cursor:])
    return "".join(parts)


def find_quotes(article: Article, mentions, entity_types: dict[str, str]) -> list[Quote]:
    """Every direct quotation of at least MIN_WORDS words in the article, attributed where the text says who."""
    by_block: dict[int, list] = {}
    for mention in mentions:
        by_block.setdefault(mention.block, []).append(mention)
    paragraphs = [b for b in article.blocks if b.kind == "paragraph"]
    pieces = {b.number: scan_quotes(b.text, b.number) for b in paragraphs}
    genders = _genders(article, mentions)
    _join_paragraphs(article, pieces)
    out: list[Quote] = []
    last: _Said | None = None
    previous = None  # the block before, when it is a paragraph
    previous_frame = None  # its masked text, sentence starts and resolver
    for block in article.blocks:
        if block.kind != "paragraph":
            previous = previous_frame = None
            continue
        text = block.text
        found = pieces[block.number]
        masked = _mask(text, found)
        starts = _sentence_starts(text, masked, found)
        here = by_block.get(block.number, [])
        resolver = _Resolver(text, [m for m in here if entity_types.get(m.entity_id) in SPEAKER_TYPES])
        frame = (masked, starts + [len(text.rstrip())], resolver)
        before_in_block: _Said | None = None
        previous_piece: _Piece | None = None
        for piece in found:
            sentence_start = starts[bisect.bisect_right(starts, piece.start) - 1]
            after = bisect.bisect_right(starts, piece.end)
            sentence_end = starts[after] if after < len(starts) else len(text)
            inner = piece.inner(text)
            strict = inner.rstrip("”’\"' ")[-1:] in (".", "!", "?", "…")
            own = None
            introduced = masked[sentence_start : piece.start].rstrip().endswith(":")
            if introduced:  # "X told Reuters: “…”" — what follows the quote belongs to the next clause
                own = attribution_before(masked, sentence_start, piece.start, resolver)
            if own is None and not piece.open_end:
                own = attribution_after(masked, piece.end, sentence_end, resolver, strict)
            if own is None and not introduced:
                own = attribution_before(masked, sentence_start, piece.start, resolver)
            bare = not masked[sentence_start : piece.start].strip(" \t,:;—–-") and (
                piece.open_end or not masked[piece.end : sentence_end].strip(" \t.,;:!?…—–-")
            )
            said: _Said | None = None
            if own is not None and own.pronoun:
                antecedent = last
                wanted = _PRONOUNS[own.pronoun]
                subject, at = _recent_subject(masked, starts, sentence_start, resolver)
                if subject is not None and (subject.speaker is None or entity_types.get(subject.speaker) == wanted):
                    # the subject of a sentence just before is more recent than any quote
                    antecedent = _Said(subject.speaker, subject.text, block.number, at - 1)
                elif subject is None and sentence_start == 0 and previous_frame is not None:
                    p_masked, p_starts, p_resolver = previous_frame  # … or of the paragraph just before
                    subject, at = _recent_subject(p_masked, p_starts, p_starts[-1], p_resolver)
                    if subject is not None and (subject.speaker is None or entity_types.get(subject.speaker) == wanted):
                        antecedent = _Said(subject.speaker, subject.text, previous.number, max(0, at - 1))
                said = _resolve_pronoun(own.pronoun, antecedent, block, piece.start, article, by_block, entity_types)
                if said.speaker is not None and genders.get(said.speaker, own.pronoun) != own.pronoun and own.pronoun in ("he", "she"):
                    said = _Said(None, None, block.number, piece.start)  # "Mrs Tsusaka … he said": not her
            elif own is not None:
                said = _Said(own.speaker, own.text, block.number, piece.end)
            elif bare and piece.continued and last is not None:
                said = _Said(last.speaker, last.text, block.number, piece.end)
            elif before_in_block is not None and _interrupted(masked, previous_piece, piece):
                said = _Said(before_in_block.speaker, before_in_block.text, block.number, piece.end)
            elif bare and before_in_block is not None:
                said = _Said(before_in_block.speaker, before_in_block.text, block.number, piece.end)
            elif bare and piece is found[0] and sentence_start > 0:
                reported = _previous_sentence(masked, starts, sentence_start, resolver, narrative=False)
                if reported is not None:  # "…, Ongpin told a businessmen's meeting. “And this …”"
                    said = _Said(reported.speaker, reported.text, block.number, piece.end)
            elif bare and piece is found[0] and previous is not None:
                intro = _introducer(previous, pieces[previous.number], by_block, entity_types)
                if intro is not None and not intro.pronoun:
                    said = _Said(intro.speaker, intro.text, block.number, piece.end)
                elif (
                    last is not None and last.text is not None and last.block == previous.number
                    and _ends_paragraph(previous_frame, last.end) and masked.strip() == _MASK * len(text.strip())
                ):  # a paragraph that is one more quote, after a paragraph ending with X's quote
                    said = _Said(last.speaker, last.text, block.number, piece.end)
            if said is None:
                said = _Said(None, None, block.number, piece.end)
                words = len(inner.split())
                near = (max(sentence_start, piece.start - _WINDOW), min(sentence_end, piece.end + _WINDOW))
                if not bare and words < SCARE_WORDS and not _has_speech_act(masked, *near):
                    continue  # scare quotes, a title, a term: nobody is quoted
            if piece.open_end and not piece.runs_on and said.text is None:
                continue  # never closed, no paragraph continues it, nobody introduces it: not a quotation
            last = before_in_block = said
            previous_piece = piece
            text_out = inner.rstrip(",")
            if len(inner.split()) < MIN_WORDS:
                continue
            source = QuoteSource(article.id, block.anchor or "", text_out, said.speaker, said.text, block.number)
            out.append(Quote(text_out, said.speaker, [source], said.text))
        previous, previous_frame = block, frame
    return out


_GENDERED = re.compile(r"\b(?:(Mr|Sir|Lord|Mister)|(Mrs|Ms|Miss|Lady|Dame|Madam))\.?\s*$")


def _genders(article: Article, mentions) -> dict[str, str]:
    """'he' or 'she' for the people the article names with a gendered title (Mr, Mrs, Ms, Sir, Lady …);
    a person given both is left out."""
    seen: dict[str, set[str]] = {}
    for mention in mentions:
        if mention.block >= len(article.blocks):
            continue
        text = article.blocks[mention.block].text
        before = text[max(0, mention.start - 8) : mention.end]
        window = before[: len(before) - (mention.end - mention.start)]
        span = text[mention.start : mention.end]
        found = _GENDERED.search(window) or re.match(r"(?:(Mr|Sir|Lord)|(Mrs|Ms|Miss|Lady|Dame))\.?\s", span)
        if found:
            seen.setdefault(mention.entity_id, set()).add("he" if found.group(1) else "she")
    return {e: next(iter(g)) for e, g in seen.items() if len(g) == 1}


def _interrupted(masked: str, before: _Piece | None, piece: _Piece) -> bool:
    """“They like to appear conservative,” said Pulcine, “and if a major bank …”: one quotation,
    interrupted by its attribution (no sentence ends in between, and the words end in a comma)."""
    if before is None or before.open_end:
        return False
    between = masked[before.end : piece.start]
    if _MASK in between or len(between) > _WINDOW or re.search(r"[.!?;]\s", between):
        return False
    return between.rstrip().endswith((",", ":")) and bool(between.strip(" ,:"))


def _ends_paragraph(frame, position: int) -> bool:
    """Whether `position` is in the last sentence of the paragraph whose frame is given."""
    if frame is None:
        return False
    _masked, starts, _resolver = frame
    return position >= starts[-2] if len(starts) >= 2 else True


def _join_paragraphs(article: Article, pieces: dict[int, list[_Piece]]) -> None:
    """A quote left open at a paragraph's end runs on when the next paragraph opens with a quote mark."""
    blocks = article.blocks
    for index, block in enumerate(blocks):
        found = pieces.get(block.number)
        if not found or not found[-1].open_end:
            continue
        nxt = blocks[index + 1] if index + 1 < len(blocks) else None
        if nxt is None or nxt.kind != "paragraph" or not pieces.get(nxt.number):
            continue
        family = _opens_with_quote(nxt.text)
        first = pieces[nxt.number][0]
        if family == found[-1].family and first.start == len(nxt.text) - len(nxt.text.lstrip()):
            found[-1].runs_on = True
            first.continued = True


def _introducer(block, found: list[_Piece], by_block, entity_types) -> Attribution | None:
    """The speaker a paragraph ending '…, stating:' hands to a quote opening the next one."""
    text = block.text
    masked = _mask(text, found)
    trimmed = masked.rstrip()
    if not trimmed.endswith((":", ",")):
        return None
    starts = _sentence_starts(text, masked, found)
    start = starts[bisect.bisect_right(starts, len(trimmed) - 1) - 1]
    resolver = _Resolver(text, [m for m in by_block.get(block.number, []) if entity_types.get(m.entity_id) in SPEAKER_TYPES])
    return attribution_before(masked, start, len(trimmed), resolver)


def _resolve_pronoun(pronoun: str, last: _Said | None, block, position: int, article: Article, by_block, entity_types) -> _Said:
    """'he said': the speaker of the immediately preceding quote, when nothing says otherwise."""
    unresolved = _Said(None, None, block.number, position)
    if last is None or last.speaker is None or last.block < block.number - 3:
        return unresolved
    if entity_types.get(last.speaker) != _PRONOUNS[pronoun]:
        return unresolved
    # nobody else may be named between that quote's sentence and this pronoun
    for number in range(last.block, block.number + 1):
        current = article.blocks[number] if 0 <= number < len(article.blocks) else None
        if current is None or current.number != number:
            continue
        lo = 0
        if number == last.block:
            cut = re.compile(r"[.!?](\s|$)").search(current.text, last.end, last.end + _WINDOW)
            lo = cut.end() if cut else len(current.text)
        hi = position if number == block.number else len(current.text)
        if lo >= hi:
            continue
        if hi - lo > _WINDOW * 4:
            return unresolved  # too far to be sure
        mentions = by_block.get(number, [])
        starts = [m.start for m in mentions]  # sorted: the linker emits them in order
        first = bisect.bisect_left(starts, max(0, lo - 200))
        covered = []
        for mention in mentions[first:]:
            if mention.start >= hi:
                break
            covered.append((mention.start, mention.end))
            if lo <= mention.start and mention.entity_id != last.speaker and entity_types.get(mention.entity_id) == "person":
                return unresolved
        for run in _CAPITALISED_RUN.finditer(current.text, lo, hi):
            if not any(a <= run.start() < b or run.start() <= a < run.end() for a, b in covered):
                return unresolved  # an unknown name ("John Smith, a local farmer") may be who "he" is
    return _Said(last.speaker, last.text, block.number, position)


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
    # The same words by the same speaker (a syndicated story) find the same home: a candidate
    # passed over once fails for good (its words never change, and its speaker only goes from
    # unknown to known, which agrees with nobody new), so only the home itself is checked again.
    homes: dict[tuple, int] = {}
    for quote in ordered:
        fragments = _fragments(quote.text) or [_normal(quote.text)]
        key = (tuple(fragments), quote.speaker)
        home = homes.get(key)
        if home is not None and not _speakers_agree(merged[home].speaker, quote.speaker):
            home = None
        if home is None:
            first = " ".join(max(fragments, key=len).split()[:SHINGLE])
            for candidate in index.get(first, []):
                if all(f in normals[candidate] for f in fragments) and _speakers_agree(merged[candidate].speaker, quote.speaker):
                    home = candidate
                    break
        if home is None:
            merged.append(Quote(quote.text, quote.speaker, list(quote.sources), quote.speaker_text))
            normal = _normal(quote.text)
            normals.append(normal)
            shingles = _shingles(normal)
            for shingle in shingles:
                index.setdefault(shingle, []).append(len(merged) - 1)
            first = " ".join(max(fragments, key=len).split()[:SHINGLE])
            if first in shingles and all(f in normal for f in fragments):  # where the search would find it
                homes[key] = len(merged) - 1
            continue
        homes[key] = home
        target = merged[home]
        target.sources.extend(quote.sources)
        if target.speaker is None and quote.speaker is not None:
            target.speaker, target.speaker_text = quote.speaker, quote.speaker_text
        elif target.speaker_text is None and quote.speaker == target.speaker:
            target.speaker_text = quote.speaker_text
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
