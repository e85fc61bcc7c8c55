"""Defence in depth: the markup a built page may hold, checked after MkDocs renders it.

The writer (markdown.py) makes sure content only ever becomes text; this module makes
sure that a bug there cannot become an injection. `find_offences(page, html)` is a pure
function over one rendered page:

- In the page content that kb generates (Material's `<article class="md-content__inner">`,
  or the whole page when a page has no such region, as kb's alias redirects), every
  element and attribute must be on an allowlist: text markup, tables, lists, code and the
  SVG that graph.py draws. No script, style, iframe, object, embed, form, image or any
  element a browser parses differently from Python's HTMLParser (noscript, template, …).
- Everywhere in the page (the theme's shell too, since nav, TOC and <title> carry content
  text): no event-handler attribute, no `javascript:`/`data:`/`vbscript:` (or any other
  non-web) URL, no element that loads or runs anything but the theme's own, and no
  markup inside <title>.
- The shell's scripts must be exactly the theme's: its JSON config, its bundle, the
  `extra_javascript` files and the inline scripts whose digests are in THEME_INLINE_SCRIPTS.

It returns one Diagnostic per offence: `articles/x/index.html:484:5: error: markup outside
the allowlist: <script> (element not allowed in page content)`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from html.parser import HTMLParser

from .errors import Diagnostic, Location, error

# --- what page content may hold -------------------------------------------------------------

HTML_ELEMENTS = frozenset(
    "a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em "
    "figcaption figure h1 h2 h3 h4 h5 h6 hr i ins kbd li mark ol p pre q rp rt ruby s samp small span "
    "strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr".split()
)
SVG_ELEMENTS = frozenset(
    "svg g line circle ellipse rect path polyline polygon text tspan title desc defs marker "
    "lineargradient radialgradient stop clippath".split()
)
CONTENT_ELEMENTS = HTML_ELEMENTS | SVG_ELEMENTS
GLOBAL_ATTRIBUTES = frozenset("id class title lang dir role tabindex hidden".split())
ELEMENT_ATTRIBUTES = {
    "a": {"href", "rel", "xlink:href", "target"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "div": {"markdown"},
    "time": {"datetime"},
    "details": {"open"},
    "col": {"span"},
    "colgroup": {"span"},
}
SVG_ATTRIBUTES = frozenset(
    "viewbox xmlns xmlns:xlink preserveaspectratio width height x y x1 y1 x2 y2 cx cy r rx ry d points "
    "fill stroke stroke-width stroke-dasharray stroke-linecap stroke-linejoin stroke-opacity opacity "
    "fill-opacity fill-rule transform text-anchor dominant-baseline alignment-baseline font-size "
    "font-weight font-family font-style dx dy focusable vector-effect paint-order marker-start "
    "marker-mid marker-end refx refy markerwidth markerheight markerunits orient offset stop-color "
    "stop-opacity gradientunits clip-path clippathunits pointer-events visibility".split()
)
TABLE_ALIGN = re.compile(r"text-align: ?(left|right|center);?")

# --- what no part of a page may hold ----------------------------------------------------------

# Elements that run, load or embed something, or that browsers parse as raw text while
# HTMLParser sees tags in them (a place to hide a script from this check).
FORBIDDEN_ANYWHERE = frozenset(
    "iframe frame frameset object embed applet base portal style noscript noembed noframes template "
    "textarea xmp plaintext listing math foreignobject use image animate animatemotion "
    "animatetransform set handler listener audio video source track img picture canvas dialog "
    "slot".split()
)
URL_ATTRIBUTES = frozenset(
    "href xlink:href src action formaction cite background poster data srcset ping longdesc "
    "manifest codebase archive icon profile usemap lowsrc dynsrc".split()
)
FORBIDDEN_ATTRIBUTES = frozenset("srcdoc formaction style".split())
WEB_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")

# --- the theme's shell ---------------------------------------------------------------------

# Material for MkDocs 9.8.1's inline scripts (templates/base.html), with the page's base
# path replaced by "BASE". A theme upgrade that changes them fails the build here with the
# new digest in the message: review the new script, then add its digest.
THEME_INLINE_SCRIPTS = {
    "sha256-nicDKD8N+Ac4e1sdTbP9Yt9soQHHjvjNS5ZFHpWH9VI=",  # __md_scope, __md_get, __md_set
    "sha256-DrEMJJ29sL7vIloQzly+VUGMxKcBTMII+OfW7Y8AkG4=",  # the saved colour palette
    "sha256-/8wPdzX9q0NNJXyA5lzsLojXFpkeaXVxhbfkUOQaWy8=",  # open the tab named in the URL
}
THEME_BUNDLE = re.compile(r"^(?:\./|/|(?:\.\./)*)assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js$")
SCRIPT_BASE = re.compile(r'new URL\("[./]*",location\)')
META_NAMES = frozenset("viewport description author generator robots referrer theme-color color-scheme".split())
LOCAL_LINK_RELS = frozenset("stylesheet icon preload modulepreload manifest".split())


def script_digest(text: str) -> str:
    """The CSP-style digest of an inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def normalised_script_digest(text: str) -> str:
    """The digest of a theme script with the page's base path taken out (it differs by depth)."""
    return script_digest(SCRIPT_BASE.sub('new URL("BASE",location)', text))


def is_safe_url(value: str) -> bool:
    """A relative URL, a fragment or an http(s)/mailto URL; as a browser reads it."""
    if ":" not in value:
        return True  # no scheme without a colon (most URLs kb writes: relative ones)
    cleaned = CONTROL_AND_SPACE.sub("", value)  # browsers drop tabs and newlines inside URLs
    scheme = SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in WEB_SCHEMES


def is_local_url(value: str) -> bool:
    cleaned = CONTROL_AND_SPACE.sub("", value)
    return not SCHEME.match(cleaned) and not cleaned.startswith("//")


class _PageChecker(HTMLParser):
    def __init__(self, page: str, extra_scripts: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.extra_scripts = extra_scripts
        self.offences: list[Diagnostic] = []
        self.stack: list[str] = []
        self.content_depth: int | None = None  # stack depth of the content region, when inside it
        self.has_content_region = False
        self.in_title = False
        self.script: tuple[Location, dict] | None = None
        self.script_text: list[str] = []
        self.whole_page_is_content = False

    # --- reporting
    def offend(self, markup: str, reason: str) -> None:
        line, col = self.getpos()
        markup = markup if len(markup) <= 200 else markup[:200] + "…"
        self.offences.append(error(Location(self.page, line, col + 1), f"markup outside the allowlist: {markup} ({reason})"))

    @property
    def in_content(self) -> bool:
        return self.whole_page_is_content or self.content_depth is not None

    # --- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag in VOID_ELEMENTS:
            return
        self.stack.append(tag)
        if (tag == "article" and self.content_depth is None
                and "md-content__inner" in (dict(attrs).get("class") or "").split()):
            self.content_depth = len(self.stack)
            self.has_content_region = True
        if tag == "title":
            self.in_title = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self._check_script()
        if tag == "title":
            self.in_title = False
        if tag == "article" and "article" not in self.stack and self.has_content_region:
            # The theme's region was closed before the theme closed it: something in the
            # content wrote "</article>" to step outside the checks for page content.
            self.offend(f"</{tag}>", "end of the page content region written by the content")
        if tag in self.stack:
            while self.stack:
                top = self.stack.pop()
                if self.content_depth is not None and len(self.stack) < self.content_depth:
                    self.content_depth = None
                if top == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script_text.append(data)

    def handle_comment(self, data: str) -> None:
        if self.in_content:
            self.offend(f"<!--{data[:40]}-->", "comment in page content")

    def handle_decl(self, decl: str) -> None:
        if self.stack or decl.lower() != "doctype html":
            self.offend(f"<!{decl[:40]}>", "declaration other than <!doctype html> at the top")

    def handle_pi(self, data: str) -> None:
        self.offend(f"<?{data[:40]}>", "processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.offend(f"<![{data[:40]}]>", "CDATA or unknown declaration")

    # --- the rules
    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        markup = self.get_starttag_text() or f"<{tag}>"
        if self.in_title:
            self.offend(markup, "markup inside <title>")
        for name, value in attrs:
            if name.startswith("on"):
                self.offend(markup, f"event-handler attribute {name}")
            elif name in FORBIDDEN_ATTRIBUTES and not (tag in ("td", "th") and name == "style"
                                                      and TABLE_ALIGN.fullmatch(value or "")):
                self.offend(markup, f"attribute {name} not allowed")
            elif name in URL_ATTRIBUTES and value is not None and not is_safe_url(value) and not (
                    tag == "link" and value == "data:,"):  # "no icon": an empty data URL holds nothing
                self.offend(markup, f"unsafe URL in {name}")
        if tag in FORBIDDEN_ANYWHERE:
            self.offend(markup, "element not allowed")
            return
        if tag == "script":
            if self.in_content:
                self.offend(markup, "element not allowed in page content")
            else:
                line, col = self.getpos()
                self.script = (Location(self.page, line, col + 1), dict(attrs))
                self.script_text = []
            return
        if self.in_content:
            self._content_element(tag, attrs, markup)
        else:
            self._shell_element(tag, attrs, markup)

    def _content_element(self, tag: str, attrs, markup: str) -> None:
        if tag not in CONTENT_ELEMENTS and not (self.whole_page_is_content and tag in REDIRECT_PAGE_ELEMENTS):
            self.offend(markup, "element not allowed in page content")
            return
        allowed = ELEMENT_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES:
                continue  # reported above
            if name in GLOBAL_ATTRIBUTES or name in allowed or name.startswith(("aria-", "data-")):
                continue
            if tag in SVG_ELEMENTS and (name in SVG_ATTRIBUTES or name == "xlink:href"):
                continue
            if self.whole_page_is_content and tag in REDIRECT_PAGE_ELEMENTS and name in REDIRECT_PAGE_ELEMENTS[tag]:
                continue
            self.offend(markup, f"attribute {name} not allowed on <{tag}>")
        if tag == "meta":
            self._meta(attrs, markup)
        if tag == "link":
            self._link(attrs, markup)

    def _shell_element(self, tag: str, attrs, markup: str) -> None:
        if tag == "meta":
            self._meta(attrs, markup)
        elif tag == "link":
            self._link(attrs, markup)
        elif tag == "form" and any(n in ("action", "method", "target") for n, _ in attrs):
            self.offend(markup, "form that submits somewhere (the theme's forms do not)")
        elif tag in ("input", "button", "select", "option") and any(n in ("formaction", "form") for n, _ in attrs):
            self.offend(markup, "form control pointing elsewhere")

    def _meta(self, attrs, markup: str) -> None:
        values = dict(attrs)
        equiv = (values.get("http-equiv") or "").lower()
        if equiv == "refresh":
            target = (values.get("content") or "").partition(";")[2].strip()
            target = target[4:] if target.lower().startswith("url=") else target
            if not self.whole_page_is_content or not is_local_url(target):
                self.offend(markup, "refresh to anywhere but a page of this site")
        elif equiv and equiv != "content-security-policy":
            self.offend(markup, f"http-equiv {equiv}")
        elif not equiv and "charset" not in values and (values.get("name") or "").lower() not in META_NAMES:
            self.offend(markup, "meta element of an unknown kind")

    def _link(self, attrs, markup: str) -> None:
        values = dict(attrs)
        rels = set((values.get("rel") or "").lower().split())
        href = values.get("href") or ""
        if rels & LOCAL_LINK_RELS and not (is_local_url(href) or href == "data:,"):
            self.offend(markup, "a stylesheet, icon or preload from outside the site")
        if not rels <= (LOCAL_LINK_RELS | {"canonical", "prev", "next", "alternate", "search", "license", "author"}):
            self.offend(markup, f"link rel {' '.join(sorted(rels))}")

    def _check_script(self) -> None:
        location, attrs = self.script
        text = "".join(self.script_text)
        self.script = None
        markup = "<script" + "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in attrs.items()) + ">"
        src = attrs.get("src")
        kind = (attrs.get("type") or "").lower()

        def offend(reason: str) -> None:
            self.offences.append(error(location, f"markup outside the allowlist: {markup} ({reason})"))

        if set(attrs) - {"src", "type", "id", "async", "defer"}:
            offend("script with unexpected attributes")
        elif src is not None:
            if text.strip():
                offend("script with both src and content")
            elif not (THEME_BUNDLE.match(src) or _strip_relative(src) in self.extra_scripts):
                offend("script that is not the theme's or an extra_javascript file")
        elif attrs.get("id") == "__config" and kind == "application/json":
            try:
                json.loads(text)
            except ValueError:
                offend("theme configuration that is not JSON")
        elif kind not in ("", "text/javascript"):
            offend(f"script of type {kind}")
        elif normalised_script_digest(text) not in THEME_INLINE_SCRIPTS:
            offend(f"inline script that is not the theme's ({normalised_script_digest(text)})")


VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# The alias redirects (templates/redirect.html.j2) are whole pages of kb's own.
REDIRECT_PAGE_ELEMENTS = {
    "html": {"lang"}, "head": set(), "body": set(), "meta": {"charset", "http-equiv", "content", "name"},
    "link": {"rel", "href"}, "title": set(),
}


def _strip_relative(src: str) -> str:
    return re.sub(r"^(?:\./|/|(?:\.\./)+)", "", src)


def find_offences(page: str, html: str, extra_scripts: tuple[str, ...] | frozenset[str] = ()) -> list[Diagnostic]:
    """Every piece of markup in a rendered page that is outside the allowlist.

    `page` is the name to report (a path relative to the site); `extra_scripts` the
    `extra_javascript` paths of mkdocs.yml, relative to the site root.
    """
    checker = _check(page, html, frozenset(extra_scripts), whole_page_is_content=False)
    if not checker.has_content_region:  # not a theme page (an alias redirect): all of it is kb's
        checker = _check(page, html, frozenset(extra_scripts), whole_page_is_content=True)
    return checker.offences


def _check(page: str, html: str, extra_scripts: frozenset[str], whole_page_is_content: bool) -> _PageChecker:
    checker = _PageChecker(page, extra_scripts)
    checker.whole_page_is_content = whole_page_is_content
    checker.feed(html)
    checker.close()
    if checker.script is not None:
        checker._check_script()
    return checker


def find_site_offences(site_dir, extra_scripts: tuple[str, ...] = (), skip: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """find_offences over every .html file of a built site (the edge that reads files)."""
    from pathlib import Path

    site_dir = Path(site_dir)
    offences: list[Diagnostic] = []
    for path in sorted(site_dir.rglob("*.html")):
        name = path.relative_to(site_dir).as_posix()
        if name in skip:
            continue
        offences += find_offences(name, path.read_text(encoding="utf-8", errors="replace"), extra_scripts)
    return offences


def checked_digest(html: str) -> str | None:
    """The digest of the bytes MkDocs writes for a page, when checking the page's text is checking
    exactly what find_site_offences reads back from that file (strict UTF-8, no carriage return
    for the newline translation of a text read to change); None otherwise."""
    if "\r" in html:
        return None
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return hashlib.sha256(data).hexdigest()


def site_offence_lines(site_dir, extra_scripts: tuple[str, ...] = (),
                       verified: dict[str, tuple[str, list[str]]] | None = None) -> list[str]:
    """find_site_offences, as lines, taking the result of an earlier check of the same bytes.

    `verified` maps a page (relative to the site) to the digest of the bytes checked
    (checked_digest) and the offences found there; a file holding other bytes is checked here.
    """
    from pathlib import Path

    site_dir = Path(site_dir)
    verified = verified or {}
    lines: list[str] = []
    for path in sorted(site_dir.rglob("*.html")):
        name = path.relative_to(site_dir).as_posix()
        known = verified.get(name)
        if known is not None:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == known[0]:
                lines += known[1]
                continue
        text = path.read_text(encoding="utf-8", errors="replace")
        lines += [str(d) for d in find_offences(name, text, extra_scripts)]
    return lines


def extra_script_paths(config) -> tuple[str, ...]:
    """The extra_javascript paths of a MkDocs config, as they appear relative to the site root."""
    return tuple(str(getattr(item, "path", item)) for item in config.get("extra_javascript") or ())



# --- Content-Security-Policy ---------------------------------------------------------------------
# A second line behind the allowlist: the browser itself refuses any script but the site's
# own files and the theme's inline scripts (by digest), plugins, <base> and form posts.
# The theme's first inline script names the page's base path ("..", "../..", …), so its
# digest differs by depth; with instant navigation a page may run another depth's scripts,
# so every page lists the digests of all depths. Styles may be inline: Material sets them
# from script, and CSS cannot run script in today's browsers.
CSP_DEPTHS = 12
_THEME_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def content_security_policy(html: str) -> str | None:
    """The policy for a theme page: None when it has no theme scripts to allow (nothing to add)."""
    hashes = list(dict.fromkeys(h for match in _THEME_SCRIPT.finditer(html) for h in _allowed_digests(match.group(1))))
    if not hashes:
        return None
    scripts = " ".join(f"'{h}'" for h in hashes)
    return ("default-src 'self'; script-src 'self' " + scripts + "; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'none'")


@lru_cache(maxsize=256)
def _allowed_digests(text: str) -> tuple[str, ...]:
    """The digests a policy lists for one inline script: none when it is not the theme's
    (not allowed to run; the allowlist check reports it), else one per base path it can have.
    Every page at one depth holds the same scripts, so this is worked out once per depth."""
    if normalised_script_digest(text) not in THEME_INLINE_SCRIPTS:
        return ()
    variants = [text]
    if SCRIPT_BASE.search(text):
        bases = ["/", "."] + ["/".join([".."] * n) for n in range(1, CSP_DEPTHS + 1)]
        variants = [SCRIPT_BASE.sub(f'new URL("{base}",location)', text) for base in bases]
    return tuple(dict.fromkeys(script_digest(v) for v in variants))


def with_content_security_policy(html: str) -> str:
    """The page with its policy as the first element of <head> (a policy covers what follows it)."""
    policy = content_security_policy(html)
    if policy is None or "<head>" not in html:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", "<head>\n    " + meta, 1)
