"""Fixtures for the browser tests: one built site, one local server, one Chromium per session.

The site is built once per session with ``kb build --site-dir <tmp>`` (or taken from
``KB_SITE_DIR`` if set) and served by the standard library's HTTP server on 127.0.0.1.
The build sets ``KB_SITE_URL`` to the server's address: Material's instant navigation only
handles links listed in sitemap.xml, which needs ``site_url`` (see mkdocs.yml).

Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright; nothing is downloaded.
If it (or Playwright) is missing, the tests are skipped with the reason, unless
``KB_REQUIRE_BROWSER=1`` (set by ``.ci/run``), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .support import (CHROMIUM_ARGS, DESKTOP, PHONE, ROOT, Browsing, Site, bind, sitemap_url,
                      skip_or_fail)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the Chromium to drive; skips (or fails, under KB_REQUIRE_BROWSER=1) without one."""
    wanted = os.environ.get("KB_CHROMIUM") or "/usr/bin/chromium"
    exe = wanted if Path(wanted).is_file() and os.access(wanted, os.X_OK) else shutil.which("chromium")
    if exe is None:
        skip_or_fail(f"Chromium is not installed (no {wanted}, no chromium on PATH; apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        skip_or_fail(f"the playwright package is not importable ({error})")
    return exe


@pytest.fixture(scope="session")
def site(chromium, tmp_path_factory):
    given = os.environ.get("KB_SITE_DIR")
    if given:
        root = Path(given).resolve()
        if not (root / "index.html").is_file():
            pytest.fail(f"KB_SITE_DIR={given} does not hold a built site (no index.html)", pytrace=False)
        # Serve it where its sitemap says it lives if we can, so instant navigation works.
        listed = sitemap_url(root)
        parts = urlsplit(listed) if listed else None
        server = bind(parts.port) if parts and parts.port else None
        server = server or bind(0)
        server.prefix = parts.path.rstrip("/") if parts else ""
    else:
        server = bind(0)
        root = tmp_path_factory.mktemp("kb-site") / "site"
        site_url = f"http://127.0.0.1:{server.server_address[1]}/"
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "builder.cli", "build", "--project", str(ROOT), "--site-dir", str(root)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "KB_SITE_URL": site_url},
        )
        if result.returncode != 0 or not (root / "index.html").is_file():
            server.server_close()
            pytest.fail(f"kb build failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False)
        print(f"\nkb build for the browser tests: {time.monotonic() - started:.1f}s")
    server.root = root
    thread = threading.Thread(target=server.serve_forever, name="kb-site-server", daemon=True)
    thread.start()
    try:
        yield Site(root, f"http://127.0.0.1:{server.server_address[1]}{server.prefix}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        except Exception as error:  # noqa: BLE001 - any launch failure is reported the same way
            skip_or_fail(f"Chromium at {chromium} did not start: {error}")
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def contexts(browser, site):
    """Shared contexts by (viewport name, colour scheme), e.g. contexts("phone", "dark")."""
    cache: dict[tuple[str, str], Browsing] = {}
    sizes = {"desktop": DESKTOP, "phone": PHONE}

    def get(size: str = "desktop", scheme: str = "light") -> Browsing:
        key = (size, scheme)
        if key not in cache:
            cache[key] = Browsing(browser, site, sizes[size], scheme)
        return cache[key]

    yield get
    for b in cache.values():
        b.close()


@pytest.fixture()
def browsing(browser, site):
    """A fresh desktop, light-scheme context for one test."""
    b = Browsing(browser, site)
    yield b
    b.close()
