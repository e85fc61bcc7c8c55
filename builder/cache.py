"""The build cache: what an incremental build may reuse, keyed by what it depends on.

- parsed article blocks, keyed by the article body's digest;
- each article's link results, keyed by its digest, the name table and its quote highlights;
- rendered article pages, keyed by a fingerprint of everything the page shows.

Reading and writing happen at the pipeline's edges; a missing, stale or unreadable
cache is simply empty.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

CACHE_VERSION = 4  # 4: link results carry nested mentions, surname mentions and speaker_text
CACHE_FILE = "kb-cache.pickle"


@dataclass
class BuildCache:
    version: int = CACHE_VERSION
    blocks: dict[str, list] = field(default_factory=dict)
    links: dict[str, object] = field(default_factory=dict)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


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
