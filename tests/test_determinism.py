"""Two builds of one commit are byte-identical, site/ included."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .conftest import ROOT, copy_project, run_kb


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path: Path):
    sites = []
    for name, seed in (("one", "1"), ("two", "2")):
        project = copy_project(ROOT / "content", tmp_path / name / "kb")
        result = run_kb("build", "--project", str(project),
                        env={"SOURCE_DATE_EPOCH": "1712707200", "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stdout + result.stderr
        sites.append(_digests(project / "site"))
    assert sites[0].keys() == sites[1].keys()
    different = [path for path in sites[0] if sites[0][path] != sites[1][path]]
    assert not different, different[:10]
    assert len(sites[0]) > 50


def test_source_date_epoch_comes_from_the_last_commit_when_unset(tmp_path: Path, monkeypatch):
    import subprocess

    from builder.site import source_date_epoch

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"GIT_AUTHOR_DATE": "2024-04-10T00:00:00Z", "GIT_COMMITTER_DATE": "2024-04-10T00:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "x"], check=True, env=env)
    assert source_date_epoch(repo) == "1712707200"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "42")
    assert source_date_epoch(repo) == "42"


def test_front_matter_is_what_pyyaml_writes() -> None:
    """The page front matter goes through libyaml only where it writes what PyYAML writes."""
    import random

    import yaml

    from builder.render import front_matter

    titles = ["Microsoft", "yes", "null", "1.0", "2024-01-01", "a: b", "- x", "# y", "Kishida’s “plan” — 中文",
              "Emoji 😀 title", "BOM\ufeffinside", "long " * 40, "x\ufeff " * 30, "'quoted'", '"double"', "&amp; &lt;"]
    rng = random.Random(7)
    pool = [chr(rng.randint(0x20, 0x7e)) for _ in range(200)] + [chr(rng.randint(0xa0, 0xffff)) for _ in range(200)]
    titles += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 120))) for _ in range(3000)]
    for title in titles:
        for meta in ({}, {"search": {"boost": 4}}, {"hide": ["toc"]}):
            front = {"title": " ".join(title.split()), **meta}
            assert front_matter(front) == yaml.safe_dump(front, allow_unicode=True, sort_keys=True), title
