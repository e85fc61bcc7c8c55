"""Helpers for the browser tests: the local server, the site, recording browser contexts.

Every page opened through a Browsing records console errors, uncaught page errors,
failed requests and any request that is not for the local server.
"""

from __future__ import annotations

import http.server
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: no host but the local server resolves, so nothing can leave the
    # machine even by accident (the tests also record every off-site request).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The shipped content's landmarks, used by several tests.
KISHIDA = "/entities/fumio-kishida/"
ARTICLE = "/articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan/"


def skip_or_fail(reason: str) -> None:
    if os.environ.get("KB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (KB_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}; set KB_REQUIRE_BROWSER=1 to make this an error")


# --------------------------------------------------------------------------- site + server


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves server.root under server.prefix (the path of the site's site_url)."""

    def __init__(self, request, client_address, server):
        super().__init__(request, client_address, server, directory=str(server.root))

    def translate_path(self, path):
        prefix = self.server.prefix
        if prefix:
            if not (path == prefix or path.startswith(prefix + "/")):
                return str(self.server.root / "__outside_the_site__" / "missing")
            path = path[len(prefix):] or "/"
        return super().translate_path(path)

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    prefix = ""

    def handle_error(self, request, client_address):
        # A browser that drops a connection (navigating away, favicon probes) is not news.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@dataclass
class Site:
    root: Path
    base_url: str  # no trailing slash: base_url + "/entities/x/"

    def url(self, path: str) -> str:
        return self.base_url + path

    def path(self, url: str) -> str:
        """The site path of a URL on this server, with its #fragment if any."""
        parts = urlsplit(url)
        prefix = urlsplit(self.base_url).path
        path = parts.path[len(prefix):] if prefix and parts.path.startswith(prefix) else parts.path
        return path + (f"#{parts.fragment}" if parts.fragment else "")

    def html_pages(self) -> list[str]:
        """Every HTML file of the site as a site path ('/', '/entities/x/', '/404.html')."""
        paths = []
        for file in sorted(self.root.rglob("*.html")):
            rel = file.relative_to(self.root).as_posix()
            paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
        return paths

    def file(self, path: str) -> Path:
        return self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def bind(port: int) -> _Server | None:
    try:
        return _Server(("127.0.0.1", port), _Handler)
    except OSError:
        return None


def sitemap_urls(site: Site) -> set[str]:
    """The URLs Material's instant navigation handles: sitemap.xml's, moved to our host.

    Material (9.8) swaps in this page's protocol and host name but keeps the sitemap's
    port and path, so instant navigation only works where site_url says the site lives.
    """
    sitemap = site.root / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8") if sitemap.is_file() else ""
    base = urlsplit(site.base_url)
    urls = set()
    for loc in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", text):
        parts = urlsplit(loc)
        urls.add(f"{base.scheme}://{base.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}")
    return urls


def sitemap_url(root: Path) -> str | None:
    sitemap = root / "sitemap.xml"
    match = re.search(r"<loc>\s*([^<\s]+)\s*</loc>", sitemap.read_text(encoding="utf-8")) if sitemap.is_file() else None
    return match.group(1) if match else None


# --------------------------------------------------------------------------- browser


@dataclass
class Recorder:
    """What one browser context saw: errors, failed and off-site requests, all requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        def on_console(message):
            if message.type == "error":
                where = message.location or {}
                source = f"{where.get('url', '?')}:{where.get('lineNumber', '?')}"
                self.console_errors.append(f"{page.url}: {message.text} ({source})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def on_request(self, request) -> None:
        url = request.url
        self.requests.append(url)
        if not url.startswith(("data:", "blob:", "about:")) and not url.startswith(self.origin + "/"):
            self.offsite_requests.append(url)

    def on_request_failed(self, request) -> None:
        # Navigating away aborts what is still loading; that is the test's doing, not the site's.
        if request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def problems(self) -> list[str]:
        return self.problems_since((0, 0, 0, 0))

    def mark(self) -> tuple[int, int, int, int]:
        return (len(self.console_errors), len(self.page_errors), len(self.failed_requests), len(self.offsite_requests))

    def problems_since(self, mark: tuple[int, int, int, int]) -> list[str]:
        c, p, f, o = mark
        return ([f"console error: {e}" for e in self.console_errors[c:]]
                + [f"uncaught error: {e}" for e in self.page_errors[p:]]
                + [f"failed request: {e}" for e in self.failed_requests[f:]]
                + [f"off-site request: {u}" for u in self.offsite_requests[o:]])


class Browsing:
    """One browser context (viewport, colour scheme) whose pages all report to a Recorder."""

    def __init__(self, browser, site: Site, viewport=DESKTOP, color_scheme: str = "light", **options):
        self.site = site
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(site.base_url))
        self.recorder = Recorder(origin)
        self.context = browser.new_context(viewport=viewport, color_scheme=color_scheme,
                                           service_workers="block", **options)
        self.context.set_default_timeout(15_000)
        self.context.on("request", self.recorder.on_request)
        self.context.on("requestfailed", self.recorder.on_request_failed)
        self._closed = False

    def new_page(self):
        page = self.context.new_page()
        self.recorder.watch(page)
        return page

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.context.close()


def assert_no_problems(recorder: Recorder, mark=None, what: str = "") -> None:
    problems = recorder.problems() if mark is None else recorder.problems_since(mark)
    assert not problems, f"{what}{len(problems)} problem(s):\n" + "\n".join(problems[:50])


SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"


def switch_palette(page, to: str, *, click: bool = True) -> None:
    """Switch to the palette `to` ('default' or 'slate') with the header's toggle.

    click=False fires the click event on the toggle without moving the mouse there, which
    leaves no hover tooltip fading in on screenshots and accessibility checks.
    """
    if page.evaluate(SCHEME) == to:
        return
    toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
    toggle.click() if click else toggle.dispatch_event("click")
    page.wait_for_function(f"({SCHEME})() === {to!r} && !document.body.hasAttribute('data-md-color-switching')")
    if not click:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring either
