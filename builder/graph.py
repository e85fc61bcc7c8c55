"""The entity graph drawn as SVG in Python: no JavaScript library, nothing fetched.

Layout is a Fruchterman–Reingold force simulation in numpy, seeded, so the same
graph always gets the same picture. Nodes are links, so a click opens the page
even with JavaScript off; kb.js only adds zoom and pan.
"""

from __future__ import annotations

import math
from html import escape
from typing import Callable

import numpy as np

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"]
LABELLED_NODES = 120
GRAVITY = 0.5
CO_MENTION_EDGES_PER_NODE = 3


def type_colours(type_ids) -> dict[str, str]:
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(type_ids)}


def force_layout(n: int, edges: list[tuple[int, int]], iterations: int = 80, seed: int = 7) -> np.ndarray:
    """Positions in the unit square for n nodes (Fruchterman–Reingold, cooled linearly)."""
    if n == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
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


def _display_edges(graph) -> list[tuple[str, str, str]]:
    keep = {(a, b): kind for a, b, kind in graph.edges if kind == "relation"}
    for entity_id, view in graph.entities.items():
        for other, _count in view.related[:CO_MENTION_EDGES_PER_NODE]:
            pair = tuple(sorted((entity_id, other)))
            keep.setdefault(pair, "co-mention")
    return sorted((a, b, kind) for (a, b), kind in keep.items())


def entity_graph_svg(graph, href: Callable[[str], str]) -> str:
    ids = sorted(graph.entities)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    edges = _display_edges(graph)
    pos = force_layout(len(ids), [(index[a], index[b]) for a, b, _ in edges])
    size = max(600, int(120 * math.sqrt(max(len(ids), 1))))
    xy = {entity_id: (40 + pos[i, 0] * (size - 80), 40 + pos[i, 1] * (size - 80)) for i, entity_id in enumerate(ids)}
    degree = {entity_id: 0 for entity_id in ids}
    for a, b, _ in edges:
        degree[a] += 1
        degree[b] += 1
    labelled = set(sorted(ids, key=lambda e: (-graph.entities[e].source_count, -degree[e], e))[:LABELLED_NODES])
    return _svg(graph, ids, edges, xy, degree, labelled, size, href, "kb-graph-svg", "Graph of all entities")


def local_graph_svg(graph, entity_id: str, href: Callable[[str], str], limit: int = 14) -> str:
    view = graph.entities[entity_id]
    ranked = [other for other, kind in view.neighbours if kind == "relation"]
    ranked += [other for other, _ in view.related]
    neighbours = list(dict.fromkeys(o for o in ranked if o != entity_id))[:limit]
    if not neighbours:
        return ""
    size = 360
    centre = size / 2
    xy = {entity_id: (centre, centre)}
    for i, other in enumerate(neighbours):
        angle = 2 * math.pi * i / len(neighbours) - math.pi / 2
        xy[other] = (centre + 130 * math.cos(angle), centre + 120 * math.sin(angle))
    edges = [(entity_id, other, "relation" if (other, "relation") in view.neighbours else "co-mention")
             for other in neighbours]
    ids = [entity_id] + neighbours
    degree = {e: (3 if e == entity_id else 1) for e in ids}
    return _svg(graph, ids, edges, xy, degree, set(ids), size, href, "kb-local-graph",
                f"Entities connected to {view.entity.name}")


def _svg(graph, ids, edges, xy, degree, labelled, size, href, css_class, title) -> str:
    colours = type_colours(graph.kb.vocabulary.entity_types)
    out = [
        f'<svg class="{css_class}" viewBox="0 0 {size} {size}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" aria-label="{escape(title)}">'
    ]
    out.append('<g class="kb-edges">')
    for a, b, kind in edges:
        (x1, y1), (x2, y2) = xy[a], xy[b]
        out.append(f'<line class="kb-edge kb-{kind}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    out.append("</g><g class=\"kb-nodes\">")
    for entity_id in ids:
        view = graph.entities[entity_id]
        x, y = xy[entity_id]
        radius = 4 + min(8, 1.5 * math.sqrt(degree.get(entity_id, 0)))
        name = escape(view.entity.name)
        label = f"{name} ({escape(view.type.label)})"
        out.append(
            # xlink:href, not href: Material's instant navigation assigns el.href on every [href]
            # element, which throws on SVG links (SVGAElement.href is read-only).
            f'<a class="kb-node" xlink:href="{escape(href(entity_id))}" '
            f'aria-label="{label}" data-type="{escape(view.entity.type)}"><title>{label}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colours[view.entity.type]}"/>'
        )
        if entity_id in labelled:  # labels of nodes in the right half go to their left, inside the frame
            if x > size / 2:
                out.append(f'<text x="{x - radius - 2:.1f}" y="{y + 4:.1f}" text-anchor="end">{name}</text>')
            else:
                out.append(f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}">{name}</text>')
        out.append("</a>")
    out.append("</g></svg>")
    return "".join(out)
