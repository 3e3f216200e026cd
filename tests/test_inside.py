"""A look inside the network: one node's output for one sample, proven equal to what Keras
computes on its own, with the weights a training run starts from (or ends with), and drawn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("keras")
pytest.importorskip("matplotlib")

import keras  # noqa: E402

from netdesigner.backend import builder  # noqa: E402
from netdesigner.backend.activation_figure import MAX_TILES, ActivationFigure, tile_grid  # noqa: E402
from netdesigner.backend.builder import build_model  # noqa: E402
from netdesigner.backend.curve_style import PAPER, CurveStyle  # noqa: E402
from netdesigner.backend.inside import Look, LookKind, Probe, kind_of  # noqa: E402
from netdesigner.core.errors import GraphError  # noqa: E402
from netdesigner.core.fileformat import Document, load  # noqa: E402
from tests.conftest import SAMPLE_DIR  # noqa: E402
from tests.graphs import GraphBuilder  # noqa: E402

SEED = 7
DARK = CurveStyle("#1e1e1e", "#252526", "#d4d4d4", "#ffffff", "#555555", "#4fc1ff", "#ffa657")


def node_id(doc: Document, name: str) -> str:
    node = doc.graph.by_name(name)
    assert node is not None
    return node.id


def weights_of(model: keras.Model, name: str) -> np.ndarray:
    return np.concatenate([np.ravel(w) for w in model.get_layer(name).get_weights()])


@pytest.fixture(scope="module")
def cnn() -> tuple[Document, np.ndarray, Probe]:
    doc = load(SAMPLE_DIR / "cnn_classifier.json")
    x = np.random.default_rng(0).random((6, 150, 150, 3), dtype=np.float32)
    return doc, x, Probe(doc.graph, SEED, x)


def test_feature_maps_are_what_keras_computes_and_are_drawn_as_they_are(cnn) -> None:
    doc, x, probe = cnn
    keras.utils.set_random_seed(SEED)
    model = build_model(doc.graph)
    conv1 = keras.Model(model.inputs, model.get_layer("conv1").output)
    figure = ActivationFigure()
    for sample in (0, 3, 5):
        look = probe.look(node_id(doc, "conv1"), sample)
        assert look.kind is LookKind.MAPS and look.values.shape == (150, 150, 32) and look.values.dtype == np.float32
        np.testing.assert_allclose(look.values, np.asarray(conv1([x[sample : sample + 1]])[0]), atol=1e-5)
        figure.show(look)
        assert len(figure.tiles) == 32
        for k, tile in enumerate(figure.tiles):
            np.testing.assert_array_equal(np.asarray(tile.get_array()), look.values[..., k])
    assert look.describe() == "conv1: 32 feature maps of 150×150 for sample 5 (initial weights)"
    np.testing.assert_array_equal(look.weights, weights_of(model, "conv1"))  # 3x3x3x32 kernel + 32 biases
    assert look.weights is not None and look.weights.size == 896 and not look.trained


def test_a_trained_model_is_looked_at_with_its_weights(cnn) -> None:
    doc, x, untrained = cnn
    trained = build_model(doc.graph)
    layer = trained.get_layer("conv1")
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel * 1.5, bias + 0.25])  # as if training had moved them
    probe = Probe(doc.graph, SEED, x, trained=trained)
    conv1 = node_id(doc, "conv1")
    look = probe.look(conv1, 2)
    reference = keras.Model(trained.inputs, layer.output)([x[2:3]])[0]
    np.testing.assert_allclose(look.values, np.asarray(reference), atol=1e-5)
    assert look.trained and look.describe().endswith("(trained weights)")
    np.testing.assert_array_equal(look.weights, weights_of(trained, "conv1"))
    before = untrained.look(conv1, 2)
    assert not np.allclose(look.values, before.values) and not np.allclose(look.weights, before.weights)


def test_the_untrained_weights_are_those_a_training_run_starts_from(monkeypatch: pytest.MonkeyPatch) -> None:
    from netdesigner.backend.data import load_dataset
    from netdesigner.backend.training import TrainingRun, holdout

    doc = load(SAMPLE_DIR / "multi_head.json")
    data = load_dataset(doc.graph, {"source": "synthetic", "samples": 24})
    started_from: list[list[np.ndarray]] = []
    real_build = builder.build_model

    def recording_build(*args, **kwargs):
        model = real_build(*args, **kwargs)
        started_from.append(model.get_weights())
        return model

    monkeypatch.setattr(builder, "build_model", recording_build)
    result = TrainingRun(doc, data, lambda event: None, epochs=1, batch_size=8).run()
    assert not result.error and len(started_from) == 1
    x = holdout(data, doc.training.validation_split)[0]
    probe = Probe(doc.graph, doc.training.seed, x)
    initial = probe.built.model.get_weights()
    assert len(initial) == len(started_from[0])
    for ours, theirs in zip(initial, started_from[0], strict=True):
        np.testing.assert_array_equal(ours, theirs)
    shared1 = node_id(doc, "shared1")
    initial_look = probe.look(shared1, 0)
    np.testing.assert_array_equal(initial_look.weights, np.concatenate([np.ravel(w) for w in started_from[0][:2]]))
    trained_look = Probe(doc.graph, doc.training.seed, x, result.model).look(shared1, 0)
    assert trained_look.trained and not np.array_equal(trained_look.weights, initial_look.weights)
    np.testing.assert_allclose(
        trained_look.values,
        np.asarray(keras.Model(result.model.inputs, result.model.get_layer("shared1").output)([x[:1]])[0]),
        atol=1e-5,
    )


def test_kinds_of_a_cnn(cnn) -> None:
    doc, x, probe = cnn
    image = probe.look(node_id(doc, "image"), 4)
    assert image.kind is LookKind.IMAGE and image.weights is None and image.is_input
    np.testing.assert_array_equal(image.values, x[4])
    assert image.describe() == "image: the 150×150 colour picture for sample 4"
    dense = probe.look(node_id(doc, "dense1"), 4)
    assert dense.kind is LookKind.VECTOR and dense.values.shape == (128,)
    assert probe.look(node_id(doc, "flatten"), 4).weights is None  # a layer without weights
    prediction = probe.look(node_id(doc, "prediction"), 4)
    head = probe.look(node_id(doc, "is_positive"), 4)  # an Output head shows what flows into it
    assert head.kind is LookKind.VECTOR and head.weights is None
    np.testing.assert_array_equal(head.values, prediction.values)


def test_sequences_state_ports_and_several_inputs() -> None:
    doc = load(SAMPLE_DIR / "encoder_decoder.json")
    rng = np.random.default_rng(1)
    x = [rng.integers(0, 50, (3, 12)).astype("int32"), rng.integers(0, 50, (3, 10)).astype("int32")]
    probe = Probe(doc.graph, SEED, x)
    tokens = probe.look(node_id(doc, "source_tokens"), 1)
    assert tokens.kind is LookKind.VECTOR and tokens.values.dtype == np.float32
    np.testing.assert_array_equal(tokens.values, x[0][1])
    decoder = probe.look(node_id(doc, "decoder"), 1)  # return_sequences: one vector per time step
    assert decoder.kind is LookKind.SEQUENCE and decoder.values.shape == (10, 32)
    assert decoder.describe().startswith("decoder: 10 time steps of 32 values for sample 1")
    reference = keras.Model(probe.built.model.inputs, probe.built.model.get_layer("decoder").output)
    np.testing.assert_allclose(decoder.values, np.asarray(reference([a[1:2] for a in x])[0]), atol=1e-5)
    state = probe.look(node_id(doc, "encoder"), 1, port=1)
    assert state.kind is LookKind.VECTOR and state.port == "state h" and state.values.shape == (32,)
    assert state.describe().startswith("encoder (state h): 32 values")
    assert probe.look(node_id(doc, "encoder"), 1).port == "out"
    with pytest.raises(GraphError, match="encoder has no output 4 \\(it has 3\\)"):
        probe.look(node_id(doc, "encoder"), 1, port=3)


def test_a_shared_layer_shows_its_owners_weights() -> None:
    doc = load(SAMPLE_DIR / "siamese.json")
    rng = np.random.default_rng(2)
    x = [rng.normal(size=(4, 64)).astype("float32"), rng.normal(size=(4, 64)).astype("float32")]
    probe = Probe(doc.graph, SEED, x)
    left, right = probe.look(node_id(doc, "encoder"), 3), probe.look(node_id(doc, "encoder_right"), 3)
    np.testing.assert_array_equal(left.weights, right.weights)
    encoder = probe.built.model.get_layer("encoder")
    np.testing.assert_allclose(right.values, np.asarray(encoder(x[1][3:4])[0]), atol=1e-5)
    np.testing.assert_allclose(left.values, np.asarray(encoder(x[0][3:4])[0]), atol=1e-5)


def test_text_inputs_are_shown_as_text() -> None:
    from netdesigner.backend.data_values import model_input, text_array

    b = GraphBuilder()
    text = b("Input", "review", shape=[1], dtype="string")
    hashed = b("Hashing", "hashed", text, num_bins=8, output_mode="one_hot")
    b("Output", "head", b("Dense", "score", hashed, units=1), loss="MeanSquaredError", metrics=[])
    x = model_input(text_array(np.array([["a fine film"], ["dull"], ["héllo"]]), "review"))  # a string tensor
    probe = Probe(b.graph, SEED, x)
    look = probe.look(text.id, 2)
    assert look.kind is LookKind.TEXT and look.values.shape == () and str(look.values) == "héllo"
    assert look.describe() == "review: the text for sample 2"
    one_hot = probe.look(hashed.id, 2)
    assert one_hot.kind is LookKind.VECTOR and one_hot.values.sum() == 1


def test_mistakes_are_explained(cnn) -> None:
    doc, _, probe = cnn
    assert probe.samples == 6
    with pytest.raises(GraphError, match="there is no sample 6: the data has 6 \\(numbered 0 to 5\\)"):
        probe.look(node_id(doc, "conv1"), 6)
    with pytest.raises(GraphError, match="there is no sample -1"):
        probe.look(node_id(doc, "conv1"), -1)
    with pytest.raises(GraphError, match="there is no node 'n999' in this graph"):
        probe.look("n999", 0)
    with pytest.raises(GraphError, match="the model has 1 input but the data gives samples for 2"):
        Probe(doc.graph, SEED, [np.zeros((2, 150, 150, 3)), np.zeros((2, 4))])


def test_each_look_runs_the_network_once(cnn) -> None:
    doc, _, probe = cnn
    conv2 = node_id(doc, "conv2")
    before = probe.forward_passes
    first = probe.look(conv2, 1)
    again = probe.look(conv2, 1)
    assert probe.forward_passes == before + 1 and again.values is first.values
    probe.look(conv2, 2)  # another sample: another pass, through the same sub-model
    assert probe.forward_passes == before + 2
    probe.look(node_id(doc, "image"), 1)  # an Input is the sample itself
    assert probe.forward_passes == before + 2


def test_kind_rules() -> None:
    assert kind_of(np.zeros((28, 28)), is_input=True) is LookKind.IMAGE
    assert kind_of(np.zeros((28, 28, 1)), is_input=True) is LookKind.IMAGE
    assert kind_of(np.zeros((8, 8, 5)), is_input=True) is LookKind.MAPS
    assert kind_of(np.zeros((10, 4))) is LookKind.SEQUENCE
    assert kind_of(np.zeros((4, 8, 8, 2))) is LookKind.VOLUME
    assert kind_of(np.zeros(())) is LookKind.SCALAR
    assert kind_of(np.array("hi")) is LookKind.TEXT
    assert tile_grid(32, 1.0) == (6, 6) and tile_grid(64, 1.0) == (8, 8) and tile_grid(1) == (1, 1)
    assert tile_grid(32, 2.0) == (4, 8)


def look(kind: LookKind, values: np.ndarray, weights: np.ndarray | None = None, is_input: bool = False) -> Look:
    return Look("layer", "", kind, values, weights, False, 0, is_input)


def texts(figure: ActivationFigure) -> list[str]:
    """Every text of the figure, line breaks (titles are wrapped) read as spaces."""
    found = [t.get_text() for sub in figure.figure.subfigs for t in sub.texts]
    return [" ".join(t.split()) for t in found + [t.get_text() for axes in figure.figure.axes for t in axes.texts]]


def test_every_kind_is_drawn(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    weights = rng.normal(size=500).astype("float32")
    looks = [
        look(LookKind.MAPS, rng.normal(size=(12, 12, 128)).astype("float32"), weights),
        look(LookKind.VOLUME, rng.normal(size=(5, 8, 8, 4)).astype("float32"), weights),
        look(LookKind.IMAGE, (rng.random((16, 16, 3)) * 255).astype("float32"), is_input=True),
        look(LookKind.IMAGE, rng.random((16, 16, 1)).astype("float32"), is_input=True),
        look(LookKind.VECTOR, rng.normal(size=10).astype("float32"), weights),
        look(LookKind.VECTOR, rng.normal(size=300).astype("float32"), weights),
        look(LookKind.VECTOR, rng.normal(size=5000).astype("float32")),
        look(LookKind.SEQUENCE, rng.normal(size=(20, 6)).astype("float32"), weights),
        look(LookKind.SCALAR, np.array(0.5, dtype="float32"), weights),
        look(LookKind.TEXT, np.array("a film about a film " * 50), is_input=True),
    ]
    figure = ActivationFigure(DARK, size_inches=(6, 3))
    for item in looks:
        figure.show(item)
        pixels = np.asarray(figure.render(400, 200, 100)).reshape(200, 400, 4)
        assert tuple(pixels[0, 0]) == (0x1E, 0x1E, 0x1E, 255)  # the theme's background
        shown = texts(figure)
        assert ("no weights" in shown) == (item.weights is None)
        assert ("500 weights" in shown) == (item.weights is not None)
    figure.show(looks[0])
    assert len(figure.tiles) == MAX_TILES and any("first 64 of 128 feature maps" in t for t in texts(figure))
    figure.show(looks[1])
    assert len(figure.tiles) == 4 and any("slice 3 of 5" in t for t in texts(figure))
    np.testing.assert_array_equal(np.asarray(figure.tiles[1].get_array()), looks[1].values[2][..., 1])
    figure = ActivationFigure(PAPER)
    figure.show(looks[7])
    path = figure.save(tmp_path / "look.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the training dock's Inside tab ---------------------------------------------------------


@pytest.mark.slow
def test_the_first_conv_of_the_cnn_shows_one_tile_per_filter_after_an_epoch(window, qtbot, tmp_path: Path) -> None:
    """As a student would: train the CNN sample one epoch, select conv1 on the canvas, open the
    Inside tab, pick sample 2: one tile per filter, each what Keras computes for that sample."""
    from PySide6 import QtCore, QtTest

    from tests.test_gui_training import type_setting

    data = json.loads((SAMPLE_DIR / "cnn_classifier.json").read_text())
    data["training"]["data"] = {"source": "synthetic", "samples": 20}
    graph = tmp_path / "cnn.json"
    graph.write_text(json.dumps(data))
    window.open_path(graph, ask=False)
    panel = window.training
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    type_setting(panel, "epochs", "1")
    panel.train_button.click()
    qtbot.waitUntil(lambda: not panel.running and panel.train_button.isEnabled(), timeout=120_000)
    assert panel.progress.format().startswith("finished"), panel.status.text()

    conv1 = window.document.graph.by_name("conv1")
    window.select_and_centre([conv1.id])
    bar = panel.tabs.tabBar()
    QtTest.QTest.mouseClick(bar, QtCore.Qt.MouseButton.LeftButton, pos=bar.tabRect(3).center())
    inside = panel.inside
    inside.sample.setFocus()
    inside.sample.selectAll()
    QtTest.QTest.keyClicks(inside.sample, "2")
    qtbot.waitUntil(lambda: inside.plot.drawn() and inside.plot.look.sample == 2, timeout=60_000)
    look = inside.plot.look
    assert look.trained and look.kind == "maps" and "conv1" in inside.heading.text()
    figure = inside.plot.figure
    assert figure is not None and len(figure.tiles) == 32

    from netdesigner.backend.training import holdout

    model = panel.controller.model
    x, _ = holdout(panel.controller.data, window.document.doc.training.validation_split)
    expected = keras.Model(model.inputs, model.get_layer("conv1").output).predict(x[2:3], verbose=0)[0]
    for k, tile in enumerate(figure.tiles):
        np.testing.assert_allclose(np.asarray(tile.get_array()), expected[..., k], atol=1e-5)

    inside.weights.setCurrentIndex(1)  # the weights the run started from: what did training change?
    qtbot.waitUntil(lambda: inside.plot.drawn() and not inside.plot.look.trained, timeout=60_000)
    assert not np.allclose(inside.plot.look.weights, look.weights)
    window.select_and_centre([])  # nothing selected, then the same layer again: it shows again
    qtbot.waitUntil(lambda: inside.plot.look is None, timeout=5_000)
    window.select_and_centre([conv1.id])
    qtbot.waitUntil(lambda: inside.plot.drawn(), timeout=60_000)
    png = tmp_path / "inside.png"
    inside.save_png(str(png))
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_clicking_a_sample_in_the_predictions_grid_looks_inside_with_it(window, qtbot) -> None:
    """Mistakes first, then a click on the first (wrong) sample: the Inside tab opens on it."""
    from PySide6 import QtCore

    from netdesigner.backend.training import Predictions
    from netdesigner.gui.predictions import PredictionsView

    true = np.arange(30) % 3
    predicted = true.copy()
    predicted[[17, 22]] = (true[[17, 22]] + 1) % 3
    view = PredictionsView(
        Predictions(np.zeros((30, 8, 8, 1)), true, np.eye(3)[predicted], "SparseCategoricalCrossentropy")
    )
    qtbot.addWidget(view)
    panel = window.training
    view.sample_chosen.connect(panel.look_inside)  # as the dock connects the view it opens
    view.show()
    qtbot.waitExposed(view)
    view.mistakes_first.click()
    view.canvas.draw()
    cell = view.cells[1]  # the second mistake: held-out sample 22
    (x0, y0), (x1, y1) = cell.get_window_extent().get_points()
    ratio = view.canvas.device_pixel_ratio
    point = QtCore.QPoint(int((x0 + x1) / 2 / ratio), int(view.canvas.height() - (y0 + y1) / 2 / ratio))
    qtbot.mouseClick(view.canvas, QtCore.Qt.MouseButton.LeftButton, pos=point)
    assert panel.tabs.currentWidget() is panel.inside and panel.inside.sample.value() == 22
