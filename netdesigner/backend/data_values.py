"""Inputs whose values are not plain numbers: text, true/false and categories, as stand-in data
makes them and as Keras takes them.

Keras takes text as a NumPy array of Python strings when there is one value per sample (Input
shape ``()``), and as a TensorFlow string tensor otherwise; only its TensorFlow backend computes
with text, and StringLookup, IntegerLookup and Hashing run TensorFlow inside the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netdesigner.backend.data_checks import DataError
from netdesigner.core.graph import Graph, Node


def is_text(node: Node) -> bool:
    return node.params["dtype"] == "string"


def text_array(array: Any, label: str) -> np.ndarray:
    """The data of a string Input as Python strings (an object array): text of any NumPy kind,
    bytes decoded as UTF-8, and numbers written as text (categories coded as numbers)."""
    if not isinstance(array, np.ndarray):
        raise DataError(f"{label} is not a NumPy array", "save arrays with numpy.savez")
    if array.ndim == 0:
        raise DataError(f"{label} holds a single value, not a list of samples", "give one row per sample")
    if array.dtype.kind not in "USObiuf":
        raise DataError(f"{label} holds values of type {array.dtype}, not text", "give it text (strings)")

    def text(value: Any) -> str:
        if isinstance(value, bytes):
            return value.decode("utf-8", errors="replace")
        return value if isinstance(value, str) else str(value)

    flat = [text(v) for v in array.reshape(-1).tolist()]
    result = np.empty(len(flat), dtype=object)
    result[:] = flat
    return result.reshape(array.shape)


def model_input(array: Any) -> Any:
    """What ``fit`` and ``predict`` are given for one Input: the array itself, except text with
    several values per sample, which Keras takes only as a TensorFlow string tensor."""
    if isinstance(array, np.ndarray) and array.dtype == object and array.ndim > 1:
        import tensorflow as tf

        return tf.constant(array.astype(str))
    return array


def check_backend(graph: Graph) -> None:
    """Refuse, in words, a model with text or TensorFlow-only layers on another Keras backend."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        return
    needs = [n.name for n in graph.inputs() if is_text(n)]
    needs += [n.name for n in graph.nodes.values() if n.spec.takes.tensorflow]
    if needs:
        raise DataError(
            f"{', '.join(needs[:4])} need{'s' if len(needs) == 1 else ''} Keras's TensorFlow backend "
            f"(text, and the layers that look up or hash categories, run TensorFlow), but Keras uses {backend}",
            "set the environment variable KERAS_BACKEND=tensorflow (and install tensorflow), then start again",
        )
