"""Layered left-to-right layout (Sugiyama's scheme), linear in the size of the graph for the
models students draw.

NodeGraphQt's own auto-layout is exponential on graphs with skip connections, so core owns
layout: each node goes in the column of its longest path from an input; a wire that skips
columns gets a place of its own in every column it crosses (a lane), so a skip connection runs
beside the layers it skips rather than behind them; each column is then ordered by the mean row
of its neighbours, downwards by inputs and upwards by outputs in port order (so the inputs of a
merge lie in the order of its ports), to keep wires from crossing.
"""

from __future__ import annotations

from collections.abc import Hashable

from netdesigner.core.graph import Graph

COLUMN_WIDTH = 260.0
ROW_HEIGHT = 190.0  # a node with its parameter lines is about 150 units tall
LANE_HEIGHT = 110.0  # a lane holds a wire only: it needs less room than a node
SWEEPS = 2  # down-up passes of ordering; more change little on the graphs students draw

Slot = Hashable  # a node id, or a lane: (edge index, column)


def layered_positions(graph: Graph) -> dict[str, tuple[float, float]]:
    order = graph.topological_order()
    column: dict[str, int] = {}
    for nid in order:
        sources = [e.source for e in graph.input_edges(nid).values()]
        column[nid] = 1 + max((column[s] for s in sources), default=-1)
    columns: dict[int, list[Slot]] = {}
    for nid in order:
        columns.setdefault(column[nid], []).append(nid)
    # The chain of slots each wire passes through, lanes included; with the port it ends in.
    preds: dict[Slot, list[tuple[Slot, float]]] = {}
    succs: dict[Slot, list[tuple[Slot, float]]] = {}
    first_input: dict[str, Slot] = {}  # the slot each node's first port is fed from
    for index, edge in enumerate(graph.edges):
        count = graph.nodes[edge.target].input_count
        port = (edge.port - (count - 1) / 2) * 0.01  # a small nudge: port order breaks ties
        chain: list[Slot] = [edge.source]
        for col in range(column[edge.source] + 1, column[edge.target]):
            lane = (index, col)
            columns[col].append(lane)
            chain.append(lane)
        chain.append(edge.target)
        if edge.port == 0:
            first_input[edge.target] = chain[-2]
        for a, b in zip(chain, chain[1:], strict=False):
            preds.setdefault(b, []).append((a, -port))
            succs.setdefault(a, []).append((b, port))
    _order(columns, preds, succs)
    height: dict[Slot, float] = {}
    for index in sorted(columns):
        members = columns[index]
        sizes = [ROW_HEIGHT if isinstance(m, str) else LANE_HEIGHT for m in members]
        y = -(sum(sizes) - (sizes[0] + sizes[-1]) / 2) / 2  # the column is centred on 0
        for i, member in enumerate(members):
            if i:
                y += (sizes[i - 1] + sizes[i]) / 2
            height[member] = y
        alone = members[0] if len(members) == 1 and isinstance(members[0], str) else None
        fed_by = first_input.get(alone) if alone is not None else None
        if fed_by is not None and (not isinstance(fed_by, str) or len(columns[column[fed_by]]) == 1):
            # A layer alone in its column lines up with its first input when that arrives in a
            # lane or from a layer alone too: the long wire stays in its lane, chains stay straight.
            height[alone] = height[fed_by]
    return {nid: (column[nid] * COLUMN_WIDTH, height[nid] + 0.0) for nid in order}  # + 0.0: never -0.0


def _order(
    columns: dict[int, list[Slot]],
    preds: dict[Slot, list[tuple[Slot, float]]],
    succs: dict[Slot, list[tuple[Slot, float]]],
) -> None:
    """Sort each column in place by the barycentre of its neighbours."""
    row: dict[Slot, float] = {}

    def place(members: list[Slot]) -> None:
        offset = (len(members) - 1) / 2
        for i, member in enumerate(members):
            row[member] = i - offset

    def sweep(indices: list[int], neighbours: dict[Slot, list[tuple[Slot, float]]]) -> None:
        for index in indices:
            members = columns[index]

            def barycentre(slot: Slot) -> float:
                near = [(row[n] + nudge) for n, nudge in neighbours.get(slot, []) if n in row]
                return sum(near) / len(near) if near else row.get(slot, 0.0)

            members.sort(key=barycentre)
            place(members)

    down = sorted(columns)
    sweep(down, preds)
    for _ in range(SWEEPS):
        sweep(down[::-1], succs)
        sweep(down, preds)


def apply_layout(graph: Graph) -> None:
    for nid, position in layered_positions(graph).items():
        graph.move(nid, position)
