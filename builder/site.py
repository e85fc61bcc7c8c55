"""`kb build`: the builder and MkDocs into a temporary folder, then an atomic swap into site/.

With any error, site/ is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import SiteError


def source_date_epoch(root: Path) -> str | None:
    """SOURCE_DATE_EPOCH as set, or the last commit's time when the project is a git checkout."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = out.stdout.strip()
    return stamp if out.returncode == 0 and stamp.isdigit() else None


def build_site(root: Path, site_dir: Path, *, strict_content: bool = False, verbose: bool = False) -> list[str]:
    """Build root's mkdocs.yml into site_dir atomically. Returns MkDocs' log lines."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    epoch = source_date_epoch(root)
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.INFO)
    if strict_content:
        os.environ["KB_STRICT"] = "1"
    os.environ["KB_SITE_CHECKS_MARKUP"] = "1"  # reject_unsafe_markup below checks every page once
    if verbose:
        os.environ["KB_VERBOSE"] = "1"
    try:
        with contextlib.chdir(root):
            config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp))
            build(config)
            reject_unsafe_markup(tmp, config)
    except (Abort, ConfigurationError, MkDocsException) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SiteError(_clean_message(exc, lines.getvalue())) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        mkdocs_log.removeHandler(handler)
        mkdocs_log.setLevel(level)
        os.environ.pop("KB_STRICT", None)
        os.environ.pop("KB_SITE_CHECKS_MARKUP", None)
        os.environ.pop("KB_VERBOSE", None)
    _swap(tmp, site_dir)
    return lines.getvalue().splitlines()


def reject_unsafe_markup(site: Path, config) -> None:
    """Defence in depth: no page of the new site may hold markup outside the allowlist."""
    from .allowlist import extra_script_paths, find_site_offences

    offences = find_site_offences(site, extra_script_paths(config))
    if offences:
        lines = [str(d) for d in offences]
        raise SiteError("\n".join(lines + [f"kb: {len(offences)} piece(s) of markup outside the allowlist; "
                                            "the previous site is unchanged"]))


def _clean_message(exc: BaseException, log_text: str) -> str:
    message = str(exc) or exc.__class__.__name__
    warnings = [line for line in log_text.splitlines() if line.startswith(("WARNING", "ERROR"))]
    return "\n".join(warnings + [message])


def _swap(new: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=site_dir.parent))
        os.rename(site_dir, old / "site")
    os.rename(new, site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
