"""Regularization layers: active while training only, shape-preserving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import require_rank
from netdesigner.core.spec import LayerSpec, Outcome, Shape, same_shape

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _spatial_same(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    require_rank("SpatialDropout2D", inputs[0], 4)
    return Outcome(inputs[0])


SPECS.append(
    LayerSpec(
        type="Dropout",
        category="Regularization",
        summary="randomly zero a fraction of values while training",
        doc="During training, sets a random fraction `rate` of its inputs to zero (and scales "
        "the rest up), so the network cannot rely on any single neuron. Reduces overfitting; "
        "does nothing at inference.",
        params=(
            common.rate(),
            ParamSpec(
                "noise_shape",
                ParamKind.SHAPE,
                None,
                "shape of the drop mask, batch included; size 1 shares one decision along that axis",
                maximum=1_000_000,
                nullable=True,
                empty="one decision per value",
            ),
        ),
        rule=same_shape,
        keras_class="Dropout",
        key_params=("rate",),
    )
)

SPECS.append(
    LayerSpec(
        type="SpatialDropout2D",
        category="Regularization",
        summary="randomly drop whole feature maps while training",
        doc="Like Dropout, but drops entire channels of an image at once, which suits "
        "convolutional features whose neighbouring pixels are strongly correlated.",
        params=(common.rate(),),
        rule=_spatial_same,
        keras_class="SpatialDropout2D",
        key_params=("rate",),
    )
)

SPECS.append(
    LayerSpec(
        type="GaussianNoise",
        category="Regularization",
        summary="add random noise while training",
        doc="Adds zero-mean Gaussian noise to its inputs during training only: a simple way to "
        "make a model robust to small perturbations.",
        params=(
            ParamSpec(
                "stddev",
                ParamKind.FLOAT,
                0.1,
                "standard deviation of the noise",
                minimum=0.0,
                maximum=1.0,
                required=True,
            ),
        ),
        rule=same_shape,
        keras_class="GaussianNoise",
        key_params=("stddev",),
    )
)
