"""What can be done with a trained model: evaluate, look at predictions, predict a file, save
it, export the curves. Each job runs off the GUI thread through the run controller and its one
outcome signal; while the graph on screen differs from the trained one, every result says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtWidgets

from netdesigner.backend.atomic_files import save_model
from netdesigner.backend.training import evaluate, predict, predict_file
from netdesigner.core.settings import FIT_SPECS
from netdesigner.gui.plots import LivePlots
from netdesigner.gui.training.controller import JobOutcome, RunController

if TYPE_CHECKING:
    from netdesigner.gui.predictions import PredictionsView

STALE = "the graph changed since this model was trained — train again to use the graph on screen"


class ResultActions(QtWidgets.QWidget):
    """The buttons and the metrics table; ``say(text, error)`` writes the dock's status line."""

    def __init__(self, controller: RunController, plots: LivePlots, say: Callable[[str, bool], None]) -> None:
        super().__init__()
        self.controller, self.plots, self.say = controller, plots, say
        self.stale = False
        self.predictions_view: PredictionsView | None = None
        self.look_inside: Callable[[int], None] | None = None  # a sample clicked in the predictions view
        buttons = QtWidgets.QGridLayout()  # two rows of three: the labels fit a narrow dock
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        for key, text, tip, slot in (
            ("evaluate", "Evaluate", "loss and metrics on the held-out validation data", self.evaluate),
            ("predict", "Predictions", "confusion matrix and samples, or predicted vs true", self.show_predictions),
            ("predict_file", "Predict file…", "run the model on a .npz file; saves <file>_predictions.npz", None),
            ("save", "Save…", "save the trained model as a .keras file", None),
            ("export", "Export…", "write the curves (PNG) and the history (CSV) to a folder", self.export_curves),
        ):
            button = QtWidgets.QPushButton(text)
            button.setToolTip(tip)
            button.setEnabled(False)
            button.clicked.connect(slot or getattr(self, f"{key}_dialog"))
            self.buttons[key] = button
        self.batch_size = self._batch_size_box()
        cells = [*list(self.buttons.values())[:3], self.batch_size, *list(self.buttons.values())[3:]]
        for index, widget in enumerate(cells):
            buttons.addWidget(widget, index // 3, index % 3)
        self.table = QtWidgets.QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["metric", "value"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(120)
        self.table.hide()  # until there are metrics: the settings above get the room
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        controller.job_done.connect(self._on_job_done)

    @staticmethod
    def _batch_size_box() -> QtWidgets.QSpinBox:
        """The batch size of Evaluate and the predictions: the fit's unless chosen here (a larger
        one is faster and needs more memory; results do not depend on it)."""
        spec = FIT_SPECS["batch_size"]
        box = QtWidgets.QSpinBox()
        box.setObjectName("result_batch_size")
        box.setRange(int(spec.minimum or 1) - 1, int(spec.maximum or 1_000_000))
        box.setSpecialValueText("batch: as fit")
        box.setPrefix("batch ")
        box.setToolTip("batch size for Evaluate and predictions: larger is faster, needs more memory")
        return box

    def update_enabled(self) -> None:
        """Buttons work while no run is active; those using the model, one job at a time."""
        idle = not self.controller.state.active
        free = self.controller.model is not None and not self.controller.busy
        for key, button in self.buttons.items():
            button.setEnabled(idle and (bool(self.plots.epochs) if key == "export" else free))

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.table.hide()
        self.clear_predictions()

    def _start(self, job: str, text: str, work: Callable[[Any, Any, Any, int], Any]) -> None:
        """``work(model, data, doc, batch_size)`` on a helper thread: the batch size is read here,
        on the GUI thread."""
        self.say(text + (f" ({STALE})" if self.stale else ""), False)
        chosen = self.batch_size.value()
        self.controller.run_job(job, lambda m, d, doc: work(m, d, doc, chosen or doc.training.batch_size))
        self.update_enabled()

    def evaluate(self) -> None:
        self._start(
            "evaluation",
            "Evaluating on the validation data…",
            lambda m, d, doc, batch: evaluate(m, d, _split(doc), batch),
        )

    def show_predictions(self) -> None:
        def work(model, data, doc, batch):
            return predict(model, data, _split(doc), doc.graph.heads()[0].params["loss"], batch)

        self._start("prediction", "Predicting on the validation data…", work)

    def predict_file(self, path: str) -> None:
        """Predict in batches on a .npz file, off the GUI thread (files can be large)."""
        source = Path(path)
        self._start(
            "file prediction",
            f"Predicting on {source.name}…",
            lambda m, d, doc, batch: predict_file(m, source, batch),
        )

    def predict_file_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Inputs to predict", "", "NumPy archives (*.npz)")
        if path:
            self.predict_file(path)

    def save(self, path: str) -> None:
        """Save the trained model as ``.keras``, off the GUI thread (big models take a while)."""
        target = Path(path if path.endswith(".keras") else path + ".keras")

        def work(model, data, doc, batch) -> Path:
            return save_model(model, target)

        self._start("saving the model", f"Saving the model to {target.name}…", work)

    def save_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save trained model", "model.keras", "Keras models (*.keras)"
        )
        if path:
            self.save(path)

    def export_curves(self) -> None:
        from netdesigner.backend.reports import write_history

        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Folder for curves.png and history.csv")
        if not folder:
            return
        try:
            self.plots.save_png(str(Path(folder) / "curves.png"))
            write_history(self.plots.epochs, Path(folder))
        except OSError as error:
            self.say(f"could not write to {folder}: {error.strerror or error}", True)
            return
        self.say(f"Wrote curves.png and history.csv to {folder}", False)

    @QtCore.Slot(JobOutcome)
    def _on_job_done(self, outcome: JobOutcome) -> None:
        """The one handler of every job's outcome: a value to show, or the failure in words."""
        self.update_enabled()
        if outcome.generation != self.controller.generation:
            return  # the model it used was forgotten meanwhile (a new run, another graph)
        if outcome.error:
            self.say(outcome.error, True)
            return
        note = f" ({STALE})" if self.stale else ""
        value: Any = outcome.value
        if outcome.job == "evaluation":
            self.table.setRowCount(len(value))
            self.table.show()
            for row, (key, number) in enumerate(value.items()):
                self.table.setItem(row, 0, QtWidgets.QTableWidgetItem(key))
                self.table.setItem(row, 1, QtWidgets.QTableWidgetItem(f"{number:.4f}"))
            self.say("Evaluated on the held-out validation data." + note, False)
        elif outcome.job == "prediction":
            from netdesigner.gui.predictions import PredictionsView  # matplotlib: not at start-up

            self.clear_predictions()
            self.predictions_view = PredictionsView(value)
            if self.look_inside is not None:
                self.predictions_view.sample_chosen.connect(self.look_inside)
            self.predictions_view.setParent(self.window(), QtCore.Qt.WindowType.Window)  # closes with the app
            self.predictions_view.resize(1000, 480)
            self.predictions_view.show()
            self.say(self.predictions_view.summary + note, False)
        else:
            what = "Predictions saved to" if outcome.job == "file prediction" else "Model saved to"
            self.say(f"{what} {value}{note}", False)

    def clear_predictions(self) -> None:
        if self.predictions_view is not None:
            self.predictions_view.close()
            self.predictions_view = None


def _split(doc) -> float:
    return doc.training.validation_split
