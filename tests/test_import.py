"""Import of existing Keras models: standard CNN families, round trips, clear refusals."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesigner.cli import main
from netdesigner.core import infer
from netdesigner.core.fileformat import load
from tests.fuzz import BUDGETS
from tests.model_configs import assert_same_model

keras = pytest.importorskip("keras")
from netdesigner.backend.builder import build_model  # noqa: E402
from netdesigner.backend.importer import (  # noqa: E402
    ModelImportError,
    ModelReadError,
    config_to_document,
    import_model,
)

FAMILIES = ["ResNet50", "InceptionV3", "MobileNetV2", "DenseNet121", "EfficientNetB0"]


def layer_configs(model) -> dict[str, tuple[str, dict]]:
    return {layer.name: (type(layer).__name__, json.loads(json.dumps(layer.get_config()))) for layer in model.layers}


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_standard_cnn_families_import_and_rebuild_identically(family: str) -> None:
    original = getattr(keras.applications, family)(weights=None)
    doc = config_to_document(json.loads(original.to_json()))
    result = infer(doc.graph)
    assert result.errors() == {}
    assert result.total_params == original.count_params()
    assert_same_model(original, build_model(doc.graph))


def test_saved_300_layer_model_checks_like_keras(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = keras.applications.DenseNet121(weights=None, input_shape=(64, 64, 3), classes=7)
    assert len(original.layers) > 300
    original.save(tmp_path / "densenet.keras")
    assert main(["import", str(tmp_path / "densenet.keras"), "-o", str(tmp_path / "g.json")]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "g.json"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total_params"] == original.count_params()
    for node in report["nodes"]:
        if node["type"] == "Output":
            continue
        layer = original.get_layer(node["name"])
        assert node["output_shapes"] == [list(layer.output.shape)], node["name"]
        assert node["params"] == layer.count_params(), node["name"]
    positions = [tuple(n.position) for n in load(tmp_path / "g.json").graph.nodes.values()]
    assert len(set(positions)) == len(positions)  # laid out without overlaps


def test_sequential_and_heads() -> None:
    model = keras.Sequential(
        [
            keras.Input((12,)),
            keras.layers.Dense(8, activation="relu", name="hidden"),
            keras.layers.Dense(3, activation="softmax", name="probs"),
        ],
        name="seq",
    )
    doc = config_to_document(json.loads(model.to_json()))
    types = [n.type for n in doc.graph.nodes.values()]
    assert types == ["Input", "Dense", "Dense", "Output"]
    head = [n for n in doc.graph.nodes.values() if n.type == "Output"][0]
    assert head.params["loss"] == "CategoricalCrossentropy"
    assert build_model(doc.graph).count_params() == model.count_params()


def test_multi_input_order_and_initializers_survive() -> None:
    a, b = keras.Input((4,), name="a"), keras.Input((6,), name="b")
    da = keras.layers.Dense(3, kernel_initializer="he_normal", kernel_regularizer="l2", name="da")(a)
    joined = keras.layers.Concatenate(name="join")([keras.layers.Dense(2, name="db")(b), da])
    model = keras.Model([b, a], keras.layers.Dense(1, name="out")(joined))
    doc = config_to_document(json.loads(model.to_json()))
    rebuilt = build_model(doc.graph)
    assert [t.name for t in rebuilt.inputs] == ["b", "a"]
    assert_same_model(model, rebuilt)
    options = doc.graph.by_name("da").params["keras_options"]
    assert set(options) == {"kernel_initializer", "kernel_regularizer"}


def test_unsupported_layers_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    x = keras.Input((8, 8, 3))
    y = keras.layers.Conv2D(4, 3, data_format="channels_first", name="cf")(x)
    y = keras.layers.Lambda(lambda t: t * 2, name="doubler")(y)
    model = keras.Model(x, y)
    with pytest.raises(ModelImportError) as caught:
        config_to_document(json.loads(model.to_json()))
    message = str(caught.value)
    assert "doubler: layer class Lambda is not in netdesigner's catalog" in message
    assert "cf (Conv2D): netdesigner cannot represent data_format='channels_first'" in message
    path = tmp_path / "m.json"
    path.write_text(model.to_json())
    assert main(["import", str(path), "-o", str(tmp_path / "g.json")]) == 1
    assert "Traceback" not in capsys.readouterr().err and not (tmp_path / "g.json").exists()


def test_nested_models_are_inlined_and_a_shared_one_becomes_tied_nodes() -> None:
    """keras.io's Siamese pattern (one embedding model called on both inputs) beside a
    Sequential stem: their layers become the graph's own, the shared ones tied."""
    layers = keras.layers
    features = keras.Input((16,))
    hidden = layers.Dense(8, activation="relu", name="hidden")(features)
    embedding = keras.Model(features, layers.Dense(4, name="dense")(hidden), name="embedding")
    stem = keras.Sequential([keras.Input((16,)), layers.Dense(6, name="dense")], name="stem")
    left, right = keras.Input((16,), name="left"), keras.Input((16,), name="right")
    distance = layers.Subtract(name="diff")([embedding(left), embedding(right)])
    joined = layers.Concatenate(name="join")([distance, stem(left)])
    model = keras.Model([left, right], layers.Dense(1, activation="sigmoid", name="same")(joined))
    doc = config_to_document(json.loads(model.to_json()))
    graph = doc.graph
    result = infer(graph)
    assert result.errors() == {} and result.total_params == model.count_params()
    assert graph.by_name("hidden_2").shares == graph.by_name("hidden").id
    assert graph.by_name("stem_dense").type == "Dense"  # renamed: the embedding's layer is "dense"
    sources = [graph.nodes[e.source].name for e in graph.input_edges(graph.by_name("diff").id).values()]
    assert sources == ["dense", "dense_2"]
    assert result.infos[graph.by_name("join").id].shape == tuple(joined.shape)
    assert build_model(graph).count_params() == model.count_params()


@pytest.mark.parametrize(
    ("name", "content"),
    [("m.keras", b"not a zip"), ("m.json", b"{broken"), ("m.json", b"[1, 2]"), ("m.h5", b"")],
)
def test_unreadable_models_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ModelReadError):
        import_model(path)
    assert main(["import", str(path), "-o", str(tmp_path / "g.json")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_keras_zip_without_config(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    with pytest.raises(ModelReadError, match="cannot read"):
        import_model(tmp_path / "m.keras")


SMALL = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3), keras.layers.Dense(1)]) if keras else None
BASE = json.loads(SMALL.to_json())


@settings(max_examples=BUDGETS["keras_config"])
@given(st.data())
def test_damaged_configs_fail_cleanly(data: st.DataObject) -> None:
    damaged_config_fails_cleanly(data)


def damaged_config_fails_cleanly(data: st.DataObject) -> None:
    config = json.loads(json.dumps(BASE))
    layers = config["config"]["layers"]
    target = layers[data.draw(st.integers(0, len(layers) - 1))]
    key = data.draw(st.sampled_from(["config", "class_name", "inbound_nodes", "name"]))
    target[key] = data.draw(
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=5),
            st.lists(st.integers()),
            st.dictionaries(st.text(max_size=3), st.integers()),
        )
    )
    try:
        config_to_document(config)
    except ModelImportError as error:
        assert str(error)
