"""`kb check`: every bad input gets its own path:line:col message and exit 1."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, copy_project, run_kb

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def overlay(case: str, dest: Path) -> Path:
    project = copy_project(FIXTURES / "minimal" / "content", dest)
    shutil.copytree(GOLDEN / case / "content", project / "content", dirs_exist_ok=True)
    return project


def check_output(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["check", "--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output + f"exit {result.exit_code}\n"


def test_there_are_golden_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, tmp_path: Path):
    project = overlay(case, tmp_path / "kb")
    assert check_output(project) == (GOLDEN / case / "expected.txt").read_text()
    strict = GOLDEN / case / "strict.txt"
    if strict.exists():
        assert check_output(project, "--strict") == strict.read_text()


def test_shipped_content_passes_strict_check():
    result = run_kb("check", "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 errors, 0 warnings")


def test_file_that_is_not_utf8(project: Path):
    (project / "content" / "entities" / "latin.yaml").write_bytes(b"name: Caf\xe9\ntype: place\n")
    assert check_output(project) == (
        "content/entities/latin.yaml:1:10: error: file is not valid UTF-8 (byte 0xe9); save it as UTF-8\n"
        "1 error, 0 warnings\nexit 1\n"
    )


def test_file_over_the_size_limit(project: Path):
    big = project / "content" / "entities" / "huge.yaml"
    big.write_text("name: Huge\ntype: place\nsummary: " + "x" * (2 * 1024 * 1024) + "\n")
    size = big.stat().st_size
    assert check_output(project) == (
        f"content/entities/huge.yaml:1:1: error: file is {size:,} bytes; the limit is 2,097,152 bytes\n"
        "1 error, 0 warnings\nexit 1\n"
    )


def test_every_problem_is_reported_not_just_the_first(project: Path):
    entities = project / "content" / "entities"
    (entities / "a.yaml").write_text("name: A\ntype: nope\n")
    (entities / "b.yaml").write_text("name: B\ntype: place\nrelations:\n  - {type: located-in, target: nowhere}\n")
    (entities / "c.yaml").write_text("type: place\n")
    out = check_output(project)
    assert "a.yaml:2:7: error: unknown entity type 'nope'" in out
    assert "b.yaml:4:32: error: relation target 'nowhere' is not an entity" in out
    assert "c.yaml:1:1: error: missing required field 'name'" in out
    assert out.endswith("3 errors, 0 warnings\nexit 1\n")


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_a_broken_file_leaves_the_previous_site_byte_for_byte_untouched(project: Path):
    first = run_kb("build", "--project", str(project))
    assert first.returncode == 0, first.stdout + first.stderr
    site = project / "site"
    before = _tree_hash(site)
    docs_before = _tree_hash(project / "build" / "docs")
    (project / "content" / "entities" / "springfield.yaml").write_text("name: Springfield\ntype: plaec\n")
    second = run_kb("build", "--project", str(project))
    assert second.returncode == 1
    assert "content/entities/springfield.yaml:2:7: error: unknown entity type 'plaec'" in second.stdout
    assert "Traceback" not in second.stdout + second.stderr
    assert _tree_hash(site) == before
    assert _tree_hash(project / "build" / "docs") == docs_before
    assert not [p for p in project.iterdir() if p.name.startswith(".site-")], "no temporary folder left behind"


def test_plain_mkdocs_build_validates_first_and_writes_nothing(project: Path):
    import subprocess
    import sys

    (project / "content" / "entities" / "springfield.yaml").write_text("name: Springfield\ntype: plaec\n")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1
    assert "content/entities/springfield.yaml:2:7: error: unknown entity type 'plaec'" in result.stdout
    assert not (project / "site").exists()
    assert [p.name for p in (project / "build" / "docs").iterdir()] == []


def test_strict_build_fails_on_warnings(project: Path):
    (project / "content" / "entities" / "nobody.yaml").write_text("name: Nobody Special\ntype: person\n")
    result = run_kb("build", "--strict", "--project", str(project))
    assert result.returncode == 1
    assert "content/entities/nobody.yaml:1:1: warning: no article mentions 'Nobody Special'" in result.stdout
    assert not (project / "site").exists()


def test_kb_new_writes_a_valid_file_and_refuses_to_overwrite(project: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["new", "person", "Satya Nadella", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "content/entities/satya-nadella.yaml"
    text = (project / "content" / "entities" / "satya-nadella.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/entity.schema.json\n")
    out = check_output(project)
    assert " error" not in out.replace("0 errors", "")
    again = runner.invoke(main, ["new", "person", "Satya Nadella", "--project", str(project)])
    assert again.exit_code == 1
    assert "already exists; not overwriting it" in again.output
    wrong = runner.invoke(main, ["new", "persn", "Someone", "--project", str(project)])
    assert wrong.exit_code == 1
    assert "unknown entity type 'persn'" in wrong.output
