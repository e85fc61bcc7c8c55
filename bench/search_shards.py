"""Sizes of the name-search shards (builder/search.py) for a corpus.

    python bench/generate.py --articles 10000 --entities 2000 --out /tmp/corpus
    python bench/search_shards.py /tmp/corpus

prints the largest shards, their count, median and total, and the list file's size: a
query downloads the list and one shard (kb-search.js loads the smallest of its words').
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from builder.assemble import assemble
from builder.pipeline import check
from builder.search import SEARCH_DIR, search_files


def main(content: Path) -> None:
    started = time.monotonic()
    result = check(content)
    if result.kb is None or result.linked is None:
        sys.exit(f"{content}: the content has errors; run kb check")
    graph = assemble(result.kb, result.linked)
    built = time.monotonic()
    files = search_files(graph)
    indexed = time.monotonic()
    sizes = {path: len(text.encode("utf-8")) for path, text in files.items()}
    listing = sizes.pop(f"{SEARCH_DIR}/index.js")
    for path, size in sorted(sizes.items(), key=lambda item: -item[1])[:10]:
        print(f"{size:>10,}  {path}")
    print(f"{len(graph.entities):,} entities, {len(graph.articles):,} articles: {len(sizes)} shards, "
          f"median {statistics.median(sizes.values()):,.0f} B, largest {max(sizes.values()):,} B, "
          f"total {sum(sizes.values()):,} B, list {listing:,} B; "
          f"check+assemble {built - started:.1f} s, index {indexed - built:.2f} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
