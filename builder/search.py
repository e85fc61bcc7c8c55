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
SPLIT_ABOVE = 400_000  # bytes: a larger shard is split by one more letter
MAX_PREFIX = 3  # letters: shards are never split beyond this prefix length
TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lowercase with accents folded: "Zürich" -> "zurich" (the same rule as kb-search.js)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
