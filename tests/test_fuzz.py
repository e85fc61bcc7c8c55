"""Fuzzing the loaders: any bytes, any YAML tree, any front matter gives a clean diagnosis."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.pipeline import check

from .conftest import FIXTURES

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
    st.sampled_from(["person", "place", "acme", "2024-02-30", "2024", "<script>", "[[acme]]", "../x", ""]),
)
keys = st.one_of(st.sampled_from(["name", "type", "aliases", "summary", "relations", "facts", "target", "sources",
                                  "article", "quote", "date", "since", "participants", "ambiguous"]), st.text(max_size=10))
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
                     max_leaves=25)


def _with_file(relative: str, data: bytes):
    folder = Path(tempfile.mkdtemp(prefix="kb-fuzz-"))
    shutil.copytree(FIXTURES / "minimal" / "content", folder / "content")
    (folder / relative).write_bytes(data)
    return folder


def _assert_clean(folder: Path, relative: str) -> None:
    try:
        result = check(folder / "content", folder)  # must never raise
        for diagnostic in result.diagnostics:
            assert diagnostic.location.line >= 1 and diagnostic.location.col >= 1
            assert diagnostic.severity in ("error", "warning", "note")
            assert diagnostic.message
        if result.errors:
            assert any(d.location.path == relative for d in result.errors) or all(
                d.location.path.startswith("content/") for d in result.errors
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_an_entity_file(data: bytes):
    relative = "content/entities/fuzz.yaml"
    _assert_clean(_with_file(relative, data), relative)


@FUZZ
@given(trees)
def test_any_yaml_tree_as_an_entity_file(tree):
    relative = "content/entities/fuzz.yaml"
    text = yaml.safe_dump(tree, allow_unicode=True)
    _assert_clean(_with_file(relative, text.encode("utf-8")), relative)


@FUZZ
@given(trees, st.text(max_size=200))
def test_any_front_matter_and_body_as_an_article(tree, body):
    relative = "content/articles/fuzz.md"
    text = "---\n" + yaml.safe_dump(tree, allow_unicode=True) + "---\n" + body
    _assert_clean(_with_file(relative, text.encode("utf-8", "surrogatepass")), relative)


@FUZZ
@given(trees)
def test_any_yaml_tree_as_the_vocabulary(tree):
    relative = "content/kb.yml"
    _assert_clean(_with_file(relative, yaml.safe_dump(tree).encode()), relative)


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_the_cli_exits_1_with_messages_never_a_traceback(data: bytes):
    folder = _with_file("content/entities/fuzz.yaml", b"name: [\n" + data)
    try:
        result = CliRunner().invoke(main, ["check", "--project", str(folder)])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "content/entities/fuzz.yaml:" in result.output
    finally:
        shutil.rmtree(folder, ignore_errors=True)
