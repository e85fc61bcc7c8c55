"""Warnings that stay useful: one line per class, --verbose for all, `silence:` in kb.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.errors import WARNING_CODES

from .conftest import ROOT, run_kb

NAMES = ["Alpha Corp", "Beta Corp", "Gamma Corp", "Delta Corp", "Epsilon Corp"]


def kb_check(project: Path, *args: str) -> tuple[str, int]:
    result = CliRunner().invoke(main, ["check", "--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output, result.exit_code


@pytest.fixture
def noisy(project: Path) -> Path:
    """Five entities no article mentions and one alias that is a common word."""
    for name in NAMES:
        slug = name.lower().replace(" ", "-")
        (project / "content" / "entities" / f"{slug}.yaml").write_text(f"name: {name}\ntype: organisation\n")
    (project / "content" / "entities" / "alpha-corp.yaml").write_text(
        "name: Alpha Corp\ntype: organisation\naliases:\n  - yard\n"
    )
    return project


def unmentioned(slug: str, name: str) -> str:
    return (
        f"content/entities/{slug}.yaml:1:1: warning: no article mentions '{name}' or its aliases, "
        "and nothing cites one [unmentioned-entity]"
    )


def test_repeated_warnings_are_one_line_per_class(noisy: Path):
    out, code = kb_check(noisy)
    assert out == (
        unmentioned("alpha-corp", "Alpha Corp")
        + " (and 4 more like it: beta-corp.yaml, delta-corp.yaml, epsilon-corp.yaml, …; --verbose for all)\n"
        "content/entities/alpha-corp.yaml:4:5: warning: alias 'yard' is a common lowercase word: "
        "it would link ordinary text [common-word-alias]\n"
        "0 errors, 6 warnings (unmentioned-entity 5, common-word-alias 1)\n"
    )
    assert code == 0


def test_verbose_prints_every_warning(noisy: Path):
    out, code = kb_check(noisy, "--verbose")
    lines = out.splitlines()
    assert lines[0] == unmentioned("alpha-corp", "Alpha Corp")
    assert lines[2:6] == [
        unmentioned("beta-corp", "Beta Corp"),
        unmentioned("delta-corp", "Delta Corp"),
        unmentioned("epsilon-corp", "Epsilon Corp"),
        unmentioned("gamma-corp", "Gamma Corp"),
    ]
    assert lines[-1] == "0 errors, 6 warnings (unmentioned-entity 5, common-word-alias 1)"
    assert len(lines) == 7 and code == 0


def test_strict_fails_on_warnings_not_silenced(noisy: Path):
    out, code = kb_check(noisy, "--strict")
    assert out.splitlines()[-1] == (
        "0 errors, 6 warnings (unmentioned-entity 5, common-word-alias 1) (warnings are errors with --strict)"
    )
    assert code == 1


def test_a_silenced_class_is_not_printed_and_does_not_fail_strict(noisy: Path):
    kb_yml = noisy / "content" / "kb.yml"
    kb_yml.write_text(kb_yml.read_text() + "silence: [unmentioned-entity]\n")
    out, code = kb_check(noisy, "--strict")
    assert out == (
        "content/entities/alpha-corp.yaml:4:5: warning: alias 'yard' is a common lowercase word: "
        "it would link ordinary text [common-word-alias]\n"
        "0 errors, 1 warning (common-word-alias 1), 5 silenced in kb.yml (warnings are errors with --strict)\n"
    )
    assert code == 1
    kb_yml.write_text(kb_yml.read_text().replace("[unmentioned-entity]", "[unmentioned-entity, common-word-alias]"))
    out, code = kb_check(noisy, "--strict")
    assert (out, code) == ("0 errors, 0 warnings, 6 silenced in kb.yml\n", 0)


def test_silencing_an_unknown_class_is_an_error(project: Path):
    kb_yml = project / "content" / "kb.yml"
    kb_yml.write_text(kb_yml.read_text() + "silence: [no-such-warning]\n")
    out, code = kb_check(project)
    assert code == 1
    assert out.startswith("content/kb.yml:")
    assert "error:" in out and "unmentioned-entity" in out  # the message lists the known classes


def test_errors_are_never_grouped(project: Path):
    entities = project / "content" / "entities"
    for name in ("a", "b", "c", "d", "e"):
        (entities / f"{name}.yaml").write_text(f"name: X {name}\ntype: nope\n")
    out, code = kb_check(project)
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == 5 and "more like it" not in out
    assert out.splitlines()[-1] == "5 errors, 0 warnings"
    assert code == 1


def test_build_groups_warnings_and_prints_a_summary_line(noisy: Path):
    result = run_kb("build", "--project", str(noisy), env={"CI": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        unmentioned("alpha-corp", "Alpha Corp")
        + " (and 4 more like it: beta-corp.yaml, delta-corp.yaml, epsilon-corp.yaml, …; --verbose for all)"
    )
    assert lines[2] == (
        "kb: checked 1 articles and 9 entities: 0 errors, 6 warnings (unmentioned-entity 5, common-word-alias 1)"
    )
    assert lines[3].startswith(f"kb: site built in {noisy / 'site'} in ") and len(lines) == 4
    assert "\x1b" not in result.stdout + result.stderr  # no progress display outside a terminal
    verbose = run_kb("build", "--project", str(noisy), "--verbose", env={"CI": "1"})
    assert sum("[unmentioned-entity]" in line for line in verbose.stdout.splitlines()) == 5


def test_every_warning_class_is_documented():
    docs = (ROOT / "docs" / "CONTENT.md").read_text()
    for code, what in WARNING_CODES.items():
        assert f"| `{code}` | {what} |" in docs.replace("`date`", "'date'")
