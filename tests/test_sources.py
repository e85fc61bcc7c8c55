"""Every claim traceable: citations, quotes by speaker, conflicts, timeline, figures."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from builder.validate import normalise

from .conftest import ROOT, copy_project, run_kb


def soup_of(site: Path, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((site / url_path.strip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")


def folded(text: str) -> str:
    return normalise(" ".join(text.split()))[0]


def test_every_citation_link_lands_on_a_paragraph_containing_the_quoted_words(shipped_site: Path):
    checked = pointed = 0
    for html in sorted((shipped_site / "entities").glob("*/index.html")):
        base = "/" + html.parent.relative_to(shipped_site).as_posix() + "/"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for item in soup.select(".kb-references li li"):
            link = item.find("a", class_="kb-para", href=True)
            found = re.search(r"“(.+)”", item.get_text())
            if link is None or found is None:  # "the words shown under Quotes": printed once, above
                here = item.find("a", href=re.compile("^#"))
                assert here is not None and soup.find(id=here["href"][1:]) is not None, f"{base}: {item}"
                pointed += 1
                continue
            quote = found.group(1)
            url = urlparse(urljoin(base, link["href"]))
            target = soup_of(shipped_site, url.path).find(id=url.fragment)
            assert target is not None, f"{base}: {link['href']}"
            assert folded(quote) in folded(target.get_text()), f"{base}: {quote!r} not in #{url.fragment}"
            highlighted = "".join(span.get_text() for span in target.select(".kb-quote"))
            squeeze = lambda t: re.sub(r"\s+", "", folded(t))  # noqa: E731 - spaces sit between the marks
            assert squeeze(quote) == squeeze(highlighted) or squeeze(quote) in squeeze(highlighted), (
                "the quoted words are marked for highlighting"
            )
            checked += 1
    assert checked >= 20 and pointed >= 20  # each quote is printed once a page; repeats point back


def test_kishida_statement_is_shown_once_with_the_three_sources_that_printed_it(shipped_site: Path):
    soup = soup_of(shipped_site, "/entities/fumio-kishida/")
    quotes = soup.select(".kb-said blockquote")
    statements = [q for q in quotes if "As economic activities in the digital space increase" in q.get_text()]
    assert len(statements) == 1
    sources = {urlparse(a["href"]).path for a in statements[0].select("a[href*='articles/']")}
    assert sources == {
        "../../articles/microsoft-strategic-expansion-in-japan-2-9-billion-boost/",
        "../../articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan/",
        "../../articles/microsoft-in-japan-investing-in-ai-skills-to-boost-future/",
    }


def test_quotes_are_attributed_from_the_text_around_them(shipped_site: Path):
    def speaker_quotes(entity_id):
        soup = soup_of(shipped_site, f"/entities/{entity_id}/")
        return " ".join(q.get_text() for q in soup.select(".kb-said blockquote"))

    assert "The impact that AI is poised to create" in speaker_quotes("kevin-scott")  # said Kevin Scott
    assert "The steps we are taking today" in speaker_quotes("kevin-scott")  # same paragraph, same speaker
    assert "We are honoured to contribute to Japan" in speaker_quotes("miki-tsusaka")  # says Miki Tsusaka
    assert "I think China is really opening up" in speaker_quotes("tim-cook")  # Cook … stating,
    assert "accelerating Japan’s AI transformation" in speaker_quotes("satya-nadella")


def test_unattributed_quotes_are_listed_on_the_article_page_and_never_guessed(shipped_site: Path):
    soup = soup_of(shipped_site, "/articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan/")
    items = soup.find("h2", id="quotes").find_next("ul").select("li")
    unattributed = [li.get_text(" ") for li in items if "unattributed" in li.get_text()]
    assert any("helps innovative startups" in text for text in unattributed)


def _differ_values(heading) -> dict[str, str]:
    """Under a "sources differ" heading: each value and the text of its line."""
    block = heading.find_next("div", class_="kb-differ")
    return {li.find("strong").get_text(strip=True): li.get_text(" ", strip=True) for li in block.select("li")}


def test_conflicts_page_shows_the_australia_amount_with_both_sources(shipped_site: Path):
    soup = soup_of(shipped_site, "/conflicts/")
    heading = next(h for h in soup.select("article h2") if "australia: amount" in h.get_text().lower())
    values = _differ_values(heading)
    assert {"$5 billion", "A$5 billion"} <= set(values)
    assert "Telecoms.com" in values["A$5 billion"]
    assert "Microsoft's Strategic Expansion in Japan" in values["$5 billion"]  # no publisher: its title
    assert any("lab" in h.get_text().lower() and "status" in h.get_text().lower() for h in soup.select("article h2"))


def test_entity_page_shows_sources_differ_side_by_side(shipped_site: Path):
    soup = soup_of(shipped_site, "/entities/microsoft-research-asia-tokyo/")
    section = soup.find("h2", id="sources-differ")
    assert section is not None
    assert {"planned", "opened"} <= set(_differ_values(section))


def test_timeline_groups_by_year_and_month_and_keeps_precision(shipped_site: Path):
    soup = soup_of(shipped_site, "/timeline/")
    years = [h.get_text(strip=True).rstrip("¶") for h in soup.select("article h2")]
    assert years == sorted(years) and "2024" in years
    months = [h.get_text(strip=True).rstrip("¶") for h in soup.select("article h3")]
    assert "April 2024" in months
    text = soup.select_one("article").get_text(" ")
    assert "October 2023" in text or "2023" in text
    # An entity page has no timeline of its own: its dated facts are in its infobox and facts.
    kishida = soup_of(shipped_site, "/entities/fumio-kishida/")
    assert kishida.find("h2", id="timeline") is None


def test_figures_show_how_each_source_reports_the_amount(shipped_site: Path):
    soup = soup_of(shipped_site, "/entities/microsoft-japan-investment-2024/")
    soup = soup if soup.find("h2", id="figures") else soup_of(shipped_site, "/entities/microsoft/")
    table = soup.find("h2", id="figures").find_next("table")
    row = next(tr for tr in table.select("tbody tr") if "2.9" in tr.select("td")[0].get_text())
    assert row.select("td")[1].get_text(strip=True) == "an amount of money"
    publishers = {a.get_text() for a in row.select("td")[2].select("a")}
    assert len(publishers) >= 3, publishers


def test_check_rejects_a_shipped_quote_with_one_word_changed(tmp_path: Path):
    project = copy_project(ROOT / "content", tmp_path / "kb")
    path = project / "content" / "entities" / "fumio-kishida.yaml"
    lines = path.read_text().split("\n")
    number = next(i for i, line in enumerate(lines) if "We appreciate Microsoft’s announcement" in line)
    lines[number] = lines[number].replace("We appreciate", "We applaud")
    path.write_text("\n".join(lines))
    result = run_kb("check", "--project", str(project))
    assert result.returncode == 1
    col = lines[number].index("quote:") + len("quote: ") + 1
    expected = f"content/entities/fumio-kishida.yaml:{number + 1}:{col}: error: quote not found verbatim in article"
    assert expected in result.stdout, result.stdout
    assert "(the quote has 'applaud' where the article has 'appreciate')" in result.stdout
    shutil.rmtree(project)
