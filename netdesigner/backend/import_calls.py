"""The calls of a Keras model config, read as plain data: each layer's calls in order, the
calls feeding each one, and their positional arguments (the constants of an operation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netdesigner.core.spec import TensorArg

KERAS_LAYERS = "keras.layers"  # the module a .keras file names for every built-in layer


CallKey = tuple[str, int]  # a layer's name and which of its calls (Keras's node index)
History = tuple[str, int, int]  # a tensor: the layer that made it, which call, which output


@dataclass
class LayerCall:
    """One call of a layer of the config with the tensors feeding it, in order (its positional
    arguments', then its ``initial_state``'s, of which there are ``initial_states``). A layer
    called several times (shared) has one call per time, numbered by ``index``."""

    name: str
    class_name: str
    config: dict[str, Any]
    sources: list[History] = field(default_factory=list)
    module: str | None = KERAS_LAYERS  # None for a class registered by the model's own code
    registered: str | None = None  # Keras's registered name: "package>Class" for a custom class
    index: int = 0
    arguments: list[Any] = field(default_factory=list)  # positional, each input tensor a TensorArg
    initial_states: int = 0

    @property
    def key(self) -> CallKey:
        return (self.name, self.index)

    @classmethod
    def of(
        cls,
        layer: dict[str, Any],
        name: str,
        config: dict[str, Any],
        sources: list[History],
        index: int = 0,
        arguments: list[Any] | None = None,
        initial_states: int = 0,
    ) -> LayerCall:
        """A call of ``layer``, a config entry; entries written before Keras 3 name no module
        and are Keras's own."""
        module = layer.get("module", KERAS_LAYERS)
        registered = layer.get("registered_name")
        return cls(
            name,
            str(layer.get("class_name")),
            config,
            sources,
            module if isinstance(module, str) else None,
            registered if isinstance(registered, str) else None,
            index,
            arguments or [],
            initial_states,
        )


def sequential_calls(body: dict[str, Any], problems: list[str]) -> tuple[list[LayerCall], list[History]]:
    layers = [layer for layer in body["layers"] if isinstance(layer, dict)]
    calls: list[LayerCall] = []
    if not layers or layers[0].get("class_name") != "InputLayer":
        shape = body.get("build_input_shape") or (layers[0].get("config", {}).get("batch_shape") if layers else None)
        if not isinstance(shape, list):
            problems.append("the Sequential model has no input shape (it was never built)")
            return [], []
        calls.append(LayerCall("input", "InputLayer", {"batch_shape": shape, "dtype": "float32"}))
    for layer in layers:
        found = layer.get("config")
        config: dict[str, Any] = found if isinstance(found, dict) else {}
        name = config.get("name") or layer.get("name") or f"layer_{len(calls)}"
        sources = [(*calls[-1].key, 0)] if calls else []
        calls.append(LayerCall.of(layer, str(name), config, sources))
    return calls, [(*calls[-1].key, 0)]


def functional_calls(body: dict[str, Any], problems: list[str]) -> tuple[list[LayerCall], list[History]]:
    calls = []
    for layer in body["layers"]:
        if not isinstance(layer, dict):
            problems.append("a layer entry is not an object")
            continue
        name = str(layer.get("name") or layer.get("config", {}).get("name"))
        inbound = layer.get("inbound_nodes") or []
        for index, node in enumerate(inbound or [None]):
            sources = histories(node) if node is not None else []
            states = histories(_initial_state(node))
            config = layer.get("config") or {}
            calls.append(LayerCall.of(layer, name, config, sources + states, index, _arguments(node), len(states)))
    outputs = tensor_refs(body.get("output_layers"))
    if not outputs:
        problems.append("the model config names no output layers")
    # Model inputs keep the config's input order, which the builder follows through node order.
    order = {name: i for i, (name, _, _) in enumerate(tensor_refs(body.get("input_layers")))}
    calls.sort(key=lambda c: (c.class_name != "InputLayer", order.get(c.name, len(order))))
    return calls, outputs


def _initial_state(node: Any) -> Any:
    """The tensors a recurrent layer's call was given as ``initial_state`` (a keyword)."""
    kwargs = node.get("kwargs") if isinstance(node, dict) else None
    return kwargs.get("initial_state") if isinstance(kwargs, dict) else None


def tensor_refs(refs: Any) -> list[History]:
    """The tensors named by ``input_layers``/``output_layers``: one [name, node, tensor] or a
    list of them (a missing node or tensor index is 0)."""
    if not isinstance(refs, list) or not refs:
        return []
    if isinstance(refs[0], str):
        refs = [refs]
    return [
        (str(ref[0]), int(ref[1]) if len(ref) > 1 else 0, int(ref[2]) if len(ref) > 2 else 0)
        for ref in refs
        if isinstance(ref, list) and ref
    ]


def _arguments(node: Any) -> list[Any]:
    """A call's positional arguments as recorded, each input tensor a ``TensorArg`` numbered in
    order (what an operation such as ``x * 0.5`` is read back from)."""
    found: list[Any] = []
    tensors = 0
    for value in node.get("args", []) if isinstance(node, dict) else []:
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            found.append(TensorArg(tensors))
            tensors += 1
        else:
            found.append(value)
    return found


def histories(node: Any) -> list[History]:
    """keras_history entries (layer, node, tensor) of every tensor a call consumed, in order."""
    found: list[History] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            history = (
                value.get("config", {}).get("keras_history") if value.get("class_name") == "__keras_tensor__" else None
            )
            if isinstance(history, list) and len(history) == 3:
                found.append((str(history[0]), int(history[1]), int(history[2])))
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list):
            if len(value) == 3 and isinstance(value[0], str) and all(isinstance(v, int) for v in value[1:]):
                found.append((value[0], value[1], value[2]))  # the older [layer, node, tensor, kwargs] style
            else:
                for item in value:
                    walk(item)

    walk(node.get("args", []) if isinstance(node, dict) else node)
    return found
