"""The Inside tab of the training dock: what the layer selected on the canvas computes for one
held-out sample (feature maps, a vector's strip, a sequence's heat map, the sample itself for an
Input) and a histogram of its weights, with the trained weights or the ones training started
from, so a student sees what training changed.

A ``Probe`` (a model built as the run builds it, plus one Keras sub-model per node, cached with
each sample's forward pass) is made and asked on a helper thread; its answer comes back as a
signal and is drawn, off the GUI thread too, by an ``ActivationPlot``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtWidgets

from netdesigner.backend.data import load_dataset
from netdesigner.backend.inside import Look
from netdesigner.backend.training import holdout
from netdesigner.core.fileformat import Document, dumps, loads
from netdesigner.core.run_changes import fingerprint
from netdesigner.gui.document import EditorDocument
from netdesigner.gui.figure_view import FigureView
from netdesigner.gui.theme import CURVES
from netdesigner.gui.training.controller import RunController, RunState

if TYPE_CHECKING:
    from netdesigner.backend.activation_figure import ActivationFigure
    from netdesigner.backend.inside import Probe

PICK = "Select a layer on the canvas to see what it computes for one sample."
TRAINED, INITIAL = "trained weights", "initial weights"
POLL_MS = 30

KEPT_PROBES = 2  # the trained model's and the initial one's: switching between them stays quick
# One probing thread: a probe's Keras models are only ever used by it.
_PROBING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inside")


class ActivationPlot(FigureView["Look | None"]):
    """``figure`` is made and drawn on the drawing thread only; read it once ``drawn()``."""

    placeholder = PICK

    def __init__(self) -> None:
        super().__init__()
        self.look: Look | None = None
        self.figure: ActivationFigure | None = None

    def show_look(self, look: Look | None) -> None:
        self.look = look
        self.changed(forget_picture=look is None)

    def drawn(self) -> bool:
        return self.look is not None and self.drawn_from is self.look

    def save_png(self, path: str) -> None:
        """A fresh figure on this thread: the one on show may be mid-frame on the drawing thread."""
        from netdesigner.backend.activation_figure import ActivationFigure

        if self.look is not None:
            figure = ActivationFigure(CURVES, size_inches=(max(self.width(), 640) / 100, max(self.height(), 320) / 100))
            figure.show(self.look)
            figure.save(path)

    def blank(self) -> bool:
        return self.look is None

    def snapshot(self) -> Look | None:
        return self.look

    def draw(self, snapshot: Look | None, width: int, height: int, dpi: float) -> memoryview:
        if self.figure is None:
            from netdesigner.backend.activation_figure import ActivationFigure

            self.figure = ActivationFigure(CURVES)
        if snapshot is not None:
            self.figure.show(snapshot)
        return self.figure.render(width, height, dpi)


class InsideView(QtWidgets.QWidget):
    """``say(text, error)`` writes the dock's status line."""

    def __init__(self, document: EditorDocument, controller: RunController, say: Callable[[str, bool], None]) -> None:
        super().__init__()
        self.document, self.controller, self.say = document, controller, say
        self.node_id: str | None = None
        self._probes: dict[tuple[Any, ...], Probe] = {}  # touched on the probing thread only
        self._asked: tuple[Any, ...] | None = None
        self._answer: Future[tuple[tuple[Any, ...], Look | None, str]] | None = None
        self._poll = QtCore.QTimer(self, interval=POLL_MS)  # the probing thread touches no Qt object
        self._poll.timeout.connect(self._collect)
        self.heading = QtWidgets.QLabel()
        self.heading.setObjectName("inside_heading")
        # Long texts are cut, never widen the dock (and squeeze the side panels) at 1366x768.
        self.heading.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.sample = QtWidgets.QSpinBox()
        self.sample.setObjectName("inside_sample")
        self.sample.setPrefix("sample ")
        self.sample.setMaximum(999_999)  # until the data is known: a sample clicked elsewhere is never clamped
        self.sample.setToolTip("which held-out sample goes through the network (the predictions view's numbering)")
        self.weights = QtWidgets.QComboBox()
        self.weights.setObjectName("inside_weights")
        self.weights.addItems([TRAINED, INITIAL])
        self.weights.setToolTip(
            "the trained weights, or those the run started from (the same seed builds them): what did training change?"
        )
        self.save_button = QtWidgets.QPushButton("Save PNG…")
        self.save_button.setToolTip("save this picture of the layer's activations and weights")
        self.save_button.clicked.connect(self.save_png_dialog)
        self.plot = ActivationPlot()
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.heading, 1)
        for widget in (self.sample, self.weights, self.save_button):
            bar.addWidget(widget)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        self.sample.valueChanged.connect(lambda _value: self.refresh())
        self.weights.currentIndexChanged.connect(lambda _index: self.refresh())
        controller.state_changed.connect(self._run_state)
        document.replaced.connect(self._forget)
        document.inference_updated.connect(lambda _changed: self.refresh())  # an edit: look again
        self.refresh()

    def show_node(self, node_id: str | None) -> None:
        self.node_id = node_id
        self.refresh()

    def show_sample(self, index: int) -> None:
        """A sample chosen elsewhere (the predictions view)."""
        self.sample.setValue(index)
        self.refresh()

    def _run_state(self, state: RunState) -> None:
        if state is RunState.FINISHED:  # a fresh model: look with what it learned
            self.weights.setCurrentText(TRAINED)
        self.refresh()

    def _forget(self) -> None:
        _PROBING.submit(self._probes.clear)
        self.node_id = None
        self._asked = None
        self.refresh()

    def _trained(self) -> bool:
        """A model trained on the graph on screen is there to look into."""
        c = self.controller
        return c.model is not None and not c.state.active and c.trained_keys == self.document.result.keys

    def refresh(self) -> None:
        """Ask for what the choices say, when the tab is on screen (else when it is shown)."""
        trained = self._trained()
        self.weights.setEnabled(trained)
        if not trained:
            self.weights.setCurrentText(INITIAL)  # (refreshes once more, asking the same)
        self.save_button.setEnabled(self.plot.look is not None)
        if not self.isVisible() or self.controller.state.active:
            return
        node = self.document.graph.nodes.get(self.node_id or "")
        if node is None:
            self._blank("")
            return
        use_trained = trained and self.weights.currentText() == TRAINED
        key: tuple[Any, ...]
        doc: Document | None
        if use_trained and self.controller.doc is not None:
            doc, data, key = self.controller.doc, self.controller.data, ("trained", self.controller.generation)
        else:
            if any(i.severity == "error" for i in self.document.issues):
                self._blank("Fix the graph's problems first: only a model that builds can be looked into.")
                return
            t, doc, data = self.document.doc.training, None, None
            key = ("initial", fingerprint(self.document.graph), t.seed, str(t.data_spec()), t.validation_split)
        request = (*key, node.id, self.sample.value())
        if request == self._asked:
            return
        if doc is None:  # copied only for a new request: the probing thread needs one the editor never touches
            doc = loads(dumps(self.document.doc))
        self._asked = request
        self.heading.setText(f"{node.name}: computing sample {self.sample.value()}…")
        model = self.controller.model if use_trained else None
        self._answer = _PROBING.submit(self._probe, request, key, doc, data, model, node.id, self.sample.value())
        self._poll.start()

    def _blank(self, why: str) -> None:
        self._asked = None
        self.heading.setText(why)
        self.plot.show_look(None)

    def _probe(
        self,
        request: tuple[Any, ...],
        key: tuple[Any, ...],
        doc: Document,
        data: Any,
        model: Any,
        node_id: str,
        sample: int,
    ) -> tuple[tuple[Any, ...], Look | None, str]:
        """On the probing thread: the request, what it gave, and a note (the number of samples,
        or what went wrong); it never raises."""
        from netdesigner.backend.inside import Probe

        try:
            probe = self._probes.get(key)
            if probe is None:
                data = data if data is not None else load_dataset(doc.graph, doc.training.data_spec())
                x, _ = holdout(data, doc.training.validation_split)
                probe = Probe(doc.graph, doc.training.seed, x, trained=model)
                self._probes = {**dict(list(self._probes.items())[-(KEPT_PROBES - 1) :]), key: probe}
            return request, probe.look(node_id, sample), f"{probe.samples}"
        except Exception as error:  # noqa: BLE001 - shown in the tab, never raised on a thread
            return request, None, str(error)

    def _collect(self) -> None:
        """On the GUI thread: take the probe's answer once it is there."""
        if self._answer is None or not self._answer.done():
            return
        request, look, note = self._answer.result()
        self._answer = None
        self._poll.stop()
        if request != self._asked:  # a later choice was made meanwhile: ask for it now
            self._asked = None
            self.refresh()
            return
        if look is None:
            self._blank(f"Cannot look inside: {note}")
            return
        self.sample.blockSignals(True)
        self.sample.setMaximum(max(int(note) - 1, 0))
        self.sample.blockSignals(False)
        self.heading.setText(f"{look.node} ({look.port})" if look.port else look.node)  # the figure says the rest
        self.heading.setToolTip(look.describe())
        self.plot.show_look(look)
        self.save_button.setEnabled(True)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def save_png_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save activations", "activations.png", "PNG (*.png)")
        if path:
            self.save_png(path)

    def save_png(self, path: str) -> None:
        try:
            self.plot.save_png(path)
        except OSError as error:
            self.say(f"could not write {path}: {error.strerror or error}", True)
            return
        self.say(f"Saved the activations to {path}", False)
