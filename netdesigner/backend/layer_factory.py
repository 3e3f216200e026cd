"""Catalog entry + parameters -> a Keras layer object, through the public ``keras`` API only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.catalog import LayerSpec
from netdesigner.core.layers.backbones import FAMILIES, Preprocessing
from netdesigner.core.params import ParamKind
from netdesigner.core.spec import Builds, CallStyle, OpCall, Role, TensorArg


def make_layer(spec: LayerSpec, params: Mapping[str, Any], name: str | None = None, dtype: str | None = None) -> Any:
    """A fresh Keras layer for a non-Input catalog entry; ``dtype`` overrides the global policy."""
    import keras

    if spec.keras_class is None or spec.role is Role.INPUT or spec.builds is not Builds.LAYER:
        raise ValueError(f"{spec.type} is not a Keras layer")
    layer_class = getattr(keras.layers, spec.keras_class)
    extra = {"dtype": dtype} if dtype else {}
    kwargs = spec.keras_kwargs(params)
    for param in spec.params:
        if param.kind is ParamKind.LAYER:  # a wrapper's layer, made first (Keras names it)
            inner = params[param.name]
            kwargs[param.name] = make_layer(param.inner[inner["type"]], inner["params"])
    return layer_class(name=name, **kwargs, **extra)


def make_application(spec: LayerSpec, params: Mapping[str, Any], input_shape: tuple[int | None, ...], name: str) -> Any:
    """The ``keras.applications`` network of a Pretrained node, without its classifier, made for
    ``input_shape`` (one sample's), with its weights frozen, or all but its last layers frozen,
    as the node says. ImageNet weights come from Keras's cache (``pretrained_weights.fetch``
    fills it first, with progress)."""
    import keras

    family = FAMILIES[params["family"]]
    base = getattr(keras.applications, family.name)(
        include_top=False, input_shape=input_shape, name=name, **spec.keras_kwargs(params)
    )
    if not params["trainable"]:
        last = params["unfreeze_last"]
        base.trainable = bool(last)  # a model's own switch hides every inner layer's weights
        for layer in base.layers[:-last] if last else ():
            layer.trainable = False
    return base


def make_node_layer(
    spec: LayerSpec, params: Mapping[str, Any], name: str, arguments: Sequence[Any], dtype: str | None = None
) -> Any:
    """The Keras object a node calls: a layer, or a backbone's network made for its input."""
    if spec.builds is Builds.APPLICATION:
        return make_application(spec, params, tuple(arguments[0].shape[1:]), name)
    return make_layer(spec, params, name, dtype)


def call_node(spec: LayerSpec, params: Mapping[str, Any], layer: Any, arguments: Sequence[Any]) -> Any:
    """The node's output tensor: ``layer`` (``make_node_layer``'s, or a shared one) called on its
    input tensors. A backbone first prepares the pixels as its family was trained
    (``preprocess_input``), then runs in inference mode (``training=False``) so that its
    BatchNormalization statistics stay as pretrained even while its top is fine-tuned, as
    Keras's transfer-learning guide does."""
    if spec.builds is Builds.APPLICATION:
        import keras

        (x,) = arguments
        family = FAMILIES[params["family"]]
        if family.preprocessing is not Preprocessing.BUILT_IN:
            x = getattr(keras.applications, family.module).preprocess_input(x)
        return layer(x, training=False)
    return call_layer(spec, layer, arguments)


def call_layer(spec: LayerSpec, layer: Any, arguments: Sequence[Any]) -> Any:
    """``layer`` called on the tensors at its ports, the way its entry says it takes them."""
    if spec.calling is CallStyle.LIST:
        return layer(list(arguments))
    if spec.calling is CallStyle.ARGUMENTS:
        return layer(*arguments)
    if spec.calling is CallStyle.INITIAL_STATE and len(arguments) > 1:
        return layer(arguments[0], initial_state=list(arguments[1:]))
    (tensor, *_) = arguments
    return layer(tensor)


def apply_operation(call: OpCall, arguments: Sequence[Any]) -> Any:
    """An operation node's output: its ``keras.ops`` function on its input tensors (Keras
    records the call in the model, as it records ``x * 0.5``)."""
    import keras

    args = [arguments[a.port] if isinstance(a, TensorArg) else a for a in call.args]
    return getattr(keras.ops, call.function)(*args, **dict(call.kwargs))


def make_input(params: Mapping[str, Any], name: str | None = None) -> Any:
    """A Keras symbolic input for an Input node."""
    import keras

    return keras.Input(shape=tuple(params["shape"]), dtype=params["dtype"], name=name)
