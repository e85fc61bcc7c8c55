"""Reading Reuters-21578 (the 22 reut2-NNN.sgm files) from a folder or a bare git mirror.

Standard library only. The corpus is never copied into this repository: point the
scripts at it with --corpus (a folder holding the .sgm files, or a git directory
such as /work/.mirror/loki86+ksr_zadanie1V2/repo whose HEAD holds them).
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

CANONICAL = re.compile(r"(?:^|/)reut2-(\d{3})(-full)?\.sgm$")
_DOC = re.compile(r"<REUTERS\b(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.S)
_MONTHS = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}


@dataclass
class Story:
    newid: int
    date: str  # YYYY-MM-DD
    title: str
    dateline: str
    raw_body: str  # as in the file, entities decoded


def _files(corpus: Path) -> dict[str, bytes]:
    """name -> bytes of every canonical reut2 file (the '-full' copy wins over a cut one)."""
    out: dict[str, tuple[int, bytes]] = {}
    if corpus.is_dir() and (corpus / "HEAD").exists() and (corpus / "objects").is_dir():
        listing = subprocess.run(["git", "--git-dir", str(corpus), "ls-tree", "-r", "--name-only", "HEAD"],
                                 check=True, capture_output=True, text=True).stdout.split("\n")
        for name in listing:
            m = CANONICAL.search(name)
            if m:
                data = subprocess.run(["git", "--git-dir", str(corpus), "show", f"HEAD:{name}"],
                                      check=True, capture_output=True).stdout
                rank = 1 if m.group(2) else 0
                if m.group(1) not in out or rank > out[m.group(1)][0]:
                    out[m.group(1)] = (rank, data)
    else:
        for path in sorted(corpus.rglob("reut2-*.sgm")):
            m = CANONICAL.search(path.as_posix())
            if m:
                rank = 1 if m.group(2) else 0
                if m.group(1) not in out or rank > out[m.group(1)][0]:
                    out[m.group(1)] = (rank, path.read_bytes())
    if not out:
        raise SystemExit(f"no reut2-NNN.sgm files found in {corpus}")
    return {k: v[1] for k, v in sorted(out.items())}


def _field(body: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", body, re.S)
    return html.unescape(m.group(1)) if m else ""


def _date(text: str) -> str:
    m = re.match(r"\s*(\d{1,2})-([A-Z]{3})-(\d{4})", text)
    if not m:
        return ""
    return f"{int(m.group(3)):04d}-{_MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"


def read_stories(corpus: Path) -> dict[int, Story]:
    stories: dict[int, Story] = {}
    for data in _files(corpus).values():
        text = data.decode("latin-1")
        for m in _DOC.finditer(text):
            newid = re.search(r'NEWID="(\d+)"', m.group("attrs"))
            if not newid:
                continue
            body = m.group("body")
            raw = _field(body, "BODY")
            if not raw:
                continue
            stories[int(newid.group(1))] = Story(
                int(newid.group(1)), _date(_field(body, "DATE")), _field(body, "TITLE").strip(),
                _field(body, "DATELINE").strip(), raw,
            )
    return stories


def paragraphs(raw: str) -> list[str]:
    """The body as paragraphs: Reuters starts each with an indent; wrapped lines are joined."""
    raw = raw.replace("\x03", "")
    raw = re.sub(r"\s*\b(?:Reuter|REUTER)\s*$", "", raw.rstrip())
    out: list[list[str]] = []
    for line in raw.split("\n"):
        if not line.strip():
            if out and out[-1]:
                out.append([])
            continue
        if line.startswith(" ") or not out:
            out.append([line.strip()])
        else:
            out[-1].append(line.strip())
    return [" ".join(p) for p in out if p]
