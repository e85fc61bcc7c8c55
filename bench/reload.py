"""How long from saving an entity file to `kb serve` serving the change (run by hand).

    python bench/reload.py [--content DIR] [--runs 3]

Copies the content (default: the shipped content) and the project files into a
temporary folder, starts `kb serve`, edits one entity's summary and times how long
until the served page shows the new text.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--entity", default=None, help="entity id to edit (default: the first one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-reload-"))
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
        print(f"median {statistics.median(times):.2f} s over {len(times)} edits ({os.cpu_count()} cores)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
