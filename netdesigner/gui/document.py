"""The open document: core graph and settings, its undo stack, and live inference.

Every change to the graph (from a command, an undo, a redo) schedules one zero-delay timer,
which re-infers what the graph's structure says could have changed (core's ``infer`` reuses a
node's result only when everything it was computed from is the same) and tells the views which
nodes to redraw. Panels and the canvas call the operations here; each pushes one undoable
command.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6 import QtCore
from PySide6.QtGui import QUndoStack

from netdesigner.core import catalog
from netdesigner.core.compile_options import OPTIMIZERS, SCHEDULES
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import Document
from netdesigner.core.graph import Edge, EventKind, Graph, GraphEvent, Node
from netdesigner.core.inference import InferenceResult, infer
from netdesigner.core.settings import FIT_SPECS, carried_options, check_data
from netdesigner.core.validation import Issue, validate
from netdesigner.gui import commands


class ModelLockedError(GraphError):
    """An edit that would change the model while a training run uses it."""


class EditorDocument(QtCore.QObject):
    """The graph and its training settings, edited only through undoable commands.

    While a training run uses the model, ``lock`` makes every edit that would change it raise
    ``ModelLockedError`` (moving nodes stays allowed): the run, the curves and the graph on
    screen then always describe the same model.
    """

    inference_updated = QtCore.Signal(set)  # the ids of the nodes to redraw
    replaced = QtCore.Signal()  # a different document was loaded (New, Open)
    training_changed = QtCore.Signal()  # a training setting changed (an edit, undo or redo)
    lock_changed = QtCore.Signal(bool)  # edits to the model became refused (True) or allowed
    path_changed = QtCore.Signal()  # saved under another name: where its runs are kept moves too

    def __init__(self, undo_stack: QUndoStack, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.doc = Document(Graph())
        self.path: Path | None = None
        self.result: InferenceResult = infer(self.doc.graph)
        self.issues: list[Issue] = validate(self.doc.graph, self.result)
        self._dirty = False
        self._added: set[str] = set()  # nodes added since the last flush (a removed one may come back)
        self.lock_reason = ""
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        self.doc.graph.subscribe(self._on_event)

    @property
    def graph(self) -> Graph:
        return self.doc.graph

    def set_document(self, doc: Document, path: Path | None) -> None:
        self._check_unlocked()
        self.doc.graph.unsubscribe(self._on_event)
        self.doc, self.path = doc, path
        doc.graph.subscribe(self._on_event)
        self.undo_stack.clear()
        self._dirty = False
        self.result = infer(doc.graph)
        self.issues = validate(doc.graph, self.result)
        self.replaced.emit()

    def saved_as(self, path: Path) -> None:
        if path != self.path:
            self.path = path
            self.path_changed.emit()

    # --- live inference ---------------------------------------------------------------------

    def _on_event(self, event: GraphEvent) -> None:
        if event.kind is EventKind.MOVED:
            return
        if event.kind is EventKind.NODE_ADDED:  # its view is new even if its result is not
            self._added.add(event.node_id)
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        """Re-infer and notify the views of every node whose inputs or result changed (also
        callable directly, e.g. by tests)."""
        self._timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        previous = self.result
        self.result = infer(self.graph, previous)
        self.issues = validate(self.graph, self.result)
        changed = {
            n
            for n, info in self.result.infos.items()
            if previous.infos.get(n) != info or previous.keys.get(n) != self.result.keys[n] or n in self._added
        }
        self._added.clear()
        self.inference_updated.emit(changed)

    # --- operations (each one undoable command) ----------------------------------------------

    def lock(self, reason: str) -> None:
        was_locked, self.lock_reason = bool(self.lock_reason), reason
        if not was_locked:
            self.lock_changed.emit(True)

    def unlock(self) -> None:
        was_locked, self.lock_reason = bool(self.lock_reason), ""
        if was_locked:
            self.lock_changed.emit(False)

    def _check_unlocked(self) -> None:
        if self.lock_reason:
            raise self._locked()

    def _locked(self) -> ModelLockedError:
        return ModelLockedError(self.lock_reason, "stop training first (Shift+F5); moving nodes is fine")

    def add_node(self, layer_type: str, position: tuple[float, float]) -> str:
        self._check_unlocked()
        graph = self.graph
        spec = catalog.get(layer_type)
        node = Node(graph.new_id(), layer_type, graph.unique_name(spec.base_name), spec.defaults(), position)
        self.undo_stack.push(commands.AddNodes(graph, [node], [], f"add {node.name}"))
        return node.id

    def add_nodes(self, nodes: list[Node], edges: list[Edge], text: str) -> list[str]:
        self._check_unlocked()
        self.undo_stack.push(commands.AddNodes(self.graph, nodes, edges, text))
        return [n.id for n in nodes]

    def delete(self, node_ids: list[str]) -> None:
        self._check_unlocked()
        if node_ids:
            self.undo_stack.push(commands.RemoveNodes(self.graph, node_ids))

    def rewire(self, removed: list[Edge], added: list[Edge]) -> GraphError | None:
        """Apply a wiring gesture; on refusal restore the graph and return the reason."""
        graph = self.graph
        done: list[Edge] = []
        for edge in removed:
            graph.disconnect(edge.target, edge.port)
        try:
            if self.lock_reason and (removed or added):
                raise self._locked()  # restored below: the canvas redraws what it had removed
            for edge in added:
                graph.link(edge)
                done.append(edge)
        except GraphError as error:
            for edge in reversed(done):
                graph.disconnect(edge.target, edge.port)
            for edge in removed:
                graph.link(edge)
            return error
        if removed or added:
            self.undo_stack.push(commands.Rewire(graph, removed, added, applied=True))
        return None

    def move(
        self,
        moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
        applied: bool = True,
        text: str = "move",
    ) -> None:
        moves = {k: v for k, v in moves.items() if v[0] != v[1]}
        if not moves:
            return
        if applied:
            for node_id, (_, new) in moves.items():
                self.graph.move(node_id, new)
        self.undo_stack.push(commands.MoveNodes(self.graph, moves, applied=applied, text=text))

    def set_param(self, node_id: str, key: str, value: Any) -> None:
        """Raises ParamError (and changes nothing) for a value the catalog refuses."""
        self._check_unlocked()
        coerced = self.graph.check_param(node_id, key, value)
        if self.graph.nodes[node_id].params[key] == coerced:
            return
        self.undo_stack.push(commands.SetParam(self.graph, node_id, key, coerced))

    def share(self, node_id: str, owner_id: str | None) -> None:
        """Make ``node_id`` call ``owner_id``'s layer (None: a layer of its own); raises
        GraphError, changing nothing, where the two cannot share."""
        self._check_unlocked()
        owner = self.graph.check_share(node_id, owner_id)
        if self.graph.nodes[node_id].shares != owner:
            self.undo_stack.push(commands.Share(self.graph, node_id, owner))

    def set_trainable(self, node_ids: list[str], trainable: bool, upstream: bool = False) -> int:
        """Freeze or unfreeze the layers with weights among ``node_ids`` (and everything upstream
        of them with ``upstream``: "freeze up to here"), as one undo step; how many changed."""
        self._check_unlocked()
        graph = self.graph
        chosen = graph.ancestors(node_ids) if upstream else set(node_ids)
        changing = [
            nid
            for nid in graph.topological_order()
            if nid in chosen and graph.nodes[nid].params.get("trainable", trainable) != trainable
        ]
        if changing:
            word = "unfreeze" if trainable else "freeze"
            self.undo_stack.beginMacro(f"{word} {len(changing)} layer{'s' if len(changing) > 1 else ''}")
            for nid in changing:
                self.undo_stack.push(commands.SetParam(graph, nid, "trainable", trainable))
            self.undo_stack.endMacro()
        return len(changing)

    def rename(self, node_id: str, name: str) -> None:
        """Raises GraphError for an empty, illegal or taken name."""
        self._check_unlocked()
        if self.graph.nodes[node_id].name == name:
            return
        self.graph.check_rename(node_id, name)
        self.undo_stack.push(commands.Rename(self.graph, node_id, name))

    def set_training(self, name: str, value: Any) -> None:
        """One fit setting (epochs, validation_split, ...), coerced by its declaration; raises
        ParamError, changing nothing, for a value the file format would refuse."""
        self._change_training({name: FIT_SPECS[name].coerce(value)}, f"set {name.replace('_', ' ')} to {value}")

    def set_data(self, spec: dict[str, Any]) -> None:
        """The data source description, as saved in the file."""
        self._change_training({"data": check_data(spec)}, "set the data source")

    def set_optimizer(self, name: str) -> None:
        """Another optimizer, with its defaults (options the user had changed and the new one
        also has, such as the learning rate or clipnorm, carry over)."""
        t = self.doc.training
        options = carried_options(OPTIMIZERS, t.optimizer, t.optimizer_params, name)
        self._change_training({"optimizer": name, "optimizer_params": options}, f"use the {name} optimizer")

    def set_schedule(self, name: str) -> None:
        t = self.doc.training
        options = carried_options(SCHEDULES, t.lr_schedule, t.lr_schedule_params, name)
        self._change_training({"lr_schedule": name, "lr_schedule_params": options}, f"use the {name} schedule")

    def set_option(self, group: str, name: str, value: Any) -> None:
        """One option of the optimizer (``group="optimizer"``), of the schedule
        (``"lr_schedule"``) or of a callback (its key)."""
        t = self.doc.training
        if group in ("optimizer", "lr_schedule"):
            field = f"{group}_params"
            self._change_training({field: {**getattr(t, field), name: value}}, f"set {name.replace('_', ' ')}")
            return
        options = {**t.callback_options, group: {**t.callback_options[group], name: value}}
        self._change_training({"callback_options": options}, f"set {group.replace('_', ' ')} {name}")

    def _change_training(self, changes: dict[str, Any], text: str) -> None:
        """One undoable step, once the changed settings pass every check the file format makes
        (each value's declaration, and rules across settings); ParamError otherwise."""
        candidate = dataclasses.replace(self.doc.training, **changes)
        coerced = {name: getattr(candidate, name) for name in changes}
        if any(getattr(self.doc.training, name) != value for name, value in coerced.items()):
            self.undo_stack.push(commands.SetTraining(self.doc.training, coerced, text, self.training_changed.emit))

    def restore(self, doc: Document, text: str) -> None:
        """Bring back another version of this document (a kept run's graph and settings) as one
        undoable step."""
        self._check_unlocked()
        training = {f.name: getattr(doc.training, f.name) for f in dataclasses.fields(doc.training)}
        self.undo_stack.beginMacro(text)
        self.undo_stack.push(commands.ReplaceGraph(self.graph, doc.graph, text))
        self._change_training(training, text)
        self.undo_stack.endMacro()

    def issues_of(self, node_id: str) -> list[Issue]:
        return [i for i in self.issues if i.concerns(node_id)]
