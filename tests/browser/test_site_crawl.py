"""Every page of the built site, opened in Chromium: no console errors, no broken links.

One crawl per module does the work: it starts at the home page, follows every same-origin
href (HTML links, <link> elements, src attributes and the SVG graph's links), then opens
every remaining HTML file of the site, so each page is loaded once. Alias redirect pages
(meta refresh) are opened in a light context without JavaScript or styles, which is all a
meta refresh needs, and must land on their entity's canonical page.
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from .support import Browsing

COLLECT = """() => {
  const XLINK = "http://www.w3.org/1999/xlink";
  const links = [];
  for (const el of document.querySelectorAll("*")) {
    for (const [ns, name] of [[null, "href"], [null, "src"], [XLINK, "href"]]) {
      const raw = ns ? el.getAttributeNS(ns, name) : el.getAttribute(name);
      if (raw === null || raw === "") continue;
      let resolved = null;
      try { resolved = new URL(raw, document.baseURI).href; } catch (e) {}
      links.push([el.tagName.toLowerCase() + (ns ? "[xlink:" : "[") + name + "]", raw, resolved]);
    }
  }
  const ids = Array.from(document.querySelectorAll("[id]"), e => e.id)
    .concat(Array.from(document.querySelectorAll("a[name]"), e => e.getAttribute("name")));
  const h1 = document.querySelector("h1");
  return {links, ids, h1: h1 ? h1.textContent.replace(/\\u00b6/g, "").trim() : null,
          title: document.title};
}"""

REFRESH = re.compile(r'<meta\s+http-equiv="refresh"', re.IGNORECASE)


@dataclass
class Visit:
    url: str
    status: int | None
    final_url: str
    links: list = field(default_factory=list)  # (element[attribute], raw value, absolute URL)
    ids: set = field(default_factory=set)
    h1: str | None = None
    title: str = ""


@dataclass
class Crawl:
    pages: dict = field(default_factory=dict)  # url -> Visit, ordinary pages
    redirects: dict = field(default_factory=dict)  # url -> Visit of where it landed
    resources: dict = field(default_factory=dict)  # url -> HTTP status, everything else linked
    reached: set = field(default_factory=set)  # pages reached from the home page by links
    problems: list = field(default_factory=list)  # console/page errors, failed/off-site requests
    seconds: float = 0.0


def is_redirect_page(site, url: str) -> bool:
    file = site.file(site.path(url).split("#")[0])
    return file.suffix == ".html" and file.is_file() and bool(REFRESH.search(file.read_text(encoding="utf-8")))


def probe(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            return response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture(scope="module")
def crawl(browser, site) -> Crawl:
    started = time.monotonic()
    result = Crawl()
    home = site.url("/")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(home))

    # 1. Ordinary pages, in one page of one context, JavaScript and all.
    browsing = Browsing(browser, site)
    page = browsing.new_page()

    def visit(url: str) -> Visit:
        response = page.goto(url, wait_until="load")
        data = page.evaluate(COLLECT)
        return Visit(url, response.status if response else None, page.url,
                     [tuple(link) for link in data["links"]], set(data["ids"]), data["h1"], data["title"])

    queue, queued, redirect_urls = deque([home]), {home}, set()
    while queue:
        url = queue.popleft()
        result.pages[url] = v = visit(url)
        for _, _, absolute in v.links:
            if not absolute or not absolute.startswith(origin + "/"):
                continue
            target = urldefrag(absolute).url
            if target in queued or target in result.resources:
                continue
            status, content_type = probe(target)
            if status == 200 and content_type.startswith("text/html"):
                queued.add(target)
                (redirect_urls.add if is_redirect_page(site, target) else queue.append)(target)
            else:
                result.resources[target] = status
    result.reached = set(result.pages)
    print(f"\n  bfs {time.monotonic() - started:.1f}s")

    # 2. The rest of the HTML files: pages nothing links to, and the alias redirects.
    for path in site.html_pages():
        url = site.url(path)
        if is_redirect_page(site, url):
            redirect_urls.add(url)
        elif url not in result.pages:
            result.pages[url] = visit(url)
    page.wait_for_timeout(300)  # let late errors (workers, timers) of the last page arrive
    result.problems += browsing.recorder.problems()
    browsing.close()

    print(f"  rest {time.monotonic() - started:.1f}s")
    # 3. Alias redirects: a meta refresh needs neither scripts nor styles.
    light = Browsing(browser, site, java_script_enabled=False)
    light.context.route("**/*", lambda route: route.continue_() if route.request.resource_type == "document"
                        else route.fulfill(status=200, body=""))
    page = light.new_page()
    for url in sorted(redirect_urls):
        response = page.goto(url, wait_until="commit")
        try:
            page.wait_for_url(lambda u, start=url: u != start, wait_until="domcontentloaded", timeout=5_000)
        except Exception:  # noqa: BLE001 - reported below as "did not redirect"
            pass
        data = page.evaluate(COLLECT)
        result.redirects[url] = Visit(url, response.status if response else None, page.url,
                                      [], set(data["ids"]), data["h1"], data["title"])
    result.problems += light.recorder.problems()
    light.close()

    result.seconds = time.monotonic() - started
    print(f"\ncrawl: {len(result.pages)} pages ({len(result.reached)} reached by links from the home page), "
          f"{len(result.redirects)} alias redirects, {len(result.resources)} other files in {result.seconds:.1f}s")
    return result


def test_every_html_file_was_opened(crawl, site):
    opened = {site.path(u) for u in list(crawl.pages) + list(crawl.redirects)}
    missing = sorted(set(site.html_pages()) - opened)
    assert not missing, f"not opened: {missing}"
    assert len(crawl.pages) >= 50, f"only {len(crawl.pages)} ordinary pages: is the site complete?"
    assert len(crawl.redirects) >= 1, "no alias redirect pages found"


def test_no_console_errors_on_any_page(crawl):
    """Console errors, uncaught exceptions and failed requests on every page; none allowed."""
    assert not crawl.problems, f"{len(crawl.problems)} problem(s):\n" + "\n".join(crawl.problems[:60])


def test_every_page_loads(crawl):
    bad = [f"{u}: HTTP {v.status}" for u, v in crawl.pages.items() if v.status != 200]
    bad += [f"{u}: HTTP {v.status}" for u, v in crawl.redirects.items() if v.status != 200]
    assert not bad, "\n".join(bad)


def test_every_internal_link_resolves(crawl, site):
    """Every same-origin href/src on every page exists, and every #fragment names an element."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site.base_url))
    broken, checked = [], 0
    for url, v in crawl.pages.items():
        for element, raw, absolute in v.links:
            if absolute is None:
                broken.append(f"{site.path(url)}: {element}={raw!r} is not a URL")
                continue
            if not absolute.startswith(origin + "/"):
                continue
            checked += 1
            target, fragment = urldefrag(absolute)
            landed = crawl.pages.get(target) or crawl.redirects.get(target)
            status = landed.status if landed else crawl.resources.get(target)
            if status != 200:
                broken.append(f"{site.path(url)}: {element}={raw!r} -> {site.path(target)}: HTTP {status}")
            elif fragment and landed is None:
                broken.append(f"{site.path(url)}: {element}={raw!r}: #{fragment} on a file that is not a page")
            elif fragment and unquote(fragment) not in landed.ids:
                broken.append(f"{site.path(url)}: {element}={raw!r}: no element with id {unquote(fragment)!r} "
                              f"on {site.path(target)}")
    print(f"\n{checked} internal links checked")
    assert checked > 1000, f"only {checked} internal links found: did the crawl work?"
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(sorted(set(broken))[:80])


def test_svg_graph_links_are_crawled(crawl, site):
    graph = crawl.pages[site.url("/graph/")]
    svg_links = [link for link in graph.links if link[0].startswith("a[xlink:") or link[0] == "a[href]" and "kb-node" in link[1]]
    entity_targets = {site.path(a) for _, _, a in svg_links if a and "/entities/" in a}
    assert len(entity_targets) >= 50, f"the graph links to only {len(entity_targets)} entity pages"


def test_every_page_is_reachable_from_the_home_page(crawl, site):
    orphans = sorted(site.path(u) for u in set(crawl.pages) - crawl.reached if not u.endswith("/404.html"))
    assert not orphans, f"pages no link leads to: {orphans}"


def test_alias_redirects_land_on_the_canonical_entity_page(crawl, site):
    bad = []
    for url, landed in sorted(crawl.redirects.items()):
        name = re.search(r"<title>(.*?)</title>", site.file(site.path(url)).read_text(encoding="utf-8"), re.S)
        name = html.unescape(name.group(1).strip()) if name else None
        final = site.path(landed.final_url)
        canonical = crawl.pages.get(urldefrag(landed.final_url).url)
        if landed.final_url == url:
            bad.append(f"{site.path(url)}: did not redirect")
        elif not re.fullmatch(r"/entities/[^/]+/", final):
            bad.append(f"{site.path(url)}: landed on {final}, not an entity page")
        elif canonical is None or canonical.status != 200:
            bad.append(f"{site.path(url)}: landed on {final}, which is not a page of the site")
        elif landed.h1 != name:
            bad.append(f"{site.path(url)}: landed on {final} titled {landed.h1!r}, expected {name!r}")
    assert not bad, "\n".join(bad)
