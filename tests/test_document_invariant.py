"""The editor's live view can never go stale: after any sequence of edits, undos and redos
through the open document, its per-node results, totals and problems equal a fresh ``infer``
+ ``validate`` of the same graph (issue 9's invariant, as a Hypothesis state machine)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtGui import QUndoStack

from netdesigner.core import catalog
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import Document, load
from netdesigner.core.fragments import copy_fragment, paste_fragment
from netdesigner.core.graph import Edge, Graph
from netdesigner.core.inference import infer
from netdesigner.core.validation import validate
from netdesigner.gui.document import EditorDocument
from tests.conftest import SAMPLES
from tests.layer_samples import random_value

TYPES = sorted(s.type for s in catalog.all_specs())
NAMES = st.sampled_from(["a", "b", "dense_1", "input_1", "head", "x-y", "bad name", ""])


class EditSequences(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.document = EditorDocument(QUndoStack())

    @property
    def graph(self) -> Graph:
        return self.document.graph

    def ids(self) -> list[str]:
        return sorted(self.graph.nodes)

    @initialize(start=st.sampled_from([None, *SAMPLES]))
    def open_start(self, start) -> None:
        if start is not None:
            self.document.set_document(load(start), start)

    @rule(layer_type=st.sampled_from(TYPES), x=st.floats(-500, 500))
    def add(self, layer_type: str, x: float) -> None:
        self.document.add_node(layer_type, (x, 0.0))

    @precondition(lambda self: self.graph.nodes)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        ids = data.draw(st.lists(st.sampled_from(self.ids()), min_size=1, max_size=3, unique=True))
        self.document.delete(ids)

    @precondition(lambda self: len(self.graph.nodes) >= 2)
    @rule(data=st.data())
    def wire(self, data: st.DataObject) -> None:
        source, target = data.draw(st.lists(st.sampled_from(self.ids()), min_size=2, max_size=2, unique=True))
        count = self.graph.nodes[target].input_count
        port = data.draw(st.integers(0, max(count - 1, 0)))
        source_port = data.draw(st.integers(0, max(self.graph.nodes[source].output_count - 1, 0)))
        replaced = [e for p, e in self.graph.input_edges(target).items() if p == port]
        self.document.rewire(replaced, [Edge(source, target, port, source_port)])

    @precondition(lambda self: self.graph.edges)
    @rule(data=st.data())
    def unwire(self, data: st.DataObject) -> None:
        edge = data.draw(st.sampled_from(sorted(self.graph.edges, key=lambda e: (e.target, e.port))))
        self.document.rewire([edge], [])

    @precondition(lambda self: self.graph.nodes)
    @rule(data=st.data(), name=NAMES)
    def rename(self, data: st.DataObject, name: str) -> None:
        try:
            self.document.rename(data.draw(st.sampled_from(self.ids())), name)
        except GraphError:
            pass

    @precondition(lambda self: self.graph.nodes)
    @rule(data=st.data(), seed=st.integers(0, 10**6))
    def set_param(self, data: st.DataObject, seed: int) -> None:
        node = self.graph.nodes[data.draw(st.sampled_from(self.ids()))]
        params = [p for p in node.spec.params if p.name != "keras_options"]
        if not params:
            return
        param = data.draw(st.sampled_from(params))
        try:
            self.document.set_param(node.id, param.name, random_value(random.Random(seed), param))
        except GraphError:
            pass

    @precondition(lambda self: len(self.graph.nodes) >= 2)
    @rule(data=st.data(), unshare=st.booleans())
    def share(self, data: st.DataObject, unshare: bool) -> None:
        node_id = data.draw(st.sampled_from(self.ids()))
        kin = [n for n in self.ids() if self.graph.nodes[n].type == self.graph.nodes[node_id].type and n != node_id]
        if not kin:
            return
        try:
            self.document.share(node_id, None if unshare else data.draw(st.sampled_from(kin)))
        except GraphError:
            pass

    @precondition(lambda self: self.graph.nodes)
    @rule(data=st.data())
    def paste(self, data: st.DataObject) -> None:
        ids = data.draw(st.lists(st.sampled_from(self.ids()), min_size=1, max_size=4, unique=True))
        nodes, edges, _ = paste_fragment(copy_fragment(self.graph, ids), self.graph, (40.0, 40.0))
        self.document.add_nodes(nodes, edges, "paste")

    @rule(steps=st.integers(1, 3))
    def undo(self, steps: int) -> None:
        for _ in range(steps):
            self.document.undo_stack.undo()

    @rule(steps=st.integers(1, 3))
    def redo(self, steps: int) -> None:
        for _ in range(steps):
            self.document.undo_stack.redo()

    @rule(path=st.sampled_from([None, *SAMPLES]))
    def open_or_new(self, path) -> None:
        self.document.set_document(load(path) if path else Document(Graph()), path)

    @invariant()
    def live_view_equals_a_fresh_computation(self) -> None:
        self.document.flush()
        fresh = infer(self.graph)
        assert self.document.result.infos == fresh.infos
        assert self.document.result.total_params == fresh.total_params
        assert self.document.issues == validate(self.graph, fresh)

    @invariant()
    def ties_are_sound(self) -> None:
        """Every shared layer has one owner present, of the same type, and one set of parameters."""
        for node in self.graph.nodes.values():
            if node.shares is not None:
                owner = self.graph.nodes[node.shares]
                assert owner.shares is None and owner.type == node.type and owner.params == node.params
                assert node.id in self.graph.sharers(owner.id)


def test_live_view_never_goes_stale(qapp) -> None:
    run_state_machine_as_test(
        EditSequences,
        settings=settings(
            max_examples=10,
            stateful_step_count=200,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_deleting_any_node_of_a_sample_updates_everything(qapp, sample) -> None:
    """The reported case: delete the Input, a Flatten, a Dropout... then undo and redo."""
    document = EditorDocument(QUndoStack())
    for node_id in list(load(sample).graph.nodes):
        document.set_document(load(sample), sample)
        for step in ("delete", "undo", "redo"):
            document.delete([node_id]) if step == "delete" else getattr(document.undo_stack, step)()
            document.flush()
            assert document.result.infos == infer(document.graph).infos
            assert document.issues == validate(document.graph, infer(document.graph))
