"""Memory and time of the graph drawing at many entities (issue 9, item 8).

    python bench/generate.py --articles 1000 --entities 10000 --out /tmp/g10k
    python bench/graph_memory.py /tmp/g10k

Runs load → validate → link → assemble on the generated content, then draws the global
graph and every entity's local graph, and reports CPU and wall time, the peak RSS of the
process before and after drawing (so the graph's own share is visible), the load average
and whether the machine was busy. The target: peak RSS ≤ 1 GB for the whole builder at
10,000 entities; the graph itself should add next to nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.assemble import assemble  # noqa: E402
from builder.graph import entity_graph_svg, local_graph_svg  # noqa: E402
from builder.pipeline import check  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path, help="a content folder (kb.yml, articles/, entities/)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = check(args.content, args.content.parent)
    if result.kb is None or result.linked is None:
        print("content has errors:", *result.errors[:5], sep="\n")
        return 1
    graph = assemble(result.kb, result.linked)
    before = peak_mb()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    svg = entity_graph_svg(graph, lambda e: f"../entities/{e}/")
    cpu1, wall1 = time.process_time(), time.perf_counter()
    local_bytes = sum(len(local_graph_svg(graph, e, lambda o: f"../{o}/")) for e in graph.entities)
    cpu2, wall2 = time.process_time(), time.perf_counter()
    after = peak_mb()
    load_after = os.getloadavg()
    busy = max(load_before[0], load_after[0]) > 1.0
    print(f"entities: {len(graph.entities):,}  articles: {len(graph.articles):,}")
    print(f"global graph: {cpu1 - cpu0:.2f} s CPU, {wall1 - wall0:.2f} s wall, {len(svg) / 1024:.0f} KB of HTML")
    print(f"local graphs: {cpu2 - cpu1:.2f} s CPU, {wall2 - wall1:.2f} s wall, {local_bytes / 1024 / 1024:.1f} MB in all")
    print(f"peak RSS: {before:.0f} MB before drawing, {after:.0f} MB after (graphs add {after - before:.0f} MB)")
    print(f"load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after on {os.cpu_count()} cores"
          f" -> {'BUSY: compare ratios only' if busy else 'idle'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
