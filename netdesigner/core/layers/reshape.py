"""Layers that rearrange tensors without learning anything: flatten, reshape, permute, repeat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, prod, require_rank
from netdesigner.core.spec import LayerSpec, Outcome, Shape

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _flatten(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    rest = x[1:]
    return Outcome((x[0], prod(rest) if rest else 1))


SPECS.append(
    LayerSpec(
        type="Flatten",
        category="Reshape",
        summary="unroll everything but the batch into one vector",
        doc="Lines up all values of each sample into a single vector, e.g. (7, 7, 64) -> 3136, "
        "so Dense layers can follow convolutions. Large maps make the next Dense layer huge: "
        "global pooling is the lighter alternative.",
        params=(),
        rule=_flatten,
        keras_class="Flatten",
    )
)


def _reshape(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    target = p["target_shape"]
    if any(d == 0 or d < -1 for d in target):
        raise LayerError(
            f"Reshape target {tuple(target)} has a size below 1",
            "use positive sizes, and -1 once to let the layer work it out",
            code=ProblemCode.PARAM,
        )
    if target.count(-1) > 1:
        raise LayerError(
            f"Reshape target {tuple(target)} has more than one -1",
            "only one size can be worked out automatically",
            code=ProblemCode.PARAM,
        )
    rest = x[1:]
    size = prod(rest)
    if size is None:
        return Outcome((x[0], *(None if d == -1 else d for d in target)))
    known = prod([d for d in target if d != -1]) or 1
    if -1 not in target:
        if known != size:
            raise LayerError(
                f"Reshape cannot turn {fmt(rest)} ({size} values) into {fmt(target)} ({known} values)",
                "the number of values must stay the same; use -1 for one size to have it computed",
                code=ProblemCode.SIZE,
            )
        return Outcome((x[0], *target))
    if size % known:
        raise LayerError(
            f"Reshape cannot turn {fmt(rest)} ({size} values) into {fmt(target)}: {size} is not a multiple of {known}",
            "change the fixed sizes so that they divide the number of values",
            code=ProblemCode.SIZE,
        )
    return Outcome((x[0], *(size // known if d == -1 else d for d in target)))


SPECS.append(
    LayerSpec(
        type="Reshape",
        category="Reshape",
        summary="give the values of each sample a new shape",
        doc="Rearranges each sample into a new shape with the same number of values, e.g. 784 -> "
        "(28, 28, 1) so a flat vector can feed a Conv2D. One size may be -1: it is computed.",
        params=(
            ParamSpec(
                "target_shape",
                ParamKind.INTS,
                (-1,),
                "new shape without the batch axis; one -1 is computed",
                minimum=-1,
                maximum=1_000_000_000,
                required=True,
            ),
        ),
        rule=_reshape,
        keras_class="Reshape",
        key_params=("target_shape",),
    )
)


def _permute(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    dims = p["dims"]
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise LayerError(
            f"Permute dims {tuple(dims)} must list each of the axes 1..{len(dims)} once",
            "axis 0 is the batch and stays in place; e.g. (2, 1) swaps the two others",
            code=ProblemCode.PARAM,
        )
    require_rank("Permute", x, len(dims) + 1)
    return Outcome((x[0], *(x[d] for d in dims)))


SPECS.append(
    LayerSpec(
        type="Permute",
        category="Reshape",
        summary="reorder the axes of each sample",
        doc="Swaps axes around, e.g. (steps, channels) -> (channels, steps) with dims (2, 1). "
        "The batch axis never moves.",
        params=(
            ParamSpec(
                "dims",
                ParamKind.INTS,
                (2, 1),
                "new order of the axes, counted from 1",
                minimum=1,
                maximum=32,
                required=True,
            ),
        ),
        rule=_permute,
        keras_class="Permute",
        key_params=("dims",),
    )
)


def _repeat_vector(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    require_rank("RepeatVector", x, 2)
    return Outcome((x[0], p["n"], x[1]))


SPECS.append(
    LayerSpec(
        type="RepeatVector",
        category="Reshape",
        summary="repeat a vector n times into a sequence",
        doc="Turns (features) into (n, features) by copying, e.g. to feed one encoding to every "
        "step of a recurrent decoder.",
        params=(
            ParamSpec("n", ParamKind.INT, 2, "number of repetitions", minimum=1, maximum=1_000_000, required=True),
        ),
        rule=_repeat_vector,
        keras_class="RepeatVector",
        key_params=("n",),
    )
)
