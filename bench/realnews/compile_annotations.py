"""Turn the hand-written annotation source (annotations.src) into annotations.jsonl and entities/.

The source is what the annotator typed while reading each article; this script only
locates the spans it names in the text (offsets + a short excerpt) so the scorer can
find them again. It never decides a label. Line formats:

    E <id> | <Name> | <type> | <alias>; <alias>       an entity (entities/<id>.yaml)
    A <NEWID> <dev|test>                              an article; the lines below belong to it
    R <NEWID>                                         resume an article annotated above
    Q <para> <excerpt> => <speaker> [| not_a_quote] [| continued] [| end=<text>]
          a quotation opening in paragraph <para> whose text starts with <excerpt>;
          speaker: an entity id, a description as the text names it, or `unknown`;
          end=<text>: the quotation runs over stray marks to the mark after <text>
    M <entity-id or -> : <surface>; <surface> [@<para>,<para>]
          every whole-word occurrence of each surface (in the listed paragraphs, or all)
          is a person mention of that entity; `-` marks them as negatives (must not link
          to any curated person)

    python bench/realnews/compile_annotations.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from convert import DEFAULT_CORPUS, article_id, body_offsets, escape  # noqa: E402
from reuters import paragraphs, read_stories  # noqa: E402


def excerpt(text: str, words: int = 12) -> str:
    return " ".join(text.split()[:words])


def quote_span(para: str, start_text: str) -> tuple[int, int]:
    """From the opening mark just before start_text to its closing mark (or the paragraph's end)."""
    if start_text.startswith("^"):  # a continued quotation printed without its opening mark
        if not para.startswith(start_text[1:]):
            raise ValueError(f"paragraph does not start with {start_text[1:]!r}")
        close = para.find('"')
        return 0, (close + 1 if close >= 0 else len(para))
    at = para.find(start_text)
    if at < 0:
        raise ValueError(f"excerpt not found: {start_text!r} in {para[:80]!r}")
    if para[at] == '"':
        at += 1
    if at == 0 or para[at - 1] != '"':
        raise ValueError(f"no opening mark right before {start_text!r}")
    close = para.find('"', at)
    return at - 1, (close + 1 if close >= 0 else len(para))


def _body_span(offsets, body: str, paras: list[str], para: int, start: int, end: int) -> dict:
    """The span's offsets in the converted article body (the Markdown after the front matter)."""
    base, where = offsets[para]
    body_start, body_end = base + where[start], base + where[end - 1] + 1
    if re.sub(r"\\(.)", r"\1", body[body_start:body_end]) != paras[para][start:end]:
        raise ValueError(f"body offsets do not map back to {paras[para][start:end][:40]!r}")
    return {"body_start": body_start, "body_end": body_end}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    stories = read_stories(args.corpus)
    rows, entities, errors = [], {}, []
    current, paras, split = None, [], None
    for number, line in enumerate((HERE / "annotations.src").read_text(encoding="utf-8").splitlines(), 1):
        line = line.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tag, _, rest = line.partition(" ")
        try:
            if tag == "E":
                eid, name, etype, *more = [x.strip() for x in rest.split("|")]
                aliases = [a.strip() for a in more[0].split(";") if a.strip()] if more else []
                entities[eid] = (name, etype, aliases)
            elif tag == "A":
                newid, split = rest.split()
                current = int(newid)
                paras = paragraphs(stories[current].raw_body)
                offsets = body_offsets(paras)
                body = "\n\n".join(escape(x) for x in paras)
                rows.append({"kind": "article", "newid": current, "id": article_id(current), "split": split,
                             "title": stories[current].title, "paragraphs": len(paras)})
            elif tag == "R":  # resume an article annotated above
                current = int(rest.split()[0])
                split = next(r["split"] for r in rows if r["kind"] == "article" and r["newid"] == current)
                paras = paragraphs(stories[current].raw_body)
                offsets = body_offsets(paras)
                body = "\n\n".join(escape(x) for x in paras)
            elif tag == "Q":
                m = re.match(r"(\d+)\s+(.*?)\s*=>\s*(.*)$", rest)
                para_no, start_text, tail = int(m.group(1)), m.group(2), m.group(3)
                parts = [p.strip() for p in tail.split("|")]
                speaker, flags = parts[0], set(parts[1:])
                para = paras[para_no]
                start, end = quote_span(para, start_text)
                until = [f[4:] for f in flags if f.startswith("end=")]
                if until:  # the quotation runs over stray marks (it"s) up to the mark after this text
                    at = para.find(until[0], start)
                    if at < 0:
                        raise ValueError(f"end text not found: {until[0]!r}")
                    close = para.find('"', at + len(until[0]) - 1)
                    end = close + 1 if close >= 0 else len(para)
                inner = para[start:end].strip('"').strip()
                rows.append({"kind": "not_a_quote" if "not_a_quote" in flags else "quote",
                             "newid": current, "id": article_id(current), "split": split,
                             "paragraph": para_no, "start": start, "end": end,
                             **_body_span(offsets, body, paras, para_no, start, end),
                             "excerpt": excerpt(inner), "words": len(inner.split()),
                             "speaker": None if "not_a_quote" in flags else speaker,
                             "continued": "continued" in flags})
            elif tag == "M":
                m = re.match(r"(\S+)\s*:\s*(.*?)\s*(?:@([\d,]+))?$", rest)
                entity, surfaces, only = m.group(1), m.group(2), m.group(3)
                only_paras = {int(x) for x in only.split(",")} if only else None
                for surface in sorted((s.strip() for s in surfaces.split(";") if s.strip()), key=len, reverse=True):
                    found = 0
                    for index, para in enumerate(paras):
                        if only_paras is not None and index not in only_paras:
                            continue
                        for hit in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", para):
                            taken = any(r.get("kind") == "mention" and r["newid"] == current and r["paragraph"] == index
                                        and r["start"] < hit.end() and hit.start() < r["end"] for r in rows)
                            if taken:
                                continue
                            found += 1
                            rows.append({"kind": "mention", "newid": current, "id": article_id(current),
                                         "split": split, "paragraph": index, "start": hit.start(),
                                         "end": hit.end(),
                                         **_body_span(offsets, body, paras, index, hit.start(), hit.end()),
                                         "surface": surface,
                                         "entity": None if entity == "-" else entity})
                    if not found:
                        raise ValueError(f"surface {surface!r} not found")
            else:
                raise ValueError(f"unknown line tag {tag!r}")
        except Exception as exc:  # report every bad line, not just the first
            errors.append(f"annotations.src:{number}: {exc}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    out = HERE / "annotations.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        fh.write("# generated by compile_annotations.py from annotations.src. start/end: offsets into paragraph\n")
        fh.write("# <paragraph> (0-based) of the body = kb's block text; body_start/body_end: offsets into the\n")
        fh.write("# converted article's Markdown body (after the front matter). Excerpts are <= 12 words.\n")
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    folder = HERE / "entities"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for eid, (name, etype, aliases) in sorted(entities.items()):
        text = ["# yaml-language-server: $schema=../../../schema/entity.schema.json",
                f"name: {json.dumps(name)}", f"type: {etype}"]
        if aliases:
            text.append("aliases:")
            text += [f"  - {json.dumps(a)}" for a in aliases]
        (folder / f"{eid}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    counts = {}
    for row in rows:
        counts[(row["kind"], row.get("split"))] = counts.get((row["kind"], row.get("split")), 0) + 1
    print(json.dumps({f"{k}/{s}": v for (k, s), v in sorted(counts.items())}), f"entities={len(entities)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
