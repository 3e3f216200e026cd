"""Keras models compared as their configs say: what import -> rebuild and export must keep."""

from __future__ import annotations

import json


def assert_same_model(original, rebuilt) -> None:
    """Same parameters, and every layer (operations included) of the same class and config,
    fed by the same tensors in the same order."""
    assert rebuilt.count_params() == original.count_params()
    ours, theirs = described_layers(rebuilt), described_layers(original)
    assert ours.keys() == theirs.keys()
    for name, described in theirs.items():
        assert ours[name] == described, name


def described_layers(model) -> dict[str, tuple[str, dict, str]]:
    """Each layer's class, config (its name aside) and inbound nodes as Keras serializes them,
    with the names Keras numbers itself (operations such as ``x * 0.5``) replaced by their order."""
    layers = normalized_config(model.get_config())["layers"]
    return {
        layer["name"]: (
            layer["class_name"],
            {k: v for k, v in layer["config"].items() if k != "name"},
            json.dumps(layer["inbound_nodes"]),
        )
        for layer in layers
    }


def normalized_config(config: dict) -> dict:
    """The config without the model's name, and with the names Keras numbers itself replaced by
    their order: operations ("true_divide_3", "multiply_1") and the input of a nested model
    ("input_layer_2"); a wrapped layer's name ("forward_lstm_2") is left out."""
    text = json.dumps(config)
    layers = config.get("layers", [])
    numbered = [layer["name"] for layer in layers if layer.get("module", "").startswith("keras.src.ops")]
    for layer in layers:
        inner = layer.get("config", {}).get("layers", [])
        numbered += [item["name"] for item in inner if item.get("class_name") == "InputLayer"]
    for order, name in enumerate(numbered):
        text = text.replace(json.dumps(name), json.dumps(f"operation {order}"))
    config = json.loads(text)
    config.pop("name", None)
    for layer in config.get("layers", []):  # a wrapper's layers: Keras names and builds them itself
        for key in ("layer", "backward_layer"):
            wrapped = layer.get("config", {}).get(key)
            if isinstance(wrapped, dict):
                wrapped.pop("build_config", None)
                wrapped.get("config", {}).pop("name", None)
    return config
