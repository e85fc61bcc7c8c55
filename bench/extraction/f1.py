"""Body-extraction quality of `kb add` against plain trafilatura, on hand-marked real news pages.

    .venv/bin/python bench/extraction/f1.py prepare GOOSE3_CLONE NEWSPAPER4K_CLONE   # copy the pages
    .venv/bin/python bench/extraction/f1.py [--pages DIR]                             # measure

The pages (public test fixtures of goose3 and newspaper4k, see bench/README.md) are copied
into bench/extraction/pages/ (git-ignored: third-party text is never committed). The
ground truth is `truth.json`, turned into text by `truth.py`.

Scores: precision, recall and F1 over the multiset of lowercased words (\\w+), per page, then
averaged over pages (macro); and the same over word 4-shingles.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from truth import ground_truth, load_specs  # noqa: E402

SOURCES = {  # prefix: (repository, commit, folder)
    "goose3-": ("goose3/goose3", "c5a8902", "tests/data/content/test_{}.html"),
    "np4k-": ("AndyTheFactory/newspaper4k", "540bff3", "tests/data/html/{}.html"),
}
DEFAULT_PAGES = HERE / "pages"


def prepare(goose3: Path, newspaper4k: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    clones = {"goose3-": goose3, "np4k-": newspaper4k}
    for name in load_specs():
        prefix = next(p for p in SOURCES if name.startswith(p))
        _, commit, pattern = SOURCES[prefix]
        path = pattern.format(name[len(prefix):])
        data = subprocess.run(["git", "-C", str(clones[prefix]), "show", f"{commit}:{path}"], check=True,
                              capture_output=True).stdout
        (dest / f"{name}.html").write_bytes(data)
    print(f"{len(load_specs())} pages in {dest}")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def prf(got: Counter, want: Counter) -> tuple[float, float, float]:
    common = sum((got & want).values())
    p = common / sum(got.values()) if got else 0.0
    r = common / sum(want.values()) if want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def shingles(tokens: list[str], n: int = 4) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(max(0, len(tokens) - n + 1)))


def kb_body(data: bytes) -> str:
    from builder.extract import decode, extract_html

    return extract_html(decode(data, "html")).body_text


def trafilatura_body(data: bytes) -> str:
    import trafilatura

    from builder.extract import decode

    return trafilatura.extract(decode(data, "html")) or ""


def measure(pages: Path) -> dict:
    specs = load_specs()
    datas = {name: (pages / f"{name}.html").read_bytes() for name in specs}
    truths = {name: ground_truth(datas[name], spec) for name, spec in specs.items()}
    results: dict = {"pages": len(specs), "load": os.getloadavg()[0], "extractors": {}}
    for label, fn in (("kb add", kb_body), ("trafilatura defaults", trafilatura_body)):
        fn(datas[next(iter(datas))])  # import and warm up
        cpu, wall = time.process_time(), time.perf_counter()
        outputs = {name: fn(data) for name, data in datas.items()}
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rows = {}
        for name, text in outputs.items():
            got, want = words(text), words(truths[name])
            rows[name] = {"words": prf(Counter(got), Counter(want)), "shingles": prf(shingles(got), shingles(want))}
        mean = {kind: [sum(r[kind][i] for r in rows.values()) / len(rows) for i in range(3)]
                for kind in ("words", "shingles")}
        results["extractors"][label] = {"mean": mean, "pages": rows, "cpu_s": cpu, "wall_s": wall}
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", nargs="?", default="measure")
    parser.add_argument("clones", nargs="*")
    parser.add_argument("--pages", default=str(DEFAULT_PAGES))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(Path(args.clones[0]), Path(args.clones[1]), Path(args.pages))
        return 0
    results = measure(Path(args.pages))
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    names = list(load_specs())
    labels = list(results["extractors"])
    print(f"{results['pages']} pages, load average {results['load']:.1f}")
    print(f"{'page':28}" + "".join(f"{l + ' P/R/F1 (words)':>36}" for l in labels))
    for name in names:
        cells = []
        for label in labels:
            p, r, f = results["extractors"][label]["pages"][name]["words"]
            cells.append(f"{p:.3f} {r:.3f} {f:.3f}")
        print(f"{name:28}" + "".join(f"{c:>36}" for c in cells))
    for kind in ("words", "shingles"):
        for label in labels:
            p, r, f = results["extractors"][label]["mean"][kind]
            print(f"mean over pages, {kind:8} {label:22} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    for label in labels:
        e = results["extractors"][label]
        print(f"{label:22} {e['cpu_s']:.2f} s CPU, {e['wall_s']:.2f} s wall for {results['pages']} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
