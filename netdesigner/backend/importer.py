"""An existing Keras model (``.keras`` file or model JSON config) -> a netdesigner graph.

Only the architecture is read, from the config JSON: no weights are loaded and no code in the
file runs (a ``.keras`` file is a zip whose ``config.json`` we parse ourselves). Layers must be
catalog types; each is checked by rebuilding it from the parameters we read and comparing its
Keras config with the original, so an argument netdesigner cannot represent is reported by
name instead of silently dropped.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from netdesigner.backend.import_calls import KERAS_LAYERS, CallKey, LayerCall, functional_calls, sequential_calls
from netdesigner.backend.import_compile import read_compile_config
from netdesigner.backend.import_nested import MODEL_CLASSES, as_functional, inline_models
from netdesigner.core import catalog
from netdesigner.core.bounded_read import check_regular, read_text_bounded
from netdesigner.core.catalog import LayerSpec
from netdesigner.core.compile_plan import final_activation
from netdesigner.core.errors import FormatError, GraphError
from netdesigner.core.fileformat import Document, check_text
from netdesigner.core.fit_plan import adapts
from netdesigner.core.graph import NAME_RULE, Graph, check_name
from netdesigner.core.layout import apply_layout
from netdesigner.core.params import ParamKind, ParamSpec, is_keras_module
from netdesigner.core.settings import TrainingSettings
from netdesigner.core.spec import CallStyle, Role

MAX_CONFIG_BYTES = 64 * 1024 * 1024
# Keras layer class -> our type, for every catalog entry backed by a Keras layer.
_BY_KERAS_CLASS = {s.keras_class: s for s in catalog.all_specs() if s.keras_class and s.role is Role.LAYER}
KERAS_OPERATIONS = "keras.src.ops"  # the modules of operations the functional API records
_OPERATIONS = [s for s in catalog.all_specs() if s.from_operation is not None]


class ModelImportError(GraphError):
    """The model cannot be imported; ``problems`` lists every reason found, one per layer."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        problems = problems or []
        detail = "".join(f"\n  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(message + detail + more)
        self.problems = problems


class ModelReadError(ModelImportError):
    """The file itself cannot be read as a Keras model config."""


def read_model_config(path: str | Path) -> dict[str, Any]:
    source = Path(path)
    try:
        if source.suffix == ".keras":
            check_regular(source)
            with zipfile.ZipFile(source) as archive:
                info = archive.getinfo("config.json")
                if info.file_size > MAX_CONFIG_BYTES:
                    raise ModelReadError("the model's config.json is larger than 64 MiB")
                text = archive.read(info).decode("utf-8")
        elif source.suffix == ".json":
            text = read_text_bounded(source, MAX_CONFIG_BYTES)
        else:
            raise ModelReadError(
                f"cannot import {source.suffix or 'a file without extension'}: use a .keras file or a "
                "Keras model JSON (model.to_json())"
            )
        config = json.loads(text)
        check_text(config)
    except ModelReadError:
        raise
    except OSError as exc:  # missing, unreadable, not a regular file, larger than the cap
        raise ModelReadError(f"cannot read {source}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError, FormatError) as exc:
        # ValueError: broken JSON, or an integer of more than 4,300 digits
        raise ModelReadError(f"{source} does not hold a readable Keras model config: {exc}") from None
    except Exception as exc:  # a damaged zip raises many kinds (encrypted, unknown compression, zlib...)
        raise ModelReadError(f"cannot read {source}: {type(exc).__name__}: {exc}") from None
    if not isinstance(config, dict) or config.get("class_name") not in MODEL_CLASSES:
        raise ModelReadError(f"{source} is not a Keras Functional or Sequential model config")
    return config


def import_model(path: str | Path) -> Document:
    return config_to_document(read_model_config(path))


def config_to_document(model: dict[str, Any]) -> Document:
    try:
        return _config_to_document(model)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        # A hand-made or damaged config with entries of the wrong type: say so, never crash.
        raise ModelReadError(f"the model config is malformed ({type(exc).__name__}: {exc})") from None


def _config_to_document(model: dict[str, Any]) -> Document:
    body = model.get("config")
    if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
        raise ModelImportError("the model config has no list of layers")
    problems: list[str] = []  # every problem found, reported together at the end
    nested = any(isinstance(layer, dict) and layer.get("class_name") in MODEL_CLASSES for layer in body["layers"])
    if model["class_name"] == "Sequential" and not nested:
        calls, outputs = sequential_calls(body, problems)
    else:  # nested models become their own layers (a Sequential one around them, a chain)
        flat = inline_models(as_functional(body) if model["class_name"] == "Sequential" else body)
        calls, outputs = functional_calls(flat, problems)
    graph = Graph()
    ids: dict[CallKey, str] = {}
    notes: list[str] = []
    names = {call.name for call in calls}
    for call in calls:
        if call.index:  # another call of a layer: a node sharing the first call's layer
            if (call.name, 0) in ids:  # (else the layer was refused, and that is reported)
                ids[call.key] = _add_sharer(graph, call, ids[(call.name, 0)], names)
            continue
        try:
            ids[call.key] = _add_node(graph, call, notes, names).id
        except ModelImportError as error:
            problems.extend(error.problems or [str(error)])
    if problems:
        raise ModelImportError("this model cannot be imported:", problems)
    for call in calls:  # wired once every call exists: a layer's later calls may use later layers
        for port, (source, index, tensor) in enumerate(call.sources):
            try:
                graph.connect(ids[(source, index)], ids[call.key], port, tensor)
            except GraphError as error:
                problems.append(f"{call.name} ({call.class_name}): {error}")
    if problems:
        raise ModelImportError("this model cannot be imported:", problems)
    settings, compiled = read_compile_config(model.get("compile_config"), [name for name, _, _ in outputs], notes)
    for (name, index, tensor), head in zip(outputs, compiled, strict=True):
        _add_head(graph, ids[(name, index)], head, tensor)
    apply_layout(graph)
    title = body.get("name")
    return Document(graph, settings or TrainingSettings(), name=title if isinstance(title, str) else "", notes=notes)


def _add_sharer(graph: Graph, call: LayerCall, owner_id: str, originals: set[str]) -> str:
    """A node for a later call of an imported layer, tied to the node of its first call; a
    layer that cannot be shared (a merge: its inputs are counted per call, it has no weights)
    gets a node of its own with the same parameters."""
    owner = graph.nodes[owner_id]
    name = graph.legal_free_name(f"{call.name}_{call.index + 1}", originals)
    node = graph.add_node(owner.type, name, params=dict(owner.params))
    try:
        graph.share(node.id, owner_id)
    except GraphError:
        if owner.spec.variadic:
            graph.set_param(node.id, "inputs", len(call.sources))
    return node.id


def _legal_name(graph: Graph, name: str, notes: list[str], originals: set[str]) -> str:
    """``name``, or a legal one (noted) where netdesigner's naming rule refuses it; it takes no
    name already given nor one that a later layer of the model has."""
    try:
        return check_name(name)
    except GraphError:
        legal = graph.legal_free_name(name, originals)
        notes.append(f"{name!r} renamed {legal!r}: {NAME_RULE}")
        return legal


def _add_node(graph: Graph, call: LayerCall, notes: list[str], originals: set[str]):
    name = _legal_name(graph, call.name, notes, originals)
    if call.class_name == "InputLayer":
        shape = call.config.get("batch_shape") or call.config.get("batch_input_shape")
        if not isinstance(shape, list) or not shape:
            raise ModelImportError(f"{call.name} (InputLayer) has no shape")
        dtype = call.config.get("dtype", "float32")
        return _checked_add(
            graph, "Input", name, {"shape": shape[1:], "dtype": dtype if isinstance(dtype, str) else "float32"}
        )
    if call.module is not None and call.module.startswith(KERAS_OPERATIONS) and call.registered == call.class_name:
        return _add_operation(graph, call, name)
    spec = _BY_KERAS_CLASS.get(call.class_name) if call.module == KERAS_LAYERS else None
    if spec is None:
        raise ModelImportError(unknown_class(call))
    params = _params_of(spec, call.config, f"{call.name} ({call.class_name})")
    if spec.variadic:
        params["inputs"] = len(call.sources)
    if call.initial_states:
        if spec.calling is not CallStyle.INITIAL_STATE:
            raise ModelImportError("", [f"{call.name} ({call.class_name}) cannot start from an initial state"])
        params["initial_state"] = True
    return _checked_add(graph, spec.type, name, params)


def _params_of(spec: LayerSpec, config: dict[str, Any], where: str) -> dict[str, Any]:
    """Our parameters for a Keras layer config: the declared ones, a wrapper's layer read the
    same way, and the initializers and the like kept as ``keras_options``; anything else the
    config sets that netdesigner cannot reproduce is refused by name."""
    params: dict[str, Any] = spec.params_from_keras(config)
    for param in spec.params:
        if param.kind is ParamKind.LAYER and isinstance(config.get(param.name), dict):
            params[param.name] = _wrapped(param, config[param.name], where)
    try:
        params = spec.defaults() | {key: spec.param(key).coerce(value) for key, value in params.items()}
    except GraphError as error:
        raise ModelImportError("", [f"{where}: {error}"]) from None
    options, unsupported = _keras_differences(spec, params, config)
    if options:
        try:
            params["keras_options"] = spec.param("keras_options").coerce(options)
        except GraphError as error:  # a custom class, NaN, nesting beyond what a graph file keeps
            raise ModelImportError("", [f"{where}: netdesigner cannot keep its Keras options: {error}"]) from None
    if unsupported:
        problems = [f"{where}: netdesigner cannot represent {key}={config.get(key)!r}" for key in unsupported]
        raise ModelImportError("", problems)
    return params


# What a wrapper sets on the layer it wraps itself (Bidirectional: zero outputs at masked steps).
_SET_BY_WRAPPERS = frozenset({"zero_output_for_mask"})


def _wrapped(param: ParamSpec, layer: dict[str, Any], where: str) -> dict[str, Any]:
    """A wrapper's layer (a serialized Keras layer) as our ``{"type", "params"}`` value."""
    spec = _BY_KERAS_CLASS.get(str(layer.get("class_name")))
    if layer.get("module", KERAS_LAYERS) != KERAS_LAYERS or spec is None or spec.type not in param.inner:
        raise ModelImportError(
            "", [f"{where}: it wraps {layer.get('class_name')}; it can wrap " + ", ".join(param.inner)]
        )
    config = layer.get("config")
    config = {k: v for k, v in config.items() if k not in _SET_BY_WRAPPERS} if isinstance(config, dict) else {}
    return {"type": spec.type, "params": _params_of(spec, config, where)}


def _add_operation(graph: Graph, call: LayerCall, name: str):
    """The Math node that represents a recorded ``keras.ops`` call, with its constants."""
    for spec in _OPERATIONS:
        params = spec.from_operation(call.class_name, call.config, call.arguments) if spec.from_operation else None
        if params is not None:
            return _checked_add(graph, spec.type, name, params)
    raise ModelImportError(unknown_class(call))


def unknown_class(call: LayerCall) -> str:
    """Why a layer's class cannot be imported, in one line that names it."""
    if not is_keras_module(call.module) or call.registered not in (None, call.class_name):
        return (
            f"custom layer `{call.class_name}` ({call.name}) is defined in the model's Python code; "
            "netdesigner runs no code from files — replace it with catalog layers"
        )
    if call.module != KERAS_LAYERS:
        return f"{call.name}: the operation {call.class_name} ({call.module}) has no netdesigner node yet"
    return f"{call.name}: layer class {call.class_name} is not in netdesigner's catalog"


def _checked_add(graph: Graph, layer_type: str, name: str, params: dict[str, Any]):
    try:
        return graph.add_node(layer_type, name=name, params=params)
    except GraphError as error:
        raise ModelImportError("", [f"{name} ({layer_type}): {error}"]) from None


def _option_names(spec: LayerSpec) -> tuple[str, ...]:
    """The Keras arguments this layer type keeps as ``keras_options`` (none for most)."""
    try:
        return spec.param("keras_options").choices
    except KeyError:
        return ()


def _keras_differences(spec: LayerSpec, params: dict[str, Any], original: dict[str, Any]) -> tuple[dict, list[str]]:
    """Config entries our parameters do not reproduce: initializers and the like (kept as
    keras_options), and everything else (unsupported)."""
    from netdesigner.backend.layer_factory import make_layer

    try:
        rebuilt = _plain(make_layer(spec, params).get_config())
    except Exception as exc:  # Keras validates arguments with many exception types
        return {}, [f"arguments Keras refuses ({exc})"]
    original = _plain(original)
    for key in original.keys() & rebuilt.keys():  # wrapped layers (Bidirectional's two): names aside
        rebuilt[key], original[key] = _unnamed(rebuilt[key]), _unnamed(original[key])
    options: dict[str, Any] = {}
    unsupported: list[str] = []
    option_names = _option_names(spec)
    learned = {p.name for p in spec.params if p.learned} if adapts(spec, params) else set()  # learned again
    for key, value in original.items():
        if key == "name" or key in learned or (key in rebuilt and rebuilt[key] == value):
            continue
        if key in option_names:
            options[key] = value
        else:
            unsupported.append(key)
    return options, unsupported


def _unnamed(layer: Any) -> Any:
    """A serialized wrapped layer without what Keras chooses itself: its name (numbered, and
    prefixed "forward_" by Bidirectional) and whether it was built yet; other values as they are."""
    if not isinstance(layer, dict) or layer.get("module") != KERAS_LAYERS or not isinstance(layer.get("config"), dict):
        return layer
    config = {k: v for k, v in layer["config"].items() if k != "name"}
    return {k: v for k, v in layer.items() if k != "build_config"} | {"config": config}


def _plain(config: Any) -> Any:
    """JSON-normalized config without ``shared_object_id``, a bookkeeping key that .keras
    files add to objects (dtype policies) several layers share."""
    if isinstance(config, dict):
        return {k: _plain(v) for k, v in config.items() if k != "shared_object_id"}
    if isinstance(config, list | tuple):
        return [_plain(v) for v in config]
    return config


def _add_head(graph: Graph, source_id: str, compiled: dict[str, Any], port: int = 0) -> None:
    """An Output head after output port ``port`` of an output layer, with the loss, weight and
    metrics the model was compiled with (``compiled``), else a loss guessed from its activation."""
    source = graph.nodes[source_id]
    activation = final_activation(source.type, source.params)
    if activation == "softmax":
        params = {"loss": "CategoricalCrossentropy", "metrics": ["accuracy"]}
    elif activation == "sigmoid":
        params = {"loss": "BinaryCrossentropy", "metrics": ["accuracy"]}
    else:
        params = {"loss": "MeanSquaredError", "metrics": ["MeanAbsoluteError"]}
    head = graph.add_node("Output", name=graph.unique_name(f"{source.name}_head"), params={**params, **compiled})
    graph.connect(source_id, head.id, 0, port)
