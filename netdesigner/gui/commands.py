"""Undo commands: each changes the core graph (or the training settings) only; the canvas
follows the graph's events.

Gestures that NodeGraphQt has already shown on the canvas (a dragged node, a drawn wire) are
applied to the graph before their command is pushed, so a refused change never enters the
undo stack; ``applied=True`` makes the command's first ``redo`` a no-op.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from netdesigner.core.graph import Edge, Graph, Node
from netdesigner.core.settings import TrainingSettings


class GraphCommand(QUndoCommand):
    def __init__(self, graph: Graph, text: str, applied: bool = False) -> None:
        super().__init__(text)
        self.graph = graph
        self._skip_redo = applied

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.apply()

    def apply(self) -> None:
        raise NotImplementedError


class AddNodes(GraphCommand):
    """Insert ready-made nodes (ids and names fixed) and the edges among them and to others."""

    def __init__(self, graph: Graph, nodes: list[Node], edges: list[Edge], text: str) -> None:
        super().__init__(graph, text)
        self.nodes = [copy.deepcopy(n) for n in nodes]
        self.edges = edges

    def apply(self) -> None:
        for node in self.nodes:
            self.graph.insert(copy.deepcopy(node))
        for edge in self.edges:
            self.graph.link(edge)

    def undo(self) -> None:
        for node in reversed(self.nodes):
            self.graph.remove_node(node.id)


class RemoveNodes(GraphCommand):
    def __init__(self, graph: Graph, node_ids: list[str]) -> None:
        names = ", ".join(graph.nodes[n].name for n in node_ids[:3])
        super().__init__(graph, f"delete {names}" + (" ..." if len(node_ids) > 3 else ""))
        self.node_ids = node_ids
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.shares: dict[str, str | None] = {}

    def apply(self) -> None:
        self.nodes = [copy.deepcopy(self.graph.nodes[n]) for n in self.node_ids]
        self.shares = {n.id: n.shares for n in self.graph.nodes.values()}  # deleting an owner moves its layer
        removed: list[Edge] = []
        for node_id in self.node_ids:
            removed += self.graph.remove_node(node_id)
        self.edges = list(dict.fromkeys(removed))

    def undo(self) -> None:
        for node in self.nodes:
            self.graph.insert(copy.deepcopy(node))
        for edge in self.edges:
            self.graph.link(edge)
        self.graph.restore_shares(self.shares)


class Rewire(GraphCommand):
    """Remove some edges and add others in one step (a wire drawn, dragged away or cut)."""

    def __init__(self, graph: Graph, removed: list[Edge], added: list[Edge], applied: bool = False) -> None:
        super().__init__(graph, "connect" if added else "disconnect", applied)
        self.removed = removed
        self.added = added

    def apply(self) -> None:
        for edge in self.removed:
            self.graph.disconnect(edge.target, edge.port)
        for edge in self.added:
            self.graph.link(edge)

    def undo(self) -> None:
        for edge in reversed(self.added):
            self.graph.disconnect(edge.target, edge.port)
        for edge in self.removed:
            self.graph.link(edge)


class SetParam(GraphCommand):
    def __init__(self, graph: Graph, node_id: str, key: str, value: Any) -> None:
        node = graph.nodes[node_id]
        super().__init__(graph, f"set {node.name}.{key}")
        self.node_id, self.key, self.value = node_id, key, value
        self.old = node.params[key]

    def apply(self) -> None:
        self.graph.set_param(self.node_id, self.key, self.value)

    def undo(self) -> None:
        self.graph.set_param(self.node_id, self.key, self.old)


class Share(GraphCommand):
    """Tie a node to another's layer, or (``owner_id`` None) give it a layer of its own."""

    def __init__(self, graph: Graph, node_id: str, owner_id: str | None) -> None:
        node = graph.nodes[node_id]
        text = f"{node.name} shares {graph.nodes[owner_id].name}'s weights" if owner_id else f"unshare {node.name}"
        super().__init__(graph, text)
        self.node_id, self.owner_id = node_id, owner_id
        self.old_owner, self.old_params = node.shares, dict(node.params)

    def apply(self) -> None:
        self.graph.share(self.node_id, self.owner_id)

    def undo(self) -> None:
        self.graph.share(self.node_id, self.old_owner)
        if self.old_owner is None:
            for key, value in self.old_params.items():
                self.graph.set_param(self.node_id, key, value)


class Rename(GraphCommand):
    def __init__(self, graph: Graph, node_id: str, name: str) -> None:
        self.old = graph.nodes[node_id].name
        super().__init__(graph, f"rename {self.old} to {name}")
        self.node_id, self.name = node_id, name

    def apply(self) -> None:
        self.graph.rename(self.node_id, self.name)

    def undo(self) -> None:
        self.graph.rename(self.node_id, self.old)


Position = tuple[float, float]


class MoveNodes(GraphCommand):
    def __init__(
        self, graph: Graph, moves: dict[str, tuple[Position, Position]], applied: bool = False, text: str = "move"
    ) -> None:
        super().__init__(graph, text, applied)
        self.moves = moves

    def apply(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.graph.move(node_id, new)

    def undo(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.graph.move(node_id, old)


class ReplaceGraph(GraphCommand):
    """Every node and wire swapped for another graph's (restoring a kept run's graph)."""

    def __init__(self, graph: Graph, other: Graph, text: str) -> None:
        super().__init__(graph, text)
        self.old, self.new = _contents(graph), _contents(other)

    def apply(self) -> None:
        self._show(self.new)

    def undo(self) -> None:
        self._show(self.old)

    def _show(self, contents: tuple[list[Node], list[Edge]]) -> None:
        for node_id in list(self.graph.nodes):
            self.graph.remove_node(node_id)
        nodes, edges = contents
        for node in nodes:  # as saved, ties included: no owner is ever missing once all are in
            self.graph.insert(copy.deepcopy(node))
        for edge in edges:
            self.graph.link(edge)


def _contents(graph: Graph) -> tuple[list[Node], list[Edge]]:
    return [copy.deepcopy(n) for n in graph.nodes.values()], list(graph.edges)


class SetTraining(QUndoCommand):
    """Change training settings (``data`` included) together; ``notify`` tells the views."""

    def __init__(
        self, training: TrainingSettings, changes: dict[str, Any], text: str, notify: Callable[[], None]
    ) -> None:
        super().__init__(text)
        self.training, self.changes, self.notify = training, changes, notify
        self.old = {name: getattr(training, name) for name in changes}

    def redo(self) -> None:
        for name, value in self.changes.items():
            setattr(self.training, name, value)
        self.notify()

    def undo(self) -> None:
        for name, value in self.old.items():
            setattr(self.training, name, value)
        self.notify()
