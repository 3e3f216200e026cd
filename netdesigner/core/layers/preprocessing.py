"""Preprocessing layers that live inside the model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers.encoding import one_hot, one_value_per_sample, output_mode
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
            code=ProblemCode.UNKNOWN_DIM,
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


def _discretization(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    bins, boundaries, mode = p["num_bins"], p["bin_boundaries"], p["output_mode"]
    if (bins is None) == (boundaries is None):
        raise LayerError(
            "Discretization needs either num_bins (boundaries learned from the data) or bin_boundaries, "
            + ("not both" if bins is not None else "and has neither"),
            "empty one of the two" if bins is not None else "set num_bins, or list the bin_boundaries",
            code=ProblemCode.PARAM,
        )
    if boundaries is not None and any(a >= b for a, b in zip(boundaries, boundaries[1:], strict=False)):
        raise LayerError(
            f"Discretization's bin_boundaries must increase, not {list(boundaries)}",
            "list them from the smallest up",
            code=ProblemCode.PARAM,
        )
    depth = bins if boundaries is None else len(boundaries) + 1
    if mode == "int":
        return Outcome(x)
    if mode == "one_hot":
        return Outcome(one_hot(x, depth))
    one_value_per_sample("Discretization", mode, x, depth)
    return Outcome((x[0], *x[2:], depth))


def _boundaries_from_keras(config: Mapping[str, Any]) -> dict[str, Any]:
    """A Discretization adapted in Keras saves its learned boundaries beside num_bins: they are
    learned again before training here, so only num_bins is kept."""
    if config.get("num_bins") is not None:
        return {**config, "bin_boundaries": None}
    return dict(config)


def _boundaries_to_keras(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    boundaries = kwargs["bin_boundaries"]
    return {**kwargs, "bin_boundaries": None if boundaries is None else list(boundaries)}


SPECS.append(
    LayerSpec(
        type="Discretization",
        category="Preprocessing",
        summary="cut numbers into ranges (bins)",
        doc="Cuts numbers into ranges, e.g. ages into 0-25, 25-40, 40-60, 60+, giving the index of "
        "each value's bin or a one-hot vector of it, so a network can treat a number as a "
        "category. With num_bins, the boundaries are learned from the training data before "
        "training starts (Keras's adapt()) so that the bins hold about as many samples each; or "
        "give bin_boundaries yourself (and empty num_bins).",
        params=(
            ParamSpec(
                "num_bins",
                ParamKind.INT,
                4,
                "number of bins, their boundaries learned from the data",
                minimum=1,
                maximum=100_000,
                nullable=True,
                empty="as many as bin_boundaries make",
                required=True,
            ),
            ParamSpec(
                "bin_boundaries",
                ParamKind.FLOATS,
                None,
                "the boundaries between bins, increasing: [0, 10] makes 3 bins (below 0, 0 to 10, 10 and up)",
                nullable=True,
                empty="learned from the data",
                learned=True,
            ),
            ParamSpec(
                "epsilon",
                ParamKind.FLOAT,
                0.01,
                "how approximate the learned boundaries may be (smaller: exacter, slower)",
                minimum=0.0,
                maximum=1.0,
                exclusive_minimum=True,
            ),
            output_mode("int", ("int", "one_hot", "multi_hot", "count")),
        ),
        rule=_discretization,
        keras_class="Discretization",
        key_params=("num_bins",),
        to_keras=_boundaries_to_keras,
        from_keras=_boundaries_from_keras,
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
