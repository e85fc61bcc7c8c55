"""One schema: pydantic for kb, JSON Schema for editors, and both agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner

from builder.cli import main
from builder.schema import json_schemas

from .conftest import ROOT

SCHEMA_DIR = ROOT / "schema"


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / name).read_text()))


def test_committed_schema_files_are_up_to_date():
    for name, text in json_schemas().items():
        assert (SCHEMA_DIR / name).read_text() == text, f"schema/{name} is stale: run 'kb schema'"
    result = CliRunner().invoke(main, ["schema", "--check", "--project", str(ROOT)])
    assert result.exit_code == 0, result.output


def test_committed_json_schema_rejects_an_unknown_field_as_an_editor_would():
    validator = _validator("entity.schema.json")
    good = {"name": "Fumio Kishida", "type": "person", "aliases": ["Kishida", {"name": "PM", "ambiguous": True}]}
    assert not list(validator.iter_errors(good))
    errors = list(validator.iter_errors({**good, "nmae": "typo"}))
    assert errors and "Additional properties are not allowed ('nmae' was unexpected)" in errors[0].message


def test_committed_json_schema_rejects_bad_ids_dates_and_missing_fields():
    validator = _validator("entity.schema.json")
    assert list(validator.iter_errors({"type": "person"}))
    assert list(validator.iter_errors({"name": "X", "type": "Person Type"}))
    assert list(validator.iter_errors({"name": "X", "type": "event", "date": "10 April 2024"}))
    assert not list(validator.iter_errors({"name": "X", "type": "event", "date": 2024}))
    assert list(validator.iter_errors({"name": "X", "type": "person", "relations": [{"type": "leads"}]}))


def test_every_shipped_file_validates_against_the_committed_json_schema():
    entity = _validator("entity.schema.json")
    for path in sorted((ROOT / "content" / "entities").glob("*.yaml")):
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # strings, as an editor's YAML 1.2 sees dates
        data = _numbers_back(data)
        assert not list(entity.iter_errors(data)), path
    assert not list(_validator("kb.schema.json").iter_errors(yaml.safe_load((ROOT / "content" / "kb.yml").read_text())))
    front = _validator("article.schema.json")
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        header = path.read_text().split("---\n")[1]
        assert not list(front.iter_errors(yaml.load(header, Loader=yaml.BaseLoader))), path


def _numbers_back(value):
    if isinstance(value, dict):
        return {k: _numbers_back(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_back(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
        return int(value)
    return value


def test_every_entity_file_carries_the_schema_modeline():
    for path in sorted((ROOT / "content" / "entities").glob("*.yaml")):
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/entity.schema.json", path
    assert (ROOT / "content" / "kb.yml").read_text().startswith("# yaml-language-server: $schema=../schema/kb.schema.json")


def test_precommit_hook_definition_runs_kb_check():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    check = next(h for h in hooks if h["id"] == "kb-check")
    assert check["entry"] == "kb check --strict"
    assert check["pass_filenames"] is False
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    ids = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    assert "kb-check" in ids


def test_precommit_config_is_valid_for_pre_commit_itself(tmp_path: Path):
    import subprocess
    import sys

    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        import pytest

        pytest.fail("pre-commit is a test dependency and must be installed")
    result = subprocess.run(
        [str(pre_commit), "validate-config", ".pre-commit-config.yaml"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run(
        [str(pre_commit), "validate-manifest", ".pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
