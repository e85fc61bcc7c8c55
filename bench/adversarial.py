"""Adversarial inputs: is every phase linear in its input?

    python bench/adversarial.py [--sizes 10,20,40] [--cases open-bracket,plain] [--timeout 120]

For each case and size (KB of adversarial text in ONE paragraph of one article, added to the
minimal test corpus) it times, each in a child process:

- `kb check` (load, validate, link);
- the builder's phases (builder.pipeline.build_docs: load … write), from its own timings;
- the whole `kb build` (builder + MkDocs + the allowlist check); MkDocs ≈ build − builder.

and prints CPU seconds (wall time on a shared machine measures the neighbours) and CPU
seconds per MB of adversarial input. Linear means that number stays flat as the
size doubles; the bound kb aims for is ≤ 10 s per MB for every phase.

To add a case, add one entry to CASES: a name and a function from a size in bytes to the
text of the paragraph (or to a whole article body, if it ends with "\\n\\n").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "minimal" / "content"
KB = str(Path(sys.executable).with_name("kb"))


def _repeat(unit: str):
    return lambda size: (unit * (size // len(unit) + 1))[:size]


CASES = {
    "plain": _repeat("lorem ipsum "),  # the baseline: prose with nothing to escape
    "open-bracket": _repeat("["),  # issue 9 item 4: 160 KB took 100 s
    "escaped-punctuation": _repeat("*_`{}[]\\"),
    "angle-brackets": _repeat("<a "),
    "ampersands": _repeat("&"),
    "code-spans": _repeat("`<x>` "),
    "emphasis": _repeat("*a* "),
    "links": _repeat("[a](https://e.example/) "),
    "wikilike": _repeat("[[a]] "),
    "table-pipes": _repeat("| "),
}

BUILDER_PHASES = """
import json, sys, time
time.perf_counter = time.process_time  # the pipeline's phase timings in CPU seconds
from pathlib import Path
from builder.pipeline import build_docs
root = Path(sys.argv[1])
start = time.perf_counter()
result = build_docs(root / "content", root / "build" / "docs", root=root)
print(json.dumps({**result.timings, "builder": time.perf_counter() - start}))
"""


def make_project(folder: Path, body: str) -> Path:
    shutil.copytree(FIXTURE, folder / "content")
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(REPO / "templates", folder / "templates")
    (folder / "build" / "docs").mkdir(parents=True)
    (folder / "content" / "articles" / "adversarial.md").write_text(
        "---\ntitle: Adversarial\npublisher: Bench\ndate: 2024-05-01\n---\n\nAcme Corporation.\n\n" + body + "\n",
        encoding="utf-8")
    return folder


def timed(args: list[str], timeout: float, cwd: Path | None = None) -> tuple[float | None, str]:
    """CPU seconds (user + system) of a child process: on a shared, busy machine wall time
    mostly measures the other processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None, ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out.stdout + out.stderr


def run_case(name: str, size: int, timeout: float) -> dict:
    body = CASES[name](size)
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "kb", body)
        check, _ = timed([KB, "check", "--project", str(project)], timeout)
        builder, out = timed([sys.executable, "-c", BUILDER_PHASES, str(project)], timeout, cwd=REPO)
        phases = json.loads(out.strip().splitlines()[-1]) if builder is not None and out.strip() else {}
        phases.pop("builder", None)
        shutil.rmtree(project / "build")
        (project / "build" / "docs").mkdir(parents=True)
        build, out = timed([KB, "build", "--project", str(project)], timeout)
    row = {"case": name, "kb": size / 1000, "check": check, "builder": builder, "build": build, **phases}
    if build is not None and builder is not None:
        row["mkdocs"] = build - builder  # both CPU seconds of a child
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,20,40", help="sizes in KB, comma-separated")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run before giving up")
    parser.add_argument("--json", help="save the rows to this file")
    args = parser.parse_args()
    rows = []
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
          f"{os.cpu_count()} CPUs", flush=True)
    print(f"{'case':22} {'KB':>6} {'check s':>8} {'render s':>9} {'builder s':>9} {'mkdocs s':>9} {'build s':>8} "
          f"{'build s/MB':>10}", flush=True)
    for name in args.cases.split(","):
        for size in (int(float(s) * 1000) for s in args.sizes.split(",")):
            row = run_case(name, size, args.timeout)
            rows.append(row)

            def f(key, width):
                value = row.get(key)
                return f"{'>' + str(int(args.timeout)) if value is None else f'{value:.2f}':>{width}}"

            per_mb = f"{row['build'] / (size / 1e6):.0f}" if row.get("build") is not None else "-"
            print(f"{name:22} {size / 1000:6.0f} {f('check', 8)} {f('render', 9)} {f('builder', 9)} "
                  f"{f('mkdocs', 9)} {f('build', 8)} {per_mb:>10}", flush=True)
    print("\nmarginal CPU seconds per MB of adversarial input (slope from the smallest to the largest size):")
    columns = ("check", "load", "link", "render", "builder", "mkdocs", "build")
    print(f"{'case':22} " + " ".join(f"{c:>8}" for c in columns), flush=True)
    for name in args.cases.split(","):
        mine = [r for r in rows if r["case"] == name]
        low, high = mine[0], mine[-1]
        mb = (high["kb"] - low["kb"]) / 1000
        cells = []
        for c in columns:
            if mb <= 0 or low.get(c) is None or high.get(c) is None:
                cells.append(f"{'-':>8}")
            else:
                cells.append(f"{(high[c] - low[c]) / mb:8.1f}")
        print(f"{name:22} " + " ".join(cells), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
