"""Small fixture projects for attribution and linking tests: entities and articles written inline,
run through the real load → validate → link phases (builder.pipeline.check)."""

from __future__ import annotations

import shutil
from pathlib import Path

from builder.pipeline import check

KB_YML = Path(__file__).resolve().parent / "fixtures" / "minimal" / "content" / "kb.yml"


def make_project(root: Path, entities: dict[str, dict], articles: dict[str, str]) -> Path:
    """entities: id -> {name, type, aliases?, short_names?}; articles: id -> body (Markdown)."""
    content = root / "content"
    (content / "entities").mkdir(parents=True)
    (content / "articles").mkdir(parents=True)
    shutil.copy(KB_YML, content / "kb.yml")
    for entity_id, spec in entities.items():
        lines = [f"name: {spec['name']}", f"type: {spec['type']}"]
        for key in ("aliases", "short_names"):
            if spec.get(key):
                lines.append(f"{key}:")
                lines += [f"  - {value}" for value in spec[key]]
        lines.append("summary: A test entity.")
        (content / "entities" / f"{entity_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for article_id, body in articles.items():
        front = f"---\ntitle: {article_id}\npublisher: The Test Wire\ndate: 2024-04-10\n---\n\n"
        (content / "articles" / f"{article_id}.md").write_text(front + body.strip() + "\n", encoding="utf-8")
    return content


def linked(root: Path, entities: dict[str, dict], articles: dict[str, str]):
    content = make_project(root, entities, articles)
    result = check(content, root)
    assert not result.errors, [str(d) for d in result.errors]
    return result


def speakers(result, article_id: str) -> list[tuple[str, str | None, str | None]]:
    """(first words of the quote, speaker id, speaker as written) for every quote of the article."""
    return [(" ".join(q.text.split()[:3]), q.speaker, q.speaker_text) for q in result.linked[article_id].quotes]
