"""Incremental builds: a page the cache says is unchanged is exactly the page a clean build writes.

Entity pages are reused when their key matches (builder/render.py deps_key: the page's own
data and every entity and article its render read). After each edit below, the build that
reused the cache and a clean build of the same content must write the same files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from builder.pipeline import DEFAULT_TEMPLATES, build_docs, check
from builder.assemble import assemble
from builder.render import render_site

from .conftest import ROOT


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sub(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, (path, pattern)
    path.write_text(new, encoding="utf-8")


EDITS = [
    # (file, pattern, replacement): each a kind of change a user makes all day
    ("entities/amazon-web-services.yaml", r"^summary: >-\n  ", "summary: >-\n  Newly edited. "),
    ("entities/amazon.yaml", r"^name: (.*)$", r"name: \1 Inc"),  # a name other pages print
    # a new name, the old one kept as an alias: every mention still links, only the name printed changes
    ("entities/mississippi.yaml", r"^name: (.*)$", r"name: State of \1\naliases:\n  - \1"),
    ("entities/fumio-kishida.yaml", r"^aliases:\n", "aliases:\n  - PM Kishida\n"),
    ("entities/japan.yaml", r"^summary: ", "summary: An island nation. "),
    ("articles/microsoft-shutters-ai-lab-in-shanghai.md", r"^title: (.*)$", r"title: \1 (updated)"),
    ("articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan.md", r"^title: (.*)$", r"title: \1 (updated)"),
    ("articles/microsoft-shutters-ai-lab-in-shanghai.md", r"^publisher: (.*)$", r"publisher: \1 Weekly"),
    ("articles/microsoft-pumps-2-9-billion-into-ai-and-cloud-in-japan.md", r"^publisher: (.*)$", r"publisher: \1 News"),
    ("articles/microsoft-in-japan-investing-in-ai-skills-to-boost-future.md", r"^date: .*$", "date: 2024-04-11"),
    ("entities/google.yaml", r"^summary: ", "summary: Mentions [[apple]] now. "),
    ("entities/apple.yaml", r"^summary: ", "summary: A phone maker. "),
]


def test_incremental_build_equals_clean_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, docs = tmp_path / "cache", tmp_path / "docs"
    build_docs(content, docs, cache_dir=cache, root=tmp_path, workers=2)
    for n, (name, pattern, replacement) in enumerate(EDITS):
        _sub(content / name, pattern, replacement)
        build_docs(content, docs, cache_dir=cache, root=tmp_path, workers=2)
        clean = tmp_path / f"clean-{n}"
        build_docs(content, clean, root=tmp_path)
        incremental, expected = _files(docs), _files(clean)
        assert incremental.keys() == expected.keys(), name
        assert [p for p in expected if incremental[p] != expected[p]] == [], name


def test_an_entity_edit_renders_only_the_pages_that_read_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    result = check(content, tmp_path)
    first, cache = render_site(assemble(result.kb, result.linked), DEFAULT_TEMPLATES)
    _sub(content / "entities/aukus.yaml", r"^summary: ", "summary: Edited. ")
    result = check(content, tmp_path)
    again, _ = render_site(assemble(result.kb, result.linked), DEFAULT_TEMPLATES, cache)
    entity_pages = [p for p in first if p.startswith("entities/")]
    reused = [p for p in entity_pages if again[p] is cache[p][1]]
    rendered = sorted(set(entity_pages) - set(reused))
    assert "entities/aukus.md" in rendered and again["entities/aukus.md"] != first["entities/aukus.md"]
    assert len(reused) >= len(entity_pages) - 10, rendered  # those that name AUKUS, no more
    assert all(again[p] == first[p] for p in reused)
