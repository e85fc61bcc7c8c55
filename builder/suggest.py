"""`kb suggest`: what the entity list is missing, read from the text the link phase left unlinked.

A room at the edge: it takes what `check` produced (the knowledge base and every mention)
and returns data; the CLI prints it. Three findings, each ranked by how many articles
would gain a link:

- names that recur in the text but no entity covers: runs of capitalised words (with
  "of", "for", "&"… inside), acronyms with their expansion, names after a title such as
  "Prime Minister"; sentence-initial words, headline text, line-ups, boilerplate, day and
  month names, demonyms and words the corpus also writes in lower case are not names;
- aliases the existing entities lack: an acronym written next to the full name, a short
  form (a surname, the first word of a company's name) used after the full name;
- entities no article mentions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .link import LinkedArticle
from .model import MONTHS
from .validate import KnowledgeBase, common_words

MIN_MENTIONS = 2  # a name written once is not recurring
EXAMPLES = 2
MAX_EXAMPLE = 140  # characters of an example sentence

DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
MONTH_NAMES = set(MONTHS) | {"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"}
CONNECTORS = {"of", "for", "on", "and", "&", "de", "du", "der", "von", "van", "la", "le", "da", "the"}
TITLES = {
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady", "President",
    "Prime", "Minister", "Chancellor", "Secretary", "Chairman", "Chairwoman", "Chair", "Chief", "Executive",
    "Officer", "CEO", "Senator", "Sen", "Rep", "Governor", "Gov", "Mayor", "King", "Queen", "Prince",
    "Princess", "Pope", "General", "Gen", "Judge", "Justice", "Coach", "Captain", "Vice", "Deputy",
    "Foreign", "Finance", "Defence", "Defense", "Home", "Director", "Manager", "Head", "Spokesman",
    "Spokeswoman", "Spokesperson", "Rev", "Reverend", "Ambassador", "Commissioner", "Premier", "Emperor",
    "Sheikh", "Founder", "Co-founder", "Analyst", "Economist", "Striker", "Midfielder", "Defender",
    "Goalkeeper", "Manager", "Boss", "Leader", "Opposition", "Shadow", "Former", "Acting", "Interim",
    "Senior", "Technology", "Operating", "Financial", "Information", "Marketing",
}
ROLE_ENDINGS = {
    "Officer", "President", "Minister", "Secretary", "Chairman", "Chairwoman", "Director", "Executive",
    "Manager", "Chancellor", "Governor", "Mayor", "Spokesman", "Spokeswoman", "Spokesperson", "Leader",
    "Chief", "Head", "Founder", "Ambassador", "Commissioner",
}
PERSON_TITLES = {
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady", "President",
    "Minister", "Chancellor", "Secretary", "Senator", "Sen", "Rep", "Governor", "Gov", "Mayor", "King",
    "Queen", "Prince", "Princess", "Pope", "Judge", "Justice", "Coach", "Captain", "Ambassador", "CEO",
    "Chairman", "Chairwoman", "Premier", "Emperor", "Sheikh", "Striker", "Midfielder", "Defender",
    "Goalkeeper", "Manager", "Boss", "Director", "Officer",
}
BOILERPLATE = {
    "Photo", "Photograph", "Photographs", "Picture", "Pictures", "Image", "Images", "Getty", "File", "Video",
    "Advertisement", "Subs", "Sub", "Substitutes", "Used", "Sign", "Subscribe", "Click", "Read", "Share",
    "Copyright", "Related", "Editing", "Reporting", "Writing", "Additional", "Caption", "Credit", "Newsletter",
    "Follow", "Comments", "Comment", "Email", "Print", "Updated", "Published", "Source", "Sources", "Booked",
    "Att", "Ref", "Referee",
}
DEMONYMS = {
    "German", "American", "Korean", "Dutch", "French", "Greek", "Thai", "Swiss", "European", "African",
    "Mexican", "Cuban", "Iraqi", "Israeli", "Pakistani", "Saudi", "Kuwaiti", "Yemeni", "Nepali", "Welsh",
    "Scots", "Asian", "Arab", "Latin", "Western", "Eastern", "Northern", "Southern", "Republican", "Democrat",
    "Democratic", "Conservative", "Labour", "Liberal", "Muslim", "Christian", "Jewish", "Catholic", "Big",
    "Bn", "Mln", "Pct",
}
SENTENCE_OPENERS = {
    "The", "A", "An", "This", "That", "These", "Those", "Its", "It", "His", "Her", "Their", "Our", "Other",
    "Meanwhile", "According", "Following", "Amidst", "Amid", "Moreover", "However", "Similarly", "Earlier",
    "Later", "Last", "Next", "Under", "With", "After", "Before", "While", "When", "Nearby", "Reports",
    "Launched", "Collaborating", "Investments", "Just", "Also", "But", "And", "Or", "In", "On", "At", "For",
    "From", "By", "As", "If", "So", "Yet", "Still", "Then", "Now", "Here", "There", "We", "I", "He", "She",
    "They", "You", "Some", "Many", "Most", "All", "Both", "Each", "Every", "Several", "Such", "Since",
    "Despite", "Although", "Though", "Because", "Over", "Through", "During", "Among", "Between",
    "Analysts", "Officials", "Shares", "Sales", "Investors", "Experts", "Critics", "Asked",
}
ORG_ENDINGS = {
    "Inc": "organisation", "Ltd": "organisation", "Corp": "organisation", "Corporation": "organisation",
    "Co": "organisation", "Company": "organisation", "Group": "organisation", "Holdings": "organisation",
    "plc": "organisation", "PLC": "organisation", "LLC": "organisation", "AG": "organisation", "SA": "organisation",
    "GmbH": "organisation", "Technology": "organisation", "Technologies": "organisation", "Bank": "organisation",
    "Partners": "organisation", "Systems": "organisation", "Motors": "organisation", "Airlines": "organisation",
    "Airways": "organisation", "Agency": "organisation", "Commission": "organisation", "Council": "organisation",
    "Secretariat": "organisation", "Party": "organisation", "Association": "organisation",
    "Foundation": "organisation", "Committee": "organisation", "Institute": "organisation",
    "Federation": "organisation", "Union": "organisation", "Board": "organisation", "Authority": "organisation",
    "Research": "organisation", "Times": "organisation", "Post": "organisation", "News": "organisation",
    "Semiconductor": "organisation", "Semiconductors": "organisation", "Energy": "organisation",
    "Pharma": "organisation", "Pharmaceuticals": "organisation", "Capital": "organisation",
    "Logistics": "organisation", "Networks": "organisation", "Telecom": "organisation",
    "Industries": "organisation", "Electric": "organisation", "Foods": "organisation", "Media": "organisation",
    "Robotics": "organisation", "Software": "organisation", "Solutions": "organisation", "Ventures": "organisation",
    "Investments": "organisation", "Insurance": "organisation", "Securities": "organisation",
    "Steel": "organisation", "Mining": "organisation", "Chemicals": "organisation", "Shipping": "organisation",
    "Healthcare": "organisation", "Biotech": "organisation", "Therapeutics": "organisation",
    "Electronics": "organisation", "Automotive": "organisation", "Aerospace": "organisation",
    "Dynamics": "organisation", "Analytics": "organisation", "Petroleum": "organisation", "Airline": "organisation",
    "Club": "organisation", "Service": "organisation", "Services": "organisation", "Office": "organisation",
    "Ministry": "organisation", "Police": "organisation", "Army": "organisation", "Court": "organisation", "United": "organisation", "Rovers": "organisation", "City": "organisation",
    "Lab": "facility", "Laboratory": "facility", "Labs": "facility", "Centre": "facility", "Center": "facility",
    "Hub": "facility", "Store": "facility", "Airport": "facility", "Stadium": "facility", "Hospital": "facility",
    "Factory": "facility", "Plant": "facility", "Port": "facility", "Island": "place", "Zone": "place",
    "Forum": "event", "Summit": "event", "Conference": "event", "Tour": "event", "Games": "event",
    "Olympics": "event", "Cup": "event", "Election": "event", "Championship": "event", "Open": "event",
    "Challenge": "programme", "Programme": "programme", "Program": "programme", "Strategy": "programme",
    "Initiative": "programme", "Act": "programme", "Plan": "programme", "Fund": "organisation",
    "Street": "place", "Avenue": "place", "Road": "place", "Square": "place", "River": "place", "Sea": "place",
    "Ocean": "place", "Islands": "place", "Valley": "place", "Mountains": "place", "Bay": "place",
    "Farm": "facility", "Station": "facility", "Mine": "facility", "Terminal": "facility", "Park": "facility",
    "Campus": "facility", "Refinery": "facility", "Dam": "facility", "Pipeline": "facility", "Mill": "facility",
    "House": "facility", "Palace": "facility", "Hall": "facility", "Church": "facility", "Bridge": "facility",
    "Province": "place", "State": "place", "County": "place", "Gulf": "place", "Strait": "place",
}
ORG_STARTS = {
    "Ministry": "organisation", "Department": "organisation", "University": "organisation",
    "Bank": "organisation", "Office": "organisation", "Government": "organisation", "Institute": "organisation",
    "Commission": "organisation", "Council": "organisation", "Federal": "organisation", "National": "organisation",
    "Royal": "organisation", "Partnership": "organisation", "United": "organisation", "Lake": "place",
    "Mount": "place", "Port": "place", "Gulf": "place", "Bay": "place", "Republic": "place", "Kingdom": "place",
}
PLACE_BEFORE = {"in", "near", "across", "throughout", "outside", "inside"}
SAID = re.compile(r"^\W{0,3}(said|says|told|added|wrote|stated|explained)\b|^,\s+who\b")
SAID_BEFORE = re.compile(r"\b(said|says|according to|told by)\s*$")
TYPE_WORDS = {  # what a guessed type may be called in a project's kb.yml
    "organisation": ("organisation", "organization", "org", "company", "institution"),
    "person": ("person", "people", "individual"),
    "place": ("place", "location", "country", "city", "region"),
    "facility": ("facility", "site", "building"),
    "programme": ("programme", "program", "initiative", "project", "product"),
    "event": ("event",),
}

DATELINE = re.compile(
    r"^[A-Z][A-Z.'\- ]+(?:/[A-Z][A-Za-z.'\- ]+)?,?(?: [A-Z][a-z]{2,8}\.? \d{1,2})?,?\s*(?:\([A-Za-z .]+\))?\s*[-–—]+\s"
)
_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]+&[A-Z]+|[A-Za-z0-9][A-Za-z0-9'’\-]*|&")
# Acronyms of ordinary English (a concept, a job, a quarter), not names of anything.
COMMON_ACRONYMS = {
    "AI", "R&D", "M&A", "IPO", "IPOs", "GDP", "GNP", "CEO", "CFO", "COO", "CTO", "IT", "PR", "HR", "TV", "PC",
    "GPU", "CPU", "API", "ETF", "VAT", "LNG", "EV", "EVs", "5G", "IoT", "ESG", "PhD", "Q1", "Q2", "Q3", "Q4",
    "OK", "AM", "PM", "FY", "DNA", "SUV", "SUVs", "LED", "CO2", "UFO", "ATM", "PIN", "VIP", "FAQ", "DIY",
}
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]*[A-Z][a-z]?$|^[A-Z]{2,}$")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass
class Example:
    article_id: str
    anchor: str
    sentence: str


@dataclass
class Candidate:
    name: str
    mentions: int = 0
    articles: set[str] = field(default_factory=set)
    aliases: Counter = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)
    evidence: Counter = field(default_factory=Counter)  # (type, reason) -> weight
    mid_sentence: int = 0  # mentions not at the start of a sentence
    type: str = ""
    reason: str = ""

    def to_json(self) -> dict:
        return {
            "name": self.name, "type": self.type, "reason": self.reason, "mentions": self.mentions,
            "articles": len(self.articles), "aliases": sorted(self.aliases),
            "examples": [e.__dict__ for e in self.examples],
        }


@dataclass
class AliasSuggestion:
    entity_id: str
    entity_name: str
    alias: str
    reason: str
    mentions: int = 0
    articles: set[str] = field(default_factory=set)
    examples: list[Example] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "entity": self.entity_id, "entity_name": self.entity_name, "alias": self.alias, "reason": self.reason,
            "mentions": self.mentions, "articles": len(self.articles), "examples": [e.__dict__ for e in self.examples],
        }


@dataclass
class Suggestions:
    entities: list[Candidate]
    aliases: list[AliasSuggestion]
    unmentioned: list[tuple[str, str]]  # (entity id, name)

    def to_json(self) -> dict:
        return {
            "entities": [c.to_json() for c in self.entities],
            "aliases": [a.to_json() for a in self.aliases],
            "unmentioned": [{"id": i, "name": n} for i, n in self.unmentioned],
        }


@dataclass
class _Run:
    """A name found in a sentence: its words, where it starts and what surrounds it."""

    words: list[str]
    start: int
    end: int
    sentence_start: bool
    title: str  # a person's title that preceded it, if any
    before: str  # text before it in the sentence
    after: str  # text after it in the sentence


def suggest(kb: KnowledgeBase, linked: dict[str, LinkedArticle], on_article=None) -> Suggestions:
    """Every suggestion for this knowledge base; `on_article` is called once per article read."""
    lower_words = _lowercase_vocabulary(kb)
    common = common_words()
    candidates: dict[str, Candidate] = {}
    found: list[tuple[str, str, _Run, Example, set[str]]] = []  # (key, article, run, example, entities before)
    acronym_expansions: dict[str, str] = {}  # "GENIAC" -> "Generative AI Accelerator Challenge"
    lowercase_acronyms: set[str] = set()  # "AI" in "artificial intelligence (AI)": a common noun
    alias_hits: dict[tuple[str, str], AliasSuggestion] = {}
    names_of = {e.id: e for e in kb.entities.values()}
    for article_id, article in sorted(kb.articles.items()):
        la = linked.get(article_id)
        mentions_by_block: dict[int, list] = defaultdict(list)
        for m in la.mentions if la else []:
            mentions_by_block[m.block].append(m)
        seen_entities: set[str] = set()
        for block in article.blocks:
            if block.kind != "paragraph" or _is_lineup(block.text):
                for m in mentions_by_block.get(block.number, []):
                    seen_entities.add(m.entity_id)
                continue
            covered = sorted((m.start, m.end, m.entity_id) for m in mentions_by_block.get(block.number, []))
            dateline = DATELINE.match(block.text) if block.number <= 2 else None
            if dateline:  # "TOKYO, March 3 (Reuters) -" is not a name
                covered.insert(0, (0, dateline.end(), ""))
            for s_start, s_end in block.sentences:
                sentence = block.text[s_start:s_end]
                here = [(a - s_start, b - s_start, e) for a, b, e in covered if s_start <= a < s_end]
                anchor = block.anchor or ""
                _acronyms(sentence, here, acronym_expansions, lowercase_acronyms, alias_hits, names_of,
                          article_id, anchor)
                for run in _runs(sentence, here):
                    before_entities = seen_entities | {e for a, _b, e in here if a < run.start}
                    example = Example(article_id, anchor, _window(sentence, run.start, run.end))
                    found.append((" ".join(run.words), article_id, run, example, before_entities))
                for _a, _b, e in here:
                    if e:
                        seen_entities.add(e)
        if on_article:
            on_article()

    # Short forms of existing entities ("Nadella" after "Satya Nadella") and acronyms defined next
    # to an entity's name ("Financial Services Agency (FSA)") become alias suggestions.
    defined = {alias: entity_id for (entity_id, alias), hit in alias_hits.items()}
    rest = []
    for key, article_id, run, example, before in found:
        owner = names_of[defined[key]] if key in defined else _short_form_of(run.words, before, names_of)
        if owner:
            hit = alias_hits.setdefault(
                (owner.id, key), AliasSuggestion(owner.id, owner.name, key, "a short form used after the full name")
            )
            _count(hit, article_id, example)
        else:
            rest.append((key, article_id, run, example))

    spellings: dict[str, Counter] = defaultdict(Counter)
    for key, article_id, run, example in rest:
        if key in lowercase_acronyms:
            continue
        spellings[_variant_key(key)][key] += 1
        key = _variant_key(key)
        cand = candidates.setdefault(key, Candidate(key))
        cand.mentions += 1
        cand.mid_sentence += not run.sentence_start
        cand.articles.add(article_id)
        if len(cand.examples) < EXAMPLES and all(e.article_id != article_id for e in cand.examples):
            cand.examples.append(example)
        for evidence in _evidence(run):
            cand.evidence[evidence] += 1

    for key, forms in spellings.items():  # "Asia-Pacific" and "Asia Pacific": one name, the commoner spelling
        cand = candidates[key]
        cand.name = max(sorted(forms), key=lambda f: forms[f])
        for form in forms:
            if form != cand.name:
                cand.aliases[form] += forms[form]
    candidates = {c.name: c for c in candidates.values()}
    _fold_acronyms(candidates, acronym_expansions)
    _fold_short_forms(candidates)
    kept = []
    for cand in candidates.values():
        if not _is_name(cand, lower_words, common):
            continue
        if cand.mentions < MIN_MENTIONS and not _strong(cand):
            continue
        cand.type, cand.reason = _guess_type(cand, kb)
        kept.append(cand)
    kept.sort(key=lambda c: (-len(c.articles), -c.mentions, c.name.lower()))
    aliases = sorted(
        (a for a in alias_hits.values() if a.alias not in kb.link_names),
        key=lambda a: (-len(a.articles), -a.mentions, a.entity_id, a.alias),
    )
    return Suggestions(kept, aliases, _unmentioned(kb, linked))


def _variant_key(name: str) -> str:
    return name.replace("-", " ").replace(" & ", " and ")


def _count(hit: AliasSuggestion, article_id: str, example: Example) -> None:
    hit.mentions += 1
    hit.articles.add(article_id)
    if len(hit.examples) < EXAMPLES and all(e.article_id != article_id for e in hit.examples):
        hit.examples.append(example)


def _window(sentence: str, start: int, end: int) -> str:
    """The sentence, or MAX_EXAMPLE characters of it around the name, on word boundaries."""
    if len(sentence) <= MAX_EXAMPLE:
        return " ".join(sentence.split())
    room = max(0, MAX_EXAMPLE - (end - start)) // 2
    a = max(0, start - room)
    b = min(len(sentence), a + MAX_EXAMPLE)
    a = max(0, b - MAX_EXAMPLE)  # room unused on one side goes to the other
    if a > 0:
        a = sentence.find(" ", a) + 1 or a
    if b < len(sentence):
        b = sentence.rfind(" ", end, b) if sentence.rfind(" ", end, b) > 0 else b
    text = " ".join(sentence[a:b].split())
    return ("…" if a > 0 else "") + text + ("…" if b < len(sentence) else "")


def _lowercase_vocabulary(kb: KnowledgeBase) -> Counter:
    """How often each word is written in lower case: such words are ordinary words, not names."""
    counts: Counter = Counter()
    for article in kb.articles.values():
        for block in article.blocks:
            counts.update(w for w in _WORD.findall(block.text) if w[0].islower())
    return counts


def _is_lineup(text: str) -> bool:
    """A sports line-up, a list of names or a byline block: mostly capitalised words, few verbs."""
    words = _WORD.findall(text)
    if len(words) < 8:
        return False
    capitalised = sum(w[0].isupper() or w[0].isdigit() for w in words)
    return capitalised / len(words) > 0.7


def _runs(sentence: str, covered: list[tuple[int, int, str]]) -> list[_Run]:
    """Maximal capitalised word sequences in a sentence, outside the covered (linked) spans."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(sentence)]
    blocked = [False] * len(tokens)
    for i, (a, b, _w) in enumerate(tokens):
        blocked[i] = any(ca < b and a < cb for ca, cb, _e in covered)
    out = []
    i = 0
    while i < len(tokens):
        a, b, w = tokens[i]
        if blocked[i] or not _capitalised(w) or sentence[b:b + 1] == "$":
            i += 1  # not a name, or a currency ("US$2.9bn", "A$5 billion")
            continue
        i_start, j = i, i
        words = [w]
        ends_possessive = _POSSESSIVE.search(w) and not w.isupper()
        while not ends_possessive and j + 1 < len(tokens):
            gap = sentence[tokens[j][1]:tokens[j + 1][0]]
            nxt = tokens[j + 1][2]
            if blocked[j + 1]:
                break
            if gap in (" ", "-") and _capitalised(nxt):
                j += 1
                words.append(nxt)
            elif gap == " " and nxt in CONNECTORS and _connector_ok(nxt, words, tokens, j + 1, sentence, blocked):
                j += 1
                words.append(nxt)
            elif gap == ", " and "of" in words and _comma_list_ok(tokens, j + 1, sentence):
                words[-1] += ","
                j += 1
                words.append(nxt)
            elif (gap == ". " and len(tokens[j][2]) == 1 and tokens[j][2].isupper() and _capitalised(nxt)
                  and nxt not in SENTENCE_OPENERS):
                words[-1] += "."  # an initial: "George W. Bush"
                j += 1
                words.append(nxt)
            else:
                break
            ends_possessive = _POSSESSIVE.search(nxt) and not nxt.isupper()
        while words and (words[-1].rstrip(",") in CONNECTORS):
            words.pop()
            j -= 1
        start, end = a, tokens[j][1]
        i = j + 1
        words = [_POSSESSIVE.sub("", x) if (k == len(words) - 1 and not x.isupper()) else x
                 for k, x in enumerate(words)]
        run = _clean(words, start, end, sentence, first=(i_start == 0))
        if run:
            out.append(run)
    return out


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _connector_ok(word: str, words: list[str], tokens, k: int, sentence: str, blocked) -> bool:
    """'of', 'for', '&'… join two capitalised words; 'and' only inside 'X of Y and Z'."""
    if k + 1 >= len(tokens) or blocked[k + 1] or sentence[tokens[k][1]:tokens[k + 1][0]] != " ":
        return False
    nxt = tokens[k + 1][2]
    if word == "the":
        return words[-1] in ("of", "for", "on") and _capitalised(nxt)
    if word == "and":
        return any(w in ("of", "for", "on") for w in words) and _capitalised(nxt)
    return _capitalised(nxt) or (nxt == "the" and k + 2 < len(tokens) and _capitalised(tokens[k + 2][2]))


def _comma_list_ok(tokens, k: int, sentence: str) -> bool:
    """'Ministry of Economy, Trade and Industry': capitalised words, commas, then 'and' and one more."""
    while k < len(tokens) and _capitalised(tokens[k][2]):
        gap = sentence[tokens[k][1]:tokens[k + 1][0]] if k + 1 < len(tokens) else ""
        if gap == " " and k + 2 < len(tokens) and tokens[k + 1][2] == "and" and _capitalised(tokens[k + 2][2]):
            return True
        if gap != ", ":
            return False
        k += 1
    return False


def _clean(words: list[str], start: int, end: int, sentence: str, first: bool) -> _Run | None:
    """Drop sentence openers, titles, boilerplate and dates from a run; None when nothing is left."""
    bare = [w.rstrip(",.") for w in words]
    if any(w in BOILERPLATE for w in bare):
        # "Photo: Wency Chen" keeps the name after the boilerplate word, "Subs Not Used" nothing
        if bare[0] in BOILERPLATE and len(bare) > 1 and not any(w in BOILERPLATE for w in bare[1:]):
            credit = bare[0] in ("Photo", "Photograph", "Picture", "Image", "Reporting", "Writing", "Editing")
            words, bare = words[1:], bare[1:]
            title = ["Photo:"] if credit else []
        else:
            return None
    else:
        title = []
    if re.search(r"\b(Photo|Photograph|Picture|Image)s?:\s*$", sentence[:start]):
        title = ["Photo:"]
    sentence_start = first and sentence[:start].strip(" “\"‘'(") == ""
    stop = re.search(r"(\S+)[.!?…][\"'”’)]*\s+[“\"‘'(]?$", sentence[:start])
    if stop and stop.group(1).rstrip(".") not in TITLES:
        sentence_start = True  # after a full stop the sentence splitter kept ("R&D. Regulators")
    if sentence_start and (bare[0] in SENTENCE_OPENERS or bare[0].lower() in common_words()):
        words, bare = words[1:], bare[1:]
    elif sentence_start and len(bare) > 2 and bare[1] in ("on", "for", "of", "in") and bare[0] not in ORG_STARTS:
        words, bare = words[2:], bare[2:]  # "Spending on R&D", "Demand for AI": a sentence, not a name
    # "Japanese Prime Minister Fumio Kishida", "League President George Miller": the title goes,
    # the person stays; "President of Microsoft Japan": a role at an organisation.
    cut = max((i for i, w in enumerate(bare[:-1]) if w in TITLES), default=-1)
    size = 3 if len(bare) >= 3 and re.fullmatch(r"[A-Z]", bare[-2]) else 2  # "George W. Bush"
    between = bare[cut + 1: len(bare) - size] if cut >= 0 else []
    if cut >= 0 and any(w not in CONNECTORS for w in between) and _personal(bare[-size:]):
        # "Chancellor of the Exchequer Nigel Lawson": a title, more words, then a person's name
        title += bare[: cut + 1]
        words, bare = words[-size:], bare[-size:]
    elif cut >= 0:
        rest = bare[cut + 1:]
        if rest[0] in CONNECTORS:
            title += bare[: cut + 1] + [rest[0]]
            words, bare = words[cut + 1:], rest
        elif len(rest) == 1 or _personal(rest):
            title += bare[: cut + 1]
            words, bare = words[cut + 1:], rest
    while len(bare) > 1 and _demonym(bare[0]):
        words, bare = words[1:], bare[1:]
    while bare and (bare[-1] in DAYS or bare[-1] in MONTH_NAMES):
        words, bare = words[:-1], bare[:-1]
    while bare and (bare[0] in DAYS or bare[0] in MONTH_NAMES or bare[0] in CONNECTORS):
        words, bare = words[1:], bare[1:]
    while bare and bare[-1] in CONNECTORS:
        words, bare = words[:-1], bare[:-1]
    if not bare or bare[-1] in ROLE_ENDINGS or all(w in TITLES for w in bare):
        return None  # a role ("Chief Technology Officer"), not a name
    name = " ".join(words).rstrip(",")
    if name.endswith(".") and not re.search(r"(?:\b[A-Z]\.)+$", name):
        name = name[:-1]  # a full stop, not the end of "U.S." or an initial
    offset = sentence.find(name, start)
    offset = start if offset < 0 else offset
    stop = offset + len(name)
    return _Run(name.split(" "), offset, stop, sentence_start, " ".join(title), sentence[:offset], sentence[stop:])


APPOSITIONS = {
    "company", "firm", "giant", "group", "maker", "manufacturer", "chipmaker", "carmaker", "automaker",
    "provider", "carrier", "retailer", "bank", "lender", "insurer", "startup", "start-up", "rival", "operator",
    "agency", "broadcaster", "newspaper", "publisher", "developer", "conglomerate", "regulator", "ministry",
}


def last_word(text: str) -> str:
    words = re.findall(r"[A-Za-z\-]+", text[-40:])
    return words[-1].lower() if words else ""


def _demonym(word: str) -> bool:
    return word in DEMONYMS or bool(re.search(r"(ese|ian|ish)$", word))


def _evidence(run: _Run) -> list[tuple[str, str]]:
    """Clues to a name's type, each (type, reason)."""
    out = []
    words = [w.rstrip(",.") for w in run.words]
    if run.title == "Photo:":
        out.append(("person", "credited for a photo"))
    elif run.title.endswith(" of"):
        out.append(("organisation", f"follows the role '{run.title}'"))
    elif run.title and any(t in PERSON_TITLES for t in run.title.split()):
        out.append(("person", f"follows the title '{run.title}'"))
    if last_word(run.before) in APPOSITIONS:
        out.append(("organisation", f"follows '{last_word(run.before)}'"))
    if words[-1] in ORG_ENDINGS:
        out.append((ORG_ENDINGS[words[-1]], f"ends in '{words[-1]}'"))
    if words[0] in ORG_STARTS and len(words) > 1:
        out.append((ORG_STARTS[words[0]], f"begins with '{words[0]}'"))
    for w in words[1:-1]:
        if w in ("University", "Ministry", "Institute", "Bank", "Department"):
            out.append(("organisation", f"contains '{w}'"))
    if (SAID.search(run.after) or SAID_BEFORE.search(run.before)) and _personal(words):
        # countries, companies and agencies "say" things too: only a name shaped like a person's counts
        out.append(("person", "is said to speak ('said', 'told')"))
    last = run.before.rstrip().rsplit(" ", 1)[-1].lower() if run.before.strip() else ""
    if last in PLACE_BEFORE:
        out.append(("place", f"follows '{last}'"))
    if len(words) == 1 and _ACRONYM.match(words[0]):
        out.append(("organisation", "an acronym"))
    return out


STRENGTH = {"follows the role": 4, "credited for a photo": 3, "ends in": 5, "begins with": 4, "contains": 4, "follows the title": 4, "defined as": 5,
            "is said to speak": 2, "follows": 1, "an acronym": 1, "its last word": 3}


def _strong(cand: Candidate) -> bool:
    """A name written once is still worth suggesting when its form says what it is ('X Inc', 'Mr X')."""
    return len(cand.name.split()) >= 2 and any(
        next((v for k, v in STRENGTH.items() if reason.startswith(k)), 1) >= 4 for _kind, reason in cand.evidence
    )


def _guess_type(cand: Candidate, kb: KnowledgeBase) -> tuple[str, str]:
    if not cand.evidence:
        return "", "no clue in the text"
    scored = Counter()
    reasons: dict[str, tuple[int, str]] = {}
    for (kind, reason), n in cand.evidence.items():
        weight = next((v for k, v in STRENGTH.items() if reason.startswith(k)), 1) * n
        scored[kind] += weight
        if kind not in reasons or weight > reasons[kind][0]:
            reasons[kind] = (weight, reason)
    kind = max(sorted(scored), key=lambda k: scored[k])
    vocabulary = kb.vocabulary.entity_types if kb.vocabulary else {}
    chosen = _project_type(kind, vocabulary)
    reason = reasons[kind][1]
    if not chosen:
        return "", f"looks like a {kind} ({reason}), a type kb.yml does not have"
    return chosen, reason


def _project_type(kind: str, types: dict) -> str:
    if not types:
        return kind
    for word in TYPE_WORDS.get(kind, (kind,)):
        for type_id, spec in types.items():
            if word in (type_id.lower(), spec.label.lower()):
                return type_id
    if kind == "facility":
        return _project_type("place", types)  # a project without facilities files them as places
    return ""


def _acronyms(sentence, covered, expansions, lowercase, alias_hits, entities, article_id, anchor) -> None:
    """'Generative AI Accelerator Challenge (GENIAC)': an acronym and its expansion."""
    for m in re.finditer(r"\(([A-Z][A-Za-z&]*[A-Z]s?)\)", sentence):
        acronym = m.group(1)
        before = sentence[: m.start()].rstrip()
        owner = next((e for a, b, e in covered if b == len(before)), None)
        if owner:
            entity = entities[owner]
            hit = alias_hits.setdefault(
                (owner, acronym), AliasSuggestion(owner, entity.name, acronym, "an acronym defined next to the full name")
            )
            _count(hit, article_id, Example(article_id, anchor, _window(sentence, m.start(), m.end())))
            continue
        words = re.findall(r"[A-Za-z][\w\-]*|&", before)[-8:]
        expansion = _expansion(words, acronym)
        if expansion is None:
            continue
        if all(w[0].islower() for w in expansion if w not in CONNECTORS):
            lowercase.add(acronym.rstrip("s") if acronym.endswith("s") else acronym)
            lowercase.add(acronym)
        else:
            expansions.setdefault(acronym, " ".join(expansion))


def _expansion(words: list[str], acronym: str) -> list[str] | None:
    """The shortest tail of `words` whose initials spell the acronym (connectors may be skipped)."""
    letters = acronym.rstrip("s").upper() if acronym.endswith("s") and acronym[:-1].isupper() else acronym.upper()
    letters = letters.replace("&", "")
    for size in range(1, len(words) + 1):
        tail = words[-size:]
        if tail[0].lower() in CONNECTORS:
            continue
        initials = "".join(w[0].upper() for w in tail if w.lower() not in CONNECTORS)
        full = "".join(w[0].upper() for w in tail)
        if letters in (initials, full) or (initials and initials[0] == letters[0] and len(tail) >= 2 and _subsequence(letters, "".join(w.upper() for w in tail))):
            if initials[0] == letters[0]:
                return tail
    return None


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def _short_form_of(words: list[str], before: set[str], entities: dict) -> object | None:
    """The entity mentioned earlier in the article whose name this is a short form of:
    a person's surname ('Nadella' after 'Satya Nadella'), or the first word(s) of a company's
    name ('Infineon' after 'Infineon Technologies')."""
    if len(words) > 2 or any(_demonym(w) or w in TITLES or w in SENTENCE_OPENERS for w in words):
        return None
    for entity_id in sorted(before):
        entity = entities.get(entity_id)
        if entity is None:
            continue
        for name in entity.names:
            parts = name.split()
            if len(parts) <= len(words):
                continue
            if (entity.type == "person" or _personal(parts)) and parts[-len(words):] == words:
                return entity
            if parts[-1].rstrip(".") in COMPANY_ENDINGS and parts[: len(words)] == words:
                return entity
    return None


def _fold_acronyms(candidates: dict[str, Candidate], expansions: dict[str, str]) -> None:
    """An acronym joins the name it abbreviates: its expansion, or a name with those initials."""
    initials: dict[str, str] = {}
    for name in candidates:
        parts = [w for w in name.split() if w.lower() not in CONNECTORS]
        if len(parts) >= 3:
            initials.setdefault("".join(p[0] for p in parts).upper(), name)
    for acronym in sorted(candidates):
        cand = candidates.get(acronym)
        if cand is None or not _ACRONYM.match(acronym) or " " in acronym:
            continue
        target = expansions.get(acronym) or initials.get(acronym)
        if not target or target == acronym:
            continue
        full = candidates.setdefault(target, Candidate(target))
        if acronym in expansions and full.mentions == 0:
            full.mentions += 1  # the expansion itself, written before the brackets
        _merge(full, cand, acronym)
        del candidates[acronym]
    for acronym, target in expansions.items():  # an expansion whose acronym never recurs is still named
        if target not in candidates:
            cand = candidates.setdefault(target, Candidate(target))
        candidates[target].aliases.setdefault(acronym, 0)


COMPANY_ENDINGS = {"Inc", "Ltd", "Corp", "Corporation", "Co", "Company", "Group", "Holdings", "plc", "PLC",
                   "LLC", "AG", "SA", "GmbH", "Technology", "Technologies"}


def _fold_short_forms(candidates: dict[str, Candidate]) -> None:
    """'Cook' after 'Tim Cook', 'Winner' after 'Winner Technology': a short form of a longer name.

    Only where every article that uses the short form also has the full name, and only a
    person's surname or the first word(s) of a company's name.
    """
    longer = sorted((c for c in candidates.values() if len(c.name.split()) >= 2), key=lambda c: (-c.mentions, c.name))
    surnames: Counter = Counter()  # how many people's names end in these words
    for c in longer:
        parts = c.name.split()
        if _personal(parts):
            surnames.update({tuple(parts[-1:]), tuple(parts[-2:])})
    for name in sorted(candidates, key=lambda n: len(n.split())):
        cand = candidates.get(name)
        parts = name.split()
        if cand is None or len(parts) > 3:
            continue
        for full in longer:
            full_parts = full.name.split()
            if full is cand or len(full_parts) <= len(parts):
                continue
            shared = len(cand.articles & full.articles)
            personal = _personal(full_parts) and full_parts[-len(parts):] == parts
            if personal and surnames[tuple(parts)] > 1:
                break  # "Baker": James Baker or Howard Baker? Not an alias of either
            if not (cand.articles <= full.articles or (personal and 2 * shared >= len(cand.articles))
                    or (len(parts) >= 2 and parts[-1] in ORG_ENDINGS)):
                continue
            if _personal(full_parts) and full_parts[-len(parts):] == parts:
                _merge(full, cand, name)
                full.evidence[("person", f"its last word '{name}' is used alone, as a surname is")] += 1
            elif full_parts[-1] in COMPANY_ENDINGS and full_parts[: len(parts)] == parts:
                _merge(full, cand, name)
            elif len(parts) >= 2 and parts[-1] in ORG_ENDINGS and full_parts[-len(parts):] == parts:
                _merge(full, cand, name)  # "AI Insider Lab" in "IoT and AI Insider Lab"
            else:
                continue
            del candidates[name]
            break


def _personal(parts: list[str]) -> bool:
    """'Tim Cook', 'George W. Bush': two to four capitalised words, none of them a company's or a place's."""
    if not 2 <= len(parts) <= 4:
        return False
    for w in parts:
        bare = w.rstrip(".,")
        if not re.fullmatch(r"[A-Z][a-z'’\-]+|[A-Z]", bare) or bare in ORG_ENDINGS or bare in ORG_STARTS:
            return False
    return True


def _merge(full: Candidate, part: Candidate, alias: str) -> None:
    full.mentions += part.mentions
    full.mid_sentence += part.mid_sentence
    full.articles |= part.articles
    full.aliases[alias] += part.mentions
    for example in part.examples:
        if len(full.examples) < EXAMPLES and all(e.article_id != example.article_id for e in full.examples):
            full.examples.append(example)
    full.evidence.update(part.evidence)


def _ordinary(word: str, lower_words: Counter) -> bool:
    """A word the corpus also writes in lower case (or its singular): 'Research', 'Hubs'."""
    w = word.lower()
    return lower_words[w] > 0 or (w.endswith("s") and lower_words[w[:-1]] > 0)


def _is_name(cand: Candidate, lower_words: Counter, common: frozenset[str]) -> bool:
    words = [w.rstrip(",.") for w in cand.name.split()]
    significant = [w for w in words if w not in CONNECTORS]
    if not significant:
        return False
    if all(w in DAYS or w in MONTH_NAMES for w in significant):
        return False
    if _demonym(significant[-1]) or _demonym(significant[-1][:-1]):
        return False  # "West German", "Americans": adjectives and peoples
    if re.search(r"['’](m|ll|re|ve|d|t)$", significant[0]):
        return False  # "I'm", "We're"
    if len(significant) == 1:
        w = significant[0]
        if w in TITLES or w in SENTENCE_OPENERS or w in ORG_ENDINGS or w in COMPANY_ENDINGS or w in COMMON_ACRONYMS:
            return False
        if not cand.mid_sentence:
            return False  # only ever the first word of a sentence: nothing says it is a name
        if not _ACRONYM.match(w) and (_ordinary(w, lower_words) or (w.lower() in common and not cand.mid_sentence)):
            return False
        if re.fullmatch(r"[A-Z]+s", w):
            return False  # a plural acronym: "GPUs"
    elif all(_ordinary(w, lower_words) for w in significant) and not cand.aliases:
        return False  # "Big Tech": ordinary words capitalised
    return True


def _unmentioned(kb: KnowledgeBase, linked: dict[str, LinkedArticle]) -> list[tuple[str, str]]:
    mentioned = {m.entity_id for la in linked.values() for m in la.mentions}
    return [(e.id, e.name) for e in sorted(kb.entities.values(), key=lambda e: e.id) if e.id not in mentioned]


def report_text(suggestions: Suggestions, limit: int, entity_paths: dict[str, str]) -> list[str]:
    """The report as plain-text tables, the same on a terminal and in a log."""
    out = []
    shown = suggestions.entities[:limit]
    out.append(
        f"Names no entity covers: {len(suggestions.entities)}"
        + (f", the first {len(shown)} shown (--limit)" if len(shown) < len(suggestions.entities) else "")
        + ", by how many articles would gain a link"
    )
    if shown:
        rows = [("#", "name", "type", "articles", "mentions", "aliases", "why")]
        for i, c in enumerate(shown, 1):
            rows.append((str(i), c.name, c.type or "?", str(len(c.articles)), str(c.mentions),
                         ", ".join(sorted(c.aliases)) or "-", c.reason))
        examples = [[f"{e.article_id}#{e.anchor}: {e.sentence}" for e in c.examples] for c in shown]
        out += _table(rows, right={0, 3, 4}, notes=[[]] + examples)
    out.append("")
    out.append(f"Aliases the entities lack: {len(suggestions.aliases)}")
    if suggestions.aliases:
        rows = [("entity", "alias", "articles", "mentions", "why")]
        for a in suggestions.aliases[:limit]:
            rows.append((a.entity_id, a.alias, str(len(a.articles)), str(a.mentions), a.reason))
        notes = [[]] + [[f"{e.article_id}#{e.anchor}: {e.sentence}" for e in a.examples] for a in suggestions.aliases[:limit]]
        out += _table(rows, right={2, 3}, notes=notes)
    out.append("")
    out.append(f"Entities no article mentions: {len(suggestions.unmentioned)}")
    for entity_id, name in suggestions.unmentioned:
        out.append(f"  {entity_paths.get(entity_id, entity_id)}: {name}")
    return out


def _table(rows: list[tuple[str, ...]], right: set[int], notes: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row, row_notes in zip(rows, notes):
        cells = [
            (cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])) if i < len(row) - 1 else cell
            for i, cell in enumerate(row)
        ]
        out.append("  " + "  ".join(cells).rstrip())
        out += [f"      {note}" for note in row_notes]
    return out


def find_candidate(suggestions: Suggestions, name: str) -> Candidate | None:
    """The suggested name written as `name` (any case), or the one that has it as an alias."""
    wanted = name.strip().lower()
    for cand in suggestions.entities:
        if cand.name.lower() == wanted:
            return cand
    for cand in suggestions.entities:
        if wanted in (a.lower() for a in cand.aliases):
            return cand
    return None
