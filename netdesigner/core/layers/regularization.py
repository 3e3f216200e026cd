"""Regularization layers: active while training only, shape-preserving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import require_rank
from netdesigner.core.spec import LayerSpec, Outcome, Shape, same_shape

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _spatial_same(layer: str, rank: int):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        require_rank(layer, inputs[0], rank + 2)
        return Outcome(inputs[0])

    return rule


SPECS.append(
    LayerSpec(
        type="Dropout",
        category="Regularization",
        summary="randomly zero a fraction of values while training",
        doc="During training, sets a random fraction `rate` of its inputs to zero (and scales "
        "the rest up), so the network cannot rely on any single neuron. Reduces overfitting; "
        "does nothing at inference.",
        params=(common.rate(), common.noise_shape()),
        rule=same_shape,
        keras_class="Dropout",
        key_params=("rate",),
    )
)

_SPATIAL_UNITS = {1: "whole channels of a sequence", 2: "whole feature maps", 3: "whole feature volumes"}

for _rank, _units in _SPATIAL_UNITS.items():
    _type = f"SpatialDropout{_rank}D"
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Regularization",
            summary=f"randomly drop {_units} while training",
            doc="Like Dropout, but drops entire channels at once, which suits convolutional "
            "features whose neighbouring values are strongly correlated.",
            params=(common.rate(),),
            rule=_spatial_same(_type, _rank),
            keras_class=_type,
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

SPECS.append(
    LayerSpec(
        type="GaussianDropout",
        category="Regularization",
        summary="multiply by random noise around 1 while training",
        doc="Multiplies every value by Gaussian noise of mean 1 during training, with the same "
        "effect on average as Dropout at this rate but without exact zeros.",
        params=(common.rate("drop rate the noise imitates: its spread is sqrt(rate / (1 - rate))"),),
        rule=same_shape,
        keras_class="GaussianDropout",
        key_params=("rate",),
    )
)

SPECS.append(
    LayerSpec(
        type="AlphaDropout",
        category="Regularization",
        summary="dropout that keeps SELU activations self-normalizing",
        doc="Dropout for networks built on the 'selu' activation: dropped values are set to "
        "SELU's negative saturation value and the rest are rescaled, so the mean and variance "
        "that SELU relies on are kept.",
        params=(common.rate(), common.noise_shape()),
        rule=same_shape,
        keras_class="AlphaDropout",
        key_params=("rate",),
    )
)


def _penalty(kind: str) -> ParamSpec:
    return ParamSpec(
        kind, ParamKind.FLOAT, 0.0, f"weight of the {kind.upper()} penalty on the values", minimum=0.0, maximum=1000.0
    )


SPECS.append(
    LayerSpec(
        type="ActivityRegularization",
        category="Regularization",
        summary="add a penalty on the size of the values to the loss",
        doc="Passes its input through unchanged and adds l1 * sum(|x|) + l2 * sum(x^2) to the "
        "training loss, pushing the network towards small (l2) or sparse (l1) activations.",
        params=(_penalty("l1"), _penalty("l2")),
        rule=same_shape,
        keras_class="ActivityRegularization",
        key_params=("l1", "l2"),
    )
)
