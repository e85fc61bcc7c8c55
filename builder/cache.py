"""The build cache: what an incremental build may reuse, keyed by what it depends on.

- parsed article blocks, keyed by the article body's digest;
- each article's link results, keyed by its digest, the name table and its quote highlights;
- rendered article pages, keyed by a fingerprint of everything the page shows;
- each page's body HTML (builder/html.py), keyed by its Markdown and the files it links to.

Reading and writing happen at the pipeline's edges; a missing, stale or unreadable
cache is simply empty.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

CACHE_VERSION = 5  # 4: link results carry nested mentions, surname mentions and speaker_text; 5: page bodies
CACHE_FILE = "kb-cache.pickle"


@dataclass
class BuildCache:
    version: int = CACHE_VERSION
    blocks: dict[str, list] = field(default_factory=dict)
    links: dict[str, object] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    html: dict[str, tuple] = field(default_factory=dict)  # page -> (markdown digest, linked files, PageHtml)
    # The last build, to skip the next one when nothing it reads has changed:
    inputs: str = ""  # digest of every input file, the templates and the builder's own code
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # docs file -> (size, mtime_ns)
    diagnostics: list = field(default_factory=list)
    silenced: frozenset = frozenset()
    text_bytes: int = 0


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def input_digest(*folders: Path | None) -> str:
    """One digest of every file under the given folders (paths and bytes), and of kb's own code."""
    h = hashlib.sha256()
    code = Path(__file__).resolve().parent
    for folder in (code, *folders):
        if folder is None or not folder.is_dir():
            h.update(b"\x01")
            continue
        h.update(str(folder).encode("utf-8", "surrogateescape") + b"\x00")
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\x00")
                h.update(path.read_bytes())
                h.update(b"\x00")
    return h.hexdigest()


def outputs_state(out_dir: Path) -> dict[str, tuple[int, int]]:
    state = {}
    if out_dir.is_dir():
        for path in out_dir.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                st = path.stat()
                state[str(path.relative_to(out_dir))] = (st.st_size, st.st_mtime_ns)
    return state


def read_cache(cache_dir: Path | None) -> BuildCache:
    if cache_dir is None:
        return BuildCache()
    try:
        with open(cache_dir / CACHE_FILE, "rb") as f:
            cache = pickle.load(f)
    except Exception:  # missing, truncated, from another version: start afresh
        return BuildCache()
    return cache if isinstance(cache, BuildCache) and cache.version == CACHE_VERSION else BuildCache()


def write_cache(cache_dir: Path | None, cache: BuildCache) -> None:
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / (CACHE_FILE + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(cache, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, cache_dir / CACHE_FILE)
