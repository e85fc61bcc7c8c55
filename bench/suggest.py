"""Time `kb suggest` on a generated corpus, and list its top names on the shipped seeds.

    .venv/bin/python bench/suggest.py --articles 2000 --entities 400
    .venv/bin/python bench/suggest.py --seeds   # the top 30 on the seeds with their entity files removed

The timing covers what `kb suggest` runs: check (load, validate, link) and the suggestion pass.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.pipeline import check  # noqa: E402
from builder.suggest import suggest  # noqa: E402


def timed_suggest(project: Path) -> tuple[float, float, object]:
    start = time.perf_counter()
    result = check(project / "content", project)
    checked = time.perf_counter()
    if result.kb is None or result.linked is None or result.errors:
        raise SystemExit("the corpus does not check: " + "; ".join(str(d) for d in result.errors[:3]))
    found = suggest(result.kb, result.linked)
    return checked - start, time.perf_counter() - checked, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--entities", type=int, default=200)
    parser.add_argument("--seeds", action="store_true", help="list the top 30 on the seeds without entity files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "kb"
        if args.seeds:
            shutil.copytree(ROOT / "content", project / "content")
            for path in (project / "content" / "entities").glob("*.yaml"):
                path.unlink()
            kb_yml = project / "content" / "kb.yml"
            vocabulary = yaml.safe_load(kb_yml.read_text())
            for key in ("storylines", "featured"):  # they name entity ids
                vocabulary.pop(key, None)
            kb_yml.write_text(yaml.safe_dump(vocabulary, allow_unicode=True, sort_keys=False))
        else:
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "generate.py"), "--articles", str(args.articles),
                 "--entities", str(args.entities), "--out", str(project / "content")],
                check=True, capture_output=True,
            )
        check_s, suggest_s, found = timed_suggest(project)
    print(f"check {check_s:.2f} s, suggest {suggest_s:.2f} s: {len(found.entities)} names, "
          f"{len(found.aliases)} aliases, {len(found.unmentioned)} unmentioned entities")
    for i, cand in enumerate(found.entities[:30], 1):
        print(f"{i:3}  {cand.name}  ({cand.type or '?'}, {len(cand.articles)} articles, {cand.mentions} mentions)")


if __name__ == "__main__":
    main()
