"""The Content-Security-Policy every page carries: the theme runs under it, an injected script does not.

The policy (builder/allowlist.py) allows the site's own script files and the theme's inline
scripts by digest. On the shipped site no page may log a violation, pages at every depth
reached by instant navigation included; a copy of a page with one extra inline script must
have that script blocked.
"""

from __future__ import annotations

from .support import ARTICLE, KISHIDA, assert_no_problems

VIOLATIONS = """document.addEventListener('securitypolicyviolation',
  e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"""


def test_theme_runs_under_the_policy_with_no_violation(browsing, site):
    page = browsing.new_page()
    page.add_init_script(VIOLATIONS)
    for path in ("/", KISHIDA, ARTICLE, "/graph/", "/timeline/"):
        page.goto(site.url(path))
        page.wait_for_load_state("networkidle")
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
        assert page.evaluate("typeof __md_get") == "function", path  # the theme's inline script ran
    page.goto(site.url("/"))
    page.locator("article a[href*='entities/']").first.click()  # instant navigation, one level down
    page.wait_for_load_state("networkidle")
    assert_no_problems(browsing.recorder)


def test_an_injected_inline_script_is_blocked(browsing, site):
    original = site.file("/")
    injected = original.with_name("csp-injected.html")
    injected.write_text(original.read_text(encoding="utf-8").replace(
        "</article>", "<script>window.kbInjected = 1</script></article>", 1), encoding="utf-8")
    try:
        page = browsing.new_page()
        page.add_init_script(VIOLATIONS)
        page.goto(site.url("/csp-injected.html"))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.kbInjected") is None
        assert any("CSP violation: script-src-elem inline" in e for e in browsing.recorder.console_errors)
    finally:
        injected.unlink()
