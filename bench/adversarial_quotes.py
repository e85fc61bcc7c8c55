"""Quote finding and attribution on hostile text stays linear (issue 9, item 4, second half).

    python bench/adversarial_quotes.py [--sizes 15,30,60,120]

Each case writes one article of the given size (KB) into a fresh project with a few
entities, runs `kb check`'s phases (builder.pipeline.check: load → validate → link, where
quotes are found and attributed, and the alias hygiene scan) and reports the CPU seconds.
The old quote pattern took 48 s on 120 KB of `" 'x`. The check: from the smallest to the
largest size, CPU time may grow at most 2.5 × the growth in size (linear, with slack for
noise on a shared machine); exit 1 otherwise. Prints the load average: numbers taken on a
busy machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.pipeline import check  # noqa: E402

KB_YML = """title: Adversarial quotes
description: Hostile quote marks.
entity_types:
  person: {label: Person, plural: People}
  organisation: {label: Organisation, plural: Organisations}
relation_types:
  works-for: {label: works for, inverse: employs}
"""
ENTITIES = {
    "tony-blair": "name: Tony Blair\ntype: person\n",
    "acme": "name: Acme\ntype: organisation\nshort_names: [Corp]\n",
}
# each unit is repeated to the size wanted, in one paragraph (the worst case) and in many
CASES = {
    "dq-sq-x": "\" 'x",  # the pattern that took 48 s
    "open-curly": "“a b ",
    "apostrophes": "Blair's 'x' don't '90s ‘y ",
    "said-he": "“a b c d,” he said. Tony Blair said “e f g h”. ",
    "surnames": "Tony Blair met Mr Blair and Cherie Blair, ",
}


def run_case(unit: str, size_kb: int, paragraphs: bool) -> float:
    repeat = max(1, size_kb * 1024 // len(unit.encode("utf-8")))
    body = unit * repeat if not paragraphs else "\n\n".join(unit * 40 for _ in range(max(1, repeat // 40)))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = root / "content"
        (content / "articles").mkdir(parents=True)
        (content / "entities").mkdir()
        (content / "kb.yml").write_text(KB_YML, encoding="utf-8")
        for entity_id, text in ENTITIES.items():
            (content / "entities" / f"{entity_id}.yaml").write_text(text + "summary: x\n", encoding="utf-8")
        front = "---\ntitle: Hostile\npublisher: Test\ndate: 2024-01-01\n---\n\nAcme said Tony Blair was here.\n\n"
        (content / "articles" / "hostile.md").write_text(front + body + "\n", encoding="utf-8")
        start = time.process_time()
        result = check(content, root)
        spent = time.process_time() - start
        if result.linked is None:
            raise SystemExit(f"check failed: {[str(d) for d in result.errors[:3]]}")
        return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="15,30,60,120", help="article sizes in KB, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    failed = False
    for name, unit in CASES.items():
        for paragraphs in (False, True):
            label = f"{name}{' (paragraphs)' if paragraphs else ''}"
            times = [run_case(unit, size, paragraphs) for size in sizes]
            growth = (times[-1] / max(times[0], 1e-3)) / (sizes[-1] / sizes[0])
            ok = growth <= 2.5
            failed |= not ok
            cells = "  ".join(f"{s} KB {t:6.2f} s" for s, t in zip(sizes, times))
            print(f"{label:28} {cells}   growth/size {growth:4.2f} {'ok' if ok else 'NOT LINEAR'}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
