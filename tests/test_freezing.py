"""Per-layer ``trainable``: core counts frozen weights as Keras does, the builder, the exported
script and the importer keep the flag, ``check --json`` reports the split, and the editor's
"Freeze Up to Here" / "Unfreeze" are one undo step each with the nodes marked."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from netdesigner.backend.export import ExportOptions, export_script
from netdesigner.cli import main
from netdesigner.core import infer
from netdesigner.core.fileformat import load, save
from tests.conftest import SAMPLE_DIR
from tests.test_gui_context_menu import right_click
from tests.test_gui_editor import node_point, node_text

keras = pytest.importorskip("keras")


def keras_split(model) -> tuple[int, int]:
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    return trainable, model.count_params() - trainable


def frozen_cnn():
    """The CNN sample with its two convolutions frozen: the first layers of a fine-tuned model."""
    doc = load(SAMPLE_DIR / "cnn_classifier.json")
    for name in ("conv1", "conv2"):
        doc.graph.set_param(doc.graph.by_name(name).id, "trainable", False)
    return doc


def test_frozen_layers_count_as_keras_counts_in_the_builder_and_the_export() -> None:
    from netdesigner.backend.builder import build_model

    doc = frozen_cnn()
    result = infer(doc.graph)
    built = build_model(doc.graph)
    assert (result.trainable_params, result.non_trainable_params) == keras_split(built)
    assert not built.get_layer("conv1").trainable and built.get_layer("dense1").trainable
    code = export_script(doc, ExportOptions())
    assert code.count("trainable=False") == 2
    namespace: dict = {}
    exec(compile(code, "exported.py", "exec"), namespace)
    assert keras_split(namespace["build_model"]()) == keras_split(built)


def test_check_json_reports_the_trainable_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = frozen_cnn()
    save(doc, tmp_path / "frozen.json")
    assert main(["check", str(tmp_path / "frozen.json"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    conv1 = next(n for n in report["nodes"] if n["name"] == "conv1")
    assert conv1["trainable_params"] == 0 and conv1["non_trainable_params"] == conv1["params"] == 896
    assert report["trainable_params"] + report["non_trainable_params"] == report["total_params"]
    before = infer(load(SAMPLE_DIR / "cnn_classifier.json").graph).non_trainable_params  # BN's statistics
    assert report["non_trainable_params"] == before + 896 + 18_496


def test_importing_keeps_each_layers_trainable_flag() -> None:
    from netdesigner.backend.importer import config_to_document

    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, name="frozen_conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(x))
    model.get_layer("frozen_conv").trainable = False
    model.get_layer("bn").trainable = False
    doc = config_to_document(json.loads(model.to_json()))
    assert doc.graph.by_name("frozen_conv").params["trainable"] is False
    assert doc.graph.by_name("head").params["trainable"] is True
    result = infer(doc.graph)
    assert (result.trainable_params, result.non_trainable_params) == keras_split(model)


def test_freeze_up_to_here_from_the_menu_is_one_undo_step(window, qtbot) -> None:
    window.open_path(SAMPLE_DIR / "cnn_classifier.json", as_sample=True, ask=False)
    qtbot.wait(20)
    graph = window.document.graph
    conv2, point = node_point(window, "conv2")
    right_click(window, point, "Freeze Up to Here")
    window.document.flush()
    frozen = {n.name for n in graph.nodes.values() if n.params.get("trainable") is False}
    assert frozen == {"conv1", "conv2"}  # conv2 and every layer with weights before it
    assert "❄ frozen" in node_text(window, graph.by_name("conv1").id)
    assert "non-trainable" in node_text(window, conv2)
    window.summary.refresh()
    assert f"Non-trainable: {window.document.result.non_trainable_params:,}" in window.summary.totals.text()
    assert window.document.result.non_trainable_params >= 896 + 18_496
    assert not window.properties.editors["trainable"].widget.isChecked()
    window.undo_action.trigger()
    assert not any(n.params.get("trainable") is False for n in graph.nodes.values())
    window.undo_action.trigger()  # the undo before it is not part of the freeze
    right_click(window, node_point(window, "conv1")[1], "Freeze Up to Here")
    right_click(window, node_point(window, "conv1")[1], "Unfreeze")
    assert graph.by_name("conv1").params["trainable"] is True
