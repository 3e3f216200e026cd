"""The initializer, regularizer and constraint names a file may give are exactly those Keras
accepts, and what Keras would refuse is refused when the file is read (check valid => trains)."""

from __future__ import annotations

import json

import pytest

from netdesigner.core.fileformat import FormatError, load, loads, to_dict
from netdesigner.core.keras_objects import KINDS
from tests.conftest import SAMPLE_DIR

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_declared_name_is_one_keras_accepts_and_none_is_missing(kind: str) -> None:
    getter = getattr(keras, f"{kind}s").get
    for name in sorted(KINDS[kind].strings):  # the others need arguments: objects only
        assert getter(name) is not None, name
    every = getattr(getattr(keras.src, f"{kind}s"), "ALL_OBJECTS_DICT", None)
    if every is not None:  # Keras's own table, less its abstract base classes
        assert set(every) - {kind, kind.capitalize()} == KINDS[kind].names


@pytest.mark.parametrize(
    "options, words",
    [
        ({"kernel_constraint": "l2"}, "Keras has no constraint called 'l2'"),
        ({"bias_initializer": "constant"}, "the initializer 'constant' needs arguments"),
        ({"kernel_initializer": {"module": "keras.layers", "class_name": "TFSMLayer", "config": {}}}, "initializers"),
        ({"bias_regularizer": {"module": "keras.utils", "class_name": "get_file", "config": {}}}, "regularizers"),
    ],
)
def test_options_keras_would_refuse_are_refused_when_the_file_is_read(options: dict, words: str) -> None:
    graph = to_dict(load(SAMPLE_DIR / "mlp_classifier.json"))
    dense = next(n for n in graph["nodes"] if n["type"] == "Dense")
    dense["params"]["keras_options"] = options
    with pytest.raises(FormatError, match=words):
        loads(json.dumps(graph))


def test_options_keras_takes_are_kept() -> None:
    graph = to_dict(load(SAMPLE_DIR / "mlp_classifier.json"))
    dense = next(n for n in graph["nodes"] if n["type"] == "Dense")
    regularizer = keras.saving.serialize_keras_object(keras.regularizers.L2(0.01))
    dense["params"]["keras_options"] = {"kernel_constraint": "max_norm", "kernel_regularizer": regularizer}
    assert loads(json.dumps(graph)).graph.by_name(dense["name"]).params["keras_options"]["kernel_constraint"]
