"""The Runs tab of the training dock: every kept run of the graph as a table row (its name
editable, what changed against the run before, final numbers), ticked runs overlaid in one
figure (``plot``, which the dock shows in its own Compare tab: beside the table it would be too
narrow to read at 1366x768), and the current row restored (its graph and settings, one undoable
step), deleted, or its folder opened (TensorBoard logs included).

The run store is the truth: the table is read from the folder after every change, so what
``netdesigner runs`` prints and what this shows never differ.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.backend.run_store import LOGS, Outcome, RunError, RunRecord, RunStore
from netdesigner.gui.compare_plot import ComparisonPlot

COLUMNS = ("✓", "run", "name", "what changed", "loss", "val_loss", "epochs")
TICK, NAME, CHANGES = 0, 2, 3


class RunsView(QtWidgets.QWidget):
    """``say(text, error)`` writes the dock's status line; ``restore(run)`` brings a run back."""

    overlaid = QtCore.Signal(int)  # how many runs the comparison now shows

    def __init__(self, say: Callable[[str, bool], None], restore: Callable[[RunRecord], None]) -> None:
        super().__init__()
        self.say, self.restore = say, restore
        self.store: RunStore | None = None
        self.records: list[RunRecord] = []
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("runs_table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        tick_header = self.table.horizontalHeaderItem(TICK)
        if tick_header is not None:
            tick_header.setToolTip("tick runs to overlay their curves")
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QtWidgets.QAbstractItemView.EditTrigger.DoubleClicked
            | QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHANGES, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.plot = ComparisonPlot()
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        row = QtWidgets.QHBoxLayout()
        for key, text, tip, slot in (
            ("restore", "Restore", "bring back this run's graph and settings (Ctrl+Z undoes it)", self.restore_current),
            ("delete", "Delete…", "delete this run's folder", self.delete_current),
            (
                "folder",
                "Folder",
                "open this run's folder (TensorBoard: tensorboard --logdir FOLDER/logs)",
                self.open_folder,
            ),
            ("png", "Save PNG…", "save the comparison of the ticked runs as a picture", self.save_png_dialog),
        ):
            button = QtWidgets.QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self._update_buttons()

    def set_store(self, store: RunStore) -> None:
        self.store = store
        self.reload()

    def reload(self, tick: tuple[str, ...] = ()) -> None:
        """Read the runs again; ``tick``: run ids to tick besides those ticked already."""
        ticked = {r.id for r in self.ticked()} | set(tick)
        current = self.current()
        self.records = self.store.runs() if self.store is not None else []
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.records))
        for row, run in enumerate(self.records):
            cells = (
                "",
                run.id,
                run.name,
                run.changes,
                run.final_text("loss"),
                run.final_text("val_loss"),
                str(run.epochs_done) + ("" if run.outcome is Outcome.FINISHED else f" ({run.outcome})"),
            )
            for column, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                flags = QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsSelectable
                if column == TICK:
                    flags |= QtCore.Qt.ItemFlag.ItemIsUserCheckable
                    item.setCheckState(
                        QtCore.Qt.CheckState.Checked if run.id in ticked else QtCore.Qt.CheckState.Unchecked
                    )
                elif column == NAME:
                    flags |= QtCore.Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags)
                item.setToolTip(
                    f"{run.changes}\n{run.created} · {run.seconds:.1f} s on {run.device} · {run.data} · "
                    f"seed {run.seed}\n{run.folder}" + (f"\n{run.message}" if run.message else "")
                )
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        ids = [r.id for r in self.records]
        if tick and ids:  # a run just recorded: it is the current one
            self.table.selectRow(len(ids) - 1)
        elif current is not None and current.id in ids:
            self.table.selectRow(ids.index(current.id))
        elif self.records:
            self.table.selectRow(len(self.records) - 1)
        for problem in self.store.problems if self.store is not None else []:
            self.say(f"skipped a run: {problem}", True)
        for interrupted in self.store.interrupted if self.store is not None else []:
            self.say(f"{interrupted[:1].upper()}{interrupted[1:]}.", False)
        self._overlay()
        self._update_buttons()

    def ticked(self) -> list[RunRecord]:
        return [
            run
            for row, run in enumerate(self.records)
            if (item := self.table.item(row, TICK)) is not None and item.checkState() == QtCore.Qt.CheckState.Checked
        ]

    def current(self) -> RunRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows and rows[0].row() < len(self.records) else None

    def _item_changed(self, item: QtWidgets.QTableWidgetItem) -> None:
        run = self.records[item.row()]
        if item.column() == TICK:
            self._overlay()
        elif item.column() == NAME and self.store is not None and item.text() != run.name:
            self._guarded(lambda: self.store.rename(run.id, item.text()) if self.store else None)
            self.reload()

    def _overlay(self) -> None:
        ticked = self.ticked()
        self.plot.show_runs([(f"{r.id} {r.name}", r.history) for r in ticked])
        self.buttons["png"].setEnabled(bool(ticked))
        self.overlaid.emit(len(ticked))

    def _update_buttons(self) -> None:
        run = self.current()
        for key in ("restore", "delete", "folder"):
            self.buttons[key].setEnabled(run is not None)
        tensorboard = run is not None and (run.folder / LOGS).is_dir()
        self.buttons["folder"].setText("Folder (TensorBoard)" if tensorboard else "Folder")

    def restore_current(self) -> None:
        run = self.current()
        if run is not None:
            self.restore(run)

    def delete_current(self) -> None:
        run = self.current()
        if run is None or self.store is None:
            return
        answer = QtWidgets.QMessageBox.question(
            self, "Delete run", f"Delete {run.name} ({run.id}) and its folder {run.folder}?"
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            store = self.store
            if self._guarded(lambda: store.delete(run.id)):
                self.say(f"Deleted {run.name}.", False)
            self.reload()

    def open_folder(self) -> None:
        run = self.current()
        if run is not None:
            QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(run.folder)))
            if (run.folder / LOGS).is_dir():
                self.say(f"TensorBoard: tensorboard --logdir {run.folder / LOGS}", False)

    def save_png_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save comparison", "runs_compared.png", "PNG (*.png)")
        if path:
            self.save_png(path)

    def save_png(self, path: str) -> None:
        if self._guarded(lambda: self.plot.save_png(path)):
            self.say(f"Saved the comparison to {path}", False)

    def _guarded(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except (OSError, RunError) as error:
            self.say(str(error), True)
            return False
        return True
