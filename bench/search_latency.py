"""What a search costs a reader: bytes downloaded and time to results, in Chromium.

    python bench/generate.py --articles 10000 --entities 2000 --out /tmp/corpus
    (a project with that content/, kb build)  ->  /tmp/project/site
    python bench/search_latency.py /tmp/project/site /tmp/corpus [--queries 12]

Serves the built site from a local HTTP server (the standard library's, in this process) that
counts every byte it sends, and drives Debian's Chromium with Playwright. For each query, in
a fresh browser context (empty cache):

- typed: the home page is opened and the query typed key by key (60 ms apart) into
  Material's search box; `bytes` is everything the server sent after the page had loaded
  plus the search files the page itself loads (search/, the worker), i.e. all a search cost;
  `ms` is the time from the last key to the moment the result list first shows the expected
  page first;
- pasted: another fresh context, the whole query put in at once (nothing cached): the
  worst case for latency.

Queries are entity names (seeded sample), one alias and one article's title.
Prints one line per query and the median and maximum of each, with CPU time and load
average (the machine is shared: a run with load average above the core count is flagged).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import yaml

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
SEARCH_FILES = re.compile(r"^/(search/|assets/javascripts/workers/|assets/kb-search\.js)")


class Counting(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        self.server.sent.append((self.path.split("?")[0], len(data)))
        outputfile.write(data)


def serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(site)))
    server.daemon_threads = True
    server.sent = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


WATCH = """expected => {
  window.__kbShown = null;
  window.__kbLastKey = 0;
  document.addEventListener("keydown", () => { window.__kbLastKey = performance.now(); window.__kbShown = null; }, true);
  document.addEventListener("input", () => { window.__kbLastKey = performance.now(); window.__kbShown = null; }, true);
  const check = () => {
    const first = document.querySelector(".md-search-result__list > li a.md-search-result__link");
    if (window.__kbShown === null && first && first.pathname.replace(/index\\.html$/, "").endsWith("/" + expected)) {
      window.__kbShown = performance.now();
    }
  };
  new MutationObserver(check).observe(document.querySelector(".md-search-result"), {childList: true, subtree: true});
}"""


def queries(corpus: Path, n: int) -> list[tuple[str, str, str]]:
    """(kind, query, expected url path) for n entities, one alias and one article title."""
    rng = random.Random(7)
    files = sorted((corpus / "entities").glob("*.yaml"))
    picked = rng.sample(files, min(n, len(files)))
    out = []
    alias = None
    for path in picked:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(("name", data["name"], f"entities/{path.stem}/"))
        for a in data.get("aliases") or []:
            name = a if isinstance(a, str) else a.get("name")
            if alias is None and name and len(name) > 5 and " " in name:
                alias = (name, f"entities/{path.stem}/")
    if alias:
        out.append(("alias", *alias))
    article = sorted((corpus / "articles").glob("*.md"))[rng.randrange(len(list((corpus / "articles").glob("*.md"))))]
    title = re.search(r"(?m)^title:\s*['\"]?(.*?)['\"]?$", article.read_text(encoding="utf-8")).group(1)
    out.append(("title", title, f"articles/{article.stem}/"))
    return out


def run_one(browser, base: str, server, query: str, expected: str, paste: bool) -> tuple[int, float | None]:
    context = browser.new_context()
    page = context.new_page()
    start = len(server.sent)
    page.goto(base)
    page.wait_for_load_state("networkidle")
    loaded = len(server.sent)
    page_search = sum(size for path, size in server.sent[start:loaded] if SEARCH_FILES.match(path))
    page.evaluate(WATCH, expected)
    box = page.locator("input.md-search__input")
    box.click()
    if paste:
        box.fill(query)
        box.press("End")  # as a paste ends with a key's release: Material reads the box on keyup
    else:
        box.press_sequentially(query, delay=60)
    try:
        page.wait_for_function("() => window.__kbShown !== null", timeout=10_000)
        ms = page.evaluate("() => window.__kbShown - window.__kbLastKey")
    except Exception:  # noqa: BLE001 - reported as no result
        ms = None
    page.wait_for_timeout(300)  # let anything still loading finish, so its bytes count
    sent = sum(size for _, size in server.sent[loaded:])
    if os.environ.get("KB_BENCH_VERBOSE"):
        for path, size in server.sent[loaded:]:
            print(f"    {size:>9,} {path}")
    context.close()
    return page_search + sent, ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("corpus", type=Path, help="the content/ the site was built from")
    parser.add_argument("--queries", type=int, default=12)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = serve(args.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    cpu0, wall0 = time.process_time(), time.perf_counter()
    load = os.getloadavg()
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for kind, query, expected in queries(args.corpus, args.queries):
            typed_bytes, typed_ms = run_one(browser, base, server, query, expected, paste=False)
            pasted_bytes, pasted_ms = run_one(browser, base, server, query, expected, paste=True)
            rows.append((kind, query, typed_bytes, typed_ms, pasted_bytes, pasted_ms))
            fmt = lambda ms: "  none" if ms is None else f"{ms:6.0f}"  # noqa: E731
            print(f"{kind:5} {query[:44]:44} typed {typed_bytes / 1e3:7.0f} kB {fmt(typed_ms)} ms   "
                  f"pasted {pasted_bytes / 1e3:7.0f} kB {fmt(pasted_ms)} ms", flush=True)
        browser.close()
    server.shutdown()
    load_after = os.getloadavg()
    for label, col in (("typed bytes", 2), ("typed ms", 3), ("pasted bytes", 4), ("pasted ms", 5)):
        values = [r[col] for r in rows if r[col] is not None]
        missing = sum(1 for r in rows if r[col] is None)
        scale, unit = (1e3, "kB") if "bytes" in label else (1, "ms")
        print(f"{label:12}: median {statistics.median(values) / scale:7.0f} {unit}, max {max(values) / scale:7.0f} {unit}"
              + (f" ({missing} without the expected first result)" if missing else ""))
    busy = max(load[0], load_after[0]) > (os.cpu_count() or 1)
    print(json.dumps({"site": str(args.site), "queries": len(rows), "cpu_s": round(time.process_time() - cpu0, 1),
                      "wall_s": round(time.perf_counter() - wall0, 1), "loadavg": [load[0], load_after[0]],
                      "clean": not busy}))
    if busy:
        print("NOT CLEAN: the load average exceeded the core count during the run", file=sys.stderr)


if __name__ == "__main__":
    main()
