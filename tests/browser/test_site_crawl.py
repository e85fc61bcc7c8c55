"""Every page of the built site, opened in Chromium: no console errors, no broken links.

One crawl per module does the work. It starts at the home page and follows every
same-origin href and src (HTML links, <link> elements, scripts, images and the SVG graph's
xlink:href links), then opens every HTML file nothing links to, so each page is opened once
with its console watched. Pages are opened the way a reader moves through the site, by
Material's instant navigation (the page is fetched and swapped in, its scripts run); the
largest page of each kind (home, entity, article, type, archive, graph, ...) is also loaded
from scratch, which is where start-up errors show. ``KB_BROWSER_FULL_LOADS=1`` loads every
page from scratch instead (about three times slower on a 2-core machine).

Alias redirect pages (meta refresh) must land on the canonical page of their entity. A few
(/kishida/, /meti/, ...) are typed into the address bar and followed by the browser; the
others, which are made by the same template, are checked from their meta refresh, because
each browser navigation costs ~0.2 s here and there are about a hundred of them.
"""

from __future__ import annotations

import html
import os
import re
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from .support import Browsing, sitemap_urls

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
  const h1 = document.querySelector("article h1, h1");
  return {links, ids, h1: h1 ? h1.textContent.replace(/\\u00b6/g, "").trim() : null, title: document.title};
}"""

# A reader's click on a link to url, handled by Material's instant navigation: resolves
# when Material has swapped the new page in (document$ replays the current page first).
INSTANT = """url => new Promise((resolve, reject) => {
  let current = true;
  const timer = setTimeout(() => reject(new Error("Material did not swap in " + url + " within 10 s")), 10000);
  const subscription = window.document$.subscribe(() => {
    if (current) { current = false; return; }
    clearTimeout(timer);
    setTimeout(() => { subscription.unsubscribe(); resolve(); });
  });
  const a = document.createElement("a");
  a.href = url;
  document.body.appendChild(a);
  a.click();
  a.remove();
})"""

# Followed in the browser; the others are checked from their meta refresh.
BROWSER_REDIRECTS = ["/kishida/", "/meti/", "/scmp/", "/iot-and-ai-insider-lab/",
                     "/microsoft-s-2-9-billion-investment-in-japan/"]

REFRESH = re.compile(r'<meta\s+http-equiv="refresh"', re.IGNORECASE)


@dataclass
class Visit:
    url: str
    status: int | None
    final_url: str
    how: str  # "load" (from scratch), "instant" (Material's instant navigation), "meta refresh"
    links: list = field(default_factory=list)  # (element[attribute], raw value, absolute URL)
    ids: set = field(default_factory=set)
    h1: str | None = None


@dataclass
class Crawl:
    pages: dict = field(default_factory=dict)  # url -> Visit, ordinary pages
    redirects: dict = field(default_factory=dict)  # url -> Visit of where it landed
    resources: dict = field(default_factory=dict)  # url -> HTTP status, other files linked
    reached: set = field(default_factory=set)  # pages reached from the home page by links
    problems: list = field(default_factory=list)  # console/page errors, failed/off-site requests
    seconds: float = 0.0


def kind(path: str) -> str:
    """'/entities/x/' -> '/entities/*/': pages made from the same template."""
    parts = path.strip("/").split("/")
    return f"/{parts[0]}/*/" if len(parts) >= 2 else path


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
    all_pages = site.html_pages()
    redirect_paths = {p for p in all_pages if REFRESH.search(site.file(p).read_text(encoding="utf-8"))}

    # Which pages get a load from scratch: the largest page of each kind, or all of them.
    full_loads = os.environ.get("KB_BROWSER_FULL_LOADS") == "1"
    largest: dict[str, str] = {}
    for path in all_pages:
        if path not in redirect_paths:
            k = kind(path)
            if k not in largest or site.file(path).stat().st_size > site.file(largest[k]).stat().st_size:
                largest[k] = path
    load_first = [site.url(p) for p in sorted(largest.values())]
    # Material only navigates instantly to pages its sitemap lists (see mkdocs.yml, site_url).
    instant = set() if full_loads else sitemap_urls(site)

    browsing = Browsing(browser, site)
    page = browsing.new_page()

    def record(url: str, status, how: str) -> Visit:
        data = page.evaluate(COLLECT)
        v = Visit(url, status, page.url, how, [tuple(x) for x in data["links"]], set(data["ids"]), data["h1"])
        result.pages[url] = v
        return v

    def load(url: str) -> Visit:
        response = page.goto(url, wait_until="load")
        return record(url, response.status if response else None, "load")

    def navigate(url: str, status: int) -> Visit:
        if url not in instant or not page.url.startswith(origin):
            return load(url)
        try:
            page.evaluate(INSTANT, url)
            failure = None if urldefrag(page.url).url == url else f"ended at {site.path(page.url)}"
        except Exception as error:  # noqa: BLE001 - reported like any other problem
            failure = f"failed: {str(error).splitlines()[0]}"
        if failure:
            # Report it, then load this page and all the others from scratch.
            result.problems.append(f"instant navigation to {site.path(url)} {failure}")
            instant.clear()
            page.goto("about:blank")
            return load(url)
        return record(url, status, "instant")

    # 1. One page of each kind, loaded from scratch (start-up errors show here).
    for url in load_first:
        load(url)

    # 2. Everything reachable from the home page, by following links.
    queue, seen = deque([home]), {home}
    while queue:
        url = queue.popleft()
        v = result.pages.get(url) or navigate(url, 200)
        result.reached.add(url)
        for _, _, absolute in v.links:
            if not absolute or not absolute.startswith(origin + "/"):
                continue
            target = urldefrag(absolute).url
            if target in seen or target in result.resources:
                continue
            status, content_type = probe(target)
            if status == 200 and content_type.startswith("text/html"):
                seen.add(target)
                if site.path(target) not in redirect_paths:
                    queue.append(target)
            else:
                result.resources[target] = status

    # 3. HTML files nothing links to.
    for path in all_pages:
        url = site.url(path)
        if path not in redirect_paths and url not in result.pages:
            navigate(url, probe(url)[0])

    # 4. Alias redirects as a reader meets them, typed into the address bar: a few in the
    #    browser (a navigation costs ~0.2 s here), all of them from their meta refresh.
    for path in [p for p in BROWSER_REDIRECTS if p in redirect_paths] or sorted(redirect_paths)[:1]:
        url = site.url(path)
        response = page.goto(url, wait_until="commit")
        page.wait_for_url(lambda u, start=url: urldefrag(u).url != start, wait_until="load")
        result.redirects[url] = Visit(url, response.status if response else None, page.url, "load")
    page.wait_for_timeout(300)  # late errors (workers, timers) of the last page
    result.problems += browsing.recorder.problems()
    browsing.close()
    for path in sorted(redirect_paths):
        url = site.url(path)
        if url not in result.redirects:
            text = site.file(path).read_text(encoding="utf-8")
            refresh = re.search(r'<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', text, re.I)
            final = urljoin(url, html.unescape(refresh.group(1))) if refresh else url
            result.redirects[url] = Visit(url, probe(url)[0], final, "meta refresh")

    result.seconds = time.monotonic() - started
    hows = {h: sum(v.how == h for v in result.pages.values()) for h in ("load", "instant")}
    print(f"\ncrawl: {len(result.pages)} pages ({hows['load']} loaded from scratch, {hows['instant']} by "
          f"instant navigation), {len(result.redirects)} alias redirects, {len(result.resources)} other files, "
          f"{result.seconds:.1f}s")
    return result


def test_every_html_file_is_covered(crawl, site):
    opened = {site.path(u) for u in list(crawl.pages) + list(crawl.redirects)}
    missing = sorted(set(site.html_pages()) - opened)
    assert not missing, f"neither opened nor checked: {missing}"
    assert len(crawl.pages) >= 50, f"only {len(crawl.pages)} ordinary pages: is the site complete?"
    assert len(crawl.redirects) >= 1, "no alias redirect pages found"


def test_no_console_errors_on_any_page(crawl):
    """Console errors, uncaught exceptions, failed and off-site requests, on every page: none."""
    assert not crawl.problems, f"{len(crawl.problems)} problem(s):\n" + "\n".join(crawl.problems[:60])


def test_every_page_loads(crawl):
    bad = [f"{u}: HTTP {v.status}" for u, v in {**crawl.pages, **crawl.redirects}.items() if v.status != 200]
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
            landed = crawl.pages.get(target)
            if target in crawl.redirects:  # a link to an alias: look where it lands
                landed = crawl.pages.get(re.sub(r"/index\.html$", "/", urldefrag(crawl.redirects[target].final_url).url))
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


def test_graph_links_are_followed(crawl, site):
    graph = crawl.pages[site.url("/graph/")]
    svg_targets = {site.path(a) for element, _, a in graph.links if element == "a[xlink:href]" and a}
    svg_targets |= {site.path(a) for element, raw, a in graph.links if element == "a[href]" and a and "/entities/" in a}
    entities = [p for p in site.html_pages() if re.fullmatch(r"/entities/[^/]+/", p)]
    assert set(entities) <= {site.path(u) for u in crawl.reached}
    assert len(svg_targets & set(entities)) == len(entities), "the graph does not link to every entity"


def test_every_page_is_reachable_from_the_home_page(crawl, site):
    orphans = sorted(site.path(u) for u in set(crawl.pages) - crawl.reached if not u.endswith("/404.html"))
    assert not orphans, f"pages no link leads to: {orphans}"


def test_alias_redirects_land_on_the_canonical_entity_page(crawl, site):
    bad = []
    for url, landed in sorted(crawl.redirects.items()):
        name = re.search(r"<title>(.*?)</title>", site.file(site.path(url)).read_text(encoding="utf-8"), re.S)
        name = html.unescape(name.group(1).strip()) if name else None
        landed_url = re.sub(r"/index\.html$", "/", urldefrag(landed.final_url).url)  # the refresh names index.html (file://)
        final = site.path(landed_url)
        canonical = crawl.pages.get(landed_url)
        if urldefrag(landed.final_url).url == url:
            bad.append(f"{site.path(url)}: did not redirect")
        elif not re.fullmatch(r"/entities/[^/]+/", final):
            bad.append(f"{site.path(url)}: landed on {final}, not an entity page")
        elif canonical is None or canonical.status != 200:
            bad.append(f"{site.path(url)}: landed on {final}, which is not a page of the site")
        elif canonical.h1 != name:
            bad.append(f"{site.path(url)}: landed on {final} titled {canonical.h1!r}, expected {name!r}")
    files = [p for p in site.html_pages() if REFRESH.search(site.file(p).read_text(encoding="utf-8"))]
    assert len(crawl.redirects) == len(files)
    assert not bad, "\n".join(bad)
