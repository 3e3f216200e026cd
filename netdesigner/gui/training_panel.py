"""The training dock: data, epochs and batch size, Train / Stop, a progress bar with ETA, the
device in use, live curves, then evaluation, saving the model and exporting curves/history.

Training runs on a worker thread through the same driver as ``netdesigner train``; this
panel only receives its events (as queued Qt signals) and redraws at a bounded rate.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.backend.data import KERAS_DATASETS, DataError, load_dataset
from netdesigner.backend.devices import is_gpu
from netdesigner.backend.training import (
    TrainEvent,
    TrainingRun,
    TrainResult,
    evaluate,
    predict,
    predict_file,
)
from netdesigner.core.fileformat import Document, dumps, loads
from netdesigner.core.params import ParamKind
from netdesigner.core.settings import FIT_PARAMS
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.plots import LivePlots
from netdesigner.gui.predictions import PredictionsView

BATCH_EVENT_SECONDS = 0.05
MIXED_PRECISION_DOC = next(p.doc for p in FIT_PARAMS if p.name == "mixed_precision")
SOURCES = [
    ("synthetic", "Synthetic (fits any model)"),
    ("digits", "Digits 8×8 (built in)"),
    ("npz", "NumPy .npz file…"),
    ("csv", "CSV file…"),
    ("image_folder", "Image folder (one sub-folder per class)…"),
    ("keras", "Keras dataset (downloads once)"),
]


def _position(event: TrainEvent) -> str:
    return f"epoch {event.epoch}/{event.epochs} · batch {event.batch}/{event.batches}"


def run_folder() -> Path:
    """A fresh folder for one run's checkpoint and TensorBoard logs (made only if used)."""
    base = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.AppDataLocation) or str(Path.home())
    return Path(base) / "runs" / time.strftime("%Y%m%d-%H%M%S")


class TrainingWorker(QtCore.QObject):
    """Loads the data and trains on a plain thread; reports through queued signals."""

    event = QtCore.Signal(object)
    finished = QtCore.Signal(object)  # TrainResult
    evaluated = QtCore.Signal(object)  # dict of metrics, or an error string
    predicted = QtCore.Signal(object)  # Predictions, or an error string
    file_predicted = QtCore.Signal(object)  # the Path written, or an error string
    saved = QtCore.Signal(object)  # the Path written, or an error string

    def __init__(self, doc: Document, spec: dict[str, Any], device: str | None, out_dir: Path) -> None:
        super().__init__()
        self.doc, self.spec, self.device, self.out_dir = doc, spec, device, out_dir
        self.training: TrainingRun | None = None
        self.data = None
        self.result: TrainResult | None = None
        self.thread: threading.Thread | None = None
        self._last_batch = 0.0
        self._stop_asked = False

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="netdesigner-training", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.data = load_dataset(self.doc.graph, self.spec)
        except DataError as error:
            self._end(TrainEvent("failed", message=str(error)), TrainResult({}, error=str(error)))
            return
        self.training = TrainingRun(self.doc, self.data, self._forward, device=self.device, out_dir=self.out_dir)
        if self._stop_asked:  # Stop pressed while the data loaded (after this, stop() reaches the run)
            self._end(TrainEvent("stopped"), TrainResult({}, stopped=True))
            return
        self.result = self.training.run()
        self.finished.emit(self.result)

    def _end(self, event: TrainEvent, result: TrainResult) -> None:
        """End without training: the panel hears why, then that the worker is done."""
        self.event.emit(event)
        self.result = result
        self.finished.emit(result)

    def _forward(self, event: TrainEvent) -> None:
        """Pass events to the GUI thread, batch events at most every BATCH_EVENT_SECONDS: small
        batches finish every few milliseconds, faster than a window needs to hear of them.
        (Keras's batch logs are running means, so skipping some loses no information.)"""
        now = time.perf_counter()
        if event.kind == "batch" and event.batch != event.batches and now - self._last_batch < BATCH_EVENT_SECONDS:
            return
        if event.kind == "batch":
            self._last_batch = now
        self.event.emit(event)

    def stop(self) -> None:
        self._stop_asked = True
        if self.training is not None:
            self.training.stop()

    def evaluate(self) -> None:
        split = self.doc.training.validation_split
        self._in_background(lambda: evaluate(self.result.model, self.data, split), self.evaluated, "evaluation")

    def predict(self) -> None:
        split = self.doc.training.validation_split
        loss = self.doc.graph.of_type("Output")[0].params["loss"]
        self._in_background(lambda: predict(self.result.model, self.data, split, loss), self.predicted, "prediction")

    def predict_file(self, source: Path) -> None:
        model, graph = self.result.model, self.doc.graph
        self._in_background(lambda: predict_file(model, graph, source), self.file_predicted, "prediction")

    def save(self, target: Path) -> None:
        model = self.result.model

        def write() -> Path:
            model.save(target)
            return target

        self._in_background(write, self.saved, "saving the model")

    @staticmethod
    def _in_background(job: Callable[[], Any], done: QtCore.SignalInstance, what: str) -> None:
        """Run ``job`` off the GUI thread; ``done`` receives its result or a message."""

        def work() -> None:
            try:
                done.emit(job())
            except Exception as error:  # reported in the panel, never raised
                done.emit(f"{what} failed: {error}")

        threading.Thread(target=work, name=f"netdesigner-{what}", daemon=True).start()


class TrainingPanel(QtWidgets.QWidget):
    def __init__(self, document: EditorDocument, message) -> None:
        super().__init__()
        self.document = document
        self.message = message
        self.worker: TrainingWorker | None = None
        self.plots = LivePlots()
        self._build_ui()
        document.replaced.connect(self.load_settings)
        self.load_settings()

    # --- layout ----------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        controls = QtWidgets.QFormLayout()
        self.source = QtWidgets.QComboBox()
        for key, label in SOURCES:
            self.source.addItem(label, key)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.path = QtWidgets.QLineEdit()
        self.path.setPlaceholderText("data file")
        browse = QtWidgets.QPushButton("…")
        browse.setFixedWidth(28)
        browse.clicked.connect(self._browse)
        path_row = QtWidgets.QHBoxLayout()
        path_row.addWidget(self.path)
        path_row.addWidget(browse)
        self.path_box = QtWidgets.QWidget()
        self.path_box.setLayout(path_row)
        path_row.setContentsMargins(0, 0, 0, 0)
        self.target = QtWidgets.QLineEdit()
        self.target.setPlaceholderText("CSV: target column")
        self.features = QtWidgets.QLineEdit()
        self.features.setPlaceholderText("CSV: feature columns, comma separated")
        self.keras_name = QtWidgets.QComboBox()
        self.keras_name.addItems(list(KERAS_DATASETS))
        controls.addRow("data", self.source)
        controls.addRow("", self.keras_name)
        controls.addRow("", self.path_box)
        self.validation_path = QtWidgets.QLineEdit()
        self.validation_path.setPlaceholderText("separate validation file (optional)")
        controls.addRow("", self.validation_path)
        controls.addRow("", self.target)
        controls.addRow("", self.features)
        self.fit_fields: dict[str, QtWidgets.QWidget] = {}
        for spec in FIT_PARAMS:
            if spec.kind is ParamKind.BOOL:
                field = QtWidgets.QCheckBox()
                field.toggled.connect(self._store_settings)
            elif spec.kind is ParamKind.INT:
                field = QtWidgets.QSpinBox()
                field.setRange(int(spec.minimum), 1_000_000)
                field.valueChanged.connect(self._store_settings)
            else:
                field = QtWidgets.QDoubleSpinBox()
                field.setRange(0.0, 0.9)
                field.setSingleStep(0.05)
                field.valueChanged.connect(self._store_settings)
            field.setToolTip(spec.doc)
            controls.addRow(spec.name.replace("_", " "), field)
            self.fit_fields[spec.name] = field
        self.cpu_only = QtWidgets.QCheckBox("use the CPU even if a GPU is present")
        controls.addRow("device", self.cpu_only)
        self.device_label = QtWidgets.QLabel("device: looking while Keras loads…")
        self.set_devices(None)

        buttons = QtWidgets.QHBoxLayout()
        # One action each, shared by the buttons here and the window's Train menu (with keys).
        self.train_action = self._run_action("▶ Train", "F5", "build, compile and fit the model on the chosen data")
        self.train_action.triggered.connect(self.start)
        self.pause_action = self._run_action("‖ Pause", "F6", "hold training after this batch; Resume carries on")
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self._pause_toggled)
        self.stop_action = self._run_action("■ Stop", "Shift+F5", "end after this batch, keeping the weights")
        self.train_button, self.pause_button, self.stop_button = (
            self._action_button(action) for action in (self.train_action, self.pause_action, self.stop_action)
        )
        self.stop_action.triggered.connect(self.stop)
        self.pause_action.setEnabled(False)
        self.stop_action.setEnabled(False)
        self.evaluate_button = QtWidgets.QPushButton("Evaluate")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.predict_button = QtWidgets.QPushButton("Predictions")
        self.predict_button.setToolTip("confusion matrix and samples, or predicted vs true, on the validation data")
        self.predict_button.clicked.connect(self.show_predictions)
        self.predictions_view: QtWidgets.QWidget | None = None
        self.predict_file_button = QtWidgets.QPushButton("Predict file…")
        self.predict_file_button.setToolTip("run the trained model on a .npz file; saves <file>_predictions.npz")
        self.predict_file_button.clicked.connect(self.predict_file)
        self.save_button = QtWidgets.QPushButton("Save…")
        self.save_button.setToolTip("save the trained model as a .keras file")
        self.save_button.clicked.connect(self.save_model)
        self.export_button = QtWidgets.QPushButton("Export…")
        self.export_button.setToolTip("write the curves (PNG) and the history (CSV) to a folder")
        self.export_button.clicked.connect(self.export_curves)
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.stop_button)
        after = QtWidgets.QHBoxLayout()  # what can be done with a trained model
        for button in (
            self.evaluate_button,
            self.predict_button,
            self.predict_file_button,
            self.save_button,
            self.export_button,
        ):
            after.addWidget(button)
            button.setEnabled(False)

        self.progress = QtWidgets.QProgressBar()
        self.progress.setFormat("ready")
        self.progress.setValue(0)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.status.setOpenExternalLinks(True)  # the run folder's link opens it
        self.results = QtWidgets.QTableWidget(0, 2)
        self.results.setHorizontalHeaderLabels(["metric", "value"])
        self.results.verticalHeader().setVisible(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setMaximumHeight(120)

        left = QtWidgets.QVBoxLayout()
        left.addLayout(controls)
        left.addLayout(buttons)
        left.addLayout(after)
        left.addWidget(self.progress)
        left.addWidget(self.device_label)
        left.addWidget(self.status)
        left.addWidget(self.results)
        left.addStretch()
        left_box = QtWidgets.QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(430)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(left_box)
        layout.addWidget(self.plots, 1)
        self._source_changed()

    def _run_action(self, text: str, key: str, tip: str) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        action.setShortcut(QtGui.QKeySequence(key))
        action.setToolTip(f"{tip} ({key})")
        return action

    @staticmethod
    def _action_button(action: QtGui.QAction) -> QtWidgets.QToolButton:
        button = QtWidgets.QToolButton()
        button.setDefaultAction(action)
        button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        return button

    # --- settings <-> document ---------------------------------------------------------------------

    def load_settings(self) -> None:
        training = self.document.doc.training
        for name, field in self.fit_fields.items():
            value = getattr(training, name)
            blocker = QtCore.QSignalBlocker(field)
            if isinstance(field, QtWidgets.QCheckBox):
                field.setChecked(bool(value))
            else:
                field.setValue(value)
            del blocker
        data = training.data
        index = max(0, self.source.findData(data.get("source", "synthetic")))
        self.source.setCurrentIndex(index)
        self.path.setText(str(data.get("path", "")))
        self.target.setText(str(data.get("target", "")))
        self.features.setText(str(data.get("features", "")))
        self.validation_path.setText(str(data.get("validation_path", "")))
        if data.get("name") in KERAS_DATASETS:
            self.keras_name.setCurrentText(str(data["name"]))

    def _store_settings(self) -> None:
        training = self.document.doc.training
        for name, field in self.fit_fields.items():
            value = field.isChecked() if isinstance(field, QtWidgets.QCheckBox) else field.value()
            if getattr(training, name) != value:
                setattr(training, name, value)
                self.document.undo_stack.resetClean()  # the document now differs from its file

    def data_spec(self) -> dict[str, Any]:
        source = self.source.currentData()
        spec: dict[str, Any] = {"source": source}
        if source in ("npz", "csv", "image_folder"):
            spec["path"] = self.path.text().strip()
            if self.validation_path.text().strip():
                spec["validation_path"] = self.validation_path.text().strip()
        if source == "keras":
            spec["name"] = self.keras_name.currentText()
        if source == "csv":
            spec["target"] = self.target.text().strip()
            spec["features"] = self.features.text().strip()
        return spec

    def _source_changed(self) -> None:
        source = self.source.currentData()
        self.path_box.setVisible(source in ("npz", "csv", "image_folder"))
        self.keras_name.setVisible(source == "keras")
        self.validation_path.setVisible(source in ("npz", "csv", "image_folder"))
        self.target.setVisible(source == "csv")
        self.features.setVisible(source == "csv")

    def _browse(self) -> None:
        if self.source.currentData() == "image_folder":
            folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Image folder")
            if folder:
                self.path.setText(folder)
            return
        pattern = "NumPy archives (*.npz)" if self.source.currentData() == "npz" else "CSV files (*.csv)"
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Training data", "", pattern)
        if path:
            self.path.setText(path)

    # --- running -------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        errors = [i for i in self.document.issues if i.severity == "error"]
        if errors:
            self._show_error(f"Fix the graph first: {errors[0]}")
            return
        self._store_settings()
        spec = self.data_spec()
        if self.document.doc.training.data != spec:
            self.document.doc.training.data = spec
            self.document.undo_stack.resetClean()
        snapshot = loads(dumps(self.document.doc))  # the graph may be edited while training runs
        self.worker = TrainingWorker(snapshot, spec, "cpu:0" if self.cpu_only.isChecked() else None, run_folder())
        self.worker.event.connect(self._on_event)
        self.worker.finished.connect(self._on_finished)
        self.worker.evaluated.connect(self._on_evaluated)
        self.worker.predicted.connect(self._on_predicted)
        self.worker.file_predicted.connect(self._on_file_predicted)
        self.worker.saved.connect(self._on_saved)
        self.plots.clear()
        self.results.setRowCount(0)
        self._say("Loading data and building the model…")
        self.progress.setRange(0, 0)
        self._set_running(True)
        self.worker.start()

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.thread is not None and self.worker.thread.is_alive()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self._say("Stopping at the end of this batch…")

    def _pause_toggled(self, pause: bool) -> None:
        training = self.worker.training if self.worker is not None else None
        if training is None:
            return
        if pause:
            training.pause()
            self._say("Pausing at the end of this batch…")
        else:
            training.resume()
        self.pause_action.setText("▶ Resume" if pause else "‖ Pause")

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop a running training and wait for it (used when the window closes)."""
        if self.running:
            self.worker.stop()
            self.worker.thread.join(timeout)

    def set_devices(self, devices: list[str] | None) -> None:
        """What Keras can train on (``None`` until it has loaded): the GPU-only choices are
        offered only where there is a GPU."""
        gpu = bool(devices) and is_gpu(devices[0])
        mixed = self.fit_fields["mixed_precision"]
        for field in (mixed, self.cpu_only):
            field.setEnabled(gpu)
        if devices is not None:
            found = devices[0] if gpu else "CPU (no GPU found)"
            self.device_label.setText(f"device: {found}")
        note = "" if gpu else "\n(needs a GPU: " + ("looking for one…)" if devices is None else "none found)")
        mixed.setToolTip(MIXED_PRECISION_DOC + note)

    def _set_running(self, running: bool) -> None:
        self.train_action.setEnabled(not running)
        self.stop_action.setEnabled(running)
        if not running:
            self.pause_action.setChecked(False)
            self.pause_action.setEnabled(False)
        has_model = not running and self.has_model
        for button in (self.evaluate_button, self.predict_button, self.predict_file_button, self.save_button):
            button.setEnabled(has_model)
        self.export_button.setEnabled(not running and bool(self.plots.epochs))

    def _on_event(self, event: TrainEvent) -> None:
        if event.kind == "started":
            self.progress.setRange(0, event.epochs * event.batches)
            self._say(event.message)
            self.pause_action.setEnabled(True)
            self.device_label.setText(f"device: {event.device}")
        elif event.kind == "batch":
            done = (event.epoch - 1) * event.batches + event.batch
            total = max(self.progress.maximum(), 1)
            eta = event.seconds / done * (total - done) if done else 0
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{_position(event)} · ETA {eta:.0f} s")
            if "loss" in event.logs:
                self.plots.add_batch(event.epoch - 1 + event.batch / event.batches, event.logs["loss"])
        elif event.kind == "epoch":
            self.plots.add_epoch(event.logs)
        elif event.kind == "paused":
            self.progress.setFormat(f"paused · {_position(event)}")
            self._say("Paused. Resume carries on from here; Stop ends the run and keeps the weights.")
        elif event.kind == "resumed":
            self._say("Training resumed.")
        elif event.kind in ("finished", "stopped"):
            self.progress.setFormat(f"{event.kind} after {event.seconds:.1f} s")
            done = "Training finished." if event.kind == "finished" else "Stopped; the weights trained so far are kept."
            self._say(done, self._run_folder_note())
        elif event.kind == "failed":
            self._show_error(event.message)

    def _run_folder_note(self) -> str:
        """Where the checkpoint and TensorBoard logs went, as a link, when the run wrote any."""
        folder = self.worker.out_dir
        if not folder.is_dir():
            return ""
        written = [name for name in ("best.keras", "logs") if (folder / name).exists()]
        url = QtCore.QUrl.fromLocalFile(str(folder)).toString()
        what = " and ".join("TensorBoard logs" if n == "logs" else n for n in written) or "the run's files"
        return f" {html.escape(what)} in <a href='{html.escape(url)}'>{html.escape(str(folder))}</a>."

    def _on_finished(self, result: TrainResult) -> None:
        self.plots.settle()
        self.progress.setRange(0, max(self.progress.maximum(), 1))
        if result.error:
            self.progress.setFormat("failed")
        self._set_running(False)

    def _say(self, text: str, link_html: str = "") -> None:
        """The status line is rich text (for links): what it quotes is escaped."""
        self.status.setText(html.escape(text) + link_html)

    def _show_error(self, text: str) -> None:
        self.status.setText(f"<span style='color:#ff8a80'>✗ {html.escape(text)}</span>")
        self.message(text)

    # --- after training ---------------------------------------------------------------------------

    @property
    def has_model(self) -> bool:
        return self.worker is not None and self.worker.result is not None and self.worker.result.model is not None

    def evaluate(self) -> None:
        if self.has_model:
            self._say("Evaluating on the validation data…")
            self.worker.evaluate()

    def _on_evaluated(self, outcome: Any) -> None:
        if isinstance(outcome, str):
            self._show_error(outcome)
            return
        self.results.setRowCount(len(outcome))
        for row, (key, value) in enumerate(outcome.items()):
            self.results.setItem(row, 0, QtWidgets.QTableWidgetItem(key))
            self.results.setItem(row, 1, QtWidgets.QTableWidgetItem(f"{value:.4f}"))
        self._say("Evaluated on the held-out validation data.")

    def show_predictions(self) -> None:
        if self.has_model:
            self._say("Predicting on the validation data…")
            self.worker.predict()

    def _on_predicted(self, outcome: Any) -> None:
        if isinstance(outcome, str):
            self._show_error(outcome)
            return
        self.predictions_view = PredictionsView(outcome)
        self.predictions_view.resize(1000, 480)
        self.predictions_view.show()
        self._say(self.predictions_view.summary)

    def predict_file(self, path: str | None = None) -> None:
        """Predict in batches on a chosen .npz file, off the GUI thread (files can be large)."""
        if path is None:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Inputs to predict", "", "NumPy archives (*.npz)")
        if path and self.has_model:
            self._say(f"Predicting on {Path(path).name}…")
            self.worker.predict_file(Path(path))

    def _on_file_predicted(self, outcome: Any) -> None:
        self._report_written(outcome, "Predictions saved to")

    def _report_written(self, outcome: Any, what: str) -> None:
        """A background write's outcome: the Path written, or the message of its failure."""
        if isinstance(outcome, str):
            self._show_error(outcome)
        else:
            self._say(f"{what} {outcome}")
            self.message(f"{what} {outcome}")

    def save_model(self, path: str | None = None) -> None:
        """Save the trained model as ``.keras``, off the GUI thread (big models take a while)."""
        if path is None:
            path, _ = QtWidgets.QFileDialog.getSaveFileName(
                self, "Save trained model", "model.keras", "Keras models (*.keras)"
            )
        if path and self.has_model:
            target = Path(path if path.endswith(".keras") else path + ".keras")
            self._say(f"Saving the model to {target.name}…")
            self.worker.save(target)

    def _on_saved(self, outcome: Any) -> None:
        self._report_written(outcome, "Model saved to")

    def export_curves(self) -> None:
        from netdesigner.backend.reports import write_history

        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Folder for curves.png and history.csv")
        if folder:
            try:
                self.plots.save_png(str(Path(folder) / "curves.png"))
                write_history(self.plots.epochs, Path(folder))
            except OSError as error:
                self._show_error(f"could not write to {folder}: {error.strerror or error}")
                return
            self.message(f"Wrote curves.png and history.csv to {folder}")
