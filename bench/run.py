"""Benchmark kb end to end on a synthetic corpus.

    python bench/run.py --articles 10000 --entities 2000 [--compare] [--json FILE]

One run: generate a corpus (bench/generate.py, in a child process), run the
builder in this process (builder.pipeline.build_docs), render the site with
MkDocs in a child process, build the same Markdown again with MkDocs alone
(the "floor"), then edit one entity and rebuild with the same cache. Prints a
table and whether each target is met; --json saves the numbers.

The MkDocs config is the repo's mkdocs.yml with docs_dir and site_dir
overridden and the kb plugin left out: `python -m mkdocs build -f -` reads a
config from stdin that says `INHERIT: mkdocs.yml`, and runs in the directory of
that file, so relative paths in it (custom_dir, hooks, ...) resolve as in a
normal build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
GENERATOR = Path(__file__).resolve().with_name("generate.py")
PHASES = ("load", "validate", "link", "assemble", "render", "write")

MB = 1_000_000
BUSY_CPU_SHARE = 0.85  # below this CPU/wall ratio, other processes were competing for the cores
TARGETS = {
    "full_build_s": 180.0,  # builder + MkDocs
    "builder_share": 0.15,  # builder / full build
    "link_mb_per_s": 20.0,
    "entity_edit_s": 2.0,
    "peak_rss_mb": 1024.0,
    "median_html_drift": 0.10,  # 1k vs 10k articles
}


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------


@dataclass
class ChildRun:
    seconds: float
    cpu_seconds: float  # user + system: what the run costs when it has a core to itself
    max_rss_mb: float
    returncode: int


@dataclass
class SiteStats:
    html_pages: int  # pages MkDocs rendered from Markdown (not copied HTML such as redirects)
    other_html_files: int
    median_html_bytes: int
    max_html_bytes: int
    total_bytes: int
    search_index_bytes: int


@dataclass
class Results:
    articles: int
    entities: int
    seed: int
    machine: dict
    generate_s: float = 0.0
    corpus_bytes: int = 0
    builder_phases_s: dict = field(default_factory=dict)
    builder_wall_s: float = 0.0
    builder_cpu_s: float = 0.0
    builder_rss_mb: float = 0.0
    text_bytes: int = 0
    link_mb_per_s: float = 0.0
    pages_written: int = 0
    mkdocs_s: float = 0.0
    mkdocs_cpu_s: float = 0.0
    mkdocs_rss_mb: float = 0.0
    full_build_s: float = 0.0
    builder_share: float = 0.0
    site: SiteStats | None = None
    floor_s: float = 0.0
    floor_cpu_s: float = 0.0
    floor_rss_mb: float = 0.0
    total_over_floor: float = 0.0
    entity_edit_s: float = 0.0
    entity_edit_cpu_s: float = 0.0
    entity_edit_pages_written: int = 0
    baseline: dict | None = None
    checks: dict = field(default_factory=dict)


def run_child(cmd: list[str], *, cwd: Path, log: Path, stdin_text: str | None = None,
              timeout: float | None = None) -> ChildRun:
    """Run a child process and measure its wall time, CPU time and peak RSS."""
    start = time.perf_counter()
    with open(log, "ab") as out:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=out, stderr=out)
        if stdin_text is not None:
            proc.stdin.write(stdin_text.encode("utf-8"))
        proc.stdin.close()
        try:
            status, usage, peak_kb = wait_measuring(proc, timeout)
        except TimeoutError:
            proc.kill()
            proc.wait()
            raise SystemExit(f"{' '.join(cmd)} took longer than {timeout:.0f} s; log: {log}")
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    return ChildRun(seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024, proc.returncode)


def wait_measuring(proc: subprocess.Popen, timeout: float | None):
    """Wait for `proc`; returns its exit status, rusage and peak RSS in KiB.

    The rusage's ru_maxrss is no good for the peak: Linux carries the parent's
    high-water mark into a forked child across exec, so a child of a 2 GB builder
    process reports at least 2 GB. The child's own VmHWM, polled from /proc until
    it exits, is its real peak (to within the last poll).
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, vm_hwm_kb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return status, usage, peak_kb
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.1)


def vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def check_child(run: ChildRun, what: str, log: Path) -> None:
    if run.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{what} failed (exit {run.returncode}); last lines of {log}:\n{tail}")


def generate_corpus(content: Path, args, log: Path) -> ChildRun:
    cmd = [sys.executable, str(GENERATOR), "--articles", str(args.articles),
           "--entities", str(args.entities), "--seed", str(args.seed), "--out", str(content)]
    run = run_child(cmd, cwd=REPO, log=log)
    check_child(run, "bench/generate.py", log)
    return run


def mkdocs_override(config: Path, docs: Path, site: Path, drop_plugins: list[str]) -> str:
    """A config that inherits `config` but builds `docs` into `site` with MkDocs alone.

    MkDocs merges INHERIT with mergedeep's REPLACE strategy, so the lists given
    here replace the parent's: the kb plugin (and any hook) would run the builder
    again, on the repo's content/.
    """
    plugins = [p for p in read_config(config).get("plugins", []) if plugin_name(p) not in drop_plugins]
    return yaml.safe_dump({
        "INHERIT": config.name, "docs_dir": str(docs), "site_dir": str(site),
        "plugins": plugins, "hooks": [],
    })


def read_config(config: Path) -> dict:
    """mkdocs.yml as MkDocs reads it (its tags, INHERIT), before validation."""
    from mkdocs.utils.yaml import yaml_load

    with open(config, "rb") as fd:
        return yaml_load(fd)


def uses_directory_urls(config: Path) -> bool:
    return bool(read_config(config).get("use_directory_urls", True))


def plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def mkdocs_build(args, docs: Path, site: Path, log: Path) -> ChildRun:
    """`mkdocs build` of the already generated `docs` into `site`; the rest as the repo's."""
    config = args.mkdocs_config
    override = mkdocs_override(config, docs, site, args.drop_plugin)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", "-"]
    timeout = args.mkdocs_timeout
    run = run_child(cmd, cwd=config.parent, log=log, stdin_text=override, timeout=timeout)
    check_child(run, "mkdocs build", log)
    return run


def rendered_pages(docs: Path, site: Path, directory_urls: bool) -> list[Path]:
    """The HTML file MkDocs renders for each Markdown file of `docs`."""
    pages = []
    for md in docs.rglob("*.md"):
        rel = md.relative_to(docs).with_suffix("")
        if rel.name == "index" or not directory_urls:
            pages.append(site / rel.with_suffix(".html"))
        else:
            pages.append(site / rel / "index.html")
    return [p for p in pages if p.exists()]


def site_stats(docs: Path, site: Path, directory_urls: bool) -> SiteStats:
    sizes = [p.stat().st_size for p in rendered_pages(docs, site, directory_urls)]
    all_html = sum(1 for _ in site.rglob("*.html"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = site / "search" / "search_index.json"
    return SiteStats(
        html_pages=len(sizes),
        other_html_files=all_html - len(sizes),
        median_html_bytes=int(statistics.median(sizes)) if sizes else 0,
        max_html_bytes=max(sizes, default=0),
        total_bytes=total,
        search_index_bytes=index.stat().st_size if index.exists() else 0,
    )


def self_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_builder():
    sys.path.append(str(REPO))  # appended: a builder on PYTHONPATH (or installed) comes first
    from builder.pipeline import build_docs

    return build_docs


def self_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_builder(build_docs, content: Path, docs: Path, cache: Path):
    """Returns the result, wall seconds and CPU seconds of one build_docs call."""
    start, cpu = time.perf_counter(), self_cpu_seconds()
    result = build_docs(content, docs, cache_dir=cache)
    return result, time.perf_counter() - start, self_cpu_seconds() - cpu


def edit_one_entity(content: Path) -> Path:
    """Change one entity's summary, as an author would."""
    path = sorted((content / "entities").glob("*.yaml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["summary"] = doc.get("summary", "") + " Edited by the benchmark."
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def machine_info() -> dict:
    return {
        "cores": os.cpu_count(),
        "loadavg_before": loadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mkdocs": package_version("mkdocs"),
        "mkdocs-material": package_version("mkdocs-material"),
    }


def loadavg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


# --------------------------------------------------------------------------
# One benchmark
# --------------------------------------------------------------------------


def benchmark(args, workdir: Path, *, with_floor: bool, with_edit: bool) -> Results:
    res = Results(args.articles, args.entities, args.seed, machine_info())
    content, docs, cache = workdir / "content", workdir / "docs", workdir / "cache"
    log = workdir / "bench.log"
    log.write_bytes(b"")

    say(f"generating {args.articles:,} articles / {args.entities:,} entities in {workdir}")
    gen = generate_corpus(content, args, log)
    res.generate_s = gen.seconds
    res.corpus_bytes = sum(p.stat().st_size for p in content.rglob("*") if p.is_file())

    say("builder ...")
    build_docs = import_builder()
    result, res.builder_wall_s, res.builder_cpu_s = run_builder(build_docs, content, docs, cache)
    res.builder_rss_mb = self_rss_mb()
    res.builder_phases_s = {k: float(v) for k, v in result.timings.items()}
    res.text_bytes = int(result.text_bytes)
    link_s = res.builder_phases_s.get("link", 0.0)
    res.link_mb_per_s = res.text_bytes / MB / link_s if link_s > 0 else float("inf")
    res.pages_written = int(result.pages_written)

    say("mkdocs ...")
    mk = mkdocs_build(args, docs, workdir / "site", log)
    res.mkdocs_s, res.mkdocs_cpu_s, res.mkdocs_rss_mb = mk.seconds, mk.cpu_seconds, mk.max_rss_mb
    res.full_build_s = res.builder_wall_s + res.mkdocs_s
    res.builder_share = res.builder_wall_s / res.full_build_s
    res.site = site_stats(docs, workdir / "site", uses_directory_urls(args.mkdocs_config))

    if with_floor:
        say("floor: mkdocs alone on the same Markdown ...")
        floor = mkdocs_build(args, docs, workdir / "site-floor", log)
        res.floor_s, res.floor_cpu_s, res.floor_rss_mb = floor.seconds, floor.cpu_seconds, floor.max_rss_mb
        res.total_over_floor = res.full_build_s / floor.seconds

    if with_edit:
        say("editing one entity and rebuilding ...")
        edit_one_entity(content)
        edited, res.entity_edit_s, res.entity_edit_cpu_s = run_builder(build_docs, content, docs, cache)
        res.entity_edit_pages_written = int(edited.pages_written)
    return res


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Targets and report
# --------------------------------------------------------------------------


def evaluate(res: Results) -> dict:
    peak = max(res.builder_rss_mb, res.mkdocs_rss_mb)
    checks = {
        "full build <= 180 s": (res.full_build_s <= TARGETS["full_build_s"], f"{res.full_build_s:.1f} s"),
        "builder <= 15% of total": (res.builder_share <= TARGETS["builder_share"], f"{res.builder_share:.1%}"),
        "linking >= 20 MB/s": (res.link_mb_per_s >= TARGETS["link_mb_per_s"], f"{res.link_mb_per_s:.1f} MB/s"),
        "one entity edit <= 2 s": (res.entity_edit_s <= TARGETS["entity_edit_s"], f"{res.entity_edit_s:.2f} s"),
        "peak RSS <= 1 GB": (peak <= TARGETS["peak_rss_mb"], f"{peak:.0f} MB"),
    }
    if res.baseline:
        base = res.baseline["median_html_bytes"]
        drift = abs(res.site.median_html_bytes - base) / base
        checks["median HTML/page within 10%"] = (
            drift <= TARGETS["median_html_drift"],
            f"{drift:.1%} ({base:,} B at {res.baseline['articles']:,} articles)",
        )
    return {name: {"met": bool(ok), "value": value} for name, (ok, value) in checks.items()}


def report(res: Results) -> str:
    rows: list[tuple[str, str]] = []
    for phase in PHASES:
        if phase in res.builder_phases_s:
            rows.append((f"builder: {phase}", f"{res.builder_phases_s[phase]:.2f} s"))
    for phase, seconds in res.builder_phases_s.items():
        if phase not in PHASES:
            rows.append((f"builder: {phase}", f"{seconds:.2f} s"))
    site = res.site
    rows += [
        ("builder total", f"{res.builder_wall_s:.2f} s  ({res.builder_cpu_s:.2f} s CPU; "
                           f"phases sum {sum(res.builder_phases_s.values()):.2f} s)"),
        ("mkdocs build", f"{res.mkdocs_s:.2f} s  ({res.mkdocs_cpu_s:.2f} s CPU)"),
        ("total (builder + mkdocs)", f"{res.full_build_s:.2f} s  ({res.builder_cpu_s + res.mkdocs_cpu_s:.2f} s CPU)"),
        ("builder share of total", f"{res.builder_share:.1%}"),
        ("floor (mkdocs alone, same Markdown)", f"{res.floor_s:.2f} s  ({res.floor_cpu_s:.2f} s CPU)"),
        ("total / floor", f"{res.total_over_floor:.2f}"),
        ("peak RSS builder process", f"{res.builder_rss_mb:.0f} MB"),
        ("peak RSS mkdocs child", f"{res.mkdocs_rss_mb:.0f} MB (floor run {res.floor_rss_mb:.0f} MB)"),
        ("pages written / HTML pages rendered", f"{res.pages_written:,} / {site.html_pages:,}"
         f" (+{site.other_html_files:,} other .html files)"),
        ("HTML per page: median / max", f"{site.median_html_bytes / 1024:.1f} KB / {site.max_html_bytes / 1024:.1f} KB"),
        ("site total", f"{site.total_bytes / MB:.1f} MB"),
        ("search index", f"{site.search_index_bytes / MB:.1f} MB"),
        ("linked text / throughput", f"{res.text_bytes / MB:.1f} MB / {res.link_mb_per_s:.1f} MB/s"),
        ("builder after one entity edit", f"{res.entity_edit_s:.2f} s  ({res.entity_edit_cpu_s:.2f} s CPU; "
                                          f"{res.entity_edit_pages_written} pages written)"),
        ("(corpus generation, not in total)", f"{res.generate_s:.1f} s, {res.corpus_bytes / MB:.1f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    head = (f"kb benchmark: {res.articles:,} articles, {res.entities:,} entities, seed {res.seed}, "
            f"{res.machine['cores']} cores, mkdocs {res.machine['mkdocs']}, "
            f"material {res.machine['mkdocs-material']}")
    lines = [head, "-" * len(head)] + [f"{name:<{width}}  {value}" for name, value in rows]
    lines += ["", "targets:"]
    for name, check in res.checks.items():
        lines.append(f"  [{'PASS' if check['met'] else 'FAIL'}] {name:<28} {check['value']}")
    if res.baseline is None:
        lines.append("  [ -- ] median HTML/page within 10%  (use --compare or --baseline FILE)")
    busy = cpu_share(res)
    if busy < BUSY_CPU_SHARE:
        lines += ["", f"WARNING: the builder and MkDocs got {busy:.0%} of a core on average (load average "
                      f"{res.machine['loadavg_before']} before, {res.machine['loadavg_after']} after): "
                      "the machine was busy, wall times are inflated; compare the CPU times."]
    return "\n".join(lines)


def cpu_share(res: Results) -> float:
    """CPU time over wall time of the single-threaded stages (1.0 on an idle machine)."""
    wall = res.builder_wall_s + res.mkdocs_s + res.floor_s
    cpu = res.builder_cpu_s + res.mkdocs_cpu_s + res.floor_cpu_s
    return cpu / wall if wall else 1.0


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep everything here (default: a temp dir, removed)")
    parser.add_argument("--json", type=Path, help="save the results as JSON")
    parser.add_argument("--compare", action="store_true",
                        help="also build a 1,000-article corpus (same entity ratio) and compare HTML/page")
    parser.add_argument("--baseline", type=Path,
                        help="compare HTML/page with a results file saved by an earlier --json run")
    parser.add_argument("--mkdocs-config", type=Path, default=REPO / "mkdocs.yml")
    parser.add_argument("--mkdocs-timeout", type=float, default=3600.0, help="seconds per mkdocs build")
    parser.add_argument("--drop-plugin", action="append", default=["kb"], metavar="NAME",
                        help="MkDocs plugin to leave out of the config (default: kb, which runs the builder)")
    args = parser.parse_args(argv)
    args.mkdocs_config = args.mkdocs_config.resolve()
    if not args.mkdocs_config.exists():
        parser.error(f"{args.mkdocs_config} does not exist")
    return args


def compare_run(args: argparse.Namespace, workdir: Path) -> dict:
    small = argparse.Namespace(**vars(args))
    small.articles = 1_000
    small.entities = max(12, round(args.entities * 1_000 / args.articles))
    res = benchmark(small, workdir, with_floor=False, with_edit=False)
    return {"articles": small.articles, "entities": small.entities,
            "median_html_bytes": res.site.median_html_bytes, "source": "--compare"}


def load_baseline(path: Path) -> dict:
    saved = json.loads(path.read_text())
    return {"articles": saved["articles"], "entities": saved["entities"],
            "median_html_bytes": saved["site"]["median_html_bytes"], "source": str(path)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="kb-bench-"))
    if args.workdir:
        for sub in ("content", "docs", "cache", "site", "site-floor", "compare"):
            shutil.rmtree(workdir / sub, ignore_errors=True)
        workdir.mkdir(parents=True, exist_ok=True)
    try:
        res = benchmark(args, workdir, with_floor=True, with_edit=True)
        res.machine["loadavg_after"] = loadavg()
        if args.baseline:
            res.baseline = load_baseline(args.baseline)
        elif args.compare and args.articles != 1_000:
            (workdir / "compare").mkdir()
            res.baseline = compare_run(args, workdir / "compare")
        res.checks = evaluate(res)
        print(report(res))
        if args.json:
            args.json.write_text(json.dumps(asdict(res), indent=2) + "\n")
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(c["met"] for c in res.checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
