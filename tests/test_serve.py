"""`kb serve`: edits to content/ rebuild and reload; a broken edit keeps the last good site served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from .conftest import KB


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout} s")


def test_serve_rebuilds_on_content_change_and_keeps_the_last_good_site(project: Path):
    port = _free_port()
    log = project / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [KB, "serve", "--project", str(project), "--dev-addr", f"127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    page = f"http://127.0.0.1:{port}/entities/springfield/"
    try:
        _wait_for(lambda: (_get(page) or "").find("Springfield") >= 0, 120)
        entity = project / "content" / "entities" / "springfield.yaml"
        entity.write_text("name: Springfield\ntype: place\nsummary: A town with a brand-new summary.\n")
        _wait_for(lambda: "brand-new summary" in (_get(page) or ""), 60)

        entity.write_text("name: Springfield\ntype: plaec\n")
        _wait_for(lambda: "unknown entity type 'plaec'" in log.read_text(), 60)
        assert server.poll() is None, "the server keeps running"
        assert "brand-new summary" in (_get(page) or ""), "the last good site is still served"

        template = project / "templates" / "entity.md.j2"
        entity.write_text("name: Springfield\ntype: place\n")
        template.write_text(template.read_text().replace("## Relations", "## Relations (edited template)"))
        _wait_for(lambda: "Relations (edited template)" in (_get(f"http://127.0.0.1:{port}/entities/acme/") or ""), 60)
        cache = project / "build" / "cache" / "kb-cache.json.gz"
        before = cache.stat().st_mtime_ns  # written by the first build; rebuilds keep theirs in memory
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)
    # stopping the server writes the cache of its last rebuild: the next `kb build` starts from it
    assert cache.stat().st_mtime_ns > before, log.read_text()
    from builder.cache import read_cache
    from builder.pipeline import build_docs  # noqa: F401  (the classes the cache holds)

    warm = read_cache(cache.parent)
    acme = warm.html.get("entities/acme.md")
    assert acme is not None, (len(warm.html), sorted(warm.html)[:5], warm.inputs)
    assert "Relations (edited template)" in acme[2].body
