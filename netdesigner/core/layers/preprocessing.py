"""Preprocessing layers that live inside the model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.catalog import LayerSpec, Outcome, Shape, register
from netdesigner.core.params import ParamKind, ParamSpec


def _same(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    return Outcome(inputs[0])


register(
    LayerSpec(
        type="Rescaling",
        category="Preprocessing",
        summary="multiply and shift values, e.g. pixels 0..255 to 0..1",
        doc="Computes inputs * scale + offset inside the model, so the saved model accepts raw "
        "data: scale 1/255 turns pixel values into 0..1.",
        params=(
            ParamSpec(
                "scale",
                ParamKind.FLOAT,
                1 / 255,
                "factor applied to every value",
                minimum=-1e9,
                maximum=1e9,
                required=True,
            ),
            ParamSpec("offset", ParamKind.FLOAT, 0.0, "value added after scaling", minimum=-1e9, maximum=1e9),
        ),
        rule=_same,
        keras_class="Rescaling",
        key_params=("scale",),
    )
)
