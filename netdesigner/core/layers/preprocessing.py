"""Preprocessing layers that live inside the model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, normalize_axis, prod, require_image
from netdesigner.core.spec import LayerSpec, Outcome, Shape, same_shape
from netdesigner.core.why import label

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


SPECS.append(
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
        rule=same_shape,
        keras_class="Rescaling",
        key_params=("scale",),
    )
)


def _normalization(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    if p["axis"] is None:
        return Outcome(x, 0, 3, prod(x[1:]))
    axis = normalize_axis("Normalization", p["axis"], len(x))
    size = x[axis]
    if size is None:
        raise LayerError(
            f"Normalization needs to know the size of axis {p['axis']} but it is unknown in {fmt(x)}",
            "give the Input a fixed size on that axis",
            code="unknown_dim",
        )
    return Outcome(x, 0, label(2 * size, "means and variances") + label(1, "count"), prod(x[1:]))


def _axis_from_keras(config: Mapping[str, Any]) -> dict[str, Any]:
    """Keras keeps Normalization's axis as a tuple: (3,) -> 3, () -> None (all axes)."""
    axis = config.get("axis")
    if isinstance(axis, (list, tuple)) and len(axis) <= 1:
        axis = axis[0] if axis else None
    return {**config, "axis": axis}


SPECS.append(
    LayerSpec(
        type="Normalization",
        category="Preprocessing",
        summary="standardize features with statistics of the training data",
        doc="Subtracts the mean and divides by the standard deviation of each feature, with "
        "statistics measured on the training data before training starts (Keras's adapt()), so "
        "the saved model accepts raw values. invert undoes it, e.g. to turn predictions back into "
        "original units.",
        params=(
            ParamSpec(
                "axis",
                ParamKind.INT,
                -1,
                "axis with one mean and variance per entry",
                minimum=-32,
                maximum=32,
                nullable=True,
                empty="one for everything",
            ),
            ParamSpec("invert", ParamKind.BOOL, False, "apply the inverse: multiply and add back"),
        ),
        rule=_normalization,
        keras_class="Normalization",
        from_keras=_axis_from_keras,
        adapts=True,
    )
)


def _side(name: str) -> ParamSpec:
    return ParamSpec(name, ParamKind.INT, 224, f"{name} of the output images", minimum=1, maximum=65_536, required=True)


def _resized(layer: str):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_image(layer, x, "changes the size of images")
        return Outcome((x[0], p["height"], p["width"], x[3]))

    return rule


SPECS.append(
    LayerSpec(
        type="Resizing",
        category="Preprocessing",
        summary="resize images to a fixed size",
        doc="Scales every image to height × width inside the model, so images of any size can be "
        "fed to it, e.g. to the size a pretrained backbone expects.",
        params=(
            _side("height"),
            _side("width"),
            ParamSpec(
                "interpolation",
                ParamKind.CHOICE,
                "bilinear",
                "how new pixels are computed",
                choices=("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"),
            ),
            ParamSpec("crop_to_aspect_ratio", ParamKind.BOOL, False, "crop instead of stretching to keep the aspect"),
        ),
        rule=_resized("Resizing"),
        keras_class="Resizing",
        key_params=("height", "width"),
    )
)

SPECS.append(
    LayerSpec(
        type="CenterCrop",
        category="Preprocessing",
        summary="cut the centre out of images",
        doc="Keeps the central height × width part of every image (an image smaller than that is "
        "resized first), e.g. to drop the borders of photos.",
        params=(_side("height"), _side("width")),
        rule=_resized("CenterCrop"),
        keras_class="CenterCrop",
        key_params=("height", "width"),
    )
)
