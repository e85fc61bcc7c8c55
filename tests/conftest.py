"""Shared fixtures: the repository, a minimal fixture knowledge base, and the built shipped site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KB = str(Path(sys.executable).with_name("kb"))


def copy_project(source_content: Path, dest: Path) -> Path:
    """A project folder: the given content plus this repository's mkdocs.yml and templates."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source_content, dest / "content")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", dest / "templates")
    (dest / "build" / "docs").mkdir(parents=True)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the minimal fixture knowledge base, free to modify."""
    return copy_project(FIXTURES / "minimal" / "content", tmp_path / "kb")


def run_kb(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KB, *args], cwd=cwd or ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    """The shipped content built once with `kb build`, exactly as the README says."""
    given = os.environ.get("KB_SITE_DIR")
    if given:
        return Path(given)
    project = copy_project(ROOT / "content", tmp_path_factory.mktemp("shipped") / "kb")
    result = run_kb("build", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"
