"""Data augmentation: random changes of training images (flips, rotations, zooms, contrast).

They act only while training; at inference an image passes through unchanged, so a model can
keep them in front of its first layer. None has weights, none changes the shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import require_image
from netdesigner.core.spec import LayerSpec, Outcome, Shape

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order

TRAINING_ONLY = " Active only while training: at inference the image passes unchanged."


def _image_rule(layer: str):
    """Keras builds these on any input symbolically, but they transform images: anything but
    (batch, height, width, channels) fails or is garbled once data flows, so it is refused here."""

    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        require_image(layer, x, "changes images")
        return Outcome(x)

    return rule


def _fraction(name: str, default: float | None, doc: str, empty: str = "") -> ParamSpec:
    """A fraction from 0 to 1; a ``default`` of None makes it optional, empty meaning ``empty``."""
    nullable = default is None
    return ParamSpec(
        name,
        ParamKind.FLOAT,
        default,
        doc,
        minimum=0.0,
        maximum=1.0,
        required=not nullable,
        nullable=nullable,
        empty=empty,
    )


def _fill_mode() -> ParamSpec:
    return ParamSpec(
        "fill_mode",
        ParamKind.CHOICE,
        "reflect",
        "how the corners uncovered by the change are filled",
        choices=("reflect", "wrap", "constant", "nearest"),
    )


def _augmentation(layer: str, summary: str, doc: str, *params: ParamSpec) -> LayerSpec:
    return LayerSpec(
        type=layer,
        category="Preprocessing",
        summary=summary,
        doc=doc + TRAINING_ONLY,
        params=params,
        rule=_image_rule(layer),
        keras_class=layer,
        key_params=tuple(p.name for p in params[:1]),
    )


SPECS.extend(
    [
        _augmentation(
            "RandomFlip",
            "mirror training images at random",
            "Flips each training image left-right and/or upside-down at random, so the model "
            "learns that a mirrored object is the same object.",
            ParamSpec(
                "mode",
                ParamKind.CHOICE,
                "horizontal_and_vertical",
                "which flips may happen",
                choices=("horizontal", "vertical", "horizontal_and_vertical"),
            ),
        ),
        _augmentation(
            "RandomRotation",
            "rotate training images at random",
            "Turns each training image by a random angle, up to factor × 360° either way (0.1: up to 36°).",
            _fraction("factor", 0.1, "largest turn, as a fraction of a full circle"),
            _fill_mode(),
        ),
        _augmentation(
            "RandomZoom",
            "zoom training images in or out at random",
            "Zooms each training image in or out by a random amount, up to the factor "
            "(0.2: 20%), so the model sees objects at different sizes.",
            _fraction("height_factor", 0.2, "largest zoom of the height, as a fraction"),
            _fraction(
                "width_factor",
                None,
                "largest zoom of the width, as a fraction",
                empty="as the height (keeps the aspect)",
            ),
            _fill_mode(),
        ),
        _augmentation(
            "RandomTranslation",
            "shift training images at random",
            "Moves each training image up or down and left or right by a random fraction of its "
            "size, so the model finds objects wherever they are in the frame.",
            _fraction("height_factor", 0.1, "largest vertical shift, as a fraction of the height"),
            _fraction("width_factor", 0.1, "largest horizontal shift, as a fraction of the width"),
            _fill_mode(),
        ),
        _augmentation(
            "RandomContrast",
            "change the contrast of training images at random",
            "Scales each training image's contrast by a random factor between 1 - factor and "
            "1 + factor, so the model copes with dull and harsh lighting.",
            _fraction("factor", 0.2, "largest change of contrast, as a fraction"),
        ),
    ]
)
