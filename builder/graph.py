"""The entity graphs drawn as SVG in Python: no JavaScript library, nothing fetched.

Two pictures, each made for reading rather than for completeness:

- the global graph shows the entities that matter most (at most `GLOBAL_NODES`, ranked by
  sources and connections) with the lines between them; entities with no line to any
  other are listed under it instead of floating in empty space. Layout is a seeded
  Fruchterman–Reingold simulation over those few nodes, so memory and time stay flat
  however many entities the knowledge base holds;
- an entity's local graph is a fan: the entity on the left, one row per neighbour on the
  right, so labels can never overlap and the picture is only as tall as it needs to be.

Labels are placed greedily, most important node first, at the first of eight spots that
overlaps no other label or node and stays inside the frame; a node whose label does not
fit keeps its tooltip. Colours come from one palette, by entity type, shared by the nodes
and the legend (CSS classes `kb-c0` … `kb-c9`). Nodes are links, so a click opens the
page even with JavaScript off; kb.js only adds zoom and pan to the global graph.
"""

from __future__ import annotations

import math
from html import escape
from typing import Callable

import numpy as np

PALETTE_SIZE = 10
GLOBAL_NODES = 80  # what a reader can take in at once; the rest are on the type pages
GLOBAL_WIDTH, GLOBAL_HEIGHT = 1000, 680
GLOBAL_FONT = 18  # viewBox units: ≥ 12 px on screen at the graph's minimum width (700 px)
LOCAL_NEIGHBOURS = 10
LOCAL_FONT = 14
LOCAL_ROW = 28
LOCAL_WIDTH = 380
LABEL_CHARS = 28
CHAR_WIDTH = 0.6  # of the font size: a generous average for the theme's sans-serif
GRAVITY = 0.5
CO_MENTION_EDGES_PER_NODE = 3


def type_classes(type_ids) -> dict[str, str]:
    """The colour class of each entity type, in vocabulary order (the legend uses the same)."""
    return {t: f"kb-c{i % PALETTE_SIZE}" for i, t in enumerate(type_ids)}


def force_layout(n: int, edges: list[tuple[int, int]], iterations: int = 120, seed: int = 7) -> np.ndarray:
    """Positions in the unit square for n nodes (Fruchterman–Reingold, cooled linearly).

    Memory is O(n²); callers keep n small (the global graph draws at most GLOBAL_NODES).
    """
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)
    src = np.array([a for a, _ in edges], dtype=int)
    dst = np.array([b for _, b in edges], dtype=int)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.sqrt((delta**2).sum(-1))
        np.fill_diagonal(distance, 1.0)
        distance = np.maximum(distance, 0.01)
        repulsion = (k * k / distance**2)[:, :, None] * delta
        displacement = repulsion.sum(axis=1)
        if len(edges):
            d = pos[src] - pos[dst]
            dist = np.maximum(np.sqrt((d**2).sum(-1)), 0.01)
            pull = (dist / k)[:, None] * d
            np.add.at(displacement, src, -pull)
            np.add.at(displacement, dst, pull)
        displacement -= GRAVITY * (pos - 0.5)  # keeps loose components near the middle
        length = np.maximum(np.sqrt((displacement**2).sum(-1)), 1e-9)
        pos += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
        pos -= pos.mean(axis=0) - 0.5
        temperature -= cooling
    low, high = pos.min(axis=0), pos.max(axis=0)
    return (pos - low) / np.maximum(high - low, 1e-9)


def _display_edges(graph, keep_ids: set[str]) -> list[tuple[str, str, str]]:
    keep = {(a, b): kind for a, b, kind in graph.edges if kind == "relation" and a in keep_ids and b in keep_ids}
    for entity_id in sorted(keep_ids):
        for other, _count in graph.entities[entity_id].related[:CO_MENTION_EDGES_PER_NODE]:
            if other in keep_ids:
                pair = tuple(sorted((entity_id, other)))
                keep.setdefault(pair, "co-mention")
    return sorted((a, b, kind) for (a, b), kind in keep.items())


def _importance(graph) -> dict[str, float]:
    degree: dict[str, int] = {e: 0 for e in graph.entities}
    for a, b, kind in graph.edges:
        if kind == "relation" and a in degree and b in degree:
            degree[a] += 1
            degree[b] += 1
    return {e: 2.0 * v.source_count + degree[e] + 0.1 * len(v.related) for e, v in graph.entities.items()}


def short_label(name: str, limit: int = LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _label_box(x: float, y: float, r: float, width: float, font: float, spot: int) -> tuple[tuple, str, float, float]:
    """One of eight spots around a node: (box, text-anchor, text x, text baseline y)."""
    h = font * 1.2
    gap = 3
    spots = [
        (x + r + gap, y - h / 2, "start"),            # right
        (x - r - gap - width, y - h / 2, "end"),      # left
        (x - width / 2, y - r - gap - h, "middle"),   # above
        (x - width / 2, y + r + gap, "middle"),       # below
        (x + r, y - r - h, "start"),                  # above right
        (x + r, y + r, "start"),                      # below right
        (x - r - width, y - r - h, "end"),            # above left
        (x - r - width, y + r, "end"),                # below left
    ]
    left, top, anchor = spots[spot]
    text_x = {"start": left, "end": left + width, "middle": left + width / 2}[anchor]
    return (left, top, left + width, top + h), anchor, text_x, top + font * 0.95


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(nodes: list[tuple[str, float, float, float, str]], width: float, height: float,
                 font: float) -> dict[str, tuple[str, float, float]]:
    """Greedy label placement. nodes: (id, x, y, radius, label), most important first.

    Returns id -> (anchor, x, y) for the labels that fit without overlapping any other
    label or any node, inside the frame.
    """
    node_boxes = [(x - r, y - r, x + r, y + r) for _, x, y, r, _ in nodes]
    placed: list[tuple] = []
    result: dict[str, tuple[str, float, float]] = {}
    for index, (node_id, x, y, r, label) in enumerate(nodes):
        text_width = CHAR_WIDTH * font * len(label)
        for spot in range(8):
            box, anchor, tx, ty = _label_box(x, y, r, text_width, font, spot)
            if box[0] < 2 or box[1] < 2 or box[2] > width - 2 or box[3] > height - 2:
                continue
            if any(_overlaps(box, other) for other in placed):
                continue
            if any(_overlaps(box, nb) for j, nb in enumerate(node_boxes) if j != index):
                continue
            placed.append(box)
            result[node_id] = (anchor, tx, ty)
            break
    return result


def entity_graph_svg(graph, href: Callable[[str], str]) -> str:
    """The global graph as HTML: legend, SVG, and a note on what is not drawn."""
    importance = _importance(graph)
    ranked = sorted(graph.entities, key=lambda e: (-importance[e], e))
    chosen = set(ranked[:GLOBAL_NODES])
    edges = _display_edges(graph, chosen)
    connected = {a for a, _, _ in edges} | {b for _, b, _ in edges}
    ids = sorted(connected)
    lonely = [e for e in ranked[:GLOBAL_NODES] if e not in connected]
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    pos = force_layout(len(ids), [(index[a], index[b]) for a, b, _ in edges])
    margin = 30
    xy = {e: (margin + pos[i, 0] * (GLOBAL_WIDTH - 2 * margin), margin + pos[i, 1] * (GLOBAL_HEIGHT - 2 * margin))
          for i, e in enumerate(ids)}
    degree = {e: 0 for e in ids}
    for a, b, _ in edges:
        degree[a] += 1
        degree[b] += 1
    radius = {e: 5 + min(9, 1.6 * math.sqrt(degree[e])) for e in ids}
    order = sorted(ids, key=lambda e: (-importance[e], e))
    labels = place_labels([(e, *xy[e], radius[e], short_label(graph.entities[e].entity.name)) for e in order],
                          GLOBAL_WIDTH, GLOBAL_HEIGHT, GLOBAL_FONT)
    svg = _svg(graph, ids, edges, xy, radius, labels, (GLOBAL_WIDTH, GLOBAL_HEIGHT), GLOBAL_FONT, href,
               "kb-graph-svg", "Graph of the main entities")
    total = len(graph.entities)
    parts = [_legend(graph), f'<div class="kb-graph-frame">{svg}</div>']
    note = [f"Showing the {len(ids)} most connected of {total} entities." if len(ids) < total
            else f"All {total} entities."]
    if lonely:
        links = ", ".join(f'<a href="{escape(href(e))}">{escape(graph.entities[e].entity.name)}</a>'
                          for e in sorted(lonely, key=lambda e: graph.entities[e].entity.name.lower()))
        note.append(f"Not connected to the others: {links}.")
    parts.append(f'<p class="kb-graph-note">{" ".join(note)}</p>')
    return "\n".join(parts)


def local_graph_svg(graph, entity_id: str, href: Callable[[str], str], limit: int = LOCAL_NEIGHBOURS) -> str:
    """The entity and its closest neighbours as a fan: one row per neighbour, labels never overlap."""
    view = graph.entities[entity_id]
    relations = {other for other, kind in view.neighbours if kind == "relation"}
    ranked = [other for other, kind in view.neighbours if kind == "relation"]
    ranked += [other for other, _ in view.related]
    neighbours = [o for o in dict.fromkeys(ranked) if o != entity_id and o in graph.entities][:limit]
    if not neighbours:
        return ""
    rows = len(neighbours)
    height = rows * LOCAL_ROW + 12
    centre = (22, height / 2)
    node_x = 150
    xy = {entity_id: centre}
    for i, other in enumerate(neighbours):
        xy[other] = (node_x, 6 + LOCAL_ROW * (i + 0.5))
    edges = [(entity_id, other, "relation" if other in relations else "co-mention") for other in neighbours]
    radius = {e: 6.0 for e in neighbours}
    radius[entity_id] = 10.0
    chars = int((LOCAL_WIDTH - node_x - 12) / (CHAR_WIDTH * LOCAL_FONT))
    labels = {other: ("start", node_x + 10, xy[other][1] + LOCAL_FONT * 0.35) for other in neighbours}
    return _svg(graph, [entity_id] + neighbours, edges, xy, radius, labels, (LOCAL_WIDTH, height), LOCAL_FONT,
                href, "kb-local-graph", f"Entities connected to {view.entity.name}", label_chars=chars,
                current=entity_id)


def _legend(graph) -> str:
    classes = type_classes(graph.kb.vocabulary.entity_types)
    used = {v.entity.type for v in graph.entities.values()}
    items = [f'<span class="kb-legend-item"><span class="kb-dot {classes[t]}"></span>{escape(et.plural)}</span>'
             for t, et in graph.kb.vocabulary.entity_types.items() if t in used]
    return f'<p class="kb-legend">{" ".join(items)}</p>'


def _svg(graph, ids, edges, xy, radius, labels, size, font, href, css_class, title, *,
         label_chars: int = LABEL_CHARS, current: str | None = None) -> str:
    classes = type_classes(graph.kb.vocabulary.entity_types)
    width, height = size
    out = [
        f'<svg class="{css_class}" viewBox="0 0 {width} {height:.0f}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" aria-label="{escape(title)}">'
    ]
    out.append('<g class="kb-edges">')
    for a, b, kind in edges:
        (x1, y1), (x2, y2) = xy[a], xy[b]
        out.append(f'<line class="kb-edge kb-{kind}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    out.append('</g><g class="kb-nodes">')
    for entity_id in ids:
        view = graph.entities[entity_id]
        x, y = xy[entity_id]
        name = escape(view.entity.name)
        label = f"{name} ({escape(view.type.label)})"
        own = ' aria-current="page"' if entity_id == current else ""
        out.append(
            # xlink:href, not href: Material's instant navigation assigns el.href on every [href]
            # element, which throws on SVG links (SVGAElement.href is read-only).
            f'<a class="kb-node {classes[view.entity.type]}" xlink:href="{escape(href(entity_id))}"{own} '
            f'aria-label="{label}" data-type="{escape(view.entity.type)}"><title>{label}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[entity_id]:.1f}"/>'
        )
        placed = labels.get(entity_id)
        if placed:
            anchor, tx, ty = placed
            text = escape(short_label(view.entity.name, label_chars))
            out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" font-size="{font}">{text}</text>')
        out.append("</a>")
    out.append("</g></svg>")
    return "".join(out)
