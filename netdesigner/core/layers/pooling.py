"""Pooling layers: windowed and global."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import (
    pool_length,
    prod,
    require_positive_output,
    require_rank,
)
from netdesigner.core.spec import LayerSpec, Outcome, Shape

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _pool_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        pool = p["pool_size"]
        stride = p["strides"] or pool
        out = tuple(pool_length(x[i + 1], pool[i], stride[i], p["padding"]) for i in range(rank))
        require_positive_output(
            layer, x, out, "use padding='same', a smaller pool_size, or fewer pooling layers before it"
        )
        n = prod((*out, x[-1]))
        return Outcome((x[0], *out, x[-1]), 0, 0, None if n is None else n * math.prod(pool))

    return rule


def _pool_params(rank: int) -> tuple[ParamSpec, ...]:
    return (
        ParamSpec(
            "pool_size",
            ParamKind.INTS,
            (2,) * rank,
            "size of the window summarised into one value",
            minimum=1,
            maximum=1024,
            length=rank,
            required=True,
        ),
        common.strides(rank, default=None, nullable=True),
        common.padding(),
    )


_WINDOW_DOCS = {
    "Max": "Keeps the largest value in each window: shrinks the map while keeping the strongest "
    "responses, which makes the model tolerate small shifts.",
    "Average": "Averages each window: shrinks the map smoothly, keeping the overall level of each feature.",
}

_WINDOWS = {1: "windows of a sequence", 2: "2-D windows", 3: "3-D windows of volumes or video"}
_POSITIONS = {1: "steps", 2: "positions", 3: "positions and frames"}

for _kind, _doc in _WINDOW_DOCS.items():
    for _rank, _where in _WINDOWS.items():
        _type = f"{_kind}Pooling{_rank}D"
        SPECS.append(
            LayerSpec(
                type=_type,
                category="Pooling",
                summary=f"{_kind.lower()} over {_where}",
                doc=_doc,
                params=_pool_params(_rank),
                rule=_pool_rule(_type, _rank),
                keras_class=_type,
                key_params=("pool_size", "strides", "padding"),
            )
        )


def _global_rule(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_rank(layer, x, rank + 2)
        shape = (x[0], *(1,) * rank, x[-1]) if p["keepdims"] else (x[0], x[-1])
        return Outcome(shape, 0, 0, prod(x[1:]))

    return rule


_GLOBAL_DOCS = {
    "Average": "Averages each feature map down to one number: turns (height, width, channels) "
    "into a vector of channels. A light replacement for Flatten before the classifier.",
    "Max": "Keeps only the strongest response of each feature map, whatever its position.",
}

for _kind, _doc in _GLOBAL_DOCS.items():
    for _rank, _over in _POSITIONS.items():
        _type = f"Global{_kind}Pooling{_rank}D"
        SPECS.append(
            LayerSpec(
                type=_type,
                category="Pooling",
                summary=f"{_kind.lower()} of each channel over all {_over}",
                doc=_doc,
                params=(common.keepdims(),),
                rule=_global_rule(_type, _rank),
                keras_class=_type,
            )
        )
