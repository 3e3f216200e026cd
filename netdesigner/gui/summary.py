"""The problems dock: problems (click one to select and centre its node), a summary table
like Keras's ``model.summary()``, both computed by core, and the log of messages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.core.report import build_report, human_count
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.messages import MessageLog

NODE_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1


class SummaryDock(QtWidgets.QTabWidget):
    def __init__(self, document: EditorDocument, select: Callable[[list[str]], None]) -> None:
        super().__init__()
        self.document = document
        self.select = select
        self.problems = QtWidgets.QListWidget()
        self.problems.setWordWrap(True)
        self.problems.itemActivated.connect(self._activated)
        self.problems.itemClicked.connect(self._activated)
        self.table = QtWidgets.QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Layer", "Type", "Output shape", "Params", "MACs"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemClicked.connect(self._activated)
        self.totals = QtWidgets.QLabel()
        self.totals.setWordWrap(True)  # a narrow dock wraps the totals
        summary = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(summary)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)
        self.log = MessageLog()
        self.addTab(self.problems, "Problems")
        self.addTab(summary, "Summary")
        self.addTab(self.log, "Messages")
        self._timer = QtCore.QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
        document.inference_updated.connect(lambda _changed: self._timer.start())
        document.replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        report = build_report(self.document.graph, self.document.result)
        self.problems.clear()
        for issue in report.issues:
            mark = "✗" if issue.severity == "error" else "⚠"
            text = f"{mark} {issue.message}" + (f"\n    → {issue.hint}" if issue.hint else "")
            item = QtWidgets.QListWidgetItem(text)
            item.setData(NODE_ROLE, issue.node_id)
            item.setForeground(QtGui.QColor("#ff8a80" if issue.severity == "error" else "#ffd180"))
            self.problems.addItem(item)
        if not report.issues:
            self.problems.addItem("✓ No problems: the graph is ready to build and train.")
        errors = len(report.errors)
        self.setTabText(0, f"Problems ({errors})" if errors else "Problems")
        self.table.setRowCount(len(report.rows))
        for row, r in enumerate(report.rows):
            cells = [r.name, r.type, r.shape_text, r.params_text, human_count(r.macs)]
            for col, text in enumerate(cells):
                cell = QtWidgets.QTableWidgetItem(text)
                cell.setData(NODE_ROLE, r.id)
                if col >= 3:
                    cell.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
                if r.errors:
                    cell.setForeground(QtGui.QColor("#ff8a80"))
                self.table.setItem(row, col, cell)
        result = report.result
        self.totals.setText(
            f"Total params: {result.total_params:,}   Trainable: {result.trainable_params:,}   "
            f"Non-trainable: {result.non_trainable_params:,}   Multiply-adds per sample: "
            f"{human_count(result.total_macs)}"
        )

    def show_node(self, node_id: str) -> None:
        """The Summary tab, with ``node_id``'s row selected and in view."""
        self.refresh()
        self.setCurrentIndex(1)
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 0)
            if cell is not None and cell.data(NODE_ROLE) == node_id:
                self.table.selectRow(row)
                self.table.scrollToItem(cell)

    def _activated(self, item) -> None:
        node_id = item.data(NODE_ROLE)
        if node_id:
            self.select([node_id])
