"""How long from saving an entity file to `kb serve` serving the change (run by hand).

    python bench/reload.py [--content DIR | --articles N --entities M] [--runs 3] [--json FILE]

Copies the content (default: the shipped content; or a corpus from bench/generate.py) and
the project files into a temporary folder, starts `kb serve`, edits one entity's summary
and times how long until the served page shows the new text: the save-to-browser time,
as `kb serve` reloads the browser when its rebuild is done. Records the server's CPU time
and the load average, and says when the machine was too busy for a clean number.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _cpu(pid: int) -> float:
    """CPU seconds of the `kb serve` process and its children so far (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is the ppid, [3] the process group: kb serve runs in its own session
        if int(fields[2]) == pid or int(stat.parent.name) == pid:
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--entity", default=None, help="entity id to edit (default: the first one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, default=0, help="use a generated corpus of this many articles")
    parser.add_argument("--entities", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-reload-"))
    load_before = os.getloadavg()
    if args.articles:
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--articles", str(args.articles),
                        "--entities", str(args.entities or max(12, args.articles // 5)), "--out",
                        str(work / "content")], check=True, capture_output=True)
    else:
        shutil.copytree(args.content, work / "content")
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", work / "templates")
    (work / "build" / "docs").mkdir(parents=True)
    entity = args.entity or sorted(p.stem for p in (work / "content" / "entities").glob("*.yaml"))[0]
    path = work / "content" / "entities" / f"{entity}.yaml"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kb = str(Path(sys.executable).with_name("kb"))
    server = subprocess.Popen([kb, "serve", "--project", str(work), "--dev-addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/entities/{entity}/"
    try:
        start = time.monotonic()
        while "<h1" not in fetch(url):
            time.sleep(0.2)
        print(f"first build served after {time.monotonic() - start:.1f} s")
        first_build = time.monotonic() - start
        cpu_before = _cpu(server.pid)
        times = []
        original = path.read_text()
        for run in range(args.runs):
            marker = f"reload-marker-{run}-{time.time_ns()}"
            path.write_text(original.replace("summary:", f"summary: {marker}", 1)
                            if "summary:" in original else original + f"summary: {marker}\n")
            start = time.monotonic()
            while marker not in fetch(url):
                time.sleep(0.05)
            times.append(time.monotonic() - start)
            print(f"edit {run + 1}: served after {times[-1]:.2f} s")
        cpu = (_cpu(server.pid) - cpu_before) / len(times)
        load_after = os.getloadavg()
        print(f"median {statistics.median(times):.2f} s over {len(times)} edits ({os.cpu_count()} cores); "
              f"server CPU {cpu:.2f} s per edit; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
        busy = load_before[0] > 0.5 or load_after[0] > 2.5
        if busy:
            print("NOT A CLEAN RUN: the machine was busy; the times are inflated")
        if args.json:
            import json

            args.json.write_text(json.dumps({
                "articles": args.articles, "entity": entity, "first_build_s": first_build, "edits_s": times,
                "median_s": statistics.median(times), "server_cpu_s_per_edit": cpu,
                "loadavg_before": load_before, "loadavg_after": load_after, "clean": not busy}, indent=2) + "\n")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
