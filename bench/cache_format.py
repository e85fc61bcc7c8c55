"""The build cache's cost: kb's JSON+gzip+HMAC format against the pickle it replaced.

    python bench/cache_format.py --articles 1000 --entities 200

Generates a corpus (bench/generate.py), builds it twice with builder.pipeline.build_docs
and a cache folder, then times (CPU seconds, so a busy machine does not distort the
comparison) writing and reading the same cache in both formats, and prints the sizes.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builder import cache as build_cache  # noqa: E402
from builder.pipeline import build_docs  # noqa: E402


def cpu(function):
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--entities", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        subprocess.run([sys.executable, str(REPO / "bench/generate.py"), "--articles", str(args.articles),
                        "--entities", str(args.entities), "--out", str(work / "content")], check=True,
                       stdout=subprocess.DEVNULL)
        cache_dir = work / "cache"

        def build():
            return build_docs(work / "content", work / "docs", cache_dir=cache_dir, root=work)

        cold, _ = cpu(build)
        warm, _ = cpu(build)
        cache = build_cache.read_cache(cache_dir)
        rows = [("builder, cold", cold), ("builder, warm (nothing changed)", warm)]
        cache.stored = None  # force the write
        rows.append(("json: write", cpu(lambda: build_cache.write_cache(cache_dir, cache))[0]))
        rows.append(("json: read and verify", cpu(lambda: build_cache.read_cache(cache_dir))[0]))
        data = pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL)
        rows.append(("pickle: write", cpu(lambda: pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))[0]))
        rows.append(("pickle: read", cpu(lambda: pickle.loads(data))[0]))
        for label, seconds in rows:
            print(f"{label:34} {seconds:7.2f} s CPU")
        print(f"{'json+gzip size':34} {(cache_dir / build_cache.CACHE_FILE).stat().st_size:>12,} bytes")
        print(f"{'pickle size':34} {len(data):>12,} bytes")


if __name__ == "__main__":
    main()
