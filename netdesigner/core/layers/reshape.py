"""Layers that rearrange, pad, crop or resize tensors without learning anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError
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
            code="param",
        )
    if target.count(-1) > 1:
        raise LayerError(
            f"Reshape target {tuple(target)} has more than one -1",
            "only one size can be worked out automatically",
            code="param",
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
                code="size",
            )
        return Outcome((x[0], *target))
    if size % known:
        raise LayerError(
            f"Reshape cannot turn {fmt(rest)} ({size} values) into {fmt(target)}: {size} is not a multiple of {known}",
            "change the fixed sizes so that they divide the number of values",
            code="size",
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
            code="param",
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


def _pad_crop_param(name: str, doc: str) -> ParamSpec:
    return ParamSpec(
        name,
        ParamKind.INTS,
        (1, 1, 1, 1) if name == "padding" else (0, 0, 0, 0),
        doc,
        minimum=0,
        maximum=100_000,
        length=4,
    )


def _pairs(name: str):
    """(top, bottom, left, right) -> Keras's ((top, bottom), (left, right))."""

    def adapt(kwargs: Mapping[str, Any]) -> dict[str, Any]:
        top, bottom, left, right = kwargs[name]
        return {**kwargs, name: ((top, bottom), (left, right))}

    return adapt


def _flat_pairs(name: str):
    """Keras's ((top, bottom), (left, right)) -> (top, bottom, left, right)."""

    def adapt(config: Mapping[str, Any]) -> dict[str, Any]:
        (top, bottom), (left, right) = config[name]
        return {**config, name: (top, bottom, left, right)}

    return adapt


def _zero_padding(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    require_rank("ZeroPadding2D", x, 4)
    top, bottom, left, right = p["padding"]
    h, w = x[1], x[2]
    return Outcome(
        (
            x[0],
            None if h is None else h + top + bottom,
            None if w is None else w + left + right,
            x[3],
        )
    )


SPECS.append(
    LayerSpec(
        type="ZeroPadding2D",
        category="Reshape",
        summary="add rows and columns of zeros around images",
        doc="Surrounds each image with a border of zeros, e.g. before a 'valid' convolution so it "
        "does not shrink the image, as ResNet does before its first layers.",
        params=(_pad_crop_param("padding", "zeros added: top, bottom, left, right"),),
        rule=_zero_padding,
        keras_class="ZeroPadding2D",
        key_params=("padding",),
        to_keras=_pairs("padding"),
        from_keras=_flat_pairs("padding"),
    )
)


def _cropping(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    require_rank("Cropping2D", x, 4)
    top, bottom, left, right = p["cropping"]
    out: list[int | None] = []
    for size, a, b, axis in ((x[1], top, bottom, "height"), (x[2], left, right, "width")):
        if size is not None and a + b >= size:
            raise LayerError(
                f"Cropping2D would remove {a + b} of {size} rows of {axis} from {fmt(x)}, leaving nothing",
                "crop less, or crop earlier where the image is larger",
                code="empty_output",
            )
        out.append(None if size is None else size - a - b)
    return Outcome((x[0], *out, x[3]))


SPECS.append(
    LayerSpec(
        type="Cropping2D",
        category="Reshape",
        summary="cut rows and columns off the borders of images",
        doc="Removes a border from each image, e.g. to make a skip connection match the size of "
        "a smaller branch in a U-Net.",
        params=(_pad_crop_param("cropping", "rows/columns removed: top, bottom, left, right"),),
        rule=_cropping,
        keras_class="Cropping2D",
        key_params=("cropping",),
        to_keras=_pairs("cropping"),
        from_keras=_flat_pairs("cropping"),
    )
)


def _upsampling(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    require_rank("UpSampling2D", x, 4)
    sh, sw = p["size"]
    return Outcome(
        (
            x[0],
            None if x[1] is None else x[1] * sh,
            None if x[2] is None else x[2] * sw,
            x[3],
        )
    )


SPECS.append(
    LayerSpec(
        type="UpSampling2D",
        category="Reshape",
        summary="enlarge images by repeating or interpolating pixels",
        doc="Makes each image larger by a whole factor, without weights. Cheaper than "
        "Conv2DTranspose; often followed by a Conv2D in decoders.",
        params=(
            ParamSpec("size", ParamKind.INTS, (2, 2), "factor for height and width", minimum=1, maximum=1024, length=2),
            ParamSpec(
                "interpolation",
                ParamKind.CHOICE,
                "nearest",
                "how new pixels are filled in",
                choices=("nearest", "bilinear"),
            ),
        ),
        rule=_upsampling,
        keras_class="UpSampling2D",
        key_params=("size",),
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
