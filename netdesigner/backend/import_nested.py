"""Nested models inlined: a Functional or Sequential model used as a layer of another becomes
its own layers in the outer model's config, so that it imports like a flat model.

Works on the config as plain data (nothing is built). A sub-model called several times (the
shared encoder of keras.io's Siamese example) gives its layers one call per time, which the
importer turns into tied nodes. An inner layer whose name the outer model already uses is
renamed ``<model>_<layer>``.
"""

from __future__ import annotations

import copy
from typing import Any

from netdesigner.backend.import_calls import History, histories, tensor_refs

MODEL_CLASSES = ("Functional", "Model", "Sequential")


def inline_models(body: dict[str, Any]) -> dict[str, Any]:
    """A functional model config (``body``) with every nested model replaced by its layers."""
    layers = [layer for layer in body.get("layers", []) if isinstance(layer, dict)]
    if not any(layer.get("class_name") in MODEL_CLASSES for layer in layers):
        return body
    taken = {str(layer.get("name")) for layer in layers}
    flat: list[dict[str, Any]] = []
    redirect: dict[History, History] = {}  # a sub-model's output -> the inner tensor it is
    for layer in layers:
        if layer.get("class_name") not in MODEL_CLASSES:
            flat.append(copy.deepcopy(layer))
            continue
        flat += _inlined(layer, taken, redirect)
    for layer in flat:
        layer["inbound_nodes"] = [_remapped(node, lambda h: _follow(h, redirect)) for node in layer["inbound_nodes"]]
    result = dict(body, layers=flat)
    models = {str(layer.get("name")) for layer in layers if layer.get("class_name") in ("Functional", "Model")}
    result["output_layers"] = _remapped_refs(body.get("output_layers"), redirect, models)
    return result


def _inlined(model: dict[str, Any], taken: set[str], redirect: dict[History, History]) -> list[dict[str, Any]]:
    """The layers of one nested model, with one call per time the model is called."""
    name = str(model.get("name") or model.get("config", {}).get("name"))
    inner = inline_models(as_functional(model.get("config") or {}))
    inputs = [ref[0] for ref in tensor_refs(inner.get("input_layers"))]
    rename: dict[str, str] = {}
    layers = []
    for layer in inner["layers"]:
        if layer.get("class_name") == "InputLayer":
            continue
        old = str(layer.get("name"))
        new = old if old not in taken else f"{name}_{old}"
        taken.add(new)
        rename[old] = new
        layers.append(dict(copy.deepcopy(layer), name=new, inbound_nodes=[]))
    calls = {str(layer.get("name")): len(layer.get("inbound_nodes") or []) for layer in inner["layers"]}

    for k, call in enumerate(model.get("inbound_nodes") or []):
        arguments = dict(zip(inputs, histories(call), strict=False))

        def outer(history: History, k: int = k, arguments: dict[str, History] = arguments) -> History:
            layer, node, tensor = history
            if layer in arguments:
                return arguments[layer]
            return (rename.get(layer, layer), node + k * calls.get(layer, 1), tensor)

        called = [layer for layer in inner["layers"] if layer.get("class_name") != "InputLayer"]
        for layer, flat_layer in zip(called, layers, strict=True):
            flat_layer["inbound_nodes"] += [_remapped(node, outer) for node in layer.get("inbound_nodes") or []]
        for t, ref in enumerate(tensor_refs(inner.get("output_layers"))):
            redirect[(name, k, t)] = outer(ref)
    return layers


def as_functional(config: dict[str, Any]) -> dict[str, Any]:
    """A Sequential config as the functional config of the same chain."""
    if "input_layers" in config:
        return config
    layers = [copy.deepcopy(layer) for layer in config.get("layers", []) if isinstance(layer, dict)]
    if not layers or layers[0].get("class_name") != "InputLayer":
        shape = config.get("build_input_shape")
        layers.insert(0, {"class_name": "InputLayer", "name": "input", "config": {"batch_shape": shape}})
    previous = None
    for layer in layers:
        layer["name"] = str(layer.get("name") or layer.get("config", {}).get("name"))
        tensor = {"class_name": "__keras_tensor__", "config": {"keras_history": [previous, 0, 0]}}
        layer["inbound_nodes"] = [] if previous is None else [{"args": [tensor], "kwargs": {}}]
        previous = layer["name"]
    return {
        "name": config.get("name"),
        "layers": layers,
        "input_layers": [[layers[0]["name"], 0, 0]],
        "output_layers": [[layers[-1]["name"], 0, 0]],
    }


def _follow(history: History, redirect: dict[History, History]) -> History:
    seen = set()
    while history in redirect and history not in seen:
        seen.add(history)
        history = redirect[history]
    return history


def _remapped(node: Any, change: Any) -> Any:
    """``node`` (a recorded call) with every tensor's history passed through ``change``."""
    if isinstance(node, dict):
        if node.get("class_name") == "__keras_tensor__":
            found = node.get("config", {}).get("keras_history")
            if isinstance(found, list) and len(found) == 3:
                config = dict(node["config"], keras_history=list(change(tuple(found))))
                return dict(node, config=config)
        return {key: _remapped(value, change) for key, value in node.items()}
    if isinstance(node, list):
        return [_remapped(item, change) for item in node]
    return node


def _remapped_refs(refs: Any, redirect: dict[History, History], models: set[str]) -> Any:
    """``output_layers`` pointing at the inlined tensors. Keras counts a Functional sub-model's
    calls there from 1 (its own first node), unlike in ``inbound_nodes``: its loader subtracts 1."""
    single = isinstance(refs, list) and bool(refs) and isinstance(refs[0], str)
    shifted = [(name, node - (name in models), tensor) for name, node, tensor in tensor_refs(refs)]
    mapped = [list(_follow(ref, redirect)) for ref in shifted]
    return mapped[0] if single and mapped else mapped
