"""The main window: canvas in the middle, palette, properties, problems/summary and code docks,
menus with the usual shortcuts, files with recent list, samples, unsaved-changes prompt and
crash recovery."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.core.errors import FormatError
from netdesigner.core.fileformat import Document, dumps, load, save, write_text_atomic
from netdesigner.core.fragments import copy_fragment, paste_fragment
from netdesigner.core.graph import Graph
from netdesigner.core.layout import layered_positions
from netdesigner.core.report import human_count
from netdesigner.gui import help_dialogs
from netdesigner.gui.backend_loader import BackendLoader
from netdesigner.gui.canvas import GraphCanvas
from netdesigner.gui.code_view import CodeView
from netdesigner.gui.context_menu import CanvasContextMenu
from netdesigner.gui.document import EditorDocument, ModelLockedError
from netdesigner.gui.palette import Palette
from netdesigner.gui.properties import PropertiesPanel
from netdesigner.gui.quick_add import QuickAdd
from netdesigner.gui.summary import SummaryDock
from netdesigner.gui.training import TrainingPanel
from netdesigner.gui.training.controller import RunState
from netdesigner.gui.window_layout import Docks, WindowLayout
from netdesigner.samples import sample_paths
from netdesigner.user_dirs import data_dir

T = TypeVar("T")

FILE_FILTER = "netdesigner graphs (*.json);;All files (*)"
MAX_RECENT = 8
AUTOSAVE_MS = 20_000
PASTE_OFFSET = (40.0, 40.0)


def recovery_path() -> Path:
    return data_dir() / "recovery.json"


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, load_backend: bool = True) -> None:
        super().__init__()
        self.settings = QtCore.QSettings()
        self.undo_stack = QtGui.QUndoStack(self)
        self.document = EditorDocument(self.undo_stack, self)
        self.canvas = GraphCanvas(self.document, self.show_message)
        self.setCentralWidget(self.canvas.widget)
        # Any change of selection (a click, a rubber band, a node added from the palette, Tab or
        # a paste) shows in Properties.
        self.canvas.viewer().scene().selectionChanged.connect(self._selection_changed)

        self.layer_palette = Palette(self.add_at_centre)
        self.properties = PropertiesPanel(self.document, self.show_message)
        self.summary = SummaryDock(self.document, self.select_and_centre)
        self.code_view = CodeView(self.document, self.export_code)
        self.training = TrainingPanel(self.document, self.show_message)
        self.palette_dock = self._dock("Layers", self.layer_palette)
        self.properties_dock = self._dock("Properties", self.properties)
        self.summary_dock = self._dock("Problems and summary", self.summary)
        self.code_dock = self._dock("Python code", self.code_view)
        self.training_dock = self._dock("Training", self.training)

        self.status_label = QtWidgets.QLabel()
        self.backend_label = QtWidgets.QLabel("Loading Keras in the background…")
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.backend_label)
        self.document.inference_updated.connect(self._update_status)
        self.document.replaced.connect(self._update_status)
        self.undo_stack.cleanChanged.connect(self._update_title)

        screen = QtGui.QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen is not None else QtCore.QSize(1400, 860)
        self.resize(min(1400, room.width()), min(860, room.height()))  # never larger than the screen
        self.window_layout = WindowLayout(
            self,
            Docks(self.palette_dock, self.properties_dock, self.code_dock, self.summary_dock, self.training_dock),
            self.settings,
        )
        self._fit_docks_when_shown = not self.window_layout.restore()
        self.training.controller.state_changed.connect(
            lambda state: self.window_layout.set_mode("train") if state is RunState.LOADING else None
        )
        self._make_actions()
        self._update_title()
        self._update_status()

        self.autosave_timer = QtCore.QTimer(self, interval=AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

        self.backend = BackendLoader()  # no parent: see BackendLoader
        self.backend.ready.connect(self.backend_label.setText)
        self.backend.failed.connect(self.backend_label.setText)
        self.backend.devices.connect(self.training.set_devices)
        self._backend_waits_for_paint = load_backend

    def _opener(self, path: Path, as_sample: bool = False) -> Callable[[], bool]:
        """A menu entry's action: open ``path`` (the entry's checked state is ignored)."""
        return lambda: self.open_path(path, as_sample=as_sample)

    def _undo_while_unlocked(self, locked: bool) -> None:
        """Undo and redo are off while a training run uses the model (the group has no stack)."""
        if locked:
            self.undo_group.removeStack(self.undo_stack)
        else:
            self.undo_group.addStack(self.undo_stack)
            self.undo_group.setActiveStack(self.undo_stack)

    def _dock(self, title: str, widget: QtWidgets.QWidget) -> QtWidgets.QDockWidget:
        """A dock; ``WindowLayout`` places it."""
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        return dock

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        """Keras starts loading once the window has been painted: its import holds the
        interpreter for seconds and would otherwise delay the first picture."""
        super().paintEvent(event)
        if self._backend_waits_for_paint:
            self._backend_waits_for_paint = False
            QtCore.QTimer.singleShot(0, self.backend.start)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_docks_when_shown:  # dock sizes are fractions of the window's final size
            self._fit_docks_when_shown = False
            QtCore.QTimer.singleShot(0, self._fit_docks)

    def _fit_docks(self) -> None:
        self.window_layout.fit_to_window()
        self.canvas.frame_readable()  # the graph fitted to the canvas's final size

    # --- actions and menus ---------------------------------------------------------------------

    def _action(self, menu: QtWidgets.QMenu, text: str, slot, shortcut=None, canvas_only: bool = False):
        action = QtGui.QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.named_actions[text.replace("&", "").removesuffix("…")] = action
        if canvas_only:  # keys like Delete and Ctrl+C keep their meaning inside text fields
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.canvas.widget.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.named_actions: dict[str, QtGui.QAction] = {}
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New", self.new_file, QtGui.QKeySequence.StandardKey.New)
        self._action(file, "&Open…", self.open_dialog, QtGui.QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &Recent")
        self.samples_menu = file.addMenu("&Samples")
        for path in sample_paths():
            self.samples_menu.addAction(path.stem.replace("_", " "), self._opener(path, as_sample=True))
        file.addSeparator()
        self._action(file, "&Save", self.save_file, QtGui.QKeySequence.StandardKey.Save)
        self._action(file, "Save &As…", self.save_as, QtGui.QKeySequence.StandardKey.SaveAs)
        self._action(file, "&Export Python…", self.export_code, "Ctrl+E")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QtGui.QKeySequence.StandardKey.Quit)
        self._fill_recent()

        edit = bar.addMenu("&Edit")
        # Through a group, so that undo and redo can be switched off while training uses the model.
        self.undo_group = QtGui.QUndoGroup(self)
        self.undo_group.addStack(self.undo_stack)
        self.undo_group.setActiveStack(self.undo_stack)
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QtGui.QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Redo)])
        edit.addAction(undo)
        edit.addAction(redo)
        self.canvas.drop_own_menu()
        self.document.lock_changed.connect(self._undo_while_unlocked)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self._action(edit, "Cu&t", self.cut, QtGui.QKeySequence.StandardKey.Cut, canvas_only=True)
        self._action(edit, "&Copy", self.copy, QtGui.QKeySequence.StandardKey.Copy, canvas_only=True)
        self._action(edit, "&Paste", self.paste, QtGui.QKeySequence.StandardKey.Paste, canvas_only=True)
        self._action(edit, "&Duplicate", self.duplicate, "Ctrl+D", canvas_only=True)
        self._action(edit, "De&lete", self.delete_selected, QtGui.QKeySequence.StandardKey.Delete, canvas_only=True)
        self._action(
            edit, "Select &All", self.canvas.select_all, QtGui.QKeySequence.StandardKey.SelectAll, canvas_only=True
        )
        edit.addSeparator()
        self._action(edit, "&Freeze Up to Here", lambda: self.set_trainable(False, upstream=True))
        self._action(edit, "U&nfreeze", lambda: self.set_trainable(True))

        train = bar.addMenu("&Train")
        for action in (self.training.train_action, self.training.pause_action, self.training.stop_action):
            train.addAction(action)

        view = bar.addMenu("&View")
        self._action(view, "Auto &Layout", self.auto_layout, "Ctrl+L")
        self._action(view, "&Fit View", self.canvas.fit_to_selection, "F")
        self._action(view, "Zoom &In", lambda: self.zoom(0.1), QtGui.QKeySequence.StandardKey.ZoomIn)
        self._action(view, "Zoom &Out", lambda: self.zoom(-0.1), QtGui.QKeySequence.StandardKey.ZoomOut)
        self._action(view, "Add Layer by &Name…", lambda: self.open_quick_add(), "Tab", canvas_only=True)
        view.addSeparator()
        for dock in self.window_layout.docks.all():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self._action(view, "&Reset Layout", self.window_layout.reset)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", lambda: self._show(help_dialogs.shortcuts_dialog(self)), "F1")
        self._action(help_menu, "&Layer Reference", lambda: self._show(help_dialogs.reference_dialog(self)))
        self._action(help_menu, "&About netdesigner", lambda: help_dialogs.about(self, self.backend_label.text()))
        self.context_menu = CanvasContextMenu(self)

    def _show(self, dialog: QtWidgets.QDialog) -> None:
        self.help_dialog = dialog  # kept while open; the next one replaces it
        dialog.show()

    def zoom(self, step: float) -> None:
        self.canvas.set_zoom(self.canvas.get_zoom() + step)

    # --- editing ------------------------------------------------------------------------------

    def refusable(self, edit: Callable[[], T]) -> T | None:
        """Run an edit; one the document refuses while training runs is explained instead."""
        try:
            return edit()
        except ModelLockedError as error:
            self.show_message(f"Not now: {error}")
            return None

    def add_at_centre(self, layer_type: str) -> str | None:
        """Add a layer in the middle of the view, cascading away from nodes already there."""
        x, y = self.canvas.view_centre()
        taken = [n.position for n in self.document.graph.nodes.values()]
        while any(abs(x - px) < 120 and abs(y - py) < 60 for px, py in taken):
            x, y = x + 200, y + 40
        node_id = self.refusable(lambda: self.document.add_node(layer_type, (x, y)))
        if node_id is not None:
            self.canvas.select_ids([node_id], centre=False)
        return node_id

    def open_quick_add(self, at: QtCore.QPoint | None = None) -> None:
        """Tab (or "Add Layer Here"): type a layer name; it is added at ``at`` (viewport
        coordinates), else where the mouse is, else in the view's centre."""
        viewport = self.canvas.viewer().viewport()
        local = viewport.mapFromGlobal(QtGui.QCursor.pos()) if at is None else at
        inside = at is not None or viewport.rect().contains(local)
        scene = self.canvas.viewer().mapToScene(local) if inside else QtCore.QPointF(*self.canvas.view_centre())
        where = (scene.x(), scene.y())
        self.quick_add = QuickAdd(self, lambda kind: self.refusable(lambda: self.document.add_node(kind, where)))
        self.quick_add.open_at(viewport.mapToGlobal(local if inside else viewport.rect().center()))

    def show_properties(self) -> None:
        self.properties_dock.show()
        self.properties_dock.raise_()

    def show_in_summary(self, node_id: str) -> None:
        self.summary_dock.show()
        self.summary_dock.raise_()
        self.summary.show_node(node_id)

    def select_and_centre(self, node_ids: list[str]) -> None:
        self.canvas.select_ids(node_ids)
        self._selection_changed()

    def _selection_changed(self) -> None:
        ids = self.canvas.selected_ids()
        self.properties.show_node(ids[0] if len(ids) == 1 else None)
        self.training.show_node(ids[0] if len(ids) == 1 else None)
        if len(ids) == 1 and self.properties_dock.visibleRegion().isEmpty():
            self.properties_dock.raise_()  # in front of the code tab: the node's fields show

    def set_trainable(self, trainable: bool, upstream: bool = False) -> None:
        """Freeze the selected layers and everything before them, or unfreeze the selected ones."""
        ids = self.canvas.selected_ids()
        if not ids:
            self.show_message("Select a layer first: freezing acts on the selection.")
            return
        changed = self.refusable(lambda: self.document.set_trainable(ids, trainable, upstream))
        if changed is not None:
            word = "Unfroze" if trainable else "Froze"
            self.show_message(f"{word} {changed} layer{'s' if changed != 1 else ''} with weights.")

    def delete_selected(self) -> None:
        self.refusable(lambda: self.document.delete(self.canvas.selected_ids()))

    def copy(self) -> None:
        ids = self.canvas.selected_ids()
        if ids:
            QtWidgets.QApplication.clipboard().setText(copy_fragment(self.document.graph, ids))

    def cut(self) -> None:
        self.copy()
        self.delete_selected()

    def paste(self) -> None:
        text = QtWidgets.QApplication.clipboard().text()
        try:
            nodes, edges, notes = paste_fragment(text, self.document.graph, PASTE_OFFSET)
        except FormatError:
            self.show_message("Nothing to paste: the clipboard holds no layers.")
            return
        if self.refusable(lambda: self.document.add_nodes(nodes, edges, f"paste {len(nodes)} layer(s)")) is None:
            return
        if notes:
            self.show_message("Pasted; " + "; ".join(notes))
        self.canvas.select_ids([n.id for n in nodes], centre=False)

    def duplicate(self) -> None:
        self.copy()
        self.paste()

    def auto_layout(self) -> None:
        graph = self.document.graph
        moves = {nid: (graph.nodes[nid].position, pos) for nid, pos in layered_positions(graph).items()}
        self.document.move(moves, applied=False, text="auto layout")
        self.canvas.fit_to_selection()

    # --- files ----------------------------------------------------------------------------------

    def may_replace(self) -> bool:
        """Another document may be opened: not while training uses this one, and not before
        unsaved changes are saved or dropped."""
        if self.document.lock_reason:
            self.show_message(f"Not now: {self.document.lock_reason}; stop training first (Shift+F5)")
            return False
        return self.maybe_save()

    def new_file(self) -> None:
        if self.may_replace():
            self.document.set_document(Document(Graph()), None)
            self._update_title()

    def open_dialog(self) -> None:
        if not self.may_replace():
            return
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open graph", self._last_dir(), FILE_FILTER)
        if path:
            self.open_path(Path(path), ask=False)

    def open_path(self, path: Path, as_sample: bool = False, ask: bool = True) -> bool:
        """Open a graph; a bad file is explained and the current document kept."""
        if self.document.lock_reason:
            return self.may_replace()  # which explains why not
        if ask and not self.maybe_save():
            return False
        try:
            doc = load(path, fix_names=True)  # names saved before the naming rule are made legal
        except FormatError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot open graph", f"{path}:\n\n{error}")
            return False
        self.document.set_document(doc, None if as_sample else Path(path))
        if doc.notes:
            self.undo_stack.resetClean()  # the names on screen are not those in the file yet
            QtWidgets.QMessageBox.information(
                self,
                "Layer names changed",
                "Some layer names Keras would refuse were changed:\n\n" + "\n".join(doc.notes),
            )
        if not as_sample:
            self._remember(Path(path))
        self._update_title()
        QtCore.QTimer.singleShot(0, self.canvas.frame_readable)
        return True

    def save_file(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self) -> bool:
        chosen, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save graph", self._last_dir(), FILE_FILTER)
        if not chosen:
            return False
        return self._write(Path(chosen if chosen.endswith(".json") else chosen + ".json"))

    def _write(self, path: Path) -> bool:
        try:
            save(self.document.doc, path)
        except OSError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot save", f"{path}:\n\n{error.strerror or error}")
            return False
        self.document.saved_as(path)
        self.undo_stack.setClean()
        self._remember(path)
        self._update_title()
        recovery_path().unlink(missing_ok=True)
        self.show_message(f"Saved {path}")
        return True

    def export_code(self) -> None:
        from netdesigner.backend.export import ExportError, export_for_suffix

        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export code", self._last_dir(), "Python script (*.py);;Jupyter notebook (*.ipynb)"
        )
        if not path:
            return
        target = Path(path)
        try:
            write_text_atomic(target, export_for_suffix(self.document.doc, target.suffix, self.code_view.options()))
        except (ExportError, OSError) as error:
            QtWidgets.QMessageBox.warning(self, "Cannot export", str(error))
            return
        self.show_message(f"Exported {target}")

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document."""
        if self.undo_stack.isClean():
            return True
        answer = QtWidgets.QMessageBox.question(
            self,
            "Unsaved changes",
            "Save the changes to this graph first?",
            QtWidgets.QMessageBox.StandardButton.Save
            | QtWidgets.QMessageBox.StandardButton.Discard
            | QtWidgets.QMessageBox.StandardButton.Cancel,
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Save:
            return self.save_file()
        return answer == QtWidgets.QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.maybe_save():
            self.window_layout.remember()
            self.training.shutdown()
            recovery_path().unlink(missing_ok=True)
            event.accept()
        else:
            event.ignore()

    def autosave(self) -> None:
        """Keep a recovery copy of unsaved work, offered back after a crash."""
        if self.undo_stack.isClean():
            return
        target = recovery_path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, dumps(self.document.doc))
        except OSError as error:
            self.show_message(f"Autosave failed: {error.strerror or error}")

    def offer_recovery(self) -> None:
        target = recovery_path()
        if not target.is_file():
            return
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(target.stat().st_mtime))
        answer = QtWidgets.QMessageBox.question(
            self, "Recover unsaved work", f"netdesigner closed without saving a graph on {when}. Restore it?"
        )
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            try:
                doc = load(target, fix_names=True)
            except FormatError as error:
                self.show_message(f"The recovery file is damaged: {error}")
                return
            self.document.set_document(doc, None)
            self.undo_stack.resetClean()
            self._update_title()
        target.unlink(missing_ok=True)

    def _remember(self, path: Path) -> None:
        recent = [p for p in self._recent() if p != str(path)]
        self.settings.setValue("recent", [str(path), *recent][:MAX_RECENT])
        self.settings.setValue("last_dir", str(path.parent))
        self._fill_recent()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for entry in self._recent():
            self.recent_menu.addAction(entry, self._opener(Path(entry)))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _last_dir(self) -> str:
        return str(self.settings.value("last_dir", str(Path.home())))

    # --- status ----------------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        """The status bar for a few seconds; Problems and summary > Messages keeps it."""
        self.statusBar().showMessage(text, 8000)
        self.summary.log.add(text)

    @QtCore.Slot()
    def _update_title(self) -> None:
        name = self.document.path.name if self.document.path else (self.document.doc.name or "untitled")
        self.setWindowTitle(f"{name}[*] — netdesigner")
        self.setWindowModified(not self.undo_stack.isClean())

    @QtCore.Slot()
    def _update_status(self) -> None:
        errors = [i for i in self.document.issues if i.severity == "error"]
        result = self.document.result
        state = f"✗ {len(errors)} problem{'s' if len(errors) != 1 else ''}" if errors else "✓ valid"
        self.status_label.setText(
            f"{state}   ·   {result.total_params:,} params   ·   {human_count(result.total_macs)} MACs/sample"
        )
        self.status_label.setStyleSheet(f"color: {'#ff8a80' if errors else '#9ccc65'}")
