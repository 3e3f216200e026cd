"""Merge layers: combine several tensors, inputs in port order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.shapes import fmt, normalize_axis, prod
from netdesigner.core.spec import LayerSpec, Outcome, Shape
from netdesigner.core.why import note

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _concatenate(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    first = inputs[0]
    rank = len(first)
    for other in inputs[1:]:
        if len(other) != rank:
            raise LayerError(
                f"Concatenate needs inputs with the same number of axes, but gets {fmt(first)} and {fmt(other)}",
                "add a Reshape or Flatten so both branches have the same layout",
                code=ProblemCode.MERGE,
            )
    axis = normalize_axis("Concatenate", p["axis"], rank)
    out = list(first)
    for i in range(1, rank):
        if i == axis:
            continue
        known = {s[i] for s in inputs if s[i] is not None}
        if len(known) > 1:
            raise LayerError(
                f"Concatenate needs equal sizes on every axis but axis {p['axis']}: "
                f"{' vs '.join(fmt(s) for s in inputs)} differ on axis {i}",
                _mismatch_hint(inputs, i, rank),
                code=ProblemCode.MERGE,
            )
    sizes = [s[axis] for s in inputs]
    out[axis] = None if None in sizes else sum(d for d in sizes if d is not None)
    note(lambda: f"joined along axis {p['axis']}: its sizes add up; every other axis must be equal in all inputs")
    return Outcome(tuple(out))


def _mismatch_hint(inputs: Sequence[Shape], axis: int, rank: int) -> str:
    if rank == 4 and axis in (1, 2):
        sizes = sorted({d for s in inputs if (d := s[axis]) is not None})
        return (
            f"the branches have spatial sizes {' and '.join(map(str, sizes))}: add pooling to the larger "
            "branch, or use padding='same' so convolutions keep the size"
        )
    return "make the branches produce the same sizes on those axes"


def _broadcast(layer: str, a: Shape, b: Shape) -> Shape:
    """Keras's elementwise-merge rule on shapes without the batch axis: right-aligned, size 1
    stretches, None matches anything."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b, strict=True):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise LayerError(
                f"{layer} needs inputs of the same shape, but gets {fmt((None, *a))} and {fmt((None, *b))}",
                _elementwise_hint(a, b),
                code=ProblemCode.MERGE,
            )
    return tuple(out)


def _elementwise_hint(a: Shape, b: Shape) -> str:
    """Shapes come without the batch axis, so rank 3 means images (height, width, channels)."""
    if len(a) == len(b) and a[:-1] == b[:-1] and a[-1] is not None and b[-1] is not None:
        wide = max(a[-1], b[-1])
        if len(a) == 3:
            return (
                f"only the channels differ: put a Conv2D with kernel_size 1 and {wide} filters on the narrower branch"
            )
        return f"only the last axis differs: put a Dense with {wide} units on the narrower branch"
    return "give both branches the same shape, e.g. with a projection (1x1 Conv2D or Dense) or pooling"


def _elementwise(layer: str):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        out: Shape = inputs[0][1:]
        for other in inputs[1:]:
            out = _broadcast(layer, out, other[1:])
        n = prod(out)
        note(lambda: f"{layer} works element by element: every axis must be equal in all inputs, or 1 (stretched)")
        return Outcome((None, *out), 0, 0, None if n is None else n * (len(inputs) - 1))

    return rule


SPECS.append(
    LayerSpec(
        type="Concatenate",
        category="Merge",
        summary="join branches side by side along an axis",
        doc="Stacks its inputs along one axis (by default the channels), in port order: the "
        "classic way to join parallel branches (Inception) or several inputs. All other axes "
        "must match.",
        params=(common.axis(), common.merge_inputs()),
        rule=_concatenate,
        keras_class="Concatenate",
        variadic=True,
        key_params=("axis",),
    )
)

_ELEMENTWISE = {
    "Add": "adds its inputs element by element: the skip connection of residual networks",
    "Multiply": "multiplies its inputs element by element: gates and attention weights",
    "Average": "averages its inputs element by element: e.g. an ensemble of branches",
    "Maximum": "keeps the element-wise maximum of its inputs",
    "Minimum": "keeps the element-wise minimum of its inputs",
}

for _type, _summary in _ELEMENTWISE.items():
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Merge",
            summary=_summary.split(":")[0],
            doc=_summary[0].upper() + _summary[1:] + ". Inputs must have the same shape "
            "(a size of 1 stretches to match).",
            params=(common.merge_inputs(),),
            rule=_elementwise(_type),
            keras_class=_type,
            variadic=True,
        )
    )

SPECS.append(
    LayerSpec(
        type="Subtract",
        category="Merge",
        summary="subtract the second input from the first",
        doc="Computes input 1 - input 2 element by element. Port order matters. Inputs must have "
        "the same shape (a size of 1 stretches to match).",
        params=(),
        rule=_elementwise("Subtract"),
        keras_class="Subtract",
        inputs=2,
    )
)
