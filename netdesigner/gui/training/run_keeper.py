"""Which run store the open graph has, and recording each run of the dock in it.

A saved graph keeps its runs beside it (``graph.runs/``); an unsaved one (a sample, a new
graph) in a folder of its own among the user's data, moved beside the file when the graph is
first saved, so no run is lost by saving late.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from netdesigner.backend.atomic_files import save_model
from netdesigner.backend.run_store import MODEL_FILE, RunError, RunRecord, RunStore, record_run, store_for
from netdesigner.core.errors import GraphError
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.training.controller import RunController
from netdesigner.gui.training.runs_view import RunsView
from netdesigner.user_dirs import data_dir


def unsaved_store() -> RunStore:
    return RunStore(data_dir() / "runs" / f"unsaved-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}")


class RunKeeper(QtCore.QObject):
    """``say(text, error)`` writes the dock's status line."""

    def __init__(self, document: EditorDocument, controller: RunController, say: Callable[[str, bool], None]) -> None:
        super().__init__()
        self.document, self.controller, self.say = document, controller, say
        self.view = RunsView(say, self.restore)
        self.keep_model = QtWidgets.QCheckBox("keep each run's trained model (model.keras)")
        self.keep_model.setObjectName("keep_model")
        self.keep_model.setToolTip("save the trained model in the run's folder beside the graph (can be large)")
        self.store, self.unsaved = unsaved_store(), True  # set by _graph_replaced below
        self._move_after_run = False
        self.folder: Path | None = None  # the folder reserved for the run under way
        document.replaced.connect(self._graph_replaced)
        document.path_changed.connect(self._moved)
        self._graph_replaced()

    def _graph_replaced(self) -> None:
        path = self.document.path
        self.unsaved, self._move_after_run = path is None, False
        self.store = store_for(path) if path is not None else unsaved_store()
        self.view.set_store(self.store)

    def _moved(self) -> None:
        """Saved under a (new) name: the runs come along, moved from an unsaved graph's folder,
        copied from another file's (that file keeps its own). A run under way is recorded where
        it started first."""
        path = self.document.path
        if path is None:
            return
        if self.controller.state.active:
            self._move_after_run = True
            return
        target = store_for(path)
        old = self.store.folder
        if target.folder != old and old.is_dir():
            if target.folder.exists():
                self.say(f"{target.folder} holds runs already: the earlier runs stay in {old}", True)
            else:
                try:
                    (shutil.move if self.unsaved else shutil.copytree)(old, target.folder)
                except OSError as error:
                    self.say(f"the runs stay in {old}: {error.strerror or error}", True)
                    return
        self.store, self.unsaved = target, False
        self.view.set_store(target)

    def reserve(self) -> Path | None:
        """A folder for the run about to start; None (and said why) when the store cannot be written."""
        try:
            self.folder = self.store.reserve()
        except OSError as error:
            self.folder = None
            self.say(f"this run is not kept: cannot write {self.store.folder} ({error.strerror or error})", True)
        return self.folder

    def record(self) -> RunRecord | None:
        """The run that just ended, in its folder; the table shows it, ticked beside the one before."""
        folder, run, result = self.folder, self.controller.run, self.controller.result
        self.folder = None
        if self._move_after_run:  # saved under another name while it trained
            QtCore.QTimer.singleShot(0, self._moved)
            self._move_after_run = False
        if folder is None:
            return None
        if run is None or result is None:
            self.store.discard(folder)
            return None
        try:
            record = record_run(self.store, folder, run, result)
        except (OSError, RunError) as error:
            self.say(f"could not record the run in {folder}: {error}", True)
            return None
        if record is None:
            return None
        earlier = [r.id for r in self.view.records]
        self.view.reload(tick=(record.id, *earlier[-1:]))
        if self.keep_model.isChecked() and result.model is not None:
            self.controller.run_job(
                "keeping the model", lambda model, data, doc: save_model(model, folder / MODEL_FILE)
            )
        return record

    def restore(self, run: RunRecord) -> None:
        try:
            self.document.restore(self.store.document(run.id), f"restore {run.name}")
        except GraphError as error:
            self.say(str(error), True)
            return
        self.say(f"Restored {run.name}: its graph and training settings (Ctrl+Z undoes it).", False)
