"""Copy and paste of part of a graph, through the same JSON as graph files, so a pasted
fragment (which may come from anywhere on the clipboard) is validated like a file."""

from __future__ import annotations

import json

from netdesigner.core.fileformat import Document, loads, to_dict
from netdesigner.core.graph import Edge, Graph, Node


def copy_fragment(graph: Graph, node_ids: list[str]) -> str:
    """The selected nodes and the edges among them, as graph-file JSON; nodes sharing a layer
    stay tied where the layer's owner is copied too (else the copy gets a layer of its own)."""
    keep = set(node_ids)
    part = Graph()
    for node_id in graph.nodes:
        if node_id in keep:
            node = graph.nodes[node_id]
            owner = node.shares if node.shares in keep else None
            part.insert(Node(node.id, node.type, node.name, dict(node.params), node.position, owner))
    for edge in graph.edges:
        if edge.source in keep and edge.target in keep:
            part.link(edge)
    return json.dumps(to_dict(Document(part)))


def paste_fragment(text: str, graph: Graph, offset: tuple[float, float]) -> tuple[list[Node], list[Edge], list[str]]:
    """Nodes (fresh ids, free legal names, shifted) and edges ready to insert into ``graph``, and
    notes on names that were made legal. Raises ``FormatError`` when ``text`` is not a fragment."""
    pasted = loads(text, fix_names=True)
    fragment = pasted.graph
    present = {n.name for n in graph.nodes.values()}
    new_id: dict[str, str] = {}
    names: set[str] = set()
    nodes: list[Node] = []
    for node in fragment.nodes.values():
        new_id[node.id] = graph.new_id(reserved=set(new_id.values()))
    for node in fragment.nodes.values():
        free = node.name not in present and node.name not in names
        name = node.name if free else graph.unique_name(node.name, reserved=names)
        names.add(name)
        x, y = node.position
        owner = new_id[node.shares] if node.shares else None
        moved = (x + offset[0], y + offset[1])
        nodes.append(Node(new_id[node.id], node.type, name, dict(node.params), moved, owner))
    edges = [Edge(new_id[e.source], new_id[e.target], e.port, e.source_port) for e in fragment.edges]
    return nodes, edges, pasted.notes
