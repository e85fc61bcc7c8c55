"""Hostile input: every bad file, name, folder, permission or signal gets one clear line and exit 1.

Each case asserts the exact outcome: the located error (or the one plain line for a
file-system problem), the exit status, and where a build was attempted, that the
previous site/ is byte-identical afterwards (hashed before and after). Content cases
run `kb check` (cheap: they stop before MkDocs); the cases about site/, build/ and
signals run a real `kb build`. Permission cases drop to the user `nobody` when the
tests run as root (root reads files whatever their mode), so they test the real thing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import cache as build_cache
from builder.cli import main
from builder.figures import find_figures
from builder.pipeline import build_docs
from builder.site import MARKER, check_site_dir, deferred_signals, is_kb_site

from .conftest import FIXTURES, KB, ROOT, copy_project

DEEP = 30_000
ENTITY = "content/entities/x.yaml"
ARTICLE = "content/articles/acme-opens-lab.md"
ARTICLE_TEXT = (
    "---\ntitle: Acme opens a lab\npublisher: The Daily Test\ndate: 2024-03-05\nauthor: A. Writer\n"
    "url: https://example.com/acme\n---\n\nAcme Corporation opened a research lab in Springfield on Tuesday."
    " Acme Research will run it.\n"
)
CONTROL = "contains the control character {}; names and aliases are one line of plain text"
NO_LETTER = "has no letter or digit: it would link punctuation all over the articles"
DEPTH = "error: YAML nested more than 50 levels deep"
SHORT = "it will link every occurrence in the articles; mark it `ambiguous: true` or remove it"
RESERVED = "is reserved for the index page of the folder that kb generates"
AS_ROOT = os.geteuid() == 0


def entity(extra: str = "", name: str = "X Corp") -> str:
    return f"name: {name}\ntype: organisation\n{extra}"


def site_hash(folder: Path) -> str:
    """Every path, mode and byte under folder."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        h.update(f"{path.relative_to(folder)}\0{stat.filemode(info.st_mode)}\0".encode())
        if path.is_file() and not path.is_symlink():
            h.update(path.read_bytes())
    return h.hexdigest()


def tree_hash(folder: Path) -> str:
    return site_hash(folder) if folder.exists() else "missing"


def write(project: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def check(project: Path, *args: str) -> tuple[str, int]:
    result = CliRunner().invoke(main, ["check", "--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.output, result.exit_code


def _drop_file_capabilities() -> None:
    """In the child, before exec: root keeps its uid but loses the capabilities that bypass file modes.

    (Running as `nobody` would need the interpreter and the venv to be reachable by nobody;
    dropping CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER from the bounding set makes
    the exec'd kb obey chmod like any user.)
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability for a permission test")


def run(args: list[str], cwd: Path | None = None, as_user: bool = False, umask: int | None = None,
        **kwargs) -> subprocess.CompletedProcess:
    """`kb args...`; as_user: without root's power over file modes when the tests run as root."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}

    def preexec():
        if umask is not None:
            os.umask(umask)
        if as_user and AS_ROOT:
            _drop_file_capabilities()

    return subprocess.run([KB, *args], cwd=cwd or ROOT, capture_output=True, text=True, timeout=300,
                          env=env, preexec_fn=preexec, **kwargs)


# --- content: each case one located line from `kb check` ------------------------------------

# Nested YAML used to segfault libyaml (exit 139): run in a child process to prove it no longer does.
DEEP_CASES = [
    ("deep-flow-sequence", {ENTITY: "name: " + "[" * DEEP}, f"{ENTITY}:1:57: {DEPTH}"),
    ("deep-block-sequence", {ENTITY: "- " * DEEP + "x\n"}, f"{ENTITY}:1:103: {DEPTH}"),
    ("deep-flow-mapping", {ENTITY: "{a: " * DEEP}, f"{ENTITY}:1:205: {DEPTH}"),
    ("deep-kb-yml", {"content/kb.yml": "title: [" + "[" * DEEP + "\n"}, f"content/kb.yml:1:58: {DEPTH}"),
    ("deep-front-matter", {ARTICLE: "---\ntitle: " + "[" * DEEP + "\n---\n\nBody.\n"}, f"{ARTICLE}:2:58: {DEPTH}"),
    ("deep-mixed", {ENTITY: "name: X\ntype: organisation\nsummary: " + "[{" * (DEEP // 2) + "\n"},
     f"{ENTITY}:3:60: {DEPTH}"),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in DEEP_CASES], ids=[c[0] for c in DEEP_CASES])
def test_deeply_nested_yaml_is_one_located_error_not_a_crash(project: Path, files, expected):
    write(project, files)
    result = run(["check", "--project", str(project)])
    assert result.returncode == 1, result.stderr
    assert result.stdout == f"{expected}\n1 error, 0 warnings\n"
    assert result.stderr == ""


def test_moderately_nested_flow_yaml_still_loads(project: Path):
    # many [[wikilinks]] push the cheap nesting bound over its limit: the event walk must let them through
    links = " ".join(["[[acme]]"] * 1200)
    write(project, {"content/entities/acme-research.yaml": f"name: Acme Research\ntype: organisation\nsummary: \"{links}\"\n"})
    assert check(project) == ("0 errors, 0 warnings\n", 0)


LONG_A = "a" * 121
LONG_B = "b" * 200
CHECK_CASES = [
    ("huge-integer", {ENTITY: entity(f"facts:\n  - text: A fact.\n    value: {'9' * 5000}\n")},
     f"{ENTITY}:5:12: error: number too long (5,000 characters); quote it if it is text"),
    ("huge-integer-name", {ENTITY: "name: " + "1" * 4400 + "\ntype: organisation\n"},
     f"{ENTITY}:1:7: error: number too long (4,400 characters); quote it if it is text"),
    ("long-file-name", {f"content/entities/{LONG_A}.yaml": entity()},
     f"content/entities/{LONG_A}.yaml:1:1: error: invalid id '{LONG_A}' (from the file name):"
     " ids are at most 120 characters; this one has 121"),
    ("long-article-file-name", {f"content/articles/{LONG_B}.md": ARTICLE_TEXT},
     f"content/articles/{LONG_B}.md:1:1: error: invalid id '{LONG_B}' (from the file name):"
     " ids are at most 120 characters; this one has 200"),
    ("long-name", {ENTITY: entity(name="N" * 300)},
     f"{ENTITY}:1:1: error: name '{'N' * 59}…' is 300 characters long; names and aliases are at most 200"),
    ("long-alias", {ENTITY: entity("aliases:\n  - " + "A" * 256 + "\n")},
     f"{ENTITY}:4:5: error: alias '{'A' * 59}…' is 256 characters long; names and aliases are at most 200"),
    ("newline-in-name", {ENTITY: entity(name='"X\\ncontent/kb.yml:1:1: error: forged"')},
     f"{ENTITY}:1:1: error: name 'X\\u000acontent/kb.yml:1:1: error: forged' " + CONTROL.format("U+000A")),
    ("tab-in-alias", {ENTITY: entity('aliases:\n  - "X\\tCorp"\n')},
     f"{ENTITY}:4:5: error: alias 'X\\u0009Corp' " + CONTROL.format("U+0009")),
    ("escape-in-alias", {ENTITY: entity('aliases:\n  - "X\\e[31mCorp"\n')},
     f"{ENTITY}:4:5: error: alias 'X\\u001b[31mCorp' " + CONTROL.format("U+001B")),
    ("c1-in-name", {ENTITY: entity(name='"X\\x85Corp"')},
     f"{ENTITY}:1:1: error: name 'X\\u0085Corp' " + CONTROL.format("U+0085")),
    ("bidi-in-alias", {ENTITY: entity('aliases:\n  - "X\\u202eproC"\n')},
     f"{ENTITY}:4:5: error: alias 'X\\u202eproC' " + CONTROL.format("U+202E")),
    ("line-separator-in-name", {ENTITY: entity(name='"X\\u2028Corp"')},
     f"{ENTITY}:1:1: error: name 'X\\u2028Corp' " + CONTROL.format("U+2028")),
    ("comma-alias", {ENTITY: entity('aliases:\n  - ","\n')}, f"{ENTITY}:4:5: error: alias ',' {NO_LETTER}"),
    ("dash-alias", {ENTITY: entity('aliases:\n  - "-"\n')}, f"{ENTITY}:4:5: error: alias '-' {NO_LETTER}"),
    ("quote-alias", {ENTITY: entity('aliases:\n  - "’"\n')}, f"{ENTITY}:4:5: error: alias '’' {NO_LETTER}"),
    ("punctuation-name", {ENTITY: entity(name='"--"')}, f"{ENTITY}:1:1: error: name '--' {NO_LETTER}"),
    ("article-id-index", {"content/articles/index.md": ARTICLE_TEXT},
     f"content/articles/index.md:1:1: error: the article id 'index' (from the file name) {RESERVED}; rename the file"),
    ("entity-id-index", {"content/entities/index.yaml": entity()},
     f"content/entities/index.yaml:1:1: error: the entity id 'index' (from the file name) {RESERVED}; rename the file"),
    ("type-id-index", {"content/kb.yml": (FIXTURES / "minimal/content/kb.yml").read_text().replace(
        "entity_types:\n", "entity_types:\n  index: {label: I, plural: Is}\n")},
     f"content/kb.yml:1:1: error: the entity type 'index' {RESERVED} (types/index/); use another key"),
    ("uppercase-url-scheme", {ARTICLE: ARTICLE_TEXT.replace("https://example.com/acme", "HTTPS://example.com/acme")},
     f"{ARTICLE}:6:6: error: invalid URL 'HTTPS://example.com/acme' in 'url': write the scheme in lowercase ('https://')"),
    ("mixed-case-url-scheme", {ARTICLE: ARTICLE_TEXT.replace("https://example.com/acme", "Http://example.com/acme")},
     f"{ARTICLE}:6:6: error: invalid URL 'Http://example.com/acme' in 'url': write the scheme in lowercase ('http://')"),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CHECK_CASES], ids=[c[0] for c in CHECK_CASES])
def test_hostile_content_is_one_located_error(project: Path, files, expected):
    write(project, files)
    assert check(project) == (f"{expected}\n1 error, 0 warnings\n", 1)


WARN_CASES = [
    ("one-letter-alias", entity('aliases:\n  - s\n'),
     f"{ENTITY}:4:5: warning: alias 's' is only 1 character: {SHORT} [short-alias]"),
    ("two-letter-alias", entity('aliases:\n  - Ac\n'),
     f"{ENTITY}:4:5: warning: alias 'Ac' is only 2 characters: {SHORT} [short-alias]"),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in WARN_CASES], ids=[c[0] for c in WARN_CASES])
def test_very_short_aliases_are_warned_about(project: Path, text, expected):
    write(project, {ENTITY: text})
    output, code = check(project)
    assert expected in output.splitlines()
    assert code == 0
    assert check(project, "--strict")[1] == 1


def test_a_short_alias_marked_ambiguous_is_not_warned_about(project: Path):
    write(project, {ENTITY: entity("aliases:\n  - {name: XC, ambiguous: true}\n")})
    assert "only 2 characters" not in check(project)[0]


# --- content/ as a file system: symlinks, folders, permissions --------------------------------


def test_symlink_to_a_file_outside_the_project_is_refused(project: Path, tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(entity())
    (project / "content/entities/leak.yaml").symlink_to(secret)
    expected = "content/entities/leak.yaml:1:1: error: symbolic link points outside the project; copy what it points to into content/ instead"
    assert check(project) == (f"{expected}\n1 error, 0 warnings\n", 1)


def test_symlinked_folder_outside_the_project_is_refused(project: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    shutil.move(project / "content/articles", outside)
    (project / "content/articles").symlink_to(outside)
    output, code = check(project)
    assert output.splitlines()[0] == ("content/articles:1:1: error: symbolic link points outside the project;"
                                      " copy what it points to into content/ instead")
    assert code == 1


def test_symlink_inside_the_project_is_followed(project: Path):
    (project / "shared").mkdir()
    shutil.move(project / "content/entities/springfield.yaml", project / "shared/springfield.yaml")
    (project / "content/entities/springfield.yaml").symlink_to(project / "shared/springfield.yaml")
    assert check(project) == ("0 errors, 0 warnings\n", 0)


def test_broken_symlink_is_reported(project: Path):
    (project / "content/entities/gone.yaml").symlink_to(project / "nowhere.yaml")
    expected = f"content/entities/gone.yaml:1:1: error: broken symbolic link (to {project / 'nowhere.yaml'})"
    assert check(project) == (f"{expected}\n1 error, 0 warnings\n", 1)


def test_symlink_loop_is_reported(project: Path):
    (project / "content/entities/a.yaml").symlink_to(project / "content/entities/b.yaml")
    (project / "content/entities/b.yaml").symlink_to(project / "content/entities/a.yaml")
    assert check(project) == (
        "content/entities/a.yaml:1:1: error: symbolic link loop\n"
        "content/entities/b.yaml:1:1: error: symbolic link loop\n2 errors, 0 warnings\n", 1)


def test_folder_named_like_an_entity_file_is_an_error(project: Path):
    (project / "content/entities/x.yaml").mkdir()
    expected = "content/entities/x.yaml:1:1: error: 'x.yaml' is a folder, not a file"
    assert check(project) == (f"{expected}\n1 error, 0 warnings\n", 1)


def test_subfolder_is_reported_not_silently_skipped(project: Path):
    write(project, {"content/articles/2024/old.md": ARTICLE_TEXT})
    expected = ("content/articles/2024:1:1: warning: '2024' is a folder: kb reads only the files directly in"
                " content/articles/; it is ignored [ignored-folder]")
    assert check(project) == (f"{expected}\n0 errors, 1 warning (ignored-folder 1)\n", 0)


def test_kb_yml_as_a_folder_is_an_error(project: Path):
    (project / "content/kb.yml").unlink()
    (project / "content/kb.yml").mkdir()
    output, code = check(project)
    assert output.splitlines()[0] == "content/kb.yml:1:1: error: is a folder; content/kb.yml must be a file"
    assert code == 1


@pytest.fixture
def shared_project(project: Path):
    """The project, with every mode restored afterwards so that pytest can remove it."""
    yield project
    for path in [project, *project.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


def deny(path: Path, mode: int) -> None:
    os.chmod(path, mode)


def test_permission_tests_really_lose_access(shared_project: Path):
    """The guard for every permission case: the kb child cannot read a file with mode 000."""
    deny(shared_project / "content/kb.yml", 0o000)
    probe = subprocess.run(["cat", str(shared_project / "content/kb.yml")], capture_output=True, text=True,
                           preexec_fn=_drop_file_capabilities if AS_ROOT else None)
    assert probe.returncode == 1 and "Permission denied" in probe.stderr


PERMISSION_CASES = [
    ("unreadable-entity", "content/entities/acme.yaml", 0o000,
     "content/entities/acme.yaml:1:1: error: cannot read the file: Permission denied"),
    ("unreadable-article", ARTICLE, 0o000, f"{ARTICLE}:1:1: error: cannot read the file: Permission denied"),
    ("unreadable-kb-yml", "content/kb.yml", 0o000, "content/kb.yml:1:1: error: cannot read the file: Permission denied"),
    ("unreadable-entities-folder", "content/entities", 0o000,
     "content/entities:1:1: error: cannot read the folder: Permission denied"),
    ("unreadable-content-folder", "content", 0o000, "content:1:1: error: cannot read the folder: Permission denied"),
    ("unreadable-articles-folder", "content/articles", 0o311,
     "content/articles:1:1: error: cannot read the folder: Permission denied"),
]


@pytest.mark.parametrize("rel, mode, expected", [c[1:] for c in PERMISSION_CASES], ids=[c[0] for c in PERMISSION_CASES])
def test_unreadable_content_is_one_located_error(shared_project: Path, rel, mode, expected):
    deny(shared_project / rel, mode)
    result = run(["check", "--project", str(shared_project)], as_user=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == expected
    assert "Traceback" not in result.stderr


# --- kb new -----------------------------------------------------------------------------------


NEW_CASES = [
    ("name-too-long", "N" * 300, "kb: invalid name: is 300 characters long; names and aliases are at most 200"),
    ("id-too-long", " ".join(["word"] * 30), "kb: cannot make an id from the name '" + " ".join(["word"] * 30) + "'"),
    ("newline", "Evil\nCorp", "kb: invalid name: contains the control character U+000A; names and aliases are one line of plain text"),
    ("punctuation", "!!", "kb: invalid name: has no letter or digit: it would link punctuation all over the articles"),
]


@pytest.mark.parametrize("name, expected", [c[1:] for c in NEW_CASES], ids=[c[0] for c in NEW_CASES])
def test_kb_new_refuses_bad_names_with_one_line(project: Path, name, expected):
    before = tree_hash(project / "content")
    result = run(["new", "organisation", name, "--project", str(project)])
    assert (result.returncode, result.stdout, result.stderr) == (1, "", expected + "\n")
    assert tree_hash(project / "content") == before


def test_kb_new_in_a_read_only_folder_is_one_line(shared_project: Path):
    deny(shared_project / "content/entities", 0o555)
    result = run(["new", "organisation", "Read Only", "--project", str(shared_project)], as_user=True)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "kb: content/entities/read-only.yaml: Permission denied\n"


# --- the project is found from a subdirectory, like git -------------------------------------


def test_check_from_a_subdirectory_finds_the_project(project: Path):
    result = run(["check"], cwd=project / "content" / "articles")
    assert (result.returncode, result.stdout) == (0, "0 errors, 0 warnings\n")


def test_new_from_a_subdirectory_writes_into_the_project(project: Path):
    result = run(["new", "person", "Ann Other"], cwd=project / "content" / "entities")
    assert (result.returncode, result.stdout) == (0, "content/entities/ann-other.yaml\n"), result.stderr
    assert (project / "content/entities/ann-other.yaml").is_file()
    assert not (project / "content/entities/content").exists()


def test_explicit_project_still_wins(project: Path, tmp_path: Path):
    result = run(["check", "--project", str(project)], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "0 errors, 0 warnings\n")


# --- figures ----------------------------------------------------------------------------------


def test_a_309_digit_number_is_not_a_figure_and_does_not_crash(project: Path, tmp_path: Path):
    huge = "9" * 400
    assert find_figures(f"Acme paid ${huge} million for {huge} sites.") == []
    write(project, {ARTICLE: ARTICLE_TEXT.replace("on Tuesday.", f"on Tuesday for ${huge} billion and {huge} people.")})
    result = build_docs(project / "content", tmp_path / "docs", root=project)
    assert result.pages_written > 0


# --- kb build: what --site-dir will replace -----------------------------------------------------


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    """The minimal project built once with `kb build`; tests copy it."""
    project = copy_project(FIXTURES / "minimal" / "content", tmp_path_factory.mktemp("built") / "kb")
    result = run(["build", "--project", str(project)])
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def built(built_template: Path, tmp_path: Path) -> Path:
    project = tmp_path / "kb"
    shutil.copytree(built_template, project, symlinks=True)
    yield project
    for path in [project, *project.rglob("*")]:
        if not path.is_symlink() and path.exists():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


REFUSE = "kb: refusing to build into {}: {}; choose an empty or new folder"


def _docs_folder(project: Path) -> Path:
    folder = project / "docs"
    write(project, {"docs/CONTENT.md": "# How to write content\n"})
    return folder


def _gh_pages(project: Path) -> Path:
    folder = project.parent / "gh-pages"
    write(project.parent, {"gh-pages/.git/HEAD": "ref: refs/heads/gh-pages\n", "gh-pages/index.html": "<p>old</p>\n"})
    return folder


def _other_project(project: Path) -> Path:
    folder = project.parent / "other"
    write(project.parent, {"other/mkdocs.yml": "site_name: other\n"})
    return folder


def _holds_content(project: Path) -> Path:
    folder = project.parent / "work"
    write(project.parent, {"work/content/notes.md": "mine\n"})
    return folder


def _a_file(project: Path) -> Path:
    write(project.parent, {"notes.txt": "mine\n"})
    return project.parent / "notes.txt"


def _a_symlink(project: Path) -> Path:
    (project.parent / "real").mkdir()
    (project.parent / "link").symlink_to(project.parent / "real")
    return project.parent / "link"


def _site_with_a_user_file(project: Path) -> Path:
    folder = project.parent / "old-site"
    shutil.copytree(project / "site", folder)
    (folder / MARKER).unlink()
    write(project.parent, {"old-site/notes.md": "mine\n"})
    return folder


SITE_DIR_CASES = [
    ("content", lambda p: p / "content", "it is content/ or inside it"),
    ("inside-content", lambda p: p / "content" / "articles", "it is content/ or inside it"),
    ("templates", lambda p: p / "templates", "it is templates/ or inside it"),
    ("docs-dir", lambda p: p / "build" / "docs", "it is build/docs/ or inside it"),
    ("user-docs", _docs_folder, f"kb did not build it (no {MARKER} file in it)"),
    ("gh-pages-checkout", _gh_pages, "it holds .git"),
    ("another-project", _other_project, "it holds mkdocs.yml"),
    ("holds-content", _holds_content, "it holds content"),
    ("project-root", lambda p: p, "it is the project folder or contains it"),
    ("above-the-project", lambda p: p.parent, "it is the project folder or contains it"),
    ("file-system-root", lambda p: Path("/"), "it is the file system root"),
    ("home", lambda p: Path.home(), "it is your home folder or contains it"),
    ("a-file", _a_file, "it is not a folder"),
    ("a-symlink", _a_symlink, "it is a symbolic link"),
    ("old-site-with-user-file", _site_with_a_user_file, f"kb did not build it (no {MARKER} file in it)"),
]


@pytest.mark.parametrize("make, why", [c[1:] for c in SITE_DIR_CASES], ids=[c[0] for c in SITE_DIR_CASES])
def test_site_dir_refuses_folders_kb_did_not_build(built: Path, make, why):
    target = make(built)
    if target == Path.home() and built.is_relative_to(Path.home()):
        why = "it is the project folder or contains it"
    guarded = target if target.is_dir() and target not in (Path("/"), Path.home(), built.parent) else None
    before = tree_hash(guarded) if guarded else None
    site_before = site_hash(built / "site")
    result = run(["build", "--project", str(built), "--site-dir", str(target)])
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == REFUSE.format(target, why) + "\n"
    if guarded:
        assert tree_hash(guarded) == before
    assert site_hash(built / "site") == site_before
    assert not list(built.parent.glob(".site-*")) and not list(built.glob(".site-*"))


def test_check_site_dir_accepts_new_and_empty_folders(tmp_path: Path):
    (tmp_path / "kb").mkdir()
    (tmp_path / "empty").mkdir()
    check_site_dir(tmp_path / "kb", tmp_path / "empty")
    check_site_dir(tmp_path / "kb", tmp_path / "new" / "site")


def test_a_site_from_before_the_marker_is_recognised_by_its_shape(built: Path):
    assert is_kb_site(built / "site")
    (built / "site" / MARKER).unlink()
    assert is_kb_site(built / "site")  # sitemap.xml, search index, assets/kb.css and only served files
    write(built, {"site/assets/notes.txt": "mine\n"})
    assert not is_kb_site(built / "site")


def test_build_replaces_an_old_site_cleans_stale_temp_folders_and_respects_the_umask(built: Path):
    (built / "site" / MARKER).unlink()  # built by a kb without the marker
    stale = built / ".site-killed"
    write(built, {".site-killed/.kb-building": "999999999\n", ".site-killed/index.html": "half\n"})
    swapped = built / ".site-old-cut"
    shutil.copytree(built / "site", swapped)
    write(built, {".site-user/notes.md": "mine\n"})  # not kb's: kept
    result = run(["build", "--project", str(built)], umask=0o027)
    assert result.returncode == 0, result.stderr
    assert (built / "site" / MARKER).is_file()
    assert not stale.exists() and not swapped.exists()
    assert (built / ".site-user" / "notes.md").read_text() == "mine\n"
    assert stat.S_IMODE((built / "site").stat().st_mode) == 0o750
    assert stat.S_IMODE((built / "site" / "index.html").stat().st_mode) == 0o640


def test_site_is_world_readable_with_the_usual_umask(built_template: Path):
    assert stat.S_IMODE((built_template / "site").stat().st_mode) == 0o755  # umask 022, not mkdtemp's 0700


def test_build_into_an_empty_folder_after_rm_rf_build(built: Path, tmp_path: Path):
    shutil.rmtree(built / "build")
    target = tmp_path / "public"
    target.mkdir()
    result = run(["build", "--project", str(built), "--site-dir", str(target)])
    assert result.returncode == 0, result.stderr
    assert (target / "index.html").is_file() and (target / MARKER).is_file()
    assert (built / "build" / "docs" / "index.md").is_file()


# --- kb build: a failed build is one line and leaves site/ byte-identical -----------------------


def _edit_article(project: Path) -> None:
    path = project / ARTICLE
    path.write_text(path.read_text().replace("on Tuesday", "on Wednesday"))


def _read_only_docs(project: Path) -> None:
    _edit_article(project)
    for folder in [project / "build/docs", *(p for p in (project / "build/docs").rglob("*") if p.is_dir())]:
        deny(folder, 0o555)


def _read_only_cache(project: Path) -> None:
    _edit_article(project)
    deny(project / "build/cache", 0o555)


def _cache_is_a_folder(project: Path) -> None:
    (project / "build/cache" / build_cache.CACHE_FILE).unlink()
    (project / "build/cache" / build_cache.CACHE_FILE).mkdir()


def _read_only_root(project: Path) -> None:
    deny(project, 0o555)


def _template_not_utf8(project: Path) -> None:
    (project / "templates/home.md.j2").write_bytes(b"# Home \xff\xfe\n")


BUILD_FAILURES = [
    ("read-only-build-docs", _read_only_docs, "kb: build/docs/articles/acme-opens-lab.md.kb-tmp: Permission denied"),
    # Nothing changed since the first build, so the builder writes no cache; the first file a
    # rebuild then writes into build/cache is the site's stamp.
    ("read-only-build-cache", _read_only_cache, "kb: build/cache/site.stamp: Permission denied"),
    ("cache-is-a-folder", _cache_is_a_folder,
     f"kb: build/cache/{build_cache.CACHE_FILE}: not a regular file: remove it, kb rebuilds its cache"),
    ("read-only-project-root", _read_only_root, "kb: {root}: cannot create a folder here: Permission denied"),
]


@pytest.mark.parametrize("spoil, expected", [c[1:] for c in BUILD_FAILURES], ids=[c[0] for c in BUILD_FAILURES])
def test_file_system_problems_in_a_build_are_one_line(built: Path, spoil, expected):
    site_before = site_hash(built / "site")
    spoil(built)
    result = run(["build", "--project", str(built)], as_user=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines()[-1] == expected.format(root=built)
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert site_hash(built / "site") == site_before
    assert not list(built.glob(".site-*"))


def test_template_with_bytes_that_are_not_utf8_is_one_located_error(built: Path):
    site_before = site_hash(built / "site")
    _template_not_utf8(built)
    result = run(["build", "--project", str(built)])
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "kb: templates/home.md.j2:1:1: error: template failed: UnicodeDecodeError: 'utf-8' codec can't decode"
        " byte 0xff in position 7: invalid start byte")
    assert "Traceback" not in result.stderr
    assert site_hash(built / "site") == site_before


def test_read_only_site_folder_is_replaced_whole(built: Path):
    deny(built / "site", 0o555)
    _edit_article(built)
    result = run(["build", "--project", str(built)], as_user=True)
    assert result.returncode == 0, result.stderr
    assert "on Wednesday" in (built / "site/articles/acme-opens-lab/index.html").read_text()
    assert not list(built.glob(".site-*"))


# --- interrupted builds -------------------------------------------------------------------------


def _start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen([KB, "build", "--project", str(project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})


def _wait_for(condition, timeout: float = 120.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.005)
    return False


def test_ctrl_c_early_in_a_build_is_one_line_and_exit_130(built: Path):
    site_before = site_hash(built / "site")
    child = _start_build(built)
    time.sleep(0.3)  # Python is up; kb is still importing or loading
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert (child.returncode, err) == (130, "kb: interrupted\n"), out + err
    assert site_hash(built / "site") == site_before
    assert not list(built.glob(".site-*"))


@pytest.mark.parametrize("sig, code, line", [(signal.SIGTERM, 143, "kb: terminated"), (signal.SIGINT, 130, "kb: interrupted")])
def test_a_signal_while_mkdocs_renders_leaves_no_temporary_folder(built: Path, sig, code, line):
    site_before = site_hash(built / "site")
    _edit_article(built)
    child = _start_build(built)
    assert _wait_for(lambda: any(built.glob(".site-*")) or child.poll() is not None)
    child.send_signal(sig)
    out, err = child.communicate(timeout=120)
    assert (child.returncode, err.splitlines()[-1]) == (code, line), out + err
    assert "Traceback" not in err and "Aborted!" not in err
    assert site_hash(built / "site") == site_before
    assert not list(built.glob(".site-*"))


def test_signals_wait_while_the_site_is_swapped():
    with deferred_signals() as received:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
    assert received == [signal.SIGINT, signal.SIGTERM]  # recorded, and no KeyboardInterrupt: the site is in place


def test_the_swap_exchanges_the_two_folders_in_one_step(tmp_path: Path):
    from builder.site import _exchange, _swap

    write(tmp_path, {"new/index.html": "new\n", "site/index.html": "old\n"})
    if sys.platform.startswith("linux"):
        assert _exchange(tmp_path / "new", tmp_path / "site")
        assert (tmp_path / "site/index.html").read_text() == "new\n"
        assert (tmp_path / "new/index.html").read_text() == "old\n"
        _exchange(tmp_path / "new", tmp_path / "site")
    old = _swap(tmp_path / "new", tmp_path / "site")
    assert (tmp_path / "site/index.html").read_text() == "new\n"
    assert (old / "index.html").read_text() == "old\n"


# --- the build cache is data, verified, and cannot change the site -----------------------------


def _tamper(project: Path, key: bytes | None = None) -> None:
    import gzip
    import hmac

    path = project / "build/cache" / build_cache.CACHE_FILE
    mac, header, payload = path.read_bytes().split(b"\n", 2)
    text = gzip.decompress(payload).decode()
    assert "opened a research lab" in text
    payload = gzip.compress(text.replace("opened a research lab", "CLOSED a research lab").encode())
    rest = header + b"\n" + payload
    if key is not None:
        mac = hmac.new(key, rest, "sha256").hexdigest().encode()
    path.write_bytes(mac + b"\n" + rest)


def _rebuild_and_compare(project: Path, built_template: Path) -> None:
    result = run(["build", "--project", str(project)])
    assert result.returncode == 0, result.stderr
    assert "CLOSED" not in (project / "site/articles/acme-opens-lab/index.html").read_text()
    assert site_hash(project / "site") == site_hash(built_template / "site")


def test_an_altered_cache_does_not_change_the_site(built: Path, built_template: Path):
    _tamper(built)
    _rebuild_and_compare(built, built_template)


def test_a_cache_signed_with_someone_elses_key_is_not_trusted(built: Path, built_template: Path):
    key_file = built / "build/cache" / build_cache.KEY_FILE
    forged = b"k" * 32
    key_file.write_bytes(forged)
    if AS_ROOT:
        os.chown(key_file, 65534, 65534)  # written by another user into a shared build/
    else:
        os.chmod(key_file, 0o644)  # readable by others: anyone could have signed with it
    _tamper(built, key=forged)
    _rebuild_and_compare(built, built_template)


def test_a_planted_pickle_is_never_loaded(built: Path, built_template: Path, tmp_path: Path):
    import pickle

    proof = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (proof,))

    (built / "build/cache/kb-cache.pickle").write_bytes(pickle.dumps(Payload()))
    _rebuild_and_compare(built, built_template)
    assert not proof.exists()
    assert not (built / "build/cache/kb-cache.pickle").exists()


def test_the_cache_round_trips_exactly(project: Path, tmp_path: Path):
    first = build_docs(project / "content", tmp_path / "docs", cache_dir=tmp_path / "cache", root=project)
    stored = build_cache.read_cache(tmp_path / "cache")
    assert stored.blocks and stored.links and stored.pages
    again = build_docs(project / "content", tmp_path / "docs", cache_dir=tmp_path / "cache", root=project)
    assert (first.pages_written > 0, again.pages_written) == (True, 0)
    assert build_cache.read_cache(tmp_path / "cache") == stored
    raw = (tmp_path / "cache" / build_cache.CACHE_FILE).read_bytes()
    assert b"pickle" not in raw and raw.split(b"\n", 1)[0].isalnum()


def test_mkdocs_build_on_its_own_refuses_a_folder_kb_did_not_build(built: Path):
    docs = _docs_folder(built)
    before = tree_hash(docs)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(docs)], cwd=built,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert REFUSE.format(docs, f"kb did not build it (no {MARKER} file in it)") in (result.stdout + result.stderr).splitlines()
    assert tree_hash(docs) == before


def test_a_stop_after_the_swap_reports_the_built_site_and_exits_0(tmp_path: Path, capsys):
    from builder.cli import _stopped
    from builder.site import site_in_place

    site_in_place.append(tmp_path / "site")
    try:
        with pytest.raises(SystemExit) as stopped:
            _stopped(KeyboardInterrupt())
    finally:
        site_in_place.clear()
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"kb: site built in {tmp_path / 'site'} (stopped afterwards)\n"
    with pytest.raises(SystemExit) as stopped:
        _stopped(KeyboardInterrupt())
    assert (stopped.value.code, capsys.readouterr().err) == (130, "kb: interrupted\n")
