"""Graph drawing as data: labels never overlap, the global graph stays small, memory stays flat."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from builder.graph import CHAR_WIDTH, GLOBAL_NODES, _label_box, force_layout, place_labels


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 680), st.floats(4, 14),
                          st.text(alphabet="abcdefgh ", min_size=1, max_size=30)), max_size=60))
def test_placed_labels_never_overlap_each_other_or_other_nodes_and_stay_in_the_frame(nodes):
    spec = [(str(i), x, y, r, label) for i, (x, y, r, label) in enumerate(nodes)]
    placed = place_labels(spec, 1000, 680, 18)
    boxes = {}
    for node_id, (anchor, tx, ty) in placed.items():
        _, x, y, r, label = spec[int(node_id)]
        width = CHAR_WIDTH * 18 * len(label)
        left = {"start": tx, "end": tx - width, "middle": tx - width / 2}[anchor]
        top = ty - 18 * 0.95
        boxes[node_id] = (left, top, left + width, top + 18 * 1.2)
    for node_id, (l, t, r_, b) in boxes.items():
        assert l >= 2 - 1e-6 and t >= 2 - 1e-6 and r_ <= 998 + 1e-6 and b <= 678 + 1e-6
        for other, (l2, t2, r2, b2) in boxes.items():
            if other != node_id:
                assert not (l < r2 - 1e-6 and l2 < r_ - 1e-6 and t < b2 - 1e-6 and t2 < b - 1e-6), (node_id, other)
        for j, (_, x, y, r, _) in enumerate(spec):
            if str(j) != node_id:
                assert not (l < x + r - 1e-6 and x - r < r_ - 1e-6 and t < y + r - 1e-6 and y - r < b - 1e-6), (node_id, j)


def test_label_spots_are_eight_distinct_places():
    boxes = {_label_box(100, 100, 6, 50, 18, spot)[0] for spot in range(8)}
    assert len(boxes) == 8


def test_layout_is_deterministic_and_fills_the_unit_square():
    edges = [(i, (i + 1) % 30) for i in range(30)]
    a, b = force_layout(30, edges), force_layout(30, edges)
    assert (a == b).all()
    assert a.min() == 0.0 and a.max() == 1.0


def test_shipped_global_graph_draws_connected_entities_only(shipped_site):
    html = (shipped_site / "graph" / "index.html").read_text()
    nodes = re.findall(r'<a class="kb-node', html)
    assert 40 <= len(nodes) <= GLOBAL_NODES
    assert "Not connected to the others" in html or len(nodes) == 68
