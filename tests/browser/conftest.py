"""Fixtures for the browser tests: one built site, one local server, one Chromium per session.

The site is built once per session with ``kb build --site-dir <tmp>`` (or taken from
``KB_SITE_DIR`` if set) and served by the standard library's HTTP server on 127.0.0.1.
Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright; nothing is downloaded.
If it (or Playwright) is missing, the tests are skipped with the reason, unless
``KB_REQUIRE_BROWSER=1`` (set by ``.ci/run``), in which case they fail.

Every page the tests open records its console errors, uncaught page errors and any
request that is not for the local server, so a test can assert there are none.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: any host other than the local server fails to resolve, so
    # the site cannot fetch anything from the network even by accident.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    candidate = os.environ.get("KB_CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


def skip_or_fail(reason: str) -> None:
    if os.environ.get("KB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (KB_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (set KB_REQUIRE_BROWSER=1 to make this an error)")


# --------------------------------------------------------------------------- site + server


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    given = os.environ.get("KB_SITE_DIR")
    if given:
        path = Path(given).resolve()
        if not (path / "index.html").is_file():
            pytest.fail(f"KB_SITE_DIR={given} does not hold a built site (no index.html)", pytrace=False)
        return path
    path = tmp_path_factory.mktemp("kb-site") / "site"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "builder.cli", "build", "--project", str(ROOT), "--site-dir", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0 or not (path / "index.html").is_file():
        pytest.fail(f"kb build failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}", pytrace=False)
    print(f"\nkb build: {time.monotonic() - started:.1f}s -> {path}")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def base_url(site_dir: Path):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="kb-site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def html_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site as a URL path ('/', '/entities/x/', '/404.html')."""
    paths = []
    for file in sorted(site_dir.rglob("*.html")):
        rel = file.relative_to(site_dir).as_posix()
        if rel == "index.html":
            paths.append("/")
        elif rel.endswith("/index.html"):
            paths.append("/" + rel[: -len("index.html")])
        else:
            paths.append("/" + rel)
    return paths


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        skip_or_fail("Chromium is not installed (/usr/bin/chromium; apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the environment
        skip_or_fail(f"the playwright package is not installed ({error})")
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        except Exception as error:  # noqa: BLE001 - report any launch failure the same way
            skip_or_fail(f"Chromium at {exe} did not start: {error}")
        yield browser
        browser.close()


@dataclass
class Recorder:
    """Console errors, page errors and off-site requests seen by one browser context."""

    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{location.get('url', '?')}:{location.get('lineNumber', '?')}: {message.text}")

    def on_request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not url.startswith(self.base_url + "/") and url != self.base_url:
            self.offsite_requests.append(url)

    def on_request_failed(self, request) -> None:
        if request.url.startswith(self.base_url):
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def problems(self) -> list[str]:
        return ([f"console error: {e}" for e in self.console_errors]
                + [f"page error: {e}" for e in self.page_errors]
                + [f"off-site request: {u}" for u in self.offsite_requests]
                + [f"failed request: {u}" for u in self.failed_requests])

    def clear(self) -> None:
        for name in ("console_errors", "page_errors", "offsite_requests", "failed_requests"):
            getattr(self, name).clear()


class Browsing:
    """A browser context at a given viewport and colour scheme, with a recorder."""

    def __init__(self, browser, base_url: str, viewport=DESKTOP, color_scheme: str = "light"):
        self.base_url = base_url
        self.recorder = Recorder(base_url)
        self.context = browser.new_context(viewport=viewport, color_scheme=color_scheme,
                                           service_workers="block")
        self.context.set_default_timeout(15_000)
        self.context.on("request", self.recorder.on_request)
        self.context.on("requestfailed", self.recorder.on_request_failed)
        self.context.on("page", self.recorder.attach)

    def new_page(self):
        return self.context.new_page()

    def url(self, path: str) -> str:
        return self.base_url + path

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session")
def browsing_factory(browser, base_url):
    opened: list[Browsing] = []

    def make(viewport=DESKTOP, color_scheme: str = "light") -> Browsing:
        b = Browsing(browser, base_url, viewport, color_scheme)
        opened.append(b)
        return b

    yield make
    for b in opened:
        b.close()


@pytest.fixture()
def browsing(browsing_factory):
    """A fresh desktop, light-scheme context for one test."""
    b = browsing_factory()
    yield b
    b.close()


@pytest.fixture()
def page(browsing):
    return browsing.new_page()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")
