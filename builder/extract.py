"""Article extraction for `kb add`: pure functions of (bytes, name, url?) to an ExtractedArticle.

HTML goes through trafilatura (body, title, site name, author, canonical URL) and htmldate
(publication date); plain text through the line heuristics below, which follow how the seed
articles were cleaned by hand. Both then drop the same page furniture (cookie banners, ads,
reading-time and listening widgets, newsletter prompts, related links, author blurbs) and
decode HTML character references. Nothing here reads files or the network, and nothing is
invented: a field that was not found stays None.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from dataclasses import dataclass, field

from .errors import BuilderError

MONTH_NAMES = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTH_NAMES.update({m[:3]: i for m, i in list(MONTH_NAMES.items())})
MONTH_NAMES["sept"] = 9


class ExtractionError(BuilderError):
    """A source yields no article: `reason` is the one line shown after the source's name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "h2"
    text: str  # plain text, not Markdown


@dataclass
class ExtractedArticle:
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)  # field -> where it was found

    @property
    def body_text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)


# --- decoding and sniffing -------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article)\b",
                         re.I | re.S)
_BINARY_MAGIC = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)", b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document", b"{\\rtf": "an RTF document",
}


def sniff(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """'html' or 'text'; raises ExtractionError for anything else (PDF, images, binary)."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise ExtractionError(f"not HTML or text: it is {what}")
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain", "application/octet-stream", ""):
        raise ExtractionError(f"not HTML or text: the server says it is {ctype}")
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if ctype in ("text/html", "application/xhtml+xml") or _HTML_START.match(head):
        return "html"
    if name.lower().endswith((".html", ".htm", ".xhtml")) and b"<" in head:
        return "html"
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExtractionError("not HTML or text: it contains binary data")
    return "text"


def decode(data: bytes, kind: str, declared: str | None = None) -> str:
    """The text of `data`: a byte-order mark, then the declared charset (HTTP header or HTML
    meta), then UTF-8. Never guesses: bytes that do not decode are an ExtractionError."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode_with(data[len(bom):], codec, "its byte-order mark")
    if not declared and kind == "html":
        match = _META_CHARSET.search(data[:4096])
        if match:
            declared = match.group(1).decode("ascii", "replace")
    if declared:
        return _decode_with(data, declared, f"its declared charset {declared}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            f"undecodable text: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and no charset "
            "is declared; give one with --encoding"
        ) from None


def _decode_with(data: bytes, codec: str, why: str) -> str:
    try:
        codecs.lookup(codec)
    except LookupError:
        raise ExtractionError(f"undecodable text: unknown charset '{codec}'") from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            f"undecodable text: not valid {codec} ({why}) at offset {exc.start}"
        ) from None


# --- shared cleaning ---------------------------------------------------------------------------

_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u2028\u2029\ufeff]")


def decode_references(text: str) -> str:
    """`&#163;` -> £, `&amp;` -> &: character references that were escaped once too often."""
    return _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), text)


def clean_line(text: str) -> str:
    text = decode_references(text)
    text = _CONTROL.sub("", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


# A line that is page furniture on its own, wherever it appears.
_FURNITURE = re.compile(
    r"""^(?:
        advertisement|advertising|sponsored(?:\ content)?|ad|ads|
        accept(?:\ all)?(?:\ cookies)?|reject(?:\ all)?|decline|got\ it|ok|close|
        avatar\ image|image|photo|video|
        (?:we|this\ (?:site|website))\ uses?\ cookies.*|.*\bcookies?\b.*\b(?:by\ clicking|you\ agree|cookie\ (?:policy|settings|preferences))\b.*|
        reading\ time\s*:?.*|\d+\s*min(?:ute)?s?\ read|read(?:ing)?\ time\ \d+.*|\d+\ min(?:ute)?s?\ read(?:ing)?|
        why\ you\ can\ trust\ .{1,40}|
        \d{1,5}|
        share(?:\ this(?:\ article|\ story|\ page)?)?(?:\ on\ .{1,30})?|share\ via.*|tweet|email|print|copy\ link|
        listen\ to\ (?:this\ )?article.*|select\ voice|choose\ your\ listening\ speed|get\ through\ articles.*faster|
        \d(?:\.\d)?x|\d{2,3}\ wpm|slow|normal|fast|play|pause|
        (?:image|photo|picture)\ (?:credit|source)s?\s*:.*|(?:credit|source)\s*:\s*(?:getty|reuters|ap|afp|shutterstock).*|
        (?:getty\ images|shutterstock|reuters|ap\ photo|afp)(?:\s*/.*)?|
        sign\ up\ (?:for|to)\ .*newsletter.*|subscribe(?:\ now|\ to\ .*)?|
        (?:sign\ up|subscribe|register)\b.*\bnewsletter.*|
        get\ the\ latest\ news.*|register\ for\ the\ newsletter.*|
        follow\ us\ on\ .*|skip\ to\ (?:main\ )?content|menu|search|home|log\ ?in|sign\ in|
        comments?(?:\ \(\d+\))?|\d+\ comments?|leave\ a\ comment|
        (?:also\ )?read(?:\ more|\ next|\ also)?\s*:.*|see\ also\s*:.*|recommended(?:\ for\ you)?|trending(?:\ now)?|
        (?:loading|please\ wait)\W*
    )$""",
    re.I | re.X,
)

# A line after which nothing belongs to the article.
_END = re.compile(
    r"""^(?:
        about\ the\ authors?(?:\(s\))?|about\ the\ writer|author\ bio|
        you\ (?:may|might)\ also\ like|related(?:\ (?:articles|stories|news|content|posts|coverage|reading))?\s*:?|
        more\ (?:from|on|stories|news)\b.*|most\ (?:read|popular|viewed)|featured\ articles|
        tags?\s*:.*|topics?\s*:.*|filed\ under\s*:?.*|
        select\ voice|share\ this\ (?:article|story)
    )$""",
    re.I | re.X,
)
END_LINE_CHARS = 80  # an end marker is a box's heading: a longer line is a paragraph that happens to start alike
# Prompts after which nothing belongs to the article, however long the line.
_END_PROMPT = re.compile(
    r"^(?:make sure you check out the latest edition.*|(?:sign up|subscribe) to (?:our|the) .*newsletter.*|"
    r"get the latest news straight to your inbox.*)$",
    re.I,
)
FURNITURE_CHARS = 300  # furniture is short; a longer line is kept whatever it starts with

_BRAND = re.compile(r"^(?P<name>[A-Z][\w&.' -]{1,60}?) is an? (?:[A-Z][\w&.' -]{1,40}?) (?:brand|publication|title)\.?$")
_BYLINE = re.compile(
    r"^(?:by\s+)?(?P<name>[A-Z][a-zà-ÿ'’-]+(?:\s[A-Z]\.)?(?:\s(?:de|van|von|da|di|le|la|al|bin)?\s?[A-Z][a-zà-ÿ'’-]+){1,2}?)"
    r"(?:\s?in\s(?P<place>[A-Z][A-Za-z-]+(?:\s[A-Z][A-Za-z-]+)?))?$"
)
_BYLINE_IN = re.compile(
    r"^(?:by\s+)?(?P<name>[A-Z][a-zà-ÿ'’-]+(?: [A-Z][a-zà-ÿ'’-]+?){1,2}) ?in (?P<place>[A-Z][A-Za-z-]+(?: [A-Z][A-Za-z-]+)?)$"
)
_BY_PREFIX = re.compile(r"^by\s+(?P<name>[A-Z].{2,60})$", re.I)
_BLURB_VERBS = re.compile(
    r"^\S+(?:\s\S+)?\s(?:tells stories|joins|joined|covers|has covered|writes|has written|is an? (?:[\w-]+ )?"
    r"(?:reporter|writer|editor|journalist|correspondent|columnist|contributor)|reports on|is based in)\b", re.I)


def is_furniture(line: str) -> bool:
    return len(line) <= FURNITURE_CHARS and bool(_FURNITURE.match(line))


def _date_from_line(line: str) -> str | None:
    """'April 10, 2024', '10 April 2024', '2024-04-10', 'Published: Apr 10 2024 ...' -> '2024-04-10'."""
    s = re.sub(r"^(?:published|updated|posted|first published|last updated)\s*(?:on)?\s*:?\s*", "", line.strip(), flags=re.I)
    s = re.sub(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", "", s, flags=re.I)
    patterns = [
        (r"^(?P<m>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", None),
        (r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})\b", None),
        (r"^(?P<y>\d{4})-(?P<mm>\d{2})-(?P<d>\d{2})\b", None),
    ]
    for pattern, _ in patterns:
        m = re.match(pattern + r"(?P<rest>.*)$", s)
        if not m or len(m.group("rest")) > 40:
            continue
        month = int(m.group("mm")) if "mm" in m.groupdict() and m.group("mm") else MONTH_NAMES.get(m.group("m").lower().rstrip("."))
        if not month:
            continue
        year, day = int(m.group("y")), int(m.group("d"))
        try:
            import datetime

            datetime.date(year, month, day)
        except ValueError:
            continue
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _is_heading(line: str, position: int) -> bool:
    """A short line with no closing punctuation, not the first paragraph: a sub-heading."""
    words = line.split()
    if position == 0 or not (1 <= len(words) <= 10) or len(line) > 90:
        return False
    if line[-1] in ".,:;\"”’'…)" or line[0] in "\"“‘'(-–—•*":
        return False
    return line[0].isupper() or line[0].isdigit()


def clean_blocks(lines: list[str], title: str | None, author: str | None) -> tuple[list[str], dict[str, str]]:
    """Drop furniture, stop at the end markers, drop repeats and the author's blurb.
    Returns the kept lines and what the furniture said (a publisher named by a brand line)."""
    said: dict[str, str] = {}
    kept: list[str] = []
    ended = False
    for line in lines:
        brand = _BRAND.match(line)
        if brand:
            said.setdefault("publisher", brand.group("name").strip())
            continue
        if ended or (kept and (len(line) <= END_LINE_CHARS and _END.match(line) or _END_PROMPT.match(line))):
            ended = True
            continue
        if is_furniture(line):
            continue
        if title and line == title and not kept:
            continue
        if kept and line == kept[-1]:
            continue  # a caption repeated by the page's gallery
        kept.append(line)
    if author:
        first = author.split()[0]
        while kept and (kept[-1].startswith((author, first + " ")) and _BLURB_VERBS.match(kept[-1])):
            kept.pop()
    return kept, said


# --- plain text --------------------------------------------------------------------------------

def extract_text(text: str) -> ExtractedArticle:
    """A plain-text article: title on the first line, a byline and a date line if present."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = _text_paragraphs(raw)
    lines = [clean_line(p) for p in paragraphs]
    lines = [line for line in lines if line]
    out = ExtractedArticle()
    # title: the first line that is not furniture
    start = 0
    while start < len(lines) and (is_furniture(lines[start]) or _BRAND.match(lines[start])):
        start += 1
    if start < len(lines) - 1 and len(lines[start]) <= 200:
        out.title = lines[start]
        out.found["title"] = "the first line"
        start += 1
    rest = lines[start:]
    # byline and date: short lines among the first few after the title
    header: list[int] = []
    date_at = None
    for i, line in enumerate(rest[:8]):
        if len(line) <= 60:
            date = _date_from_line(line)
            if date:
                out.date, out.found["date"] = date, f"the line '{line}'"
                header.append(i)
                date_at = i
                break
    for i, line in enumerate(rest[:8]):
        if i in header or len(line) > 60 or is_furniture(line):
            continue
        # "By Name", "Name in Place", or a bare name next to the date line (a bare name alone
        # could be a short sub-heading)
        m = _BYLINE_IN.match(line) or (_BY_PREFIX.match(line) if line.lower().startswith("by ") else None)
        if m is None and date_at is not None and abs(i - date_at) == 1:
            m = _BYLINE.match(line)
        if m and _looks_like_name(m.group("name")):
            out.author, out.found["author"] = m.group("name").strip(), f"the byline '{line}'"
            header.append(i)
            break
    rest = [line for i, line in enumerate(rest) if i not in header]
    kept, said = clean_blocks(rest, out.title, out.author)
    if "publisher" in said:
        out.publisher, out.found["publisher"] = said["publisher"], "a line naming the brand"
    out.blocks = [Block("h2" if _is_heading(line, i) else "p", line) for i, line in enumerate(kept)]
    return out


def _looks_like_name(name: str) -> bool:
    words = name.split()
    stop = {"The", "A", "An", "Read", "More", "Share", "Advertisement", "Related", "Photo", "Image", "Video",
            "Select", "Voice", "Normal", "Fast", "Slow", "About", "Featured", "Articles", "Min", "Minutes"}
    return 2 <= len(words) <= 4 and not any(w in stop for w in words) and len(name) <= 40


def _text_paragraphs(raw: str) -> list[str]:
    """Each line a paragraph, unless the text is hard-wrapped: then blank lines separate them."""
    lines = raw.split("\n")
    nonblank = [line for line in lines if line.strip()]
    blank_separated = any(not line.strip() for line in lines[1:-1])
    if blank_separated and nonblank:
        long_lines = [len(line) for line in nonblank if len(line) > 40]
        wrapped = len(long_lines) >= 5 and max(long_lines) <= 100 and sum(60 <= n <= 90 for n in long_lines) > 0.6 * len(long_lines)
        if wrapped:
            return [" ".join(chunk.split("\n")) for chunk in re.split(r"\n\s*\n", raw) if chunk.strip()]
    return nonblank


# --- HTML --------------------------------------------------------------------------------------

def extract_html(page: str, url: str | None = None, *, precision: bool = False) -> ExtractedArticle:
    """An HTML page through trafilatura and htmldate, then the same cleaning as plain text."""
    import htmldate
    import lxml.html
    from trafilatura import bare_extraction

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        raise ExtractionError("no article text: the HTML page is empty") from None
    # trafilatura parses the text itself: handed a tree it keeps forms and boxes it would
    # otherwise drop (measured: bench/extraction/f1.py)
    doc = bare_extraction(page, url=url, with_metadata=True, include_comments=False, include_tables=False,
                          favor_precision=precision)
    out = ExtractedArticle()
    ld = _json_ld(tree)
    if doc is None:
        raise ExtractionError("no article text found in the page")
    title = clean_line(doc.title or ld.get("headline") or "")
    publisher = clean_line(doc.sitename or ld.get("publisher") or "")
    if title and publisher:
        title = re.sub(rf"\s+[|\-–—:]\s+{re.escape(publisher)}$", "", title)
    if title:
        out.title, out.found["title"] = title, "the page's title"
    if publisher and not re.match(r"^[\w-]+(\.[\w-]+)+$", publisher):
        out.publisher, out.found["publisher"] = publisher, "the site's name"
    author, where = _author(tree, ld, doc.author)
    if author:
        out.author, out.found["author"] = author, where
    canonical = doc.url if doc.url and re.match(r"^https?://[^\s<>\"']+$", doc.url) else None
    if canonical:
        out.url, out.found["url"] = canonical, "the canonical link" if canonical != url else "the address it was fetched from"
    elif url:
        out.url, out.found["url"] = url, "the address it was fetched from"
    date = ld.get("date") and _iso_date(ld["date"])
    if date:
        out.date, out.found["date"] = date, "the page's structured data (datePublished)"
    else:
        found = htmldate.find_date(tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
        found = found and confirmed_precision(found, page + " " + (url or ""))
        if found:
            out.date, out.found["date"] = found, "the page's metadata (htmldate)"
    lines: list[tuple[str, str]] = []
    for element in doc.body.iter("head", "p", "item", "quote", "cell"):
        if element.tag in ("p", "item") and element.getparent() is not None and element.getparent().tag == "quote":
            continue
        text = clean_line("".join(element.itertext()))
        if text:
            lines.append((element.tag, text))
    if lines and out.title and lines[0][1] == out.title:
        lines = lines[1:]
    kinds = {text: tag for tag, text in lines}
    kept, said = clean_blocks([text for _, text in lines], out.title, out.author)
    if "publisher" in said and not out.publisher:
        out.publisher, out.found["publisher"] = said["publisher"], "a line naming the brand"
    out.blocks = [Block("h2" if kinds.get(t) == "head" and i > 0 else "p", t) for i, t in enumerate(kept)]
    return out


MONTHS_FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


def confirmed_precision(date: str, text: str) -> str | None:
    """`date` (YYYY-MM-DD) cut to the precision the page really states. htmldate fills in a
    day (today's) when a page gives only a month; a day that is written nowhere is not kept."""
    y, m, d = date.split("-")
    mi, di = int(m), int(d)
    month = MONTHS_FULL[mi - 1]
    months = rf"(?:{month}|{month[:3]}\.?)"
    day_forms = [
        rf"{y}-{m}-{d}", rf"{y}/{m}/{d}", rf"{y}{m}{d}", rf"{y}\.{m}\.{d}", rf"\b0?{di}\.0?{mi}\.{y}",
        rf"\b0?{mi}/0?{di}/{y}", rf"\b0?{di}/0?{mi}/{y}", rf"\b0?{di}(?:st|nd|rd|th)?\s+{months},?\s+{y}",
        rf"{months}\s+0?{di}(?:st|nd|rd|th)?,?\s+{y}",
    ]
    if any(re.search(f, text, re.I) for f in day_forms):
        return date
    if re.search(rf"{y}-{m}(?!-\d)|{y}/{m}(?!/\d)|{months},?\s+{y}", text, re.I):
        return f"{y}-{m}"
    return y if re.search(rf"\b{y}\b", text) else None


_META_AUTHOR = ('//meta[@name="author" or @property="article:author" or @name="byl" or @name="parsely-author" '
                'or @name="sailthru.author" or @name="dc.creator" or @name="DC.creator"]/@content')
_VISIBLE_BYLINE = re.compile(r"^[ \t]*By:?[ \t]*\n?[ \t]*([A-Z][\w.'’-]+(?:[ \t]+(?:[A-Z][\w.'’-]+|and|&|de|van|von)){1,5})", re.M)


_NOT_NAME = {w.lower() for w in MONTHS_FULL} | {m[:3].lower() for m in MONTHS_FULL} | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "topics", "updated",
    "published", "posted", "the", "staff", "reporter", "writer", "editor", "correspondent", "senior"}


def _plausible_author(name: str) -> bool:
    return (2 <= len(name) <= 120 and not re.search(r"https?:|www\.|@|\d|\blogged\b|\baccount\b", name, re.I)
            and any(c.isalpha() for c in name))


def _author(tree, ld: dict[str, str], guessed: str | None) -> tuple[str | None, str]:
    """The author from structured data, a meta tag or a visible "By ..." line, in that order.
    trafilatura's own guess is kept only when the page prints it in a byline: it also picks up
    names from sidebars and log-in boxes."""
    if ld.get("author") and _plausible_author(clean_line(ld["author"])):
        return clean_line(ld["author"]), "the page's structured data (author)"
    for value in tree.xpath(_META_AUTHOR):
        value = clean_line(value)
        if _plausible_author(value):
            return value, "the page's author meta tag"
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    text = "\n".join(t.strip() for t in tree.itertext() if t.strip())  # one line per text node
    m = _VISIBLE_BYLINE.search(text)
    if m:
        words = m.group(1).split()
        while words and (words[-1].rstrip(",").lower() in _NOT_NAME or words[-1] in ("and", "&")):
            words.pop()
        name = " ".join(words)
        if len(words) >= 2 and _plausible_author(name):
            return name, f"the byline 'By {name}'"
    if guessed and _plausible_author(guessed):
        first = clean_line(guessed).split(";")[0].strip()
        if re.search(rf"\bby:?\s+{re.escape(first)}", text, re.I):
            return clean_line(guessed), "the byline"
    return None, ""


def _iso_date(value: str) -> str | None:
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    import datetime

    try:
        datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return f"{m[1]}-{m[2]}-{m[3]}"


def _json_ld(tree) -> dict[str, str]:
    """headline, author, publisher and datePublished of the first article object in JSON-LD."""
    found: dict[str, str] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and k.endswith(("Article", "BlogPosting", "Report")) for k in kinds):
                continue
            for key, name in (("headline", "headline"), ("datePublished", "date")):
                if isinstance(item.get(key), str):
                    found.setdefault(name, item[key])
            for key, name in (("author", "author"), ("publisher", "publisher")):
                value = item.get(key)
                names = [_ld_name(v) for v in (value if isinstance(value, list) else [value])]
                names = [n for n in names if n]
                if names:
                    found.setdefault(name, ", ".join(names))
            return found
    return found


def _ld_items(data):
    if isinstance(data, list):
        for d in data:
            yield from _ld_items(d)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _ld_items(data["@graph"])


def _ld_name(value) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"].strip() or None
    return None


# --- the entry point ---------------------------------------------------------------------------

MIN_WORDS = 20  # fewer words than this is not an article


def extract(data: bytes, name: str = "", url: str | None = None, content_type: str | None = None,
            encoding: str | None = None) -> ExtractedArticle:
    """The article in `data` (a file's or a response's bytes); ExtractionError if there is none."""
    if not data.strip():
        raise ExtractionError("no article text: the file is empty")
    kind = sniff(data, name, content_type)
    declared = encoding
    if not declared and content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
    text = decode(data, kind, declared)
    article = extract_html(text, url) if kind == "html" else extract_text(text)
    words = sum(len(b.text.split()) for b in article.blocks)
    if words < MIN_WORDS:
        raise ExtractionError(f"no article text found ({words} word{'s' if words != 1 else ''} after removing page furniture)")
    return article


# --- Markdown ----------------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_ENTITY_LIKE = re.compile(r"&(?=#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]*;)")
_BLOCK_START = re.compile(r"^(#|=|\+|-|\d{1,9}(?=[.)]))")


def escape_paragraph(text: str) -> str:
    """Markdown whose text is exactly `text`: markup characters are backslash-escaped, only where needed."""
    out = _INLINE_SPECIAL.sub(r"\\\1", text)
    out = _ENTITY_LIKE.sub(r"\\&", out)
    m = _BLOCK_START.match(out)
    if m:
        marker = m.group(1)
        if marker[0].isdigit():
            out = marker + "\\" + out[len(marker):]
        else:
            out = "\\" + out
    return out


def to_markdown(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        escaped = escape_paragraph(b.text)
        if b.kind == "h2":
            escaped = "## " + (escaped[:-1] + "\\#" if escaped.endswith("#") else escaped)
        parts.append(escaped)
    return "\n\n".join(parts) + "\n"
