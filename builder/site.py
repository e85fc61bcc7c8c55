"""`kb build`: the builder and MkDocs into a temporary folder, then an atomic swap into site/.

With any error, site/ is left exactly as it was. kb replaces only a folder it built
itself (one holding the `.kb-site` marker, or a site built before the marker existed,
recognised by its shape); it never replaces a folder holding anything a user wrote.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .errors import SiteError

MARKER = ".kb-site"  # in every site kb builds: kb may replace this folder
BUILDING = ".kb-building"  # in a temporary folder while a build runs: the builder's process id
MARKER_TEXT = "This folder was built by kb (kb build). kb build replaces it as a whole.\n"
# A site built before the marker existed: these files, and only files a web server serves.
LEGACY_SIGNATURE = ("sitemap.xml", "search/search_index.json", "assets/kb.css")
SITE_SUFFIXES = {".html", ".css", ".js", ".json", ".map", ".png", ".svg", ".ico", ".xml", ".gz",
                 ".woff", ".woff2", ".webmanifest", ".jpg", ".jpeg", ".gif", ".webp"}
USER_THINGS = (".git", "content", "mkdocs.yml")


class SiteDirRefused(SiteError):
    """--site-dir names a folder kb must not replace."""


class FileSystemError(SiteError):
    """A file or folder kb needs could not be read or written (permissions, wrong file type, ...)."""


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




def check_site_dir(root: Path, site_dir: Path, docs_dir: Path | None = None) -> None:
    """Raise SiteDirRefused unless kb may replace site_dir (nothing is touched)."""
    root = root.resolve()
    target = Path(os.path.abspath(site_dir))
    shown = str(site_dir)

    def refuse(why: str) -> None:
        raise SiteDirRefused(f"kb: refusing to build into {shown}: {why}; choose an empty or new folder")

    if target.is_symlink():
        refuse("it is a symbolic link")
    target = target.resolve()
    home = Path.home().resolve()
    if target == Path(target.anchor):
        refuse("it is the file system root")
    if target == root or root.is_relative_to(target):
        refuse("it is the project folder or contains it")
    if target == home or home.is_relative_to(target):
        refuse("it is your home folder or contains it")
    for inside in [root / "content", root / "templates"] + ([docs_dir] if docs_dir else []):
        inside = inside.resolve()
        if target.is_relative_to(inside):
            shown_inside = inside.relative_to(root).as_posix() if inside.is_relative_to(root) else str(inside)
            refuse(f"it is {shown_inside}/ or inside it")
    if not target.exists():
        return
    if not target.is_dir():
        refuse("it is not a folder")
    try:
        entries = {entry.name for entry in os.scandir(target)}
    except OSError as exc:
        refuse(f"cannot read it ({exc.strerror})")
    if not entries:
        return
    for name in USER_THINGS:
        if name in entries:
            refuse(f"it holds {name}")
    if is_kb_site(target):
        return
    refuse(f"kb did not build it (no {MARKER} file in it)")


def is_kb_site(folder: Path) -> bool:
    """A folder kb built: it has the marker, or it has exactly the shape of a kb site from before the marker."""
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return True
    if not all((folder / name).is_file() for name in LEGACY_SIGNATURE):
        return False
    for dirpath, dirnames, filenames in os.walk(folder):
        if any(Path(dirpath, d).is_symlink() for d in dirnames):
            return False
        for name in filenames:
            path = Path(dirpath, name)
            if path.is_symlink() or path.suffix.lower() not in SITE_SUFFIXES or name.startswith("."):
                return False
    return True


def docs_dir_of(root: Path) -> Path:
    """docs_dir as mkdocs.yml sets it (a plain read: MkDocs validates it later)."""
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return root / "docs"
    match = re.search(r"^docs_dir:[ \t]*['\"]?([^'\"\n#]+?)['\"]?[ \t]*(?:#.*)?$", text, re.MULTILINE)
    return root / (match.group(1).strip() if match else "docs")


def ensure_docs_dir(root: Path) -> None:
    """Create the generated-Markdown folder when it is under build/ (after `rm -rf build`)."""
    docs = docs_dir_of(root)
    if docs.resolve().is_relative_to((root / "build").resolve()):
        docs.mkdir(parents=True, exist_ok=True)


def file_system_message(exc: OSError, root: Path) -> str:
    """One line for a file-system problem: what kb could not do, where, and why."""
    where = exc.filename
    if where is not None:
        try:
            where = Path(os.path.abspath(where)).relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
        if where == ".":
            where = str(root)
    reason = exc.strerror or exc.__class__.__name__
    return f"kb: {where}: {reason}" if where else f"kb: {reason}"


# --- signals: a build stops cleanly; the swap is never cut in half ----------------------------


class Terminated(KeyboardInterrupt):
    """SIGTERM: handled like Ctrl-C, so temporary folders are removed."""


_stops: list[int] = []  # signals received while a command runs (an exception can be swallowed)
site_in_place: list[Path] = []  # set once the new site has been swapped in: a later stop cannot undo it


def _stop(signum, frame):
    _stops.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def raise_if_stopped() -> None:
    """Raise again for a stop whose exception Python swallowed (in a weakref callback or __del__)."""
    if _stops:
        raise Terminated() if _stops[-1] == signal.SIGTERM else KeyboardInterrupt()


@contextlib.contextmanager
def terminate_as_interrupt():
    """While a command runs, SIGINT and SIGTERM unwind as exceptions (so `finally` blocks clean up)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _stops.clear()
    site_in_place.clear()
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred_signals(redeliver: bool = False):
    """SIGINT and SIGTERM wait until the block is done; then they are delivered (redeliver) or dropped.

    Dropped is for a block after which the work is done (the new site is in place): stopping
    then would only report a failure that did not happen.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {sig: signal.signal(sig, lambda s, f: received.append(s)) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if redeliver:
            for sig in dict.fromkeys(received):
                os.kill(os.getpid(), sig)


# --- the build ---------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _new_temp_dir(parent: Path, prefix: str) -> Path:
    try:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError as exc:  # name the folder the user knows, not the random one
        raise OSError(exc.errno, f"cannot create a folder here: {exc.strerror}", str(parent)) from None
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; a site is for a web server to read
    (tmp / BUILDING).write_text(f"{os.getpid()}\n", encoding="utf-8")
    return tmp


def remove_tree(folder: Path) -> None:
    """Remove a folder kb made (a temporary or swapped-out site), read-only parts included."""

    def retry(function, path, _exc_info):
        try:
            parent = os.path.dirname(path)
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | stat.S_IRWXU)
            function(path)
        except OSError:
            pass

    shutil.rmtree(folder, onerror=retry)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temp_dirs(parent: Path) -> list[Path]:
    """Remove `.site-*` folders that an earlier, killed kb build left behind (only kb's own)."""
    removed = []
    try:
        candidates = sorted(parent.glob(".site-*"))
    except OSError:
        return removed
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir():
            continue
        building = folder / BUILDING
        stale = False
        if building.is_file() and not building.is_symlink():
            try:
                pid = int(building.read_text(encoding="utf-8").strip() or "0")
            except (OSError, ValueError):
                pid = 0
            stale = pid != os.getpid() and not _pid_alive(pid)
        elif is_kb_site(folder):
            stale = True  # an old site swapped out whose removal was cut short
        if stale:
            remove_tree(folder)
            removed.append(folder)
    return removed


def build_site(root: Path, site_dir: Path, *, strict_content: bool = False, verbose: bool = False) -> list[str]:
    """Build root's mkdocs.yml into site_dir atomically. Returns MkDocs' log lines.

    Raises SiteDirRefused (before touching anything) when site_dir is not kb's to replace,
    SiteError when the build fails, KeyboardInterrupt (Terminated for SIGTERM) when
    stopped; in each case site_dir is as it was and no temporary folder is left.
    """
    root = root.resolve()
    docs_dir = docs_dir_of(root)
    check_site_dir(root, site_dir, docs_dir)
    site_dir = site_dir.resolve()
    # Nothing the site depends on changed since the last build into this folder: nothing to do
    # (the stamp lives in build/cache, not in the site).
    stamp_file = root / "build" / "cache" / "site.stamp"
    try:
        stamp = _site_stamp(root, site_dir, strict_content, verbose)
    except OSError:
        stamp = ""
    try:
        if stamp and stamp_file.read_text(encoding="utf-8") == stamp and is_kb_site(site_dir):
            last_log = stamp_file.with_suffix(".log").read_text(encoding="utf-8").splitlines()
            return last_log + ["INFO: kb: nothing changed since the last build; the site is up to date"]
    except OSError:
        pass
    try:
        with terminate_as_interrupt():
            if stamp_file.is_file():
                stamp_file.unlink()
            lines = _build(root, site_dir, strict_content, verbose)
    except OSError as exc:
        raise FileSystemError(file_system_message(exc, root)) from None
    if stamp:
        try:
            stamp_file.with_suffix(".log").write_text("\n".join(lines) + "\n", encoding="utf-8")
            stamp_file.write_text(stamp, encoding="utf-8")
        except OSError:
            pass  # no stamp: the next build simply runs in full
    return lines


def _site_stamp(root: Path, site_dir: Path, strict_content: bool, verbose: bool) -> str:
    """What a built site depends on: every input file, kb's code, mkdocs.yml, the versions, the settings."""
    from importlib.metadata import version

    from .cache import digest, input_digest

    config = root / "mkdocs.yml"
    assets = Path(__file__).resolve().parent / "assets"
    return digest(input_digest(root / "content", root / "templates", assets), str(site_dir),
                  config.read_text(encoding="utf-8") if config.exists() else "",
                  version("mkdocs"), version("mkdocs-material"), str(strict_content), str(verbose),
                  os.environ.get("KB_SITE_URL", ""), source_date_epoch(root) or "")


def _build(root: Path, site_dir: Path, strict_content: bool, verbose: bool) -> list[str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

    epoch = source_date_epoch(root)
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    ensure_docs_dir(root)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_dirs(site_dir.parent)
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    tmp: Path | None = None
    try:
        with deferred_signals(redeliver=True):  # a stop now must not lose track of the new folder
            tmp = _new_temp_dir(site_dir.parent, ".site-")
        mkdocs_log.addHandler(handler)
        mkdocs_log.setLevel(logging.INFO)
        if strict_content:
            os.environ["KB_STRICT"] = "1"
        os.environ["KB_SITE_CHECKS_MARKUP"] = "1"  # reject_unsafe_markup below checks every page once
        if verbose:
            os.environ["KB_VERBOSE"] = "1"
        with contextlib.chdir(root):
            config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp))
            build(config)
            reject_unsafe_markup(tmp, config)
        (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        (tmp / BUILDING).unlink()
        raise_if_stopped()
        with deferred_signals():
            old = _swap(tmp, site_dir)
            tmp = None
            site_in_place.append(site_dir)
            if old is not None:
                remove_tree(old)
    except (Abort, ConfigurationError, MkDocsException) as exc:
        raise SiteError(_clean_message(exc, lines.getvalue())) from None
    finally:
        if tmp is not None:
            remove_tree(tmp)
        mkdocs_log.removeHandler(handler)
        mkdocs_log.setLevel(level)
        os.environ.pop("KB_STRICT", None)
        os.environ.pop("KB_SITE_CHECKS_MARKUP", None)
        os.environ.pop("KB_VERBOSE", None)
    return lines.getvalue().splitlines()


def reject_unsafe_markup(site: Path, config) -> None:
    """Defence in depth: no page of the new site may hold markup outside the allowlist.

    The kb plugin checked each page it rendered (in both rendering processes) and kept a
    digest of the bytes it checked: a file holding exactly those bytes is not parsed again.
    """
    from .allowlist import extra_script_paths, site_offence_lines
    from .mkdocs_plugin import KbPlugin

    verified: dict = {}
    for plugin in config.plugins.values():
        if isinstance(plugin, KbPlugin):
            verified.update(plugin.verified)
    lines = site_offence_lines(site, extra_script_paths(config), verified)
    if lines:
        raise SiteError("\n".join(lines + [f"kb: {len(lines)} piece(s) of markup outside the allowlist; "
                                            "the previous site is unchanged"]))


def _clean_message(exc: BaseException, log_text: str) -> str:
    message = str(exc) or exc.__class__.__name__
    warnings = [line for line in log_text.splitlines() if line.startswith(("WARNING", "ERROR"))]
    return "\n".join(warnings + [message])


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2). False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(new: Path, site_dir: Path) -> Path | None:
    """Put `new` at site_dir. Returns the folder now holding the old site, to be removed."""
    if not os.path.lexists(site_dir):
        os.rename(new, site_dir)
        return None
    if _exchange(new, site_dir):
        return new  # site_dir was never missing: the two names swapped in one step
    # Elsewhere: two renames; a kill between them leaves the old site in .site-old-*/site.
    old = _new_temp_dir(site_dir.parent, ".site-old-")
    (old / BUILDING).unlink()
    (old / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    os.rename(site_dir, old / "site")
    os.rename(new, site_dir)
    return old
