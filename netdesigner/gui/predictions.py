"""What the trained model predicts on the held-out data: for classifiers a confusion matrix
(and, for image inputs, a grid of samples with predicted and true labels), for regression a
predicted-versus-true scatter."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6 import QtCore, QtWidgets

from netdesigner.backend.training import Predictions
from netdesigner.core.compile_options import LOSS_TARGETS, Target

GRID = 12


def class_labels(predictions: Predictions) -> tuple[np.ndarray, np.ndarray] | None:
    """(true, predicted) class indices, or None for a regression head."""
    kind = LOSS_TARGETS[predictions.loss]
    y, p = np.asarray(predictions.y_true), np.asarray(predictions.y_pred)
    if kind is Target.CLASS_INDEX:
        return y.reshape(len(y), -1)[:, 0].astype(int), p.reshape(len(p), -1, p.shape[-1])[:, 0].argmax(-1)
    if kind is Target.ONE_HOT:
        return y.reshape(len(y), -1, y.shape[-1])[:, 0].argmax(-1), p.reshape(len(p), -1, p.shape[-1])[:, 0].argmax(-1)
    if kind is Target.BINARY and p.shape[-1] == 1:
        return (y.reshape(len(y), -1)[:, 0] > 0.5).astype(int), (p.reshape(len(p), -1)[:, 0] > 0.5).astype(int)
    return None


def confusion(true: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    classes = int(max(true.max(initial=0), predicted.max(initial=0))) + 1
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


def as_images(x: np.ndarray) -> np.ndarray | None:
    """Samples shaped as pictures, if the input is one (H, W[, 1|3]) or a flat square."""
    x = np.asarray(x)
    if x.ndim == 4 and x.shape[-1] in (1, 3):
        return x[..., 0] if x.shape[-1] == 1 else x
    if x.ndim == 3:
        return x
    side = int(round(np.sqrt(x.shape[-1]))) if x.ndim == 2 else 0
    return x.reshape(len(x), side, side) if side >= 4 and side * side == x.shape[-1] else None


def grid_order(true: np.ndarray, predicted: np.ndarray, mistakes_first: bool) -> np.ndarray:
    """The samples the grid shows, in order: as they come, or the wrong ones first (each group
    in its original order, so the choice only moves mistakes forward)."""
    order = np.arange(len(true))
    if mistakes_first:
        order = np.concatenate([order[true != predicted], order[true == predicted]])
    return order[:GRID]


class PredictionsView(QtWidgets.QWidget):
    """Clicking a sample of the grid emits ``sample_chosen`` with its held-out index: the
    training dock's Inside tab then shows it going through the selected layer."""

    sample_chosen = QtCore.Signal(int)

    def __init__(self, predictions: Predictions) -> None:
        super().__init__()
        self.setWindowTitle("Predictions on the validation data")
        self.figure = Figure(figsize=(10, 4.5), tight_layout=True)
        self.canvas = FigureCanvasQTAgg(self.figure)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.canvas)
        self.summary = ""
        self.cells: list = []  # the grid's sample axes
        self.shown: list[int] = []  # the held-out index of each cell's sample
        self.canvas.mpl_connect("button_press_event", self._clicked)
        self.mistakes_first = QtWidgets.QCheckBox("Mistakes first")
        self.mistakes_first.setObjectName("mistakes_first")
        self.mistakes_first.setToolTip("show the wrongly predicted samples at the start of the grid")
        labels = class_labels(predictions)
        if labels is None:
            self._regression(predictions)
        else:
            self._classification(predictions, *labels)
        footer = QtWidgets.QHBoxLayout()
        footer.addWidget(QtWidgets.QLabel(self.summary), 1)
        footer.addWidget(self.mistakes_first)
        self.mistakes_first.setVisible(bool(self.cells))
        layout.addLayout(footer)

    def _classification(self, predictions: Predictions, true: np.ndarray, predicted: np.ndarray) -> None:
        matrix = confusion(true, predicted)
        images = as_images(predictions.x)
        axes = self.figure.add_subplot(1, 2 if images is not None else 1, 1)
        axes.imshow(matrix, cmap="Blues")
        for (i, j), count in np.ndenumerate(matrix):
            axes.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if count > matrix.max() / 2 else "black",
            )
        axes.set_xticks(range(len(matrix)))
        axes.set_yticks(range(len(matrix)))
        axes.set_xlabel("predicted")
        axes.set_ylabel("true")
        axes.set_title("confusion matrix")
        accuracy = float((true == predicted).mean()) if len(true) else 0.0
        self.summary = f"{len(true)} held-out samples, accuracy {accuracy:.1%}"
        if images is not None:
            self.summary += " · sample titles: predicted (true), red where wrong · click one to look inside"
        if images is None:
            return
        mistakes = int((true != predicted).sum())
        self.mistakes_first.setText(f"Mistakes first ({mistakes})")
        self.mistakes_first.setEnabled(mistakes > 0)

        def draw_grid() -> None:
            for cell in self.cells:
                cell.remove()
            grid = self.figure.add_gridspec(3, 8)
            order = grid_order(true, predicted, self.mistakes_first.isChecked())
            self.cells = [self.figure.add_subplot(grid[k // 4, 4 + k % 4]) for k in range(len(order))]
            self.shown = [int(k) for k in order]
            for cell, k in zip(self.cells, order, strict=True):
                cell.imshow(images[k], cmap="gray" if images.ndim == 3 else None)
                ok = true[k] == predicted[k]
                cell.set_title(f"{predicted[k]} ({true[k]})", fontsize=8, color="green" if ok else "red")
                cell.axis("off")
            self.canvas.draw_idle()

        draw_grid()
        self.mistakes_first.toggled.connect(draw_grid)

    def _clicked(self, event: object) -> None:
        axes = getattr(event, "inaxes", None)
        if axes in self.cells:
            self.sample_chosen.emit(self.shown[self.cells.index(axes)])

    def _regression(self, predictions: Predictions) -> None:
        true = np.asarray(predictions.y_true, dtype=float).reshape(-1)
        predicted = np.asarray(predictions.y_pred, dtype=float).reshape(-1)
        axes = self.figure.add_subplot(1, 1, 1)
        axes.scatter(true, predicted, s=8, alpha=0.6)
        low, high = float(min(true.min(), predicted.min())), float(max(true.max(), predicted.max()))
        axes.plot([low, high], [low, high], color="gray", linestyle="--")
        axes.set_xlabel("true")
        axes.set_ylabel("predicted")
        axes.set_title("predicted vs true")
        mae = float(np.abs(true - predicted).mean())
        self.summary = f"{len(true)} held-out values, mean absolute error {mae:.4f}"
