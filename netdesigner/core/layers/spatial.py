"""Layers that pad, crop or enlarge the spatial axes (steps; height and width; depth too)
without weights, at 1, 2 and 3 dimensions: one declaration per kind, repeated per rank.

Padding and cropping are edited as one flat list, two numbers per axis (before, after): Keras's
nested pairs ``((top, bottom), (left, right))`` are awkward to type, so ``to_keras`` and
``from_keras`` convert between the two forms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, require_rank
from netdesigner.core.spec import LayerSpec, Outcome, Shape

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order

RANKS = (1, 2, 3)
SIDES = {
    1: "start, end",
    2: "top, bottom, left, right",
    3: "front, back, top, bottom, left, right",
}
AXES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def _border_param(name: str, rank: int, default: int, doc: str) -> ParamSpec:
    return ParamSpec(
        name,
        ParamKind.INTS,
        (default,) * (2 * rank),
        f"{doc}: {SIDES[rank]}",
        minimum=0,
        maximum=100_000,
        length=2 * rank,
    )


def _nested(name: str, rank: int):
    """Our flat (before, after, ...) list -> Keras's form: a pair at rank 1, pairs of pairs above."""

    def adapt(kwargs: Mapping[str, Any]) -> dict[str, Any]:
        flat = kwargs[name]
        pairs = tuple(tuple(flat[i : i + 2]) for i in range(0, len(flat), 2))
        return {**kwargs, name: pairs[0] if rank == 1 else pairs}

    return adapt


def _flat(name: str):
    """Keras's pair or pairs -> our flat list."""

    def adapt(config: Mapping[str, Any]) -> dict[str, Any]:
        value = config[name]
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
            value = tuple(v for pair in value for v in pair)
        return {**config, name: value}

    return adapt


def _padding_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        pad = p["padding"]
        out = (None if x[i + 1] is None else x[i + 1] + pad[2 * i] + pad[2 * i + 1] for i in range(rank))
        return Outcome((x[0], *out, x[-1]))

    return rule


def _cropping_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        crop = p["cropping"]
        out: list[int | None] = []
        for i, axis in enumerate(AXES[rank]):
            size, removed = x[i + 1], crop[2 * i] + crop[2 * i + 1]
            if size is not None and removed >= size:
                raise LayerError(
                    f"{layer} would remove {removed} of {size} {axis} from {fmt(x)}, leaving nothing",
                    "crop less, or crop earlier where the input is larger",
                    code=ProblemCode.EMPTY_OUTPUT,
                )
            out.append(None if size is None else size - removed)
        return Outcome((x[0], *out, x[-1]))

    return rule


def _upsampling_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        size = p["size"] if rank > 1 else (p["size"],)
        return Outcome((x[0], *(None if x[i + 1] is None else x[i + 1] * size[i] for i in range(rank)), x[-1]))

    return rule


def _upsampling_params(rank: int) -> tuple[ParamSpec, ...]:
    if rank == 1:
        return (ParamSpec("size", ParamKind.INT, 2, "how many times each step is repeated", minimum=1, maximum=1024),)
    size = ParamSpec(
        "size", ParamKind.INTS, (2,) * rank, f"factor for {', '.join(AXES[rank])}", minimum=1, maximum=1024, length=rank
    )
    if rank == 3:
        return (size,)
    interpolation = ParamSpec(
        "interpolation", ParamKind.CHOICE, "nearest", "how new pixels are filled in", choices=("nearest", "bilinear")
    )
    return size, interpolation


_WHAT = {1: "sequences", 2: "images", 3: "volumes or video"}

for _rank in RANKS:
    _type = f"ZeroPadding{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Reshape",
            summary=f"add zeros around {_WHAT[_rank]}",
            doc="Surrounds each input with a border of zeros, e.g. before a 'valid' convolution so "
            "it does not shrink the input, as ResNet does before its first layers.",
            params=(_border_param("padding", _rank, 1, "zeros added"),),
            rule=_padding_rule(_type, _rank),
            keras_class=_type,
            key_params=("padding",),
            to_keras=_nested("padding", _rank),
            from_keras=_flat("padding"),
        )
    )

for _rank in RANKS:
    _type = f"Cropping{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Reshape",
            summary=f"cut the borders off {_WHAT[_rank]}",
            doc="Removes a border from each input, e.g. to make a skip connection match the size of "
            "a smaller branch in a U-Net.",
            params=(_border_param("cropping", _rank, 0 if _rank == 2 else 1, "amount removed"),),
            rule=_cropping_rule(_type, _rank),
            keras_class=_type,
            key_params=("cropping",),
            to_keras=_nested("cropping", _rank),
            from_keras=_flat("cropping"),
        )
    )

for _rank in RANKS:
    _type = f"UpSampling{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Reshape",
            summary=f"enlarge {_WHAT[_rank]} by repeating values",
            doc="Makes each input larger by a whole factor per axis, without weights. Cheaper than "
            "a transposed convolution; often followed by a convolution in decoders.",
            params=_upsampling_params(_rank),
            rule=_upsampling_rule(_type, _rank),
            keras_class=_type,
            key_params=("size",),
        )
    )
