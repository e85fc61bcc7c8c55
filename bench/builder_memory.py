"""Peak RSS and CPU of each step of a cold builder run, as the kb plugin calls it (issue 13, item 4).

    python bench/generate.py --articles 2000 --entities 400 --out /tmp/kb2k/content
    cp -r mkdocs.yml templates /tmp/kb2k/
    python bench/builder_memory.py /tmp/kb2k

Runs builder.pipeline.build_docs (html=True, 2 workers) on PROJECT/content into a fresh
PROJECT/build, and reports for each step its CPU (children included), the RSS before and
after it and its own peak: the peak (VmHWM) is reset before each step (Linux,
/proc/self/clear_refs), so a step's peak is its own, not the highest so far. Then reads the
cache back (the start of a warm build) the same way. Records the load average and calls the
run busy when the 1-minute load is above the number of cores. The target: the builder's
peak RSS <= 1 GB at 10,000 articles.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STEPS = ("load_corpus", "validate", "link", "assemble", "render_site", "search_files", "to_json",
         "write_outputs", "outputs_state", "write_cache")


def status() -> dict[str, int]:
    with open("/proc/self/status") as f:
        return {line.split(":")[0]: int(line.split()[1]) // 1024 for line in f if line.startswith(("VmHWM", "VmRSS"))}


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    project = args.project.resolve()

    import builder.html as html
    import builder.pipeline as pipeline
    from builder.cache import read_cache

    rows: list[str] = []
    peaks: list[int] = []

    def measured(name, function):
        def step(*a, **k):
            reset_peak()
            before, started, wall = status()["VmRSS"], cpu(), time.perf_counter()
            result = function(*a, **k)
            now = status()
            peaks.append(now["VmHWM"])
            rows.append(f"{name:16s} cpu {cpu() - started:7.2f} s  wall {time.perf_counter() - wall:7.2f} s  "
                        f"rss {before:5d} -> {now['VmRSS']:5d} MB  peak {now['VmHWM']:5d} MB")
            return result
        return step

    for name in STEPS:
        setattr(pipeline, name, measured(name, getattr(pipeline, name)))
    html.render_bodies = measured("render_bodies", html.render_bodies)

    shutil.rmtree(project / "build", ignore_errors=True)
    (project / "build" / "docs").mkdir(parents=True)
    templates = project / "templates" if (project / "templates").is_dir() else None
    started, wall = cpu(), time.perf_counter()
    pipeline.build_docs(project / "content", project / "build" / "docs", templates_dir=templates,
                        cache_dir=project / "build" / "cache", root=project, html=True, workers=args.workers)
    total = f"builder total    cpu {cpu() - started:7.2f} s  wall {time.perf_counter() - wall:7.2f} s"
    peak = max(peaks)
    measured("read_cache", read_cache)(project / "build" / "cache")
    load = os.getloadavg()[0]
    print("\n".join(rows))
    print(total)
    print(f"load average {load:.2f} on {os.cpu_count()} cores: {'BUSY' if load > (os.cpu_count() or 1) else 'clean'}"
          f"; the builder's peak RSS: {peak} MB (the highest step's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
