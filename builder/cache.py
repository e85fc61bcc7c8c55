"""The build cache: what an incremental build may reuse, keyed by what it depends on.

- parsed article blocks, keyed by the article body's digest;
- each article's link results, keyed by its digest, the name table and its quote highlights;
- rendered article pages, keyed by a fingerprint of everything the page shows;
- each page's body HTML (builder/html.py), keyed by its Markdown and the files it links to;
- what the last build read and wrote, so that a build with nothing changed does nothing.

The cache is data only: JSON lines (gzip-compressed), one `[part, key, value]` a line, holding plain values and the fields of
kb's own dataclasses, never code (it used to be a pickle, which runs code when loaded).
It is read only when its header matches this kb (cache version and a digest of the
builder's source) and its HMAC verifies with a key that only this user can read
(`build/cache/key`, mode 0600, owned by the user); anything else (missing, truncated,
altered, from another version, another user's key) makes it empty and the build
starts afresh. Reading and writing happen at the pipeline's edges.
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import hashlib
import hmac
import io
import json
import os
import secrets
import stat
import sys
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CACHE_VERSION = 7  # 4: link results carry nested mentions, surname mentions and speaker_text; 5: JSON, not
# pickle; 6: page bodies and the last build's inputs; 7: one entry a line (written and read a line at a time)
CACHE_FILE = "kb-cache.json.gz"
KEY_FILE = "key"
_OLD_FILES = ("kb-cache.pickle",)


@dataclass
class BuildCache:
    version: int = CACHE_VERSION
    blocks: dict[str, list] = field(default_factory=dict)
    links: dict[str, object] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    html: dict[str, tuple] = field(default_factory=dict)  # page -> (markdown digest, linked files, PageHtml)
    # The last build, to skip the next one when nothing it reads has changed:
    inputs: str = ""  # digest of every input file, the templates and the builder's own code
    outputs: dict[str, list[int]] = field(default_factory=dict)  # docs file -> [size, mtime_ns]
    diagnostics: list = field(default_factory=list)
    silenced: tuple = ()
    text_bytes: int = 0
    stored: str | None = field(default=None, compare=False, repr=False)  # fingerprint of the file read


def _fingerprint(cache: BuildCache) -> str:
    """Every entry is keyed by a digest of what it was made from: equal keys, equal cache."""
    pages = sorted((page, value[0]) for page, value in cache.pages.items())
    html = sorted((page, value[0], tuple(value[1])) for page, value in cache.html.items())
    return digest(repr(sorted(cache.blocks)), repr(sorted(cache.links)), repr(pages), repr(html), cache.inputs,
                  repr(sorted(cache.outputs.items())))


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the builder's own source: a cache from other code is never trusted."""
    folder = Path(__file__).resolve().parent
    h = hashlib.sha256(str(CACHE_VERSION).encode())
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode() + b"\x00" + path.read_bytes() + b"\x00")
    return h.hexdigest()


# --- encoding: JSON values, kb dataclasses by name, tuples and non-string-keyed dicts tagged ---


def _shallow(value):
    """A field value with what JSON cannot tell apart tagged: tuples, dicts with non-string keys."""
    if isinstance(value, tuple):
        return {"@": "t", "v": list(value)}
    if isinstance(value, list):
        if value and isinstance(value[0], tuple):
            return [{"@": "t", "v": list(v)} if isinstance(v, tuple) else v for v in value]
        return value
    if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
        return {"@": "d", "v": [[_shallow(k), _shallow(v)] for k, v in value.items()]}
    return value


def _default(value):
    """json's hook for what it cannot write itself: kb's dataclasses, by name and field values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if not cls.__module__.startswith("builder."):
            raise TypeError(f"cannot cache a {cls.__module__}.{cls.__qualname__}")
        return {"@": f"{cls.__module__}:{cls.__qualname__}",
                "v": [_shallow(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init]}
    if isinstance(value, (set, frozenset)):
        raise TypeError("cannot cache a set")
    raise TypeError(f"cannot cache a {type(value).__name__}")


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default, check_circular=False).encode
_CHUNK = 1 << 20


def _dump_lines(data: dict[str, dict]):
    """The cache as JSON lines, `[part, key, value]`, in pieces of about _CHUNK characters.

    One entry at a time goes through json's C encoder, so no text of the whole cache is held
    (it was several hundred MB at 1,000 articles); JSON escapes newlines inside strings, so
    each entry is one line, and a reader parses one line at a time.
    """
    pending: list[str] = []
    size = 0
    for name, part in data.items():
        for key, value in part.items():
            line = _encode([name, key, _shallow(value)]) + "\n"
            pending.append(line)
            size += len(line)
            if size >= _CHUNK:
                yield "".join(pending)
                pending, size = [], 0
    yield "".join(pending)


def _decoder():
    classes: dict[str, type] = {}

    def lookup(name: str) -> type:
        if name not in classes:
            module_name, _, qualname = name.partition(":")
            module = sys.modules.get(module_name) if module_name.startswith("builder.") else None
            cls = getattr(module, qualname, None) if module is not None and "." not in qualname else None
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
                raise ValueError(f"unknown type in the cache: {name}")
            classes[name] = cls
        return classes[name]

    def hook(obj: dict):
        tag = obj.get("@")
        if tag is None:
            return obj
        values = obj["v"]
        if tag == "t":
            return tuple(values)
        if tag == "d":
            return {(tuple(k) if isinstance(k, list) else k): v for k, v in values}
        return lookup(tag)(*values)

    return hook


# --- the key and the file ---------------------------------------------------------------------


def _own_private_file(path: Path) -> bool:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _read_key(cache_dir: Path) -> bytes | None:
    path = cache_dir / KEY_FILE
    if not _own_private_file(path):
        return None
    key = path.read_bytes()
    return key if len(key) >= 32 else None


def _make_key(cache_dir: Path) -> bytes:
    key = _read_key(cache_dir)
    if key is not None:
        return key
    path = cache_dir / KEY_FILE
    if os.path.lexists(path):
        os.unlink(path)  # someone else's, or readable by others: never trusted
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def _header() -> bytes:
    return json.dumps({"format": "kb-cache", "version": CACHE_VERSION, "code": code_digest()}).encode()


def input_digest(*folders: Path | None) -> str:
    """One digest of every file under the given folders (paths and bytes), and of kb's own code."""
    h = hashlib.sha256(code_digest().encode())
    for folder in folders:
        if folder is None or not folder.is_dir():
            h.update(b"\x01")
            continue
        h.update(str(folder).encode("utf-8", "surrogateescape") + b"\x00")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\x00")
                h.update(path.read_bytes())
                h.update(b"\x00")
    return h.hexdigest()


def outputs_state(out_dir: Path) -> dict[str, list[int]]:
    state = {}
    if out_dir.is_dir():
        for path in out_dir.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                st = path.stat()
                state[str(path.relative_to(out_dir))] = [st.st_size, st.st_mtime_ns]  # lists: as JSON gives back
    return state


def read_cache(cache_dir: Path | None) -> BuildCache:
    """The cache if it is this kb's and verifies; otherwise an empty one."""
    if cache_dir is None:
        return BuildCache()
    try:
        key = _read_key(cache_dir)
        if key is None:
            return BuildCache()
        with open(cache_dir / CACHE_FILE, "rb") as f:
            mac = f.readline().rstrip(b"\n")
            header = f.readline()
            payload = f.read()  # compressed: a fraction of what it holds
    except OSError:
        return BuildCache()
    check = hmac.new(key, header, "sha256")
    check.update(payload)
    if header != _header() + b"\n" or not hmac.compare_digest(mac, check.hexdigest().encode()):
        return BuildCache()
    try:
        data: dict[str, dict] = {"blocks": {}, "links": {}, "pages": {}, "html": {}, "last": {}}
        hook = _decoder()
        with gzip.GzipFile(fileobj=io.BytesIO(payload), mode="rb") as stream:
            del payload
            for line in stream:  # one entry at a time: never the whole text at once
                name, entry, value = json.loads(line, object_hook=hook)
                data[name][entry] = value
        last = data["last"]
        cache = BuildCache(CACHE_VERSION, data["blocks"], data["links"], data["pages"], data["html"],
                           last["inputs"], last["outputs"], list(last["diagnostics"]), tuple(last["silenced"]),
                           last["text_bytes"])
        cache.stored = _fingerprint(cache)
    except (ValueError, TypeError, KeyError, OSError, EOFError, RecursionError, zlib.error):
        return BuildCache()
    return cache


def write_cache(cache_dir: Path | None, cache: BuildCache, previous: BuildCache | None = None) -> None:
    """Write the cache (raises OSError when build/cache cannot be written).

    Skipped when it would hold exactly what `previous` (as read from the file) held.
    """
    if cache_dir is None:
        return
    for name in _OLD_FILES:  # the pickle of kb before 4: never read, removed
        old = cache_dir / name
        if old.is_file() and not old.is_symlink():
            old.unlink()
    if previous is not None and previous.stored is not None and previous.stored == _fingerprint(cache):
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = _make_key(cache_dir)
    last = {"inputs": cache.inputs, "outputs": cache.outputs, "diagnostics": cache.diagnostics,
            "silenced": list(cache.silenced), "text_bytes": cache.text_bytes}
    data = {"blocks": cache.blocks, "links": cache.links, "pages": cache.pages, "html": cache.html, "last": last}
    target = cache_dir / CACHE_FILE
    if os.path.lexists(target) and not os.path.islink(target) and not os.path.isfile(target):
        raise OSError(errno.EISDIR if os.path.isdir(target) else errno.EEXIST,
                      "not a regular file: remove it, kb rebuilds its cache", str(target))
    tmp = cache_dir / (CACHE_FILE + ".tmp")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    rest_head = _header() + b"\n"
    mac = hmac.new(key, rest_head, "sha256")
    with open(tmp, "xb") as f:
        f.write(b"0" * mac.digest_size * 2 + b"\n" + rest_head)  # the MAC goes here once it is known
        sink = _MacWriter(f, mac)
        with gzip.GzipFile(filename="", mode="wb", compresslevel=1, fileobj=sink, mtime=0) as stream:
            for chunk in _dump_lines(data):
                stream.write(chunk.encode("utf-8", "surrogatepass"))
        f.seek(0)
        f.write(mac.hexdigest().encode())
    os.replace(tmp, cache_dir / CACHE_FILE)


class _MacWriter:
    """A file for GzipFile to write to: the bytes go to `f` and into the MAC."""

    def __init__(self, f, mac):
        self.f, self.mac = f, mac

    def write(self, data) -> int:
        self.mac.update(data)
        return self.f.write(data)

    def flush(self) -> None:
        self.f.flush()
