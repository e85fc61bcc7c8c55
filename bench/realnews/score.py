"""Score kb's quote attribution and person-mention linking on hand-annotated Reuters stories.

    .venv/bin/python bench/realnews/score.py [--split dev|test|all] [--corpus PATH] [--json OUT|-]

Converts the annotated articles (convert.py) into a temporary kb project, runs kb's own
pipeline (`builder.pipeline.check`) on it, and compares what kb found with
annotations.jsonl. It scores whatever `builder` the running Python imports, so another
worktree's code is scored by running this file with that worktree's interpreter
(or with --kb-root /path/to/worktree, which is put first on sys.path).

Matching: kb's quotes are located in their block (paragraph) by their text; a kb quote
matches an annotated one in the same paragraph when their character spans overlap by at
least half of the shorter. Mentions match when the spans overlap in the same paragraph.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from convert import DEFAULT_CORPUS, convert  # noqa: E402

MIN_WORDS = 4  # kb's unit: a direct quotation of at least four words
TITLES = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Sir|Lord|Sen|Senator|Rep|President|Secretary|Minister|Chancellor|Chairman|Governor|"
    r"Premier|Prime Minister|Spokesman|Director|Commissioner|chairman|president|governor|minister|secretary|"
    r"spokesman|director|Representative|Gen|General|Judge|analyst)\.?\s+$"
)


def load_annotations(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(json.loads(line))
    return rows


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    at = text.find(needle)
    if at >= 0:
        return at, at + len(needle)
    words = needle.split()
    for n in (8, 5, 3):
        if len(words) >= n:
            at = text.find(" ".join(words[:n]))
            if at >= 0:
                return at, at + len(needle)
    return None


def run_kb(project: Path):
    from builder.pipeline import check  # the builder on sys.path: this worktree's or another's

    result = check(project / "content", project)
    if result.linked is None:
        lines = [str(d) if not hasattr(d, "format") else d.format() for d in result.errors]
        raise SystemExit("kb check found errors; nothing was linked:\n" + "\n".join(lines[:40]))
    return result


def collect(result, article_ids: list[str]):
    """Per article: paragraph texts, kb quotes (paragraph, span, speaker) and person mentions."""
    kb = result.kb
    types = {eid: e.type for eid, e in kb.entities.items()}
    out = {}
    for aid in article_ids:
        article = kb.articles[aid]
        blocks = [b for b in article.blocks if b.kind == "paragraph"]
        by_number = {b.number: i for i, b in enumerate(blocks)}
        by_anchor = {b.anchor: i for i, b in enumerate(blocks)}
        linked = result.linked[aid]
        quotes = []
        for q in linked.quotes:
            anchors = [s.anchor for s in q.sources if s.article_id == aid] or [None]
            para = by_anchor.get(anchors[0])
            block = getattr(q, "block", None)
            if para is None and isinstance(block, int):
                para = by_number.get(block)
            span = None
            if para is not None:
                span = _locate(blocks[para].text, q.sources[0].text if q.sources else q.text)
            if para is None or span is None:
                for i, b in enumerate(blocks):
                    span = _locate(b.text, q.text)
                    if span:
                        para = i
                        break
            quotes.append({"paragraph": para, "span": span, "text": q.text, "speaker": q.speaker,
                           "speaker_text": getattr(q, "speaker_text", None),
                           "has_speaker_text": hasattr(q, "speaker_text")})
        mentions = [{"paragraph": by_number.get(m.block), "span": (m.start, m.end), "entity": m.entity_id}
                    for m in linked.mentions if types.get(m.entity_id) == "person" and m.block in by_number]
        out[aid] = {"paragraphs": [b.text for b in blocks], "quotes": quotes, "mentions": mentions}
    return out, types


def _surname_class(row: dict, paragraph: str, names: dict[str, str]) -> str:
    surface = row["surface"]
    before = paragraph[: row["start"]]
    after = paragraph[row["end"]: row["end"] + 2]
    name = names.get(row["entity"], "")
    if surface == name:
        kind = "full name"
    elif len(surface.split()) == 1 and name.split() and surface == name.split()[-1]:
        kind = "surname"
    else:
        kind = "other name form"
    if kind == "surname" and TITLES.search(before[-30:]):
        kind = "title + surname"
    if kind == "full name" and TITLES.search(before[-30:]):
        kind = "title + full name"
    if after.startswith("'s"):
        kind += " (possessive)"
    return kind


_SENTENCE_END = re.compile(r"[.!?][\"']?\s+[\"']?[A-Z]")
_TITLE_WORDS = {"Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "Sen", "Senator", "President", "Secretary", "Minister",
                "Chancellor", "Chairman", "Governor", "Premier", "Prime", "Foreign", "Finance", "Trade", "Treasury",
                "Energy", "Agriculture", "Commerce", "Deputy", "Vice", "Leader", "Spokesman", "The", "But", "And",
                "Director", "Chief", "Executive", "Adviser", "Representative", "Sen.", "Rep.", "Gen.", "FBI", "CIA"}


def _wrong_class(gold: dict | None, kbq: dict, paragraph: str, kbdata: dict, previous_speakers: list,
                 entity_ids: set[str], types: dict[str, str] | None = None) -> str:
    types = types or {}
    if gold is None:
        return "speaker given to text that is not a quotation (wrong marks paired)"
    if gold["kind"] == "not_a_quote":
        return "speaker given to scare quotes / a term"
    said = kbq["speaker"]
    spans = [m["span"] for m in kbdata.get("all_mentions", []) if m["paragraph"] == kbq["paragraph"] and m["entity"] == said]
    if not spans:
        return "speaker carried over from an earlier paragraph"
    if any(re.search(r"\btold\s+(?:the\s+)?$", paragraph[max(0, s - 12): s]) for s, _ in spans):
        return "audience taken as the speaker (told X)"
    if types.get(said) == "organisation" and types.get(gold["speaker"]) == "person":
        return "the speaker's organisation taken (employer / party named with the speaker)"
    qstart = kbq["span"][0] if kbq["span"] else gold["start"]
    sentence = re.split(r"(?<=[.!?])[\"']?\s+(?=[\"']?[A-Z])", paragraph[:qstart])[-1]
    if re.match(r"^\W*(?:But |And |However, )?(?:he|she|He|She)\s+(?:\w+\s+)?(?:said|says|added|noted|told)\b", sentence):
        return "pronoun subject (he said ...): another entity in the sentence taken"
    if said in previous_speakers:
        return "earlier speaker in the paragraph carried over"
    qs, qe = kbq["span"] or (gold["start"], gold["end"])
    def other_sentence(s: int, e: int) -> bool:
        between = paragraph[max(0, qe - 3):s] if s >= qe else paragraph[e:qs]
        return bool(_SENTENCE_END.search(between))
    gold_spans = [m["span"] for m in kbdata.get("all_mentions", [])
                  if m["paragraph"] == kbq["paragraph"] and m["entity"] == gold["speaker"]]
    if types.get(said) == "organisation" and types.get(gold["speaker"]) == "person" and gold_spans:
        return "the speaker's organisation taken (employer / party named with the speaker)"
    if all(other_sentence(s, e) for s, e in spans):
        return "an entity named in a neighbouring sentence taken"
    if gold["speaker"] not in entity_ids:
        return "speaker not in the KB: an entity named nearby taken"
    for s, e in spans:
        before = re.search(r"([A-Z][\w.&-]*)\s+$", paragraph[max(0, s - 25): s])
        after = re.match(r"\s+([A-Z][\w.&-]*)", paragraph[e: e + 25])
        if (before and before.group(1) not in _TITLE_WORDS) or (after and after.group(1) not in _TITLE_WORDS):
            return "entity inside a longer name taken"
    return "another entity in the sentence taken (not the subject of the speech verb)"


def score(rows: list[dict], kbdata: dict, types: dict[str, str], names: dict[str, str], split: str) -> dict:
    arts = {r["id"]: r for r in rows if r["kind"] == "article" and (split == "all" or r["split"] == split)}
    entity_ids = set(types)
    gold_quotes = [r for r in rows if r["kind"] in ("quote", "not_a_quote") and r["id"] in arts]
    gold_mentions = [r for r in rows if r["kind"] == "mention" and r["id"] in arts]
    errors = defaultdict(list)
    c = Counter()
    matched_gold = defaultdict(list)  # gold index -> kb quotes
    for aid in arts:
        data = kbdata[aid]
        golds = [(i, g) for i, g in enumerate(gold_quotes) if g["id"] == aid]
        previous: dict[int, list] = defaultdict(list)
        for kbq in data["quotes"]:
            c["kb quotes"] += 1
            best, best_overlap = None, 0
            for i, g in golds:
                if kbq["span"] is None or g["paragraph"] != kbq["paragraph"]:
                    continue
                ov = _overlap(kbq["span"], (g["start"], g["end"]))
                shorter = min(kbq["span"][1] - kbq["span"][0], g["end"] - g["start"])
                if ov * 2 >= shorter and ov > best_overlap:
                    best, best_overlap = (i, g), ov
            gold = best[1] if best else None
            if best:
                matched_gold[best[0]].append(kbq)
            is_quote = gold is not None and gold["kind"] == "quote"
            c["kb quotes matching a quotation"] += is_quote
            if not is_quote:
                what = "scare quotes / a term / a title taken as a quotation" if gold else "text between unrelated marks taken as a quotation (wrong marks paired, apostrophe as a mark)"
                errors["quote detection: " + what].append(
                    {"article": aid, "paragraph": kbq["paragraph"], "kb_text": kbq["text"][:80], "kb_speaker": kbq["speaker"]})
            if kbq["speaker"] is None:
                continue
            c["attributed"] += 1
            para_text = data["paragraphs"][kbq["paragraph"]] if kbq["paragraph"] is not None else ""
            if is_quote and gold["speaker"] == kbq["speaker"]:
                c["attributed right"] += 1
            else:
                cls = _wrong_class(gold, kbq, para_text, data, previous[kbq["paragraph"]], entity_ids, types)
                errors["wrong speaker: " + cls].append(
                    {"article": aid, "paragraph": kbq["paragraph"], "quote": (gold or {}).get("excerpt") or kbq["text"][:80],
                     "true": (gold or {}).get("speaker"), "kb": kbq["speaker"]})
            previous[kbq["paragraph"]].append(kbq["speaker"])
    # recall side
    for i, g in enumerate(gold_quotes):
        if g["kind"] != "quote":
            continue
        long = g["words"] >= MIN_WORDS
        tag = "" if long else " (< 4 words)"
        c["quotations" + tag] += 1
        found = matched_gold.get(i, [])
        c["quotations detected" + tag] += bool(found)
        if g["speaker"] in entity_ids and types.get(g["speaker"]) in ("person", "organisation"):
            c["entity-spoken quotations" + tag] += 1
            speakers = {q["speaker"] for q in found}
            if g["speaker"] in speakers:
                c["entity-spoken right" + tag] += 1
            else:
                para = kbdata[g["id"]]["paragraphs"][g["paragraph"]]
                if not found:
                    cls = "quotation not detected" + (" (shorter than 4 words)" if not long else "")
                elif speakers - {None}:
                    cls = "attributed to someone else (see wrong speaker)"
                else:
                    named_here = any(m["paragraph"] == g["paragraph"] and m["entity"] == g["speaker"]
                                     for m in kbdata[g["id"]].get("all_mentions", []))
                    if named_here:
                        cls = "abstained although the speaker is linked in the paragraph"
                    elif g.get("continued"):
                        cls = "abstained on a quotation continued from the previous paragraph"
                    elif re.search(r"\b(?:he|she|they)\s+(?:said|added|says|told|noted|argued)\b|\bsaid\s+(?:he|she)\b", para):
                        cls = "abstained: pronoun attribution (he said)"
                    else:
                        cls = "abstained: speaker named only by a form kb did not link (surname, title)"
                errors["missed attribution: " + cls].append(
                    {"article": g["id"], "paragraph": g["paragraph"], "quote": g["excerpt"], "true": g["speaker"]})
        if found and all(q["speaker"] is None for q in found):
            c["detected, unattributed"] += 1
        if g["speaker"] not in entity_ids and g["speaker"] != "unknown":
            c["quotations by speakers outside the KB"] += 1
            stop = {"a", "an", "the", "one", "of", "at", "in", "for", "another", "said", "and"}
            gold_words = {w for w in re.findall(r"[a-z]+", g["speaker"].lower()) if w not in stop}
            for q in found:
                said_words = {w for w in re.findall(r"[a-z]+", (q.get("speaker_text") or "").lower()) if w not in stop}
                if q["speaker"] is None and gold_words & said_words:
                    c["outside speakers named as the text names them"] += 1
                    break
    # mentions
    for aid in arts:
        data = kbdata[aid]
        golds = [g for g in gold_mentions if g["id"] == aid]
        used = set()
        for m in data["mentions"]:
            c["kb person mentions"] += 1
            hit = None
            for j, g in enumerate(golds):
                if g["paragraph"] == m["paragraph"] and _overlap(m["span"], (g["start"], g["end"])) > 0:
                    hit = (j, g)
                    if g["entity"] == m["entity"]:
                        break
            text = data["paragraphs"][m["paragraph"]][m["span"][0]:m["span"][1]]
            if hit and hit[1]["entity"] == m["entity"]:
                c["kb person mentions right"] += 1
                used.add(hit[0])
            else:
                if hit is None:
                    cls = "false mention: a span not annotated as any curated person"
                elif hit[1]["entity"] is None:
                    cls = "false mention: another person / non-person use of the name"
                else:
                    cls = "false mention: the wrong curated person"
                errors[cls].append({"article": aid, "paragraph": m["paragraph"], "text": text, "kb": m["entity"],
                                    "true": hit[1]["entity"] if hit else None})
        for j, g in enumerate(golds):
            if g["entity"] is None:
                c["negative mentions"] += 1
                continue
            c["person mentions"] += 1
            if j in used:
                c["person mentions found"] += 1
                continue
            para = data["paragraphs"][g["paragraph"]]
            errors["missed mention: " + _surname_class(g, para, names)].append(
                {"article": aid, "paragraph": g["paragraph"], "text": g["surface"], "true": g["entity"],
                 "context": para[max(0, g["start"] - 40): g["end"] + 20]})

    def ratio(a, b):
        return round(c[a] / c[b], 3) if c[b] else None

    metrics = {
        "articles": len(arts),
        "attribution precision": ratio("attributed right", "attributed"),
        "attribution recall (entity speakers, >= 4 words)": ratio("entity-spoken right", "entity-spoken quotations"),
        "attribution recall (entity speakers, all lengths)": (
            round((c["entity-spoken right"] + c["entity-spoken right (< 4 words)"])
                  / (c["entity-spoken quotations"] + c["entity-spoken quotations (< 4 words)"]), 3)
            if c["entity-spoken quotations"] + c["entity-spoken quotations (< 4 words)"] else None),
        "abstention rate (detected quotations left unattributed)": ratio("detected, unattributed", "quotations detected"),
        "quote detection precision": ratio("kb quotes matching a quotation", "kb quotes"),
        "quote detection recall (>= 4 words)": ratio("quotations detected", "quotations"),
        "speakers outside the KB shown as text (speaker_text, if kb has it)": ratio(
            "outside speakers named as the text names them", "quotations by speakers outside the KB")
        if any(q.get("has_speaker_text") for a in arts for q in kbdata[a]["quotes"]) else None,
        "person mention precision": ratio("kb person mentions right", "kb person mentions"),
        "person mention recall": ratio("person mentions found", "person mentions"),
    }
    return {"split": split, "metrics": metrics, "counts": dict(sorted(c.items())),
            "errors": {k: v for k, v in sorted(errors.items(), key=lambda kv: (-len(kv[1]), kv[0]))}}


def report(s: dict) -> str:
    lines = [f"== {s['split']} ({s['metrics']['articles']} articles)"]
    for k, v in s["metrics"].items():
        if k != "articles":
            lines.append(f"  {k:58s} {v}")
    lines.append("  counts: " + ", ".join(f"{k}={v}" for k, v in s["counts"].items()))
    for cls, items in s["errors"].items():
        lines.append(f"  [{len(items):3d}] {cls}")
        for item in items[:3]:
            lines.append("          e.g. " + json.dumps(item, ensure_ascii=False))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--annotations", type=Path, default=HERE / "annotations.jsonl")
    ap.add_argument("--kb-root", type=Path, help="a kb worktree whose builder/ to score (put first on sys.path)")
    ap.add_argument("--json", help="write the full result as JSON to this file ('-' for stdout)")
    ap.add_argument("--keep", type=Path, help="write the converted project here and keep it")
    ap.add_argument("--all-errors", action="store_true", help="list every error, not three per class")
    args = ap.parse_args(argv)
    if args.kb_root:
        sys.path.insert(0, str(args.kb_root.resolve()))
    rows = load_annotations(args.annotations)
    ids = [r["newid"] for r in rows if r["kind"] == "article"]
    with tempfile.TemporaryDirectory(prefix="kb-realnews-") as tmp:
        project = args.keep or Path(tmp)
        convert(args.corpus, project, ids)
        result = run_kb(project)
        import builder

        aids = [r["id"] for r in rows if r["kind"] == "article"]
        kbdata, types = collect(result, aids)
        names = {eid: e.name for eid, e in result.kb.entities.items()}
        for aid in aids:  # every mention (any type), for error classes
            blocks = {b.number: i for i, b in enumerate(b for b in result.kb.articles[aid].blocks if b.kind == "paragraph")}
            kbdata[aid]["all_mentions"] = [{"paragraph": blocks.get(m.block), "span": (m.start, m.end), "entity": m.entity_id}
                                           for m in result.linked[aid].mentions]
        # the converted paragraphs must be the texts the offsets refer to
        from reuters import paragraphs, read_stories  # noqa: F401
        mismatched = [r for r in rows if r["kind"] == "article" and len(kbdata[r["id"]]["paragraphs"]) != r["paragraphs"]]
        for r in rows:  # every annotated span must read the same in kb's block text
            if r["kind"] == "mention":
                paras = kbdata[r["id"]]["paragraphs"]
                if r["paragraph"] >= len(paras) or paras[r["paragraph"]][r["start"]:r["end"]] != r["surface"]:
                    mismatched.append(r)
            elif r["kind"] in ("quote", "not_a_quote"):
                paras = kbdata[r["id"]]["paragraphs"]
                span = paras[r["paragraph"]][r["start"]:r["end"]] if r["paragraph"] < len(paras) else ""
                if " ".join(r["excerpt"].split()[:3]) not in span:
                    mismatched.append(r)
        warnings = [d for d in result.diagnostics if getattr(d, "severity", "") == "warning"]
    splits = ["dev", "test", "all"] if args.split == "all" else [args.split]
    scored = [score(rows, kbdata, types, names, s) for s in splits]
    header = (f"builder: {Path(builder.__file__).resolve().parent}\n"
              f"kb check: {len(warnings)} warnings, 0 errors; annotations not found at their offsets: {len(mismatched)}")
    if args.json:
        payload = json.dumps({"builder": str(Path(builder.__file__).resolve().parent), "results": scored},
                             ensure_ascii=False, indent=1)
        if args.json == "-":
            print(payload)
            return 0
        Path(args.json).write_text(payload, encoding="utf-8")
    print(header)
    for s in scored:
        if args.all_errors:
            s = dict(s)
        text = report(s) if not args.all_errors else report_all(s)
        print(text)
    return 0


def report_all(s: dict) -> str:
    lines = [report({**s, "errors": {}})]
    for cls, items in s["errors"].items():
        lines.append(f"  [{len(items):3d}] {cls}")
        lines += ["          " + json.dumps(i, ensure_ascii=False) for i in items]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
