"""The name index: a chunked search over entity names, aliases and article titles.

Material's search downloads one index of every page's full text before the first answer
(142 MB at 10,000 articles) and cannot load at all under file:// (its worker fetches the
index). This room at the edge gives names their own small index, split into shards that a
browser loads with a plain `<script>` tag, which works over http and from disk alike:

- `search/kb/<shard>.js` holds `kbSearchShard("<shard>", [entry, ...]);` for one shard:
  `a`-`z`, `0`-`9` or `other`, the first letter of a normalised name token;
- a shard that would exceed SPLIT_ABOVE bytes (a large site's "p") is split by one more
  letter, `pr.js`, `pa.js`, … (and `p_.js` for tokens that end there or go on with a
  character outside a-z0-9), again for a split shard still too large, up to MAX_PREFIX
  letters; `search/kb/index.js` lists the shards
  with their sizes and the split prefixes (`kbSearchShard("index", {"shards": {"a": 1234,
  ...}, "split": ["p", ...]})`), so a query downloads that list and one shard: the smallest
  of its words' shards that exist (none if no word has one);
- an entry is in the shard of every token of its name and aliases (stop words aside, unless
  the name has nothing else), so the shard of any one query token holds every entry that
  could match the whole query (kb-search.js loads the smallest such shard);
- an entry is a JSON array `[name, aliases, kind, snippet, url, is_entity]`; url is
  relative to the site root, with the trailing `/` of MkDocs' directory URLs.

`search_files(graph)` is a pure function: the graph in, the files (path -> text) out.
The JSON is written with ensure_ascii and `<`, `>`, `&` escaped as \\u sequences, so no
name can close the script or open markup; the browser builds results with textContent.
"""

from __future__ import annotations

import json
import re
import unicodedata

from .assemble import Graph
from .markdown import parse
from .render import article_path, display_date, entity_path, first_sentence, page_url

SEARCH_DIR = "search/kb"
STOP_WORDS = frozenset("a an and as at by for from in is it its of on or the to with".split())
MAX_SNIPPET = 200  # characters of a lead sentence kept in the index
SPLIT_ABOVE = 120_000  # bytes: a larger shard is split by one more letter
MAX_PREFIX = 4  # letters: shards are never split beyond this prefix length
TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lowercase with accents folded: "Zürich" -> "zurich" (the same rule as kb-search.js)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_MARKS = re.compile("[\u0300-\u036f]")


def fold_js(text: str) -> str:
    """kb-search.js's fold: lowercase, NFKD, combining diacritics (U+0300-U+036F) dropped."""
    low = text.lower()
    if low.isascii():
        return low
    return _MARKS.sub("", unicodedata.normalize("NFKD", low))


def tokens(text: str) -> list[str]:
    return TOKEN.findall(fold(text))


def _plain(char: str) -> bool:
    return "a" <= char <= "z" or "0" <= char <= "9"


def shard_of(token: str, split: frozenset[str] = frozenset()) -> str:
    """The shard of a normalised token: its first letter, one letter longer for as long as that
    prefix was split ("p" -> "pr" -> "pro"), with "_" for a token that ends there or goes on
    with a character outside a-z0-9 ("p_")."""
    first = token[:1]
    if not _plain(first):
        return "other"
    key = first
    while key in split:
        following = token[len(key):len(key) + 1]
        if not (following and _plain(following)):
            return key + "_"
        key += following
    return key


def index_tokens(names: list[str]) -> set[str]:
    """The tokens an entry is filed under: its names' tokens, stop words and single letters
    (the "s" of "Microsoft's") aside, kept only when a name has nothing else."""
    out: set[str] = set()
    for name in names:
        words = tokens(name)
        out.update([w for w in words if w not in STOP_WORDS and len(w) > 1] or words)
    return out


def shards_of(names: list[str], split: frozenset[str] = frozenset()) -> set[str]:
    """The shards an entry belongs to."""
    return {shard_of(w, split) for w in index_tokens(names)} or {"other"}


def _inline_text(node, names: dict[str, str]) -> str:
    if node.type == "wikilink":
        meta = node.meta
        return meta["label"] or names.get(meta["target"], meta["target"])
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(_inline_text(child, names) for child in node.children)


def plain_text(markdown: str, names: dict[str, str]) -> str:
    """The reader-visible text of summary Markdown: [[id]] as the entity's name, no markup."""
    return " ".join(_inline_text(parse(markdown, wikilinks=True), names).split())


def lead_sentence(summary: str, names: dict[str, str]) -> str:
    """The first sentence of a summary as plain text, cut at MAX_SNIPPET characters."""
    text = plain_text(first_sentence(summary), names)
    if len(text) > MAX_SNIPPET:
        text = text[: MAX_SNIPPET - 1].rsplit(" ", 1)[0] + "…"
    return text


def entries(graph: Graph) -> list[list]:
    """Every entry of the index: entities (by name) first, then articles (by id)."""
    names = {eid: view.entity.name for eid, view in graph.entities.items()}
    out: list[list] = []
    for eid in sorted(graph.entities):
        view = graph.entities[eid]
        entity = view.entity
        aliases = sorted({a.name for a in entity.aliases if a.name != entity.name})
        out.append([entity.name, aliases, view.type.label, lead_sentence(entity.summary, names),
                    page_url(entity_path(eid)), 1])
    for aid in sorted(graph.articles):
        article = graph.articles[aid].article
        snippet = ", ".join(p for p in (article.publisher, display_date(article.date)) if p)
        out.append([article.title, [], "Article", snippet, page_url(article_path(aid)), 0])
    return out


def script_json(value) -> str:
    """JSON that is inert inside a <script> element: ASCII only, no '<', '>' or '&'."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _entry_size(entry: list) -> int:
    return len(script_json(entry)) + 1


def shard_entries(graph: Graph, split_above: int = SPLIT_ABOVE) -> tuple[dict[str, list[list]], frozenset[str]]:
    """The entries of each shard, and the prefixes split into longer ones (any shard over
    split_above bytes, up to MAX_PREFIX letters)."""
    filed = [(entry, _entry_size(entry), index_tokens([entry[0], *entry[1]]) or {"_"}) for entry in entries(graph)]
    split: frozenset[str] = frozenset()
    while True:
        size: dict[str, int] = {}
        for _, bytes_, words in filed:
            for shard in {shard_of(w, split) for w in words}:
                size[shard] = size.get(shard, 0) + bytes_
        more = {s for s, n in size.items()
                if n > split_above and s != "other" and not s.endswith("_") and len(s) < MAX_PREFIX}
        if not more:
            break
        split |= more
    shards: dict[str, list[list]] = {}
    for entry, _, words in filed:
        for shard in sorted({shard_of(w, split) for w in words}):
            shards.setdefault(shard, []).append(entry)
    return shards, split


def search_files(graph: Graph, split_above: int = SPLIT_ABOVE) -> dict[str, str]:
    """The shard scripts and the list of split letters, by path under the docs directory."""
    shards, split = shard_entries(graph, split_above)
    files = {f"{SEARCH_DIR}/{shard}.js": f"kbSearchShard({script_json(shard)},{script_json(items)});\n"
             for shard, items in sorted(shards.items())}
    listing = {"shards": {path.split("/")[-1][:-3]: len(text) for path, text in files.items()}, "split": sorted(split)}
    files[f"{SEARCH_DIR}/index.js"] = f"kbSearchShard(\"index\",{script_json(listing)});\n"
    return files


# --- the full-text index ------------------------------------------------------------------------
#
# Material's search index holds every page's text and every reader downloads all of it (142 MB
# at 10,000 articles). The full-text index below holds the same entries (one per section, from
# the builder's html.search_entries), split so a query loads only what it needs:
#
# - `search/ft/meta.js`: the first term of each term shard and the number of pages in each doc
#   shard (in page order);
# - `search/ft/t<k>.js`: {term: [df, page, section, weight, page, section, weight, ...]} for a
#   sorted run of terms (about TERM_SHARD_BYTES each); `page` is the difference to the
#   posting before it (the first is absolute), `weight` is min(tf, 31) + 32 for a hit in the
#   section's title; a term in more than MAX_POSTINGS sections keeps its MAX_POSTINGS best
#   (df stays the true count, for the ranking's idf);
# - `search/ft/d<k>.js`: [[url, [[anchor, title, text], ...]], ...] for a run of pages (about
#   DOC_SHARD_BYTES each): the text a result shows its snippet from.
#
# What is indexed: an article's every section; an entity page's title and first section (its
# other sections repeat sentences of the articles, which are indexed where they were written);
# any other page's title and first section. A page's first section is its <h1>'s (the
# breadcrumb before it is dropped), at the page's own URL. Every file is one `kbSearchShard(name, data)` call,
# inert JSON (script_json), loadable by a <script> tag (file://) and importScripts (a worker).

FT_DIR = "search/ft"
TERM_SHARD_BYTES = 24_000
DOC_SHARD_BYTES = 10_000
MAX_POSTINGS = 600
MAX_SECTION_TEXT = 6_000  # characters of a section kept for snippets (and indexed)
_TAG = re.compile(r"<[^>]+>")
_TEMPLATE_SECTION = re.compile(r"(cited-by|entities-in-this-article|quotes|related-articles)(_\d+)?$")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39|#x27);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'", "#x27": "'"}


def _plain_search_text(text: str, limit: int = 0) -> str:
    """Material's entry text (a few tags kept, escaped) as plain text; with a limit, about that
    many characters of it (the markup is cut first: entity pages run to megabytes)."""
    if limit and len(text) > 2 * limit:
        text = text[:2 * limit].rpartition("<")[0] or text[:2 * limit]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
        import html as _h

        text = _h.unescape(text)
    return " ".join(text.split())


def _kind(url: str) -> str:
    if url.startswith("articles/") and url.rstrip("/") not in ("articles", "articles/index.html"):
        return "article"
    if url.startswith("entities/"):
        return "entity"
    return "other"


def fulltext_pages(pages: list[tuple[str, list[dict]]]) -> list[tuple[str, list[list[str]]]]:
    """The sections kept of each page: (url, [[anchor, title, plain text], ...]); the first is
    the page itself (no anchor). `pages` are (url, Material search entries) in a fixed order."""
    out = []
    for url, entries in pages:
        kept: list[list[str]] = []
        full = _kind(url) == "article"
        if (len(entries) > 1 and "#" not in str(entries[0].get("location", ""))
                and entries[1].get("title") == entries[0].get("title")):
            # the text before the <h1> (a breadcrumb) and the <h1>'s section: the page is its <h1>'s
            entries = [{**entries[1], "location": url}, *entries[2:]]
        for n, entry in enumerate(entries):
            if n and not full:
                break
            location = str(entry.get("location", url))
            anchor = location.partition("#")[2] if n else ""
            text = _plain_search_text(str(entry.get("text", "")), MAX_SECTION_TEXT)
            if len(text) > MAX_SECTION_TEXT:
                text = text[:MAX_SECTION_TEXT].rsplit(" ", 1)[0] + " …"
            kept.append([anchor, _plain_search_text(str(entry.get("title", ""))), text])
        if full:  # the template's own sections after the body (templates/article.md.j2): lists of names
            while len(kept) > 1 and _TEMPLATE_SECTION.match(kept[-1][0]):
                kept.pop()
        if kept:
            out.append((url, kept))
    return out


def fulltext_files(pages: list[tuple[str, list[dict]]]) -> dict[str, str]:
    """The full-text index files (path under the site -> text) for pages given as
    (url, Material search entries), in the order their ids are given."""
    from array import array
    from collections import Counter

    kept = fulltext_pages(pages)
    # a posting is one int: page << 16 | section << 6 | weight (sections < 1024, weight < 64)
    postings: dict[str, array] = {}
    appenders: dict = {}  # word -> its postings' append (one lookup per posting)
    findall = TOKEN.findall

    def first(word: str, code: int) -> None:
        plist = postings[word] = array("q", (code,))
        appenders[word] = plist.append

    for page, (_url, sections) in enumerate(kept):
        if len(sections) > 1023:
            del sections[1023:]
        for section, (_anchor, title, text) in enumerate(sections):
            base = page << 16 | section << 6
            counts = Counter(findall(fold_js(text)))
            for word in set(findall(fold_js(title))):
                tf = counts.pop(word, 0)
                code = base | 32 | (tf if tf < 31 else 31)
                append = appenders.get(word)
                if append is None:
                    first(word, code)
                else:
                    append(code)
            for word, tf in counts.items():
                try:
                    appenders[word](base | (tf if tf < 31 else 31))
                except KeyError:
                    first(word, base | (tf if tf < 31 else 31))
    def terms():
        for word in sorted(postings):
            if word in STOP_WORDS:
                continue
            plist = postings[word]
            df = len(plist)
            if df > MAX_POSTINGS:  # the best by weight, then in page order again
                plist = sorted(sorted(plist, key=lambda c: -(c & 63))[:MAX_POSTINGS])
            flat = [df]
            last = 0
            for code in plist:
                page = code >> 16
                flat += (page - last, code >> 6 & 1023, code & 63)
                last = page
            yield word, script_json(word) + ":[" + ",".join(map(str, flat)) + "]"

    files: dict[str, str] = {}
    term_runs = _pack(terms(), TERM_SHARD_BYTES)
    for n, (_, items) in enumerate(term_runs):
        files[f"search/ft/t{n}.js"] = f"kbSearchShard({script_json(f'ft/t{n}')},{{{','.join(items)}}});\n"
    doc_runs = _pack(((page, script_json([url, sections])) for page, (url, sections) in enumerate(kept)),
                     DOC_SHARD_BYTES)
    for n, (_, items) in enumerate(doc_runs):
        files[f"search/ft/d{n}.js"] = f"kbSearchShard({script_json(f'ft/d{n}')},[{','.join(items)}]);\n"
    term_firsts = [first for first, _ in term_runs]
    doc_firsts = [first for first, _ in doc_runs]
    # each doc shard's page count (its first page is the sum of those before): a third of the bytes
    meta = {"pages": len(kept), "terms": term_firsts,
            "docs": [b - a for a, b in zip(doc_firsts, doc_firsts[1:] + [len(kept)])]}
    files[f"{FT_DIR}/meta.js"] = f"kbSearchShard(\"ft/meta\",{script_json(meta)});\n"
    return files


def _pack(items, limit: int) -> list[tuple[object, list[str]]]:
    """(key, item) pairs in runs of at most `limit` bytes (a longer item alone): (first key, items)."""
    runs: list[tuple[object, list[str]]] = []
    size = 0
    for key, item in items:
        if not runs or size + len(item) > limit:
            runs.append((key, []))
            size = 0
        runs[-1][1].append(item)
        size += len(item) + 1
    return runs


# --- in the built site (the kb plugin's on_post_build) -------------------------------------------

WORKER_SHIM = (
    "// kb: Material's search worker, answered by kb's chunked index (assets/kb-search.js).\n"
    "importScripts(\"../../kb-search.js\");\n"
)
FULL_INDEX_ENV = "KB_SEARCH_INDEX"  # "full": also keep every page's text in search_index.json


def write_site_search(site, pages: list[tuple[str, list[dict]]], keep_full: bool = False,
                      material: bool = True, fulltext: bool = True) -> dict[str, int]:
    """Write the full-text index into a built site (`fulltext`), make Material's search worker
    kb's and leave Material's search_index.json only its config (`material`: the worker needs
    no docs). Returns the size of each file written, by path under the site. Files of an
    earlier index that this one does not have are removed (only under search/ft/)."""
    from pathlib import Path

    site = Path(site)
    written: dict[str, int] = {}
    if material:
        written.update(_material_search(site, keep_full))
    if not fulltext:
        return written
    files = fulltext_files(pages)
    folder = site / FT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.js"):
        if f"{FT_DIR}/{old.name}" not in files:
            old.unlink()
    for path, text in files.items():
        data = text.encode("ascii")
        target = site / path
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        written[path] = len(data)
    return written


def _material_search(site, keep_full: bool) -> dict[str, int]:
    import json

    written: dict[str, int] = {}
    for worker in sorted((site / "assets" / "javascripts" / "workers").glob("search.*.js")):
        worker.write_text(WORKER_SHIM, encoding="utf-8")
    index = site / "search" / "search_index.json"
    if index.exists():
        material = json.loads(index.read_text(encoding="utf-8"))
        if not keep_full:
            material["docs"] = []
        index.write_text(json.dumps(material, separators=(",", ":"), default=str), encoding="utf-8")
        written["search/search_index.json"] = index.stat().st_size
    return written
