"""Phase 2, validate: every cross-file rule, every problem reported, nothing fixed silently.

The result is a `KnowledgeBase`: the corpus indexed by id, the table of names the
linker may use, and where in its article each fact's quote was found.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .errors import UNSAFE_CHARS, Diagnostic, Location, error, warning
from .model import Article, Corpus, Entity, Vocabulary

MAX_NAME_LENGTH = 200  # a name becomes a folder name (a redirect page); file systems stop at 255 bytes
SHORT_ALIAS = 2  # an alias this short links ordinary text: warned about
# Ids kb gives to pages it generates in the same folder: articles/index.md, types/index.md.
RESERVED_IDS = {"index": "the index page of the folder"}



@dataclass(frozen=True)
class QuoteSpot:
    """Where a fact's quote stands: an article, a block and a span of its plain text."""

    article: str
    block: int
    start: int
    end: int


@dataclass
class KnowledgeBase:
    vocabulary: Vocabulary
    entities: dict[str, Entity]
    articles: dict[str, Article]
    link_names: dict[str, str]  # surface form -> entity id, for auto-linking
    ambiguous_names: dict[str, list[str]] = field(default_factory=dict)
    quote_spots: dict[tuple[str, int, int], QuoteSpot] = field(default_factory=dict)


def note(location: Location, message: str) -> Diagnostic:
    return Diagnostic(location, "note", message)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    text = resources.files("builder").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(text.split())


def validate(corpus: Corpus) -> tuple[KnowledgeBase | None, list[Diagnostic]]:
    """Check the corpus as a whole. Returns None for the knowledge base when the vocabulary is unusable."""
    found: list[Diagnostic] = []
    entities = {e.id: e for e in corpus.entities}
    articles = {a.id: a for a in corpus.articles}
    known = set(entities) | corpus.unreadable_ids
    known_articles = set(articles) | corpus.unreadable_ids
    vocabulary = corpus.vocabulary
    for entity in corpus.entities:
        found += _check_entity(entity, vocabulary, known, known_articles, entities)
    found += _reserved_ids(corpus)
    found += _one_line_fields(corpus)
    link_names, ambiguous, alias_problems = _name_table(corpus.entities)
    found += alias_problems
    spots, quote_problems = _locate_quotes(corpus.entities, articles)
    found += quote_problems
    if vocabulary is None:
        return None, found
    found += _check_vocabulary_references(vocabulary, known)
    kb = KnowledgeBase(vocabulary, entities, articles, link_names, ambiguous, spots)
    return kb, found


def control_problem(text: str, what: str) -> str | None:
    """Why one-line text holds a control or bidi character, or None; `what` names such fields."""
    bad = UNSAFE_CHARS.search(text)
    if bad:
        return f"contains the control character U+{ord(bad.group()):04X}; {what} are one line of plain text"
    return None


def name_problem(name: str) -> str | None:
    """Why a name or alias cannot be used, or None."""
    problem = control_problem(name, "names and aliases")
    if problem:
        return problem
    if len(name) > MAX_NAME_LENGTH:
        return f"is {len(name):,} characters long; names and aliases are at most {MAX_NAME_LENGTH}"
    if not any(ch.isalnum() for ch in name):
        return "has no letter or digit: it would link punctuation all over the articles"
    return None


def _one_line_fields(corpus: Corpus) -> list[Diagnostic]:
    """Titles, publishers, authors and kb.yml's labels: shown on pages and in messages, so one plain line."""
    out = []

    def check(value: str | None, where: Location, what: str, kind: str) -> None:
        problem = control_problem(value, kind) if value else None
        if problem:
            out.append(error(where, f"{what} {_short(value)} {problem}"))

    for article in corpus.articles:
        for key in ("title", "publisher", "author"):
            check(getattr(article, key), article.field_locations.get(key, article.location), key,
                  "titles, publishers and authors")
    vocabulary = corpus.vocabulary
    if vocabulary is not None:
        labels = "titles and labels"
        check(vocabulary.title, vocabulary.at("title"), "title", labels)
        for i, story in enumerate(vocabulary.storylines):
            check(story.title, vocabulary.at("storylines", i, "title"), "storyline title", labels)
        for type_id, entity_type in vocabulary.entity_types.items():
            for key in ("label", "plural"):
                check(getattr(entity_type, key), vocabulary.at("entity_types", type_id, key), f"entity type {key}",
                      labels)
        for relation_id, relation in vocabulary.relation_types.items():
            check(relation.label, vocabulary.at("relation_types", relation_id, "label"), "relation label", labels)
            if not relation.symmetric:
                check(relation.inverse, vocabulary.at("relation_types", relation_id, "inverse"), "relation inverse",
                      labels)
    return out


def _reserved_ids(corpus: Corpus) -> list[Diagnostic]:
    out = []
    for kind, items in (("article", corpus.articles), ("entity", corpus.entities)):
        for item in items:
            if item.id in RESERVED_IDS:
                out.append(error(item.location, f"the {kind} id '{item.id}' (from the file name) is reserved for"
                                 f" {RESERVED_IDS[item.id]} that kb generates; rename the file"))
    vocabulary = corpus.vocabulary
    if vocabulary is not None:
        for type_id in vocabulary.entity_types:
            if type_id in RESERVED_IDS:
                out.append(error(vocabulary.location, f"the entity type '{type_id}' is reserved for"
                                 f" {RESERVED_IDS[type_id]} that kb generates (types/{type_id}/); use another key"))
    return out


def did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_entity(entity, vocabulary, known, known_articles, entities) -> list[Diagnostic]:
    out = []

    def missing_entity(target: str, where: Location, what: str) -> None:
        if target not in known:
            out.append(error(where, f"{what} '{target}' is not an entity{did_you_mean(target, known)}"))

    def missing_article(article: str, where: Location) -> None:
        if article not in known_articles:
            out.append(error(where, f"cited article '{article}' does not exist{did_you_mean(article, known_articles)}"))

    if vocabulary is not None and entity.type not in vocabulary.entity_types:
        out.append(
            error(
                entity.type_location,
                f"unknown entity type '{entity.type}'{did_you_mean(entity.type, vocabulary.entity_types)};"
                f" expected one of: {', '.join(vocabulary.entity_types)}",
            )
        )
    for relation in entity.relations:
        if vocabulary is not None and relation.type not in vocabulary.relation_types:
            types = vocabulary.relation_types
            out.append(
                error(
                    relation.location,
                    f"unknown relation type '{relation.type}'{did_you_mean(relation.type, types)};"
                    " relation types are declared in content/kb.yml",
                )
            )
        missing_entity(relation.target, relation.target_location, "relation target")
        if relation.target == entity.id:
            out.append(error(relation.target_location, "an entity cannot be related to itself"))
        for article, where in zip(relation.sources, relation.source_locations):
            missing_article(article, where)
        if relation.since and relation.until and relation.until.text < relation.since.text:
            out.append(error(relation.location, f"'until' ({relation.until}) is before 'since' ({relation.since})"))
    for target, where in zip(entity.participants, entity.participant_locations):
        missing_entity(target, where, "participant")
    for reference in entity.references:
        missing_entity(reference.target, reference.location, "[[link]] target")
    for fact in entity.facts:
        for citation in fact.citations:
            missing_article(citation.article, citation.article_location)
    if entity.type == "event" and entity.date is None:
        out.append(warning(entity.location, "an event should have a 'date'", "event-without-date"))
    return out


def _name_table(entities: list[Entity]) -> tuple[dict[str, str], dict[str, list[str]], list[Diagnostic]]:
    """Which surface forms link to which entity, and every clash between them."""
    claims: dict[str, list[tuple[Entity, bool, Location]]] = {}
    out: list[Diagnostic] = []
    for entity in entities:
        seen_here: set[str] = set()
        for name, ambiguous, where in [(entity.name, False, entity.location)] + [
            (a.name, a.ambiguous, a.location) for a in entity.aliases
        ]:
            problem = name_problem(name)
            if problem:
                what = "name" if where is entity.location else "alias"
                out.append(error(where, f"{what} {_short(name)} {problem}"))
                continue
            if name in seen_here:
                out.append(warning(where, f"alias '{name}' is listed twice for this entity", "duplicate-alias"))
                continue
            seen_here.add(name)
            if where is not entity.location and len(name) <= SHORT_ALIAS and not ambiguous:
                out.append(warning(where, f"alias '{name}' is only {len(name)} character{'s' if len(name) > 1 else ''}:"
                                   " it will link every occurrence in the articles; mark it `ambiguous: true` or"
                                   " remove it", "short-alias"))
            claims.setdefault(name, []).append((entity, ambiguous, where))
            if name.islower() and name in common_words():
                out.append(
                    warning(where, f"alias '{name}' is a common lowercase word: it would link ordinary text",
                            "common-word-alias")
                )
        for short in entity.short_names:  # linked after the full name: the same rules as an alias
            problem = name_problem(short.name)
            if problem:
                out.append(error(short.location, f"short name {_short(short.name)} {problem}"))
            elif len(short.name) <= SHORT_ALIAS:
                out.append(warning(short.location, f"short name '{short.name}' is only {len(short.name)} character"
                                   f"{'s' if len(short.name) > 1 else ''}: it will link every occurrence after the"
                                   " full name; remove it", "short-alias"))
            elif short.name.islower() and short.name in common_words():
                out.append(warning(short.location, f"short name '{short.name}' is a common lowercase word: it would"
                                   " link ordinary text", "common-word-alias"))
    link_names: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for name, owners in claims.items():
        if len(owners) == 1:
            if not owners[0][1]:
                link_names[name] = owners[0][0].id
            continue
        ids = [o[0].id for o in owners]
        ambiguous[name] = ids
        if all(flag for _, flag, _ in owners):
            first = owners[0]
            out.append(
                note(first[2], f"alias '{name}' is shared by {', '.join(ids)} and marked ambiguous: it is not auto-linked")
            )
            continue
        for entity, flag, where in owners:
            if flag:
                continue
            others = ", ".join(f"'{o.id}' ({w})" for o, _, w in owners if o is not entity)
            out.append(
                error(
                    where,
                    f"name '{name}' is also claimed by {others}; mark it `ambiguous: true`"
                    " in every entity that uses it, or remove it",
                )
            )
    return link_names, ambiguous, out


def _short(name: str) -> str:
    shown = name if len(name) <= 60 else name[:59] + "…"
    return "'" + shown + "'"


# --- quotes ---------------------------------------------------------------------------------

_QUOTE_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "′": "'", "\u00a0": " "})


def normalise(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs folded and typographic quotes made plain, and where each char came from."""
    out, where = [], []
    previous_space = True
    for index, ch in enumerate(text.translate(_QUOTE_FOLD)):
        if ch.isspace():
            if previous_space:
                continue
            ch, previous_space = " ", True
        else:
            previous_space = False
        out.append(ch)
        where.append(index)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def _locate_quotes(entities: list[Entity], articles: dict[str, Article]):
    spots: dict[tuple[str, int, int], QuoteSpot] = {}
    out: list[Diagnostic] = []
    for entity in entities:
        for f_index, fact in enumerate(entity.facts):
            for c_index, citation in enumerate(fact.citations):
                article = articles.get(citation.article)
                if article is None:
                    continue  # reported as a missing article
                spot = find_quote(citation.quote, article)
                if spot:
                    spots[(entity.id, f_index, c_index)] = spot
                else:
                    out.append(error(citation.location, _quote_not_found(citation.quote, article)))
    return spots, out


_QUOTE_CLASSES = {"'": "['’‘′]", "’": "['’‘′]", "‘": "['’‘′]", '"': '["“”„]', "“": '["“”„]', "”": '["“”„]'}


@lru_cache(maxsize=16384)  # re's own cache holds 512: a corpus quotes more, and every rebuild looks them up again
def quote_pattern(quote: str) -> re.Pattern | None:
    """A pattern for the quote that forgives whitespace and typographic quotes, nothing else."""
    words = quote.split()
    if not words:
        return None
    parts = ["".join(_QUOTE_CLASSES.get(ch) or re.escape(ch) for ch in word) for word in words]
    return re.compile(r"\s+".join(parts))


def find_quote(quote: str, article: Article) -> QuoteSpot | None:
    pattern = quote_pattern(quote)
    if pattern is None:
        return None
    for block in article.blocks:
        match = pattern.search(block.text)
        if match:
            return QuoteSpot(article.id, block.number, match.start(), match.end())
    return None


def _quote_not_found(quote: str, article: Article) -> str:
    wanted, _ = normalise(quote)
    best, best_score = "", 0.0
    for block in article.blocks:
        for start, end in block.sentences or [(0, len(block.text))]:
            sentence = normalise(block.text[start:end])[0]
            score = difflib.SequenceMatcher(None, wanted, sentence, autojunk=False).ratio()
            if score > best_score:
                best, best_score = sentence, score
    message = f"quote not found verbatim in article '{article.id}'"
    if best_score >= 0.5:
        differs = _first_difference(wanted, best)
        message += f"; closest passage: \"{_clip(best)}\"{differs}"
    return message


def _first_difference(wanted: str, found: str) -> str:
    """Where the quote and the closest passage part ways, word by word."""
    a, b = wanted.split(), found.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert":
            return f" (the article has '{' '.join(b[b1:b2])}' where the quote has nothing)"
        if tag == "delete" or b1 >= len(b):
            return f" (the quote has '{' '.join(a[a1:a2])}', which the article does not)"
        return f" (the quote has '{' '.join(a[a1:a2])}' where the article has '{' '.join(b[b1:b2])}')"
    return ""


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"




def _check_vocabulary_references(vocabulary: Vocabulary, known: set[str]) -> list[Diagnostic]:
    """kb.yml's storylines, featured entities and infobox relations name things that exist."""
    found = []
    wanted = [(e, "featured", ("featured", i)) for i, e in enumerate(vocabulary.featured)]
    wanted += [(e, f"storyline '{s.title}'", ("storylines", i, "entities", j))
               for i, s in enumerate(vocabulary.storylines) for j, e in enumerate(s.entities)]
    listed: set[tuple] = set()
    for entity_id, where, keys in wanted:
        if (keys[:-1], entity_id) in listed:  # the page would show it twice
            found.append(error(vocabulary.at(*keys), f"{where} names '{entity_id}' twice; remove one"))
        listed.add((keys[:-1], entity_id))
        if entity_id not in known:
            found.append(error(vocabulary.at(*keys), f"{where} names unknown entity '{entity_id}'"
                                                     f"{did_you_mean(entity_id, known)}"))
    for type_id, entity_type in vocabulary.entity_types.items():
        rows: set[tuple] = set()
        for n, item in enumerate(entity_type.infobox):
            row = (item.property, item.relation, item.inverse)
            if row in rows:  # the infobox would show the row twice
                what = f"fact property '{item.property}'" if item.property else f"relation '{item.relation}'" + (
                    " (inverse)" if item.inverse else "")
                found.append(error(vocabulary.at("entity_types", type_id, "infobox", n),
                                   f"the infobox of type '{type_id}' names {what} twice; remove one"))
            rows.add(row)
            if item.relation and item.relation not in vocabulary.relation_types:
                found.append(error(vocabulary.at("entity_types", type_id, "infobox", n, "relation"),
                                   f"the infobox of type '{type_id}' names unknown relation type '{item.relation}'"
                                   f"{did_you_mean(item.relation, vocabulary.relation_types)}"))
    return found
