"""The private parts of NodeGraphQt the canvas relies on still exist with the signatures it
expects, so that an upgrade fails here, in CI, and not in a student's window."""

from __future__ import annotations

import inspect

from NodeGraphQt import NodeGraph
from NodeGraphQt.widgets.viewer import NodeViewer

from netdesigner.gui.canvas import GraphCanvas

# NodeGraph's slots that GraphCanvas overrides, each with the parameters NodeGraphQt calls it with.
OVERRIDDEN_SLOTS = {
    "_on_connection_changed": ["disconnected", "connected"],
    "_on_connection_sliced": ["ports"],
    "_on_nodes_moved": ["node_data"],
    "_on_insert_node": ["pipe", "node_id", "prev_node_pos"],
    "_on_node_name_changed": ["node_id", "name"],
    "_on_search_triggered": ["node_type", "pos"],
    "_on_node_data_dropped": ["mimedata", "pos"],
}
VIEWER_PRIVATES = ("_combined_rect", "_update_scene")


def test_the_overridden_slots_exist_with_the_same_parameters() -> None:
    for name, parameters in OVERRIDDEN_SLOTS.items():
        assert callable(getattr(NodeGraph, name, None)), f"NodeGraph.{name} is gone"
        theirs = list(inspect.signature(getattr(NodeGraph, name)).parameters)[1:]
        ours = list(inspect.signature(getattr(GraphCanvas, name)).parameters)[1:]
        assert theirs == parameters == ours, f"{name}: NodeGraphQt {theirs}, ours {ours}"


def test_the_viewer_privates_the_canvas_uses_exist(qapp) -> None:
    for name in VIEWER_PRIVATES:
        assert callable(getattr(NodeViewer, name, None)), f"NodeViewer.{name} is gone"
    viewer = NodeViewer()
    assert hasattr(viewer, "_scene_range")
    assert hasattr(viewer._cursor_text, "setOpacity")  # the Ctrl hint text the canvas hides
    assert viewer._search_widget.parent() is None  # the canvas gives it the viewer as parent
