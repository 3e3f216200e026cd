"""What the layers that turn categories into numbers share: their output modes and the shape
each mode gives, as Keras's ``compute_output_shape`` gives it.

Where Keras's declared shape disagrees with what the layer computes on data (several values
per sample marked with ``multi_hot`` in a grid, one value per sample whose batch axis Keras
drops), the rule refuses with the reason instead of building a model that would fail later.
"""

from __future__ import annotations

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt
from netdesigner.core.spec import Shape

MODE_DOCS = {
    "int": "one index per value",
    "one_hot": "a vector per value with a 1 at its index",
    "multi_hot": "a vector per sample with a 1 at the index of every value it holds",
    "count": "a vector per sample counting how often each index occurs",
    "tf_idf": "like count, weighted down for values frequent in the training data",
}


def output_mode(default: str, modes: tuple[str, ...]) -> ParamSpec:
    return ParamSpec(
        "output_mode",
        ParamKind.CHOICE,
        default,
        "what comes out: " + "; ".join(f"{m}: {MODE_DOCS[m]}" for m in modes),
        choices=modes,
    )


def one_hot(x: Shape, depth: int) -> Shape:
    """A vector of ``depth`` per value; a last axis of size 1 is replaced rather than kept."""
    if len(x) > 1 and x[-1] == 1:
        return (*x[:-1], depth)
    return (*x, depth)


def one_value_per_sample(layer: str, mode: str, x: Shape, depth: int) -> None:
    """Refuse marking a single value per sample: Keras would mark the whole batch as one."""
    if len(x) < 2:
        raise LayerError(
            f"{layer} with output_mode={mode!r} marks the values each sample holds, but {fmt(x)} "
            f"has one value per sample: Keras would treat the whole batch as one sample (shape ({depth},))",
            "use output_mode='one_hot' for a single value, or give the Input the shape (1,)",
            code=ProblemCode.PARAM,
        )


def per_sample(layer: str, mode: str, x: Shape, depth: int) -> Shape:
    """``multi_hot``, ``count`` and ``tf_idf``: one vector per sample, from a list of values."""
    one_value_per_sample(layer, mode, x, depth)
    if len(x) > 2:
        raise LayerError(
            f"{layer} with output_mode={mode!r} marks one list of values per sample, but {fmt(x)} "
            "holds a grid of them per sample: Keras declares a shape it does not compute",
            "flatten the input first (Flatten), or use output_mode='one_hot'",
            code=ProblemCode.PARAM,
        )
    return (x[0], depth)


def encoded(layer: str, mode: str, x: Shape, depth: int) -> Shape:
    """The output shape of ``mode`` for lookups and CategoryEncoding."""
    if mode == "int":
        return x
    if mode == "one_hot":
        return one_hot(x, depth)
    return per_sample(layer, mode, x, depth)
