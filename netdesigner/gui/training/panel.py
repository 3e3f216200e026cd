"""The training dock: it lays out the data and settings forms, Train / Pause / Stop, progress
with ETA, the device, live curves and what can be done with the trained model, and connects
them to the document and the run controller. The logic lives in those two.

Results belong to the graph they were trained on: while a run is active the document refuses
edits that change the model; afterwards an edit marks the results stale (they stay usable,
every result saying so); New and Open clear them.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.backend.devices import is_gpu
from netdesigner.backend.training import TrainEvent, TrainKind
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import dumps, loads
from netdesigner.core.report import megabytes
from netdesigner.core.settings import FIT_SPECS
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.plots import LivePlots
from netdesigner.gui.training.controller import RunController, RunState
from netdesigner.gui.training.data_form import DataForm
from netdesigner.gui.training.inside_view import InsideView
from netdesigner.gui.training.results import STALE, ResultActions
from netdesigner.gui.training.run_keeper import RunKeeper
from netdesigner.gui.training.settings_form import SettingsForm
from netdesigner.user_dirs import data_dir

LOCKED = "training is running on this graph"


def run_folder() -> Path:
    """A fresh folder for one run's checkpoint and TensorBoard logs (made only if used)."""
    return data_dir() / "runs" / time.strftime("%Y%m%d-%H%M%S")


class TrainingPanel(QtWidgets.QWidget):
    def __init__(self, document: EditorDocument, message: Callable[[str], None]) -> None:
        super().__init__()
        self.document, self.message = document, message
        self.controller = RunController(self)
        self.plots = LivePlots()
        self.data_form = DataForm(lambda spec: self._guarded(lambda: document.set_data(spec)))
        self.settings = SettingsForm(document)
        self.cpu_only = QtWidgets.QCheckBox("use the CPU even if a GPU is present")
        self.train_on = QtWidgets.QCheckBox("start from the last run's weights")
        self.train_on.setObjectName("train_on")
        self.train_on.setToolTip(
            "train on from where the last run ended instead of from fresh weights: how fine-tuning "
            "goes (train the head, unfreeze the backbone's top, train on at a lower learning rate)"
        )
        self.train_action = self._run_action("▶ Train", "F5", "build, compile and fit the model on the chosen data")
        self.pause_action = self._run_action("‖ Pause", "F6", "hold training after this batch; Resume carries on")
        self.stop_action = self._run_action("■ Stop", "Shift+F5", "end after this batch, keeping the weights")
        self.pause_action.setCheckable(True)
        self.progress = QtWidgets.QProgressBar()
        self.device_label = QtWidgets.QLabel("device: looking while Keras loads…")
        self.stale_label = QtWidgets.QLabel(f"⚠ {STALE}")
        self.stale_label.setObjectName("warning")
        self.stale_label.setWordWrap(True)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.status.setOpenExternalLinks(True)  # the run folder's link opens it
        self.results = ResultActions(self.controller, self.plots, self._say)
        self.keeper = RunKeeper(document, self.controller, self._say)
        self.inside = InsideView(document, self.controller, self._say)
        self.results.look_inside = self.look_inside
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setObjectName("training_tabs")
        self._lay_out()
        self.train_action.triggered.connect(self.start)
        self.pause_action.toggled.connect(self._pause_toggled)
        self.stop_action.triggered.connect(self.controller.stop)
        self.controller.progress.connect(self._on_event)
        self.controller.state_changed.connect(self._on_state)
        document.replaced.connect(self._on_replaced)
        document.training_changed.connect(lambda: self.data_form.show_spec(document.doc.training.data))
        document.inference_updated.connect(lambda _changed: self._check_stale())
        self.set_devices(None)
        self._on_replaced()
        self._on_state(self.controller.state)

    def _run_action(self, text: str, key: str, tip: str) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        action.setShortcut(QtGui.QKeySequence(key))
        action.setToolTip(f"{tip} ({key})")
        return action

    def _lay_out(self) -> None:
        form = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(form)
        column.addWidget(self.data_form)
        column.addWidget(self.settings)
        column.addWidget(self.cpu_only)
        column.addWidget(self.train_on)
        column.addWidget(self.keeper.keep_model)
        column.addStretch()
        scroll = QtWidgets.QScrollArea()  # the dock can be made small: the form scrolls
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # labels wrap instead
        scroll.setWidget(form)
        buttons = QtWidgets.QHBoxLayout()
        self.train_button, self.pause_button, self.stop_button = (
            self._action_button(action) for action in (self.train_action, self.pause_action, self.stop_action)
        )
        for button in (self.train_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        left = QtWidgets.QVBoxLayout()  # run controls first: the settings scroll below them
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(scroll, 1)
        left.addWidget(self.device_label)
        left.addWidget(self.stale_label)
        left.addWidget(self.status)
        left.addWidget(self.results)
        left_box = QtWidgets.QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(430)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(left_box)
        self.tabs.addTab(self.plots, "Curves")
        self.tabs.addTab(self.keeper.view, "Runs")
        self.tabs.addTab(self.keeper.view.plot, "Compare")
        self.keeper.view.overlaid.connect(lambda count: self.tabs.setTabText(2, f"Compare ({count})"))
        self.tabs.addTab(self.inside, "Inside")
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _action_button(action: QtGui.QAction) -> QtWidgets.QToolButton:
        button = QtWidgets.QToolButton()
        button.setDefaultAction(action)
        button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        return button

    def _guarded(self, edit: Callable[[], None]) -> None:
        try:
            edit()
        except Exception as error:  # noqa: BLE001 - a refused data description is shown, the form reset
            self._say(str(error), True)
            self.data_form.show_spec(self.document.doc.training.data)

    # --- running ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.controller.state.active

    def start(self) -> None:
        if self.running:
            return
        errors = [i for i in self.document.issues if i.severity == "error"]
        if errors:
            self._say(f"Fix the graph first: {errors[0]}", True)
            return
        try:
            self.document.set_data(self.data_form.spec())
        except GraphError as error:
            self._say(str(error), True)
            return
        self.document.flush()
        previous = self.controller.model if self.train_on.isChecked() else None
        snapshot = loads(dumps(self.document.doc))  # the run never sees later edits
        self.plots.clear()
        self.results.clear()
        self._say("Loading data and building the model…")
        self.progress.setRange(0, 0)
        device = "cpu:0" if self.cpu_only.isChecked() else None
        folder = self.keeper.reserve() or run_folder()
        self.controller.start(snapshot, dict(self.document.result.keys), device, folder, previous)

    def show_node(self, node_id: str | None) -> None:
        """The canvas's selection: the Inside tab looks into it."""
        self.inside.show_node(node_id)

    def look_inside(self, sample: int) -> None:
        """A sample chosen in the predictions view, shown going through the selected layer."""
        self.tabs.setCurrentWidget(self.inside)
        self.inside.show_sample(sample)

    def _pause_toggled(self, pause: bool) -> None:
        self.controller.pause(pause)
        self.pause_action.setText("▶ Resume" if pause else "‖ Pause")
        if pause and self.running:
            self._say("Pausing at the end of this batch…")

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop a running training and wait for it (the window is closing)."""
        self.controller.shutdown(timeout)
        self.results.clear_predictions()

    def set_devices(self, devices: list[str] | None) -> None:
        """What Keras can train on (``None`` until it has loaded): the GPU-only choices are
        offered only where there is a GPU."""
        gpu = devices is not None and bool(devices) and is_gpu(devices[0])
        mixed = self.settings.widget("mixed_precision")
        for field in (mixed, self.cpu_only):
            field.setEnabled(gpu)
        if devices is not None:
            self.device_label.setText(f"device: {devices[0] if gpu else 'CPU (no GPU found)'}")
        note = "" if gpu else "\n(needs a GPU: " + ("looking for one…)" if devices is None else "none found)")
        mixed.setToolTip(FIT_SPECS["mixed_precision"].doc + note)

    def _on_state(self, state: RunState) -> None:
        active = state.active
        if active:
            self.document.lock(LOCKED)
        else:
            self.document.unlock()
            self.plots.settle()
            self.progress.setRange(0, max(self.progress.maximum(), 1))
            if state in (RunState.FINISHED, RunState.FAILED):
                self.keeper.record()
            if state is RunState.FAILED:
                self.progress.setFormat("failed")
                self._say(self.controller.error, True)
        self.train_action.setEnabled(not active)
        self.train_on.setEnabled(not active and self.controller.model is not None)
        if self.controller.model is None:
            self.train_on.setChecked(False)
        self.stop_action.setEnabled(active)
        self.pause_action.setEnabled(state in (RunState.TRAINING, RunState.PAUSED))
        if not active:
            self.pause_action.setChecked(False)
        if state is RunState.STOPPING:
            self._say("Stopping at the end of this batch…")
        self.results.update_enabled()
        self._check_stale()

    def _on_event(self, event: TrainEvent) -> None:
        position = f"epoch {event.epoch}/{event.epochs} · batch {event.batch}/{event.batches}"
        match event.kind:
            case TrainKind.DOWNLOAD:
                if event.received == 0:
                    self._say(event.message)
                self.progress.setRange(0, event.size)  # (0, 0): busy, while the size is unknown
                self.progress.setValue(min(event.received, event.size))
                self.progress.setFormat(
                    f"weights {megabytes(event.received)}" + (f" / {megabytes(event.size)}" if event.size else "")
                )
            case TrainKind.STARTED:
                self.progress.setRange(0, event.epochs * event.batches)
                self._say(event.message)
                self.device_label.setText(f"device: {event.device}")
            case TrainKind.BATCH:
                done = (event.epoch - 1) * event.batches + event.batch
                total = max(self.progress.maximum(), 1)
                eta = event.seconds / done * (total - done) if done else 0
                self.progress.setValue(min(done, total))
                if self.controller.state is not RunState.PAUSED:  # a late report must not hide the pause
                    self.progress.setFormat(f"{position} · ETA {eta:.0f} s")
                if "loss" in event.logs:
                    self.plots.add_batch(event.epoch - 1 + event.batch / event.batches, event.logs["loss"])
            case TrainKind.EPOCH:
                self.plots.add_epoch(event.logs)
            case TrainKind.PAUSED:
                self.progress.setFormat(f"paused · {position}")
                self._say("Paused. Resume carries on from here; Stop ends the run and keeps the weights.")
            case TrainKind.RESUMED:
                self._say("Training resumed.")
            case TrainKind.FINISHED | TrainKind.STOPPED:
                self.progress.setFormat(f"{event.kind} after {event.seconds:.1f} s")
                ended = (
                    "Training finished."
                    if event.kind is TrainKind.FINISHED
                    else "Stopped; the weights trained so far are kept."
                )
                self._say(ended, link_html=self._run_folder_note())

    def _run_folder_note(self) -> str:
        """Where the run is kept (its checkpoint and TensorBoard logs too, when written), as a link."""
        folder = self.controller.out_dir
        if folder is None or not folder.is_dir():
            return ""
        written = [name for name in ("best.keras", "logs") if (folder / name).exists()]
        url = QtCore.QUrl.fromLocalFile(str(folder)).toString()
        what = " and ".join("TensorBoard logs" if n == "logs" else n for n in written)
        link = f"<a href='{html.escape(url)}'>{html.escape(str(folder))}</a>"
        board = f" (tensorboard --logdir {html.escape(str(folder / 'logs'))})" if "logs" in written else ""
        return f" {html.escape(what)} in {link}{board}." if what else f" Kept in {link}."

    # --- results and the graph on screen --------------------------------------------------------

    def _check_stale(self) -> None:
        trained = self.controller.trained_keys
        has_model = self.controller.model is not None and not self.running
        stale = has_model and self.document.result.keys != trained
        self.results.stale = stale
        self.stale_label.setVisible(stale)

    def _on_replaced(self) -> None:
        """Another graph: nothing shown may belong to the previous one."""
        self.controller.reset()
        self.plots.clear()
        self.results.clear()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("ready")
        self._say("")
        self.data_form.show_spec(self.document.doc.training.data)
        self.results.update_enabled()
        self._check_stale()

    def _say(self, text: str, error: bool = False, link_html: str = "") -> None:
        """The status line is rich text (for links): what it quotes is escaped. Empty, it takes no
        room from the settings."""
        self.status.setVisible(bool(text or link_html))
        if error:
            self.status.setText(f"<span style='color:#ff8a80'>✗ {html.escape(text)}</span>")
            self.message(text)
        else:
            self.status.setText(html.escape(text) + link_html)
