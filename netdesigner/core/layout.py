"""Layered left-to-right layout, linear in the size of the graph.

NodeGraphQt's own auto-layout is exponential on graphs with skip connections, so core owns
layout: each node goes in the column of its longest path from an input (memoised in
topological order), and each column is ordered by the mean row of its inputs to keep wires
from crossing.
"""

from __future__ import annotations

from netdesigner.core.graph import Graph

COLUMN_WIDTH = 260.0
ROW_HEIGHT = 190.0  # a node with its parameter lines is about 150 units tall


def layered_positions(graph: Graph) -> dict[str, tuple[float, float]]:
    order = graph.topological_order()
    column: dict[str, int] = {}
    for nid in order:
        sources = [e.source for e in graph.input_edges(nid).values()]
        column[nid] = 1 + max((column[s] for s in sources), default=-1)
    columns: dict[int, list[str]] = {}
    for nid in order:
        columns.setdefault(column[nid], []).append(nid)
    row: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for index in sorted(columns):
        members = columns[index]

        def barycentre(nid: str) -> float:
            rows = [row[e.source] for e in graph.input_edges(nid).values()]
            return sum(rows) / len(rows) if rows else 0.0

        members.sort(key=barycentre)
        offset = (len(members) - 1) / 2
        for i, nid in enumerate(members):
            row[nid] = i - offset
            positions[nid] = (index * COLUMN_WIDTH, row[nid] * ROW_HEIGHT)
    return positions


def apply_layout(graph: Graph) -> None:
    for nid, position in layered_positions(graph).items():
        graph.move(nid, position)
