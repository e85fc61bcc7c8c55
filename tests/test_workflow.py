"""The GitHub Actions workflow is valid and runs the README's commands.

Validation uses check-jsonschema's vendored GitHub workflow schema, which works
offline (actionlint is neither in Debian 12 nor installable from PyPI here: its
wrapper downloads a binary at build time). A missing validator fails the test.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"

FENCED_SH = re.compile(r"^```(?:sh|bash|shell)[ \t]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
PINNED_TO_MAJOR = re.compile(r"^[\w.-]+/[\w.-]+@v\d+$")
ON_MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def validate(path: Path) -> subprocess.CompletedProcess:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.fail("check-jsonschema is not installed; it is in requirements-test.lock (check-jsonschema==0.39.0)")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True, text=True, timeout=120,
    )


def load_workflow() -> dict:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as the boolean true.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def run_steps(workflow: dict) -> list[str]:
    return [" ".join(step["run"].split()) for job in workflow["jobs"].values()
            for step in job.get("steps", []) if "run" in step]


def readme_commands(marker: str) -> list[str]:
    """The command lines of the README's ```sh block that mentions `marker`."""
    for block in FENCED_SH.findall(README.read_text(encoding="utf-8")):
        if marker in block:
            joined = block.replace("\\\n", " ")
            return [" ".join(line.split()) for line in joined.splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    pytest.fail(f"README.md has no ```sh block containing {marker!r}")


def test_workflow_passes_the_github_workflow_schema():
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validator_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs-onn:", 1), encoding="utf-8")
    assert validate(broken).returncode != 0


def test_runs_on_push_and_pull_request():
    triggers = load_workflow()["on"]
    assert "push" in triggers and "pull_request" in triggers


def test_build_step_is_the_readme_build_command():
    steps = run_steps(load_workflow())
    for command in readme_commands("kb build"):
        assert any(command in step for step in steps), f"no run step contains {command!r}"


def test_tests_run_through_ci_run_which_runs_the_readme_test_command():
    steps = run_steps(load_workflow())
    assert any(".ci/run" in step for step in steps)
    ci_run = " ".join(CI_RUN.read_text(encoding="utf-8").split())
    for command in readme_commands("pytest"):
        assert command in ci_run, f".ci/run does not run the README's {command!r}"


def test_content_is_checked_strictly():
    assert any("kb check --strict" in step for step in run_steps(load_workflow()))


def test_python_311_and_source_date_epoch_from_last_commit():
    steps = [s for job in load_workflow()["jobs"].values() for s in job.get("steps", [])]
    pythons = [s.get("with", {}).get("python-version") for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert pythons == ["3.11"]
    assert any("SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in s.get("run", "") for s in steps)


def test_actions_are_pinned_to_major_versions():
    uses = [s["uses"] for job in load_workflow()["jobs"].values() for s in job.get("steps", []) if "uses" in s]
    assert uses, "the workflow uses no actions"
    for action in uses:
        assert PINNED_TO_MAJOR.match(action), f"{action} is not pinned to a major version"


def test_deploys_to_pages_only_from_pushes_to_main():
    jobs = load_workflow()["jobs"]
    deploy = jobs["deploy"]
    assert deploy["if"] == ON_MAIN_PUSH
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    upload = [s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1 and upload[0]["if"] == ON_MAIN_PUSH and upload[0]["with"]["path"] == "site"
