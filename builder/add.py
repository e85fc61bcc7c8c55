"""`kb add`: saved pages, text files, folders and URLs into content/articles/<slug>.md.

A room at the edge: it reads sources (files, or a URL fetched once, now, never at build
time), extracts each with the pure functions in `extract.py`, refuses duplicates of what
`content/articles/` already holds, and writes one Markdown file per article. It builds
nothing. The CLI prints what `add_sources` yields; nothing here prints or exits.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import yaml

from .errors import UNSAFE_CHARS, BuilderError, visible
from .extract import Block, ExtractedArticle, ExtractionError, extract, to_markdown
from .schema import ID_PATTERN, check_date

SOURCE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".txt", ".text")
MAX_SOURCE_BYTES = 10_000_000
FETCH_TIMEOUT = 20.0
SHINGLE = 5  # words per shingle
NEAR_DUPLICATE = 0.9  # Jaccard similarity of word 5-shingle sets at or above which an article is a near-duplicate
SKETCH = 32  # bottom-k hashes kept per article to find near-duplicate candidates


@dataclass
class Overrides:
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass
class AddResult:
    source: str  # as the user named it (a path or a URL)
    status: str  # "added", "duplicate", "failed"
    reason: str = ""  # for "failed" and "duplicate"
    path: str = ""  # the written file, relative to the project
    article: ExtractedArticle | None = None
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, value or "", where / why not)


# --- sources ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refused:
    """A file found in a folder that is not read, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return str(self.path)


def expand_sources(names: list[str]) -> list[str | Path | Refused]:
    """URLs as given; files as given; folders walked recursively for HTML and text files."""
    out: list[str | Path] = []
    for name in names:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", name):
            out.append(name)
            continue
        path = Path(name)
        if path.is_dir():
            inside = path.resolve()
            for p in sorted(path.rglob("*")):
                if p.suffix.lower() not in SOURCE_SUFFIXES or any(
                        part.startswith(".") for part in p.relative_to(path).parts):
                    continue
                if p.is_symlink():  # a folder from elsewhere must not add files from outside it
                    target = p.resolve()
                    if not p.exists():
                        out.append(Refused(p, "a broken symbolic link"))
                        continue
                    if not target.is_relative_to(inside):
                        out.append(Refused(p, f"a symbolic link to {target}, outside {name}; "
                                              "give that file itself to add it"))
                        continue
                if p.is_file():
                    out.append(p)
        else:
            out.append(path)
    return out


def read_source(source: str | Path) -> tuple[bytes, str | None, str | None]:
    """The bytes of a file or a URL, the URL they came from, and the server's content type."""
    if isinstance(source, str):
        return fetch(source)
    try:
        if not source.exists():
            raise ExtractionError("no such file or folder")
        if not source.is_file():
            raise ExtractionError("not a regular file")
        if source.suffix and source.suffix.lower() not in SOURCE_SUFFIXES:
            raise ExtractionError(f"not HTML or text: '{source.suffix}' files are not articles "
                                  f"(kb add reads {', '.join(SOURCE_SUFFIXES)} files and URLs)")
        size = source.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise ExtractionError(f"file is {size:,} bytes; the limit is {MAX_SOURCE_BYTES:,}")
        return source.read_bytes(), None, None
    except OSError as exc:
        raise ExtractionError(f"cannot read it: {exc.strerror or exc}") from None


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only: urllib would follow one to ftp:// as well."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise ExtractionError(f"unreachable URL: redirected to a non-http address ({_shown(newurl)})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _shown(url: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in url)[:200]


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def fetch(url: str, timeout: float = FETCH_TIMEOUT, limit: int = MAX_SOURCE_BYTES) -> tuple[bytes, str, str | None]:
    """GET `url` once (http or https only, redirects included), with a timeout and a size limit."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExtractionError("unreachable URL: only http:// and https:// URLs can be added")
    request = urllib.request.Request(url, headers={"User-Agent": "kb-add/0.1", "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            data = response.read(limit + 1)
            if len(data) > limit:
                raise ExtractionError(f"the page is larger than {limit:,} bytes")
            return data, response.geturl(), response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise ExtractionError(f"unreachable URL: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        text = getattr(reason, "strerror", None) or str(reason)
        raise ExtractionError(f"unreachable URL: {text}") from None
    except TimeoutError:
        raise ExtractionError(f"unreachable URL: no answer within {timeout:g} s") from None
    except http.client.HTTPException as exc:  # not OSError: a malformed answer
        raise ExtractionError(f"unreachable URL: the server's answer is not valid HTTP ({type(exc).__name__})") from None
    except (OSError, ValueError) as exc:
        raise ExtractionError(f"unreachable URL: {exc}") from None


# --- duplicates --------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def normal_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def body_digest(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


_MIX = np.uint64(1099511628211)


def shingles(words: list[str]) -> np.ndarray:
    """The sorted, distinct hashes of the body's 5-word shingles (hashes live for one run only:
    they build on Python's string hash)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    ids = np.fromiter((hash(w) for w in words), dtype=np.int64, count=len(words)).view(np.uint64)
    n = max(1, len(ids) - SHINGLE + 1)
    out = np.zeros(n, dtype=np.uint64)
    for k in range(min(SHINGLE, len(ids))):
        out = out * _MIX + ids[k:k + n]
    return np.unique(out)


def normal_url(url: str) -> str:
    """Scheme and host lowercased, no fragment, no tracking parameters, no trailing slash."""
    parts = urllib.parse.urlsplit(url.strip())
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(("utm_", "fbclid", "gclid"))]
    host = parts.netloc.lower().removeprefix("www.")
    return urllib.parse.urlunsplit(("https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower(),
                                    host, parts.path.rstrip("/") or "/", urllib.parse.urlencode(query), ""))


class ArticleIndex:
    """What content/articles/ holds, to refuse duplicates: URLs, body digests, and each body's
    5-word shingles. A near-duplicate shares most of its smallest shingle hashes (a bottom-k
    sketch), so only the articles sharing one of those are compared exactly."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.digests: dict[str, str] = {}
        self.by_hash: dict[int, list[str]] = {}
        self.shingle_sets: dict[str, np.ndarray] = {}

    def add(self, name: str, url: str | None, words: list[str]) -> None:
        if url:
            self.urls.setdefault(normal_url(url), name)
        self.digests.setdefault(body_digest(words), name)
        sh = shingles(words)
        self.shingle_sets[name] = sh
        for h in sh[:SKETCH].tolist():
            self.by_hash.setdefault(h, []).append(name)

    def duplicate_of(self, url: str | None, words: list[str]) -> tuple[str, str] | None:
        """(existing article, why) if this article is already there."""
        if url and normal_url(url) in self.urls:
            return self.urls[normal_url(url)], "the same URL"
        digest = body_digest(words)
        if digest in self.digests:
            return self.digests[digest], "the same text"
        sh = shingles(words)
        if not len(sh):
            return None
        candidates = dict.fromkeys(n for h in sh[:SKETCH].tolist() for n in self.by_hash.get(h, ()))
        best: tuple[float, str] | None = None
        for name in candidates:
            other = self.shingle_sets[name]
            common = len(np.intersect1d(sh, other, assume_unique=True))
            similarity = common / (len(sh) + len(other) - common)
            if similarity >= NEAR_DUPLICATE and (best is None or similarity > best[0]):
                best = (similarity, name)
        if best:
            return best[1], f"{best[0]:.0%} of the same 5-word sequences"
        return None


def markdown_words(body: str) -> list[str]:
    """The words of an article body written in Markdown (markup characters are not words)."""
    return normal_words(re.sub(r"\\(.)", r"\1", body))


def index_articles(articles_dir: Path) -> ArticleIndex:
    from .source import SourceProblem, read_text, split_front_matter

    index = ArticleIndex()
    for path in sorted(articles_dir.glob("*.md")):
        display = f"content/articles/{path.name}"
        try:
            doc, body, _ = split_front_matter(read_text(path, display), display)
        except SourceProblem:
            continue
        url = doc.data.get("url") if isinstance(doc.data, dict) else None
        index.add(display, url if isinstance(url, str) else None, markdown_words(body))
    return index


# --- writing -----------------------------------------------------------------------------------

def slug_for(title: str | None, fallback: str, taken) -> str:
    from .newentity import slugify

    base = slugify(title or fallback)
    if not base:
        base = slugify(fallback) or "article"
    if len(base) > 60:
        base = base[:60].rsplit("-", 1)[0] or base[:60]
    from .validate import RESERVED_IDS

    slug, n = base, 2
    while slug in RESERVED_IDS or taken(slug):  # kb check refuses a reserved id
        slug, n = f"{base}-{n}", n + 1
    assert re.match(ID_PATTERN, slug), slug
    return slug


def _scalar(value: str) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, default_style=None, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", visible(text)).replace("#", "").strip()[:200]


def front_matter(article: ExtractedArticle, source: str) -> str:
    lines = ["---", f"# added by kb add from {_comment(source)}"]
    f = article.found
    lines.append(f"title: {_scalar(article.title or '')}  # {_comment(f.get('title', 'not found'))}")
    if article.publisher:
        lines.append(f"publisher: {_scalar(article.publisher)}  # {_comment(f.get('publisher', ''))}")
    else:
        lines.append("publisher: Unknown  # not found in the source")
    if article.date:
        lines.append(f"date: {article.date}  # {_comment(f.get('date', ''))}")
    else:
        lines.append("date: unknown  # not found in the source")
    if article.author:
        lines.append(f"author: {_scalar(article.author)}  # {_comment(f.get('author', ''))}")
    if article.url:
        lines.append(f"url: {_scalar(article.url)}  # {_comment(f.get('url', ''))}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def apply_overrides(article: ExtractedArticle, overrides: Overrides) -> None:
    for key in ("title", "publisher", "author", "date"):
        value = getattr(overrides, key)
        if value:
            setattr(article, key, value.strip())
            article.found[key] = "given on the command line"


def check_overrides(overrides: Overrides) -> str | None:
    """Why the overrides cannot be used, or None."""
    if overrides.date and overrides.date.strip().lower() != "unknown":
        try:
            check_date(overrides.date.strip())
        except ValueError as exc:
            return str(exc)
    for key in ("title", "publisher", "author"):
        value = getattr(overrides, key)
        if value is not None and (not value.strip() or len(value) > 500 or UNSAFE_CHARS.search(value)):
            return f"--{key} must be one line of 1 to 500 characters, without control characters"
    return None


FIELDS = ("title", "publisher", "author", "date", "url")


def _notes(article: ExtractedArticle) -> list[tuple[str, str, str]]:
    notes = []
    for key in FIELDS:
        value = getattr(article, key)
        if value:
            notes.append((key, value, article.found.get(key, "")))
        else:
            written = {"publisher": "written as 'Unknown'", "date": "written as 'date: unknown'",
                       "title": "no title"}.get(key, "left out")
            notes.append((key, "", f"not found ({written})"))
    return notes


def add_sources(
    names: list[str], root: Path, *, force: bool = False, overrides: Overrides | None = None,
    encoding: str | None = None, progress=None,
) -> Iterator[AddResult]:
    """Add every source; yield one result per source as it is done. Never raises for a bad source."""
    overrides = overrides or Overrides()
    articles_dir = root / "content" / "articles"
    if not (root / "content").is_dir():
        raise BuilderError(f"kb: no content/ folder in {root}; run kb add in a kb project (or give --project)")
    index = index_articles(articles_dir)
    sources = expand_sources(names)
    if progress is not None:
        progress.step("Adding articles", total=len(sources))
    for source in sources:
        shown = visible(str(source))  # a file name can hold a newline or an escape sequence
        try:
            if isinstance(source, Refused):
                raise ExtractionError(source.reason)
            data, url, content_type = read_source(source)
            article = extract(data, name=str(source), url=url, content_type=content_type, encoding=encoding)
            apply_overrides(article, overrides)
            if not article.title:
                raise ExtractionError("no title found; give one with --title")
            words = normal_words(article.body_text)
            duplicate = index.duplicate_of(article.url, words)
            if duplicate and not force:
                yield AddResult(shown, "duplicate", f"duplicate of {duplicate[0]} ({duplicate[1]})", article=article)
                continue
            slug = slug_for(article.title, Path(urllib.parse.urlsplit(shown).path).stem or "article",
                            lambda s: (articles_dir / f"{s}.md").exists())
            text = front_matter(article, shown) + to_markdown(article.blocks)
            _check_written(text, slug)
            articles_dir.mkdir(parents=True, exist_ok=True)
            path = articles_dir / f"{slug}.md"
            with open(path, "x", encoding="utf-8") as handle:  # never overwrites
                handle.write(text)
            index.add(f"content/articles/{slug}.md", article.url, words)
            yield AddResult(shown, "added", path=f"content/articles/{slug}.md", article=article, notes=_notes(article))
        except ExtractionError as exc:
            yield AddResult(shown, "failed", exc.reason)
        finally:
            if progress is not None:
                progress.advance()


def _check_written(text: str, slug: str) -> None:
    """The file about to be written loads as a valid article (a bug here must not leave a broken file)."""
    from .schema import FrontMatterSpec
    from .source import MAX_FILE_BYTES, SourceProblem, split_front_matter

    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:  # kb check would refuse the file
        raise ExtractionError(f"the article would be {size:,} bytes; an article file may be at most "
                              f"{MAX_FILE_BYTES:,} bytes")
    try:
        doc, _, _ = split_front_matter(text, f"{slug}.md")
        FrontMatterSpec.model_validate(doc.data)
    except (SourceProblem, ValueError) as exc:
        raise ExtractionError(f"the extracted article does not make a valid file ({exc})") from None


__all__ = ["AddResult", "Overrides", "add_sources", "check_overrides", "Block"]
