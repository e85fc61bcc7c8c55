"""How fast `kb add` finds duplicates among many existing articles.

    .venv/bin/python bench/extraction/dupes.py [N]     (default 10,000 articles of ~600 words)

Builds the duplicate index (`builder.add.ArticleIndex`) from N synthetic article bodies,
then asks it about 200 new articles: 100 near-duplicates (one word in 200 changed) and 100
unrelated ones. Prints the times and checks every answer.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builder.add import ArticleIndex  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(20_000)]
    weights = [1 / (i + 1) for i in range(len(vocabulary))]
    bodies = [rng.choices(vocabulary, weights, k=rng.randint(300, 900)) for _ in range(n)]
    started = time.perf_counter()
    index = ArticleIndex()
    for i, words in enumerate(bodies):
        index.add(f"a{i}", None, words)
    built = time.perf_counter() - started
    near = []
    for i in rng.sample(range(n), 100):
        words = list(bodies[i])
        for j in range(0, len(words), 200):
            words[j] = "changed"
        near.append((f"a{i}", words))
    fresh = [rng.choices(vocabulary, weights, k=600) for _ in range(100)]
    started = time.perf_counter()
    found = [index.duplicate_of(None, words) for _, words in near]
    missed = [index.duplicate_of(None, words) for words in fresh]
    asked = time.perf_counter() - started
    right = sum(f is not None and f[0] == name for f, (name, _) in zip(found, near))
    false = sum(m is not None for m in missed)
    print(f"{n:,} articles indexed in {built:.1f} s; 200 look-ups in {asked * 1000:.0f} ms "
          f"({asked / 200 * 1000:.1f} ms each); near-duplicates found {right}/100, false alarms {false}/100")
    return 0 if right == 100 and false == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
