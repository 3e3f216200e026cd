"""Catalog entry + parameters -> a Keras layer object, through the public ``keras`` API only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netdesigner.core.catalog import LayerSpec
from netdesigner.core.spec import Role


def make_layer(spec: LayerSpec, params: Mapping[str, Any], name: str | None = None, dtype: str | None = None) -> Any:
    """A fresh Keras layer for a non-Input catalog entry; ``dtype`` overrides the global policy."""
    import keras

    if spec.keras_class is None or spec.role is Role.INPUT:
        raise ValueError(f"{spec.type} is not a Keras layer")
    layer_class = getattr(keras.layers, spec.keras_class)
    extra = {"dtype": dtype} if dtype else {}
    return layer_class(name=name, **spec.keras_kwargs(params), **extra)


def make_input(params: Mapping[str, Any], name: str | None = None) -> Any:
    """A Keras symbolic input for an Input node."""
    import keras

    return keras.Input(shape=tuple(params["shape"]), dtype=params["dtype"], name=name)
