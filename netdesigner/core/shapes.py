"""Shape arithmetic shared by the layer rules, with Keras's exact semantics.

Dimensions are ints or None (unknown, like the batch dimension). Every check raises
``LayerError`` with words a student understands.
"""

from __future__ import annotations

from collections.abc import Sequence

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.spec import Shape
from netdesigner.core.why import ceil_div

RANK_MEANING = {
    2: "(batch, features)",
    3: "(batch, steps, channels)",
    4: "(batch, height, width, channels)",
    5: "(batch, depth, height, width, channels)",
}


def fmt(shape: Sequence[int | None]) -> str:
    """Format like Keras prints shapes: ``(None, 32, 32, 16)``."""
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def prod(dims: Sequence[int | None]) -> int | None:
    total = 1
    for d in dims:
        if d is None:
            return None
        total *= d
    return total


def require_rank(layer: str, shape: Shape, rank: int) -> None:
    if len(shape) == rank:
        return
    meaning = RANK_MEANING.get(rank, "")
    if len(shape) == 2 and rank > 2:
        hint = "add a Reshape before it to give the data its spatial layout"
    elif len(shape) > rank and rank == 2:
        hint = "add a Flatten or a global pooling layer before it"
    elif len(shape) > rank:
        hint = "add a Flatten, Reshape or pooling layer to remove the extra axes"
    else:
        hint = "add a Reshape before it"
    raise LayerError(
        f"{layer} expects a {rank}-D input {meaning} but gets {fmt(shape)}",
        hint,
        code=ProblemCode.RANK,
    )


def require_image(layer: str, shape: Shape, action: str) -> None:
    """Image layers (augmentation, resizing) take (batch, height, width, channels) only: Keras
    builds them on any input symbolically, but anything else fails or is garbled once data flows."""
    if len(shape) != 4:
        raise LayerError(
            f"{layer} {action} and expects (batch, height, width, channels), but gets {fmt(shape)}",
            "put it right after an image Input (height, width, channels)",
            code=ProblemCode.IMAGE,
        )


def require_min_rank(layer: str, shape: Shape, rank: int) -> None:
    if len(shape) < rank:
        raise LayerError(
            f"{layer} expects an input with at least {rank} axes (batch included) but gets {fmt(shape)}",
            "add a Reshape before it",
            code=ProblemCode.RANK,
        )


def require_known_last(layer: str, shape: Shape, what: str = "channels") -> int:
    last = shape[-1]
    if last is None:
        raise LayerError(
            f"{layer} needs to know the size of the last axis ({what}) but it is unknown in {fmt(shape)}",
            "give the Input a fixed size on its last axis",
            code=ProblemCode.UNKNOWN_DIM,
        )
    return last


def normalize_axis(layer: str, axis: int, rank: int) -> int:
    """Keras axis (negative counts from the end, 0 is the batch) -> positive index."""
    index = axis + rank if axis < 0 else axis
    if rank == 1:  # a scalar per sample (a table column): its only axis is the batch
        raise LayerError(
            f"{layer} works along an axis of each sample, but its input holds one value per sample, "
            "shape (None,), whose only axis is the batch",
            "give the Input the shape (1,), or add a Reshape to (1,) before it",
            code=ProblemCode.AXIS,
        )
    if not 0 < index < rank:
        raise LayerError(
            f"{layer} uses axis {axis}, but its input has only {rank} axes (axis 0 is the batch)",
            f"use an axis from 1 to {rank - 1}, or -1 for the last one",
            code=ProblemCode.AXIS,
        )
    return index


def conv_length(size: int | None, kernel: int, stride: int, padding: str, dilation: int) -> int | None:
    """Output length of a convolution along one axis (Keras ``compute_conv_output_shape``)."""
    if size is None:
        return None
    if padding != "valid":
        return ceil_div(size, stride)
    if dilation == 1:
        return (size - kernel) // stride + 1
    return (size - (dilation * (kernel - 1) + 1)) // stride + 1


def pool_length(size: int | None, pool: int, stride: int, padding: str) -> int | None:
    """Output length of a pooling window along one axis (Keras ``compute_pooling_output_shape``)."""
    if size is None:
        return None
    if padding != "valid":
        return ceil_div(size, stride)
    return (size - pool) // stride + 1


def deconv_length(
    size: int | None,
    kernel: int,
    stride: int,
    padding: str,
    output_padding: int | None,
    dilation: int,
) -> int | None:
    """Output length of a transposed convolution (Keras ``deconv_output_length``)."""
    if size is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(kernel - stride, 0)
        return size * stride
    pad = kernel // 2 if padding == "same" else 0
    return (size - 1) * stride + kernel - 2 * pad + output_padding


def require_positive_output(layer: str, shape: Shape, out_spatial: Sequence[int | None], hint: str) -> None:
    if any(d is not None and d <= 0 for d in out_spatial):
        raise LayerError(
            f"{layer} would shrink {fmt(shape)} to nothing: its window is larger than the input",
            hint,
            code=ProblemCode.EMPTY_OUTPUT,
        )
