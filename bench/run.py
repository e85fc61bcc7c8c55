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
TARGETS = {  # issue 13, on 2 cores at 10,000 articles / 2,000 entities
    "full_build_s": 120.0,  # cold `kb build`: builder + MkDocs with the kb plugin
    "speedup_over_floor": 3.0,  # MkDocs alone on the same Markdown / the full build
    "nothing_changed_s": 10.0,  # a rebuild with nothing changed
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
    fast_s: float = 0.0  # cold `mkdocs build` with the kb plugin: the builder and the shell
    fast_cpu_s: float = 0.0
    fast_rss_mb: float = 0.0
    nothing_changed_s: float = 0.0
    nothing_changed_cpu_s: float = 0.0
    edit_build_s: float = 0.0  # `mkdocs build` with the plugin after one entity edit
    edit_build_cpu_s: float = 0.0
    fast_site: SiteStats | None = None
    clean: bool = False
    busy_reason: str = ""
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
    """This process and its waited-for children (the builder's 2-process render)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_builder(build_docs, content: Path, docs: Path, cache: Path):
    """Returns the result, wall seconds and CPU seconds of one build_docs call."""
    start, cpu = time.perf_counter(), self_cpu_seconds()
    result = build_docs(content, docs, cache_dir=cache, html=True, workers=2)
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


def make_project(workdir: Path, content: Path, config: Path) -> Path:
    """A kb project as a user has it: content/, mkdocs.yml and templates/ (the kb plugin on)."""
    project = workdir / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir()
    shutil.copytree(content, project / "content")  # a copy: kb refuses content linked from outside
    shutil.copy(config, project / "mkdocs.yml")
    if (config.parent / "templates").is_dir():
        shutil.copytree(config.parent / "templates", project / "templates")
    (project / "build" / "docs").mkdir(parents=True)
    return project


def kb_mkdocs_build(project: Path, log: Path, timeout: float) -> ChildRun:
    """`kb build` of the project: the builder and MkDocs with the kb plugin, into project/site."""
    kb = Path(sys.executable).with_name("kb")
    cmd = [str(kb), "build", "--project", str(project)] if kb.exists() else [
        sys.executable, "-c", "import sys; from builder.cli import main; sys.exit(main())", "build",
        "--project", str(project)]
    run = run_child(cmd, cwd=project, log=log, timeout=timeout)
    check_child(run, "kb build", log)
    return run


def benchmark(args, workdir: Path, *, with_floor: bool, with_edit: bool) -> Results:
    res = Results(args.articles, args.entities, args.seed, machine_info())
    content, docs, cache = workdir / "content", workdir / "docs", workdir / "cache"
    log = workdir / "bench.log"
    log.write_bytes(b"")

    say(f"generating {args.articles:,} articles / {args.entities:,} entities in {workdir}")
    gen = generate_corpus(content, args, log)
    res.generate_s = gen.seconds
    res.corpus_bytes = sum(p.stat().st_size for p in content.rglob("*") if p.is_file())

    say("builder alone (phases; bodies rendered to HTML in 2 processes) ...")
    build_docs = import_builder()
    result, res.builder_wall_s, res.builder_cpu_s = run_builder(build_docs, content, docs, cache)
    res.builder_rss_mb = self_rss_mb()
    res.builder_phases_s = {k: float(v) for k, v in result.timings.items()}
    res.text_bytes = int(result.text_bytes)
    link_s = res.builder_phases_s.get("link", 0.0)
    res.link_mb_per_s = res.text_bytes / MB / link_s if link_s > 0 else float("inf")
    res.pages_written = int(result.pages_written)
    del result

    say("full cold build: kb build (builder + MkDocs with the kb plugin) ...")
    project = make_project(workdir, content, args.mkdocs_config)
    fast = kb_mkdocs_build(project, log, args.mkdocs_timeout)
    res.fast_s, res.fast_cpu_s, res.fast_rss_mb = fast.seconds, fast.cpu_seconds, fast.max_rss_mb
    res.fast_site = site_stats(project / "build" / "docs", project / "site", uses_directory_urls(args.mkdocs_config))

    say("mkdocs alone on the generated Markdown (the slow path) ...")
    mk = mkdocs_build(args, project / "build" / "docs", workdir / "site", log)
    res.mkdocs_s, res.mkdocs_cpu_s, res.mkdocs_rss_mb = mk.seconds, mk.cpu_seconds, mk.max_rss_mb
    res.full_build_s = res.fast_s
    res.builder_share = res.builder_wall_s / res.fast_s if res.fast_s else 0.0
    res.site = site_stats(project / "build" / "docs", workdir / "site", uses_directory_urls(args.mkdocs_config))
    res.floor_s, res.floor_cpu_s, res.floor_rss_mb = mk.seconds, mk.cpu_seconds, mk.max_rss_mb
    res.total_over_floor = res.fast_s / mk.seconds if mk.seconds else 0.0

    if with_edit:
        say("rebuild with nothing changed ...")
        same = kb_mkdocs_build(project, log, args.mkdocs_timeout)
        res.nothing_changed_s, res.nothing_changed_cpu_s = same.seconds, same.cpu_seconds
        say("editing one entity: the builder alone, then the full build ...")
        edit_one_entity(content)
        edited, res.entity_edit_s, res.entity_edit_cpu_s = run_builder(build_docs, content, docs, cache)
        res.entity_edit_pages_written = int(edited.pages_written)
        del edited
        edit_one_entity(project / "content")
        again = kb_mkdocs_build(project, log, args.mkdocs_timeout)
        res.edit_build_s, res.edit_build_cpu_s = again.seconds, again.cpu_seconds
    return res


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Targets and report
# --------------------------------------------------------------------------


def evaluate(res: Results) -> dict:
    peak = max(res.builder_rss_mb, res.fast_rss_mb)
    speedup = res.floor_s / res.fast_s if res.fast_s else 0.0
    checks = {
        "full cold build <= 120 s": (res.full_build_s <= TARGETS["full_build_s"], f"{res.full_build_s:.1f} s"),
        ">= 3x faster than MkDocs alone": (speedup >= TARGETS["speedup_over_floor"],
                                           f"{speedup:.2f}x ({res.floor_s:.1f} s alone)"),
        "nothing changed <= 10 s": (res.nothing_changed_s <= TARGETS["nothing_changed_s"],
                                    f"{res.nothing_changed_s:.1f} s"),
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
    fast = res.fast_site or site
    rows += [
        ("builder alone (with HTML bodies)", f"{res.builder_wall_s:.2f} s  ({res.builder_cpu_s:.2f} s CPU incl. "
                                             f"its 2nd process; phases sum {sum(res.builder_phases_s.values()):.2f} s)"),
        ("FULL COLD BUILD (kb build)", f"{res.fast_s:.2f} s  ({res.fast_cpu_s:.2f} s CPU)"),
        ("MkDocs alone, same Markdown", f"{res.floor_s:.2f} s  ({res.floor_cpu_s:.2f} s CPU)"),
        ("speed-up over MkDocs alone", f"{res.floor_s / res.fast_s if res.fast_s else 0:.2f}x wall, "
                                       f"{res.floor_cpu_s / res.fast_cpu_s if res.fast_cpu_s else 0:.2f}x CPU"),
        ("rebuild, nothing changed", f"{res.nothing_changed_s:.2f} s  ({res.nothing_changed_cpu_s:.2f} s CPU)"),
        ("rebuild after one entity edit", f"{res.edit_build_s:.2f} s  ({res.edit_build_cpu_s:.2f} s CPU)"),
        ("builder alone after one entity edit", f"{res.entity_edit_s:.2f} s  ({res.entity_edit_cpu_s:.2f} s CPU; "
                                                f"{res.entity_edit_pages_written} pages written)"),
        ("peak RSS builder process", f"{res.builder_rss_mb:.0f} MB"),
        ("peak RSS full build / MkDocs alone", f"{res.fast_rss_mb:.0f} MB / {res.floor_rss_mb:.0f} MB"),
        ("pages written / HTML pages rendered", f"{res.pages_written:,} / {site.html_pages:,}"
         f" (+{site.other_html_files:,} other .html files)"),
        ("HTML per page: median / max", f"{fast.median_html_bytes / 1024:.1f} KB / {fast.max_html_bytes / 1024:.1f} KB"),
        ("site total", f"{fast.total_bytes / MB:.1f} MB"),
        ("search index", f"{fast.search_index_bytes / MB:.1f} MB"),
        ("linked text / throughput", f"{res.text_bytes / MB:.1f} MB / {res.link_mb_per_s:.1f} MB/s"),
        ("(corpus generation, not in total)", f"{res.generate_s:.1f} s, {res.corpus_bytes / MB:.1f} MB"),
        ("load average before / after", f"{res.machine['loadavg_before']} / {res.machine.get('loadavg_after', '-')}"),
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
    if res.clean:
        lines += ["", "machine idle during the run: a clean run"]
    else:
        lines += ["", f"NOT A CLEAN RUN: {res.busy_reason}. Wall times are inflated; compare the CPU times."]
    return "\n".join(lines)


def cpu_share(res: Results) -> float:
    """CPU time over wall time of the single-process stages (about 1.0 on an idle machine)."""
    wall = res.floor_s
    return res.floor_cpu_s / wall if wall else 1.0


def judge_cleanliness(res: Results) -> None:
    """A run is clean only if the machine was idle before and after and MkDocs alone got its core."""
    cores = res.machine["cores"] or 1
    before = float(res.machine["loadavg_before"].split()[0])
    after = float(res.machine.get("loadavg_after", "0").split()[0])
    share = cpu_share(res)
    reasons = []
    if before > 0.5:
        reasons.append(f"load average {before:.1f} before the run on {cores} cores")
    if after > 2.5:  # the run itself loads 2 cores
        reasons.append(f"load average {after:.1f} after it")
    if share < BUSY_CPU_SHARE:
        reasons.append(f"MkDocs alone (one process) got {share:.0%} of a core")
    res.clean = not reasons
    res.busy_reason = "; ".join(reasons)


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
        for sub in ("content", "docs", "cache", "site", "site-floor", "compare", "project"):
            shutil.rmtree(workdir / sub, ignore_errors=True)
        workdir.mkdir(parents=True, exist_ok=True)
    try:
        res = benchmark(args, workdir, with_floor=True, with_edit=True)
        res.machine["loadavg_after"] = loadavg()
        judge_cleanliness(res)
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
