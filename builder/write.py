"""Phase 6, write: the one function that puts generated files on disk.

Only files whose bytes changed are written (so mtimes, `mkdocs --dirty` and
live-reload stay meaningful); files no longer generated are removed; a path
can be generated only once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass
class WriteReport:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


class DuplicateOutput(ValueError):
    pass


def write_outputs(out_dir: Path, files: dict[str, str | bytes]) -> WriteReport:
    """Make out_dir hold exactly `files` (relative posix path -> content)."""
    report = WriteReport()
    wanted: set[Path] = set()
    for rel, content in sorted(files.items()):
        parts = PurePosixPath(rel).parts
        if rel.startswith("/") or ".." in parts or not parts:
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        path = out_dir.joinpath(*parts)
        if path in wanted:
            raise DuplicateOutput(f"two outputs for one path: {rel}")
        wanted.add(path)
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            if path.read_bytes() == data:
                report.unchanged += 1
                continue
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".kb-tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        report.written += 1
    if out_dir.exists():
        for path in sorted(out_dir.rglob("*"), reverse=True):
            if path.name.startswith("."):
                continue  # .gitkeep and friends belong to the user
            if path.is_file() and path not in wanted:
                path.unlink()
                report.removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return report
