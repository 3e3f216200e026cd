"""Canvas nodes generated from the catalog: one NodeGraphQt node class per layer type.

Each node's view draws, under its title, the layer type and key parameters, the output shape
and the parameter count. That text and the red error state are display only: they are set on
the view item, never as NodeGraphQt properties, so they stay out of undo and out of files.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from NodeGraphQt import BaseNode
from NodeGraphQt.qgraphics.node_base import NodeItem
from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.core import catalog
from netdesigner.core.catalog import LayerSpec
from netdesigner.core.spec import Role
from netdesigner.gui import theme

IDENTIFIER = "netdesigner"
INFO_MARGIN = 8.0
INFO_MAX_WIDTH = 190.0


class LayerNodeItem(NodeItem):
    """A node view with an extra block of rich text (parameters, shape, size) below the ports."""

    def __init__(self, name: str = "node", parent: QtWidgets.QGraphicsItem | None = None) -> None:
        super().__init__(name, parent)
        self._info = QtWidgets.QGraphicsTextItem(self)
        self._info.setDefaultTextColor(QtGui.QColor(230, 230, 230))
        font = QtGui.QFont()
        font.setPointSize(8)
        self._info.setFont(font)
        self._error = self._frozen = False
        self._tie: tuple[int, int, int] | None = None
        self._tooltip = ""
        # NodeGraphQt hides text below 70 on-screen pixels; keep titles readable at "fit" zoom.
        self._proxy_mode_threshold = 25

    def smallest_text_px(self) -> int:
        """The pixel size of the node's smallest text at zoom 1 (its title or its info)."""
        fonts = (self._text_item.font(), self._info.font())
        return min(QtGui.QFontInfo(font).pixelSize() for font in fonts)

    def set_proxy_mode(self, mode: bool) -> None:
        super().set_proxy_mode(mode)
        self._info.setVisible(not mode)

    def set_info(
        self, text_html: str, error: bool, tooltip: str, frozen: bool = False, tie: tuple[int, int, int] | None = None
    ) -> None:
        self._info.setTextWidth(-1)
        self._info.setHtml(text_html)
        if self._info.boundingRect().width() > INFO_MAX_WIDTH:  # long messages wrap, the node stays narrow
            self._info.setTextWidth(INFO_MAX_WIDTH)
        self._error, self._frozen, self._tie = error, frozen, tie
        self._tooltip = tooltip
        self.draw_node()

    def _calc_size_horizontal(self) -> tuple[float, float]:
        width, height = super()._calc_size_horizontal()
        info = self._info.boundingRect()
        return max(width, info.width() + 2 * INFO_MARGIN), height + info.height()

    def _draw_node_horizontal(self) -> None:
        super()._draw_node_horizontal()
        info = self._info.boundingRect()
        self._info.setPos(INFO_MARGIN, self._height - info.height() - 2.0)
        self.setToolTip(self._tooltip)

    def paint(self, painter: QtGui.QPainter, option, widget) -> None:
        super().paint(painter, option, widget)
        if self._error or self._frozen or self._tie:
            painter.save()
            if self._error:
                pen = QtGui.QPen(QtGui.QColor(255, 90, 90), 2.5)
            else:  # a shared layer's common colour says more than "frozen", which its text says too
                color = self._tie or theme.FROZEN_BORDER
                pen = QtGui.QPen(QtGui.QColor(*color), 2.0, QtCore.Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.boundingRect().adjusted(1, 1, -1, -1), 4.0, 4.0)
            painter.restore()


class LayerNode(BaseNode):
    """Base of the generated node classes; ``SPEC`` is the catalog entry."""

    __identifier__ = IDENTIFIER
    SPEC: LayerSpec

    def __init__(self) -> None:
        super().__init__(qgraphics_item=LayerNodeItem)
        spec = self.SPEC
        self.set_port_deletion_allowed(True)
        self.set_ports(spec.defaults())
        # Not yet in a graph, so these go straight to model and view without an undo entry.
        self.set_color(*theme.CATEGORY_COLORS[spec.category])
        self.set_property("border_color", (*theme.BORDER, 255))
        self.set_property("text_color", (*QtGui.QColor(theme.TITLE_TEXT).getRgb()[:3], 255))

    def show_state(
        self, text_html: str, error: bool, tooltip: str, frozen: bool = False, tie: tuple[int, int, int] | None = None
    ) -> None:
        """Display-only state: info text, red instead of the category colour on error, a dashed
        outline when frozen, or in the colour ``tie`` common to the nodes calling one shared layer.
        The colour goes to model and view without an undo entry (NodeGraphQt re-reads the
        view's colour from its model on several occasions)."""
        rgb = theme.ERROR_COLOR if error else theme.CATEGORY_COLORS[self.SPEC.category]
        self.model.color = (*rgb, 255)
        self.view.color = (*rgb, 255)
        self.view.set_info(text_html, error, tooltip, frozen, tie)

    def set_ports(self, params: Mapping[str, Any]) -> None:
        """Make the input and output ports those of a node with these parameters: a merge's
        input count, a recurrent layer's initial-state inputs and state outputs. Ports after the
        first whose name changes are removed (the graph refuses a change that would leave a
        wire on one) and the new ones added."""
        spec = self.SPEC
        outputs = spec.output_names(params) if spec.role is not Role.HEAD else ()
        for wanted, current, delete, add in (
            (spec.port_labels(params), self.input_ports, self.delete_input, self.add_input),
            (outputs, self.output_ports, self.delete_output, self._add_output),
        ):
            names = [port.name() for port in current()]
            if names == list(wanted):
                continue
            keep = 0
            while keep < min(len(names), len(wanted)) and names[keep] == wanted[keep]:
                keep += 1
            for port in reversed(current()[keep:]):
                delete(port)
            for name in wanted[keep:]:
                add(name)
            self.view.draw_node()

    def _add_output(self, name: str) -> None:
        self.add_output(name, multi_output=True)


def node_classes() -> dict[str, type[LayerNode]]:
    """One class per catalog entry, keyed by layer type."""
    classes = {}
    for spec in catalog.all_specs():
        classes[spec.type] = type(f"{spec.type}Node", (LayerNode,), {"NODE_NAME": spec.type, "SPEC": spec})
    return classes


def info_html(lines: list[tuple[str, str]]) -> str:
    """Lines of (text, colour) as the node's info block."""
    return "<br>".join(f'<span style="color:{color}">{html.escape(text)}</span>' for text, color in lines)
