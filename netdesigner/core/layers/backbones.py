"""The ``keras.applications`` families a Pretrained node offers, each declared once: how it
shrinks an image (its stride and padding arithmetic, one spatial axis at a time), how many
feature maps it ends with, the smallest image it takes, how it wants its pixels prepared, and
where Keras fetches its ImageNet weights; and its weight counts, from a table that
``netdesigner.backend.pretrained_table`` writes from Keras (one row per layer, so "unfreeze the
last N layers" is a sum over the table's tail). ``tests/test_pretrained.py`` proves both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from netdesigner.core.spec import Shape
from netdesigner.core.why import ceil_div

TABLE_PATH = Path(__file__).with_name("pretrained_params.json")
KERAS_WEIGHTS = "https://storage.googleapis.com/tensorflow/keras-applications/"
MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)  # the square sizes with their own ImageNet weights


class Preprocessing(StrEnum):
    """How a family wants raw 0–255 pixels prepared (``preprocess_input`` of its module)."""

    TF = "scales the pixels from 0–255 to -1…1"
    CAFFE = "turns RGB into BGR and subtracts ImageNet's mean colour"
    TORCH = "scales the pixels to 0–1 and standardises each colour with ImageNet's mean and spread"
    BUILT_IN = "the network scales the pixels itself"


Reduce = Callable[[int], int]


@dataclass(frozen=True)
class Family:
    """One ``keras.applications`` family (``name`` is its class there)."""

    name: str
    module: str  # the keras.applications module with its ``preprocess_input``
    preprocessing: Preprocessing
    channels: int  # feature maps of the last layer
    reduce: Reduce  # one spatial axis, input size -> output size
    min_size: int
    weights_file: Callable[[Shape], str]  # for the backbone's input shape
    weights_folder: str

    def weights_url(self, shape: Shape) -> str:
        return self.weights_folder + self.weights_file(shape)


def _then(*steps: Reduce) -> Reduce:
    def reduce(size: int) -> int:
        for step in steps:
            size = step(size)
        return size

    return reduce


def _times(step: Reduce, count: int) -> Reduce:
    return _then(*[step] * count)


def _halve_up(size: int) -> int:
    """A stride-2 step with 'same' padding: ⌈size / 2⌉."""
    return ceil_div(size, 2)


def _halve_down(size: int) -> int:
    """A 2×2 stride-2 window with 'valid' padding: ⌊size / 2⌋."""
    return size // 2


def _valid3_stride2(size: int) -> int:
    """A 3×3 stride-2 window with 'valid' padding."""
    return (size - 3) // 2 + 1


def _valid3(size: int) -> int:
    return size - 2


def _quarter_down(size: int) -> int:
    """ConvNeXt's stem: a 4×4 stride-4 patch."""
    return size // 4


def _file(name: str) -> Callable[[Shape], str]:
    return lambda shape: name


def _mobilenet_v2_file(shape: Shape) -> str:
    """Keras keeps MobileNetV2 weights per square size, and takes 224's for any other size."""
    rows = shape[1] if len(shape) == 4 and shape[1] == shape[2] and shape[1] in MOBILENET_V2_SIZES else 224
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5"


def _family_list() -> tuple[Family, ...]:
    five_halvings = _times(_halve_up, 5)
    return (
        Family(
            "MobileNetV2",
            "mobilenet_v2",
            Preprocessing.TF,
            1280,
            five_halvings,
            32,
            _mobilenet_v2_file,
            KERAS_WEIGHTS + "mobilenet_v2/",
        ),
        Family(
            "MobileNetV3Small",
            "mobilenet_v3",
            Preprocessing.BUILT_IN,
            576,
            five_halvings,
            32,
            _file("weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"),
            KERAS_WEIGHTS + "mobilenet_v3/",
        ),
        Family(
            "MobileNetV3Large",
            "mobilenet_v3",
            Preprocessing.BUILT_IN,
            960,
            five_halvings,
            32,
            _file("weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5"),
            KERAS_WEIGHTS + "mobilenet_v3/",
        ),
        Family(
            "EfficientNetB0",
            "efficientnet",
            Preprocessing.BUILT_IN,
            1280,
            five_halvings,
            32,
            _file("efficientnetb0_notop.h5"),
            "https://storage.googleapis.com/keras-applications/",
        ),
        Family(
            "ResNet50",
            "resnet50",
            Preprocessing.CAFFE,
            2048,
            five_halvings,
            32,
            _file("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            KERAS_WEIGHTS + "resnet/",
        ),
        Family(
            "VGG16",
            "vgg16",
            Preprocessing.CAFFE,
            512,
            _times(_halve_down, 5),
            32,
            _file("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            KERAS_WEIGHTS + "vgg16/",
        ),
        Family(
            "DenseNet121",
            "densenet",
            Preprocessing.TORCH,
            1024,
            _then(_halve_up, _halve_up, _times(_halve_down, 3)),
            32,
            _file("densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            KERAS_WEIGHTS + "densenet/",
        ),
        Family(
            "InceptionV3",
            "inception_v3",
            Preprocessing.TF,
            2048,
            _then(_valid3_stride2, _valid3, _valid3_stride2, _valid3, _times(_valid3_stride2, 3)),
            75,
            _file("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            KERAS_WEIGHTS + "inception_v3/",
        ),
        Family(
            "Xception",
            "xception",
            Preprocessing.TF,
            2048,
            _then(_valid3_stride2, _valid3, _times(_halve_up, 4)),
            71,
            _file("xception_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            KERAS_WEIGHTS + "xception/",
        ),
        Family(
            "ConvNeXtTiny",
            "convnext",
            Preprocessing.BUILT_IN,
            768,
            _then(_quarter_down, _times(_halve_down, 3)),
            32,
            _file("convnext_tiny_notop.h5"),
            KERAS_WEIGHTS + "convnext/",
        ),
    )


FAMILIES: dict[str, Family] = {f.name: f for f in _family_list()}


@cache
def _table() -> dict[str, Any]:
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def layer_counts(family: str, channels: int, pooled: bool) -> list[tuple[int, int]]:
    """(trainable, non-trainable) weights of each layer of ``family`` on ``channels`` input
    channels, in Keras's ``model.layers`` order, with every layer trainable; ``pooled`` adds
    the global pooling layer Keras puts last (it has no weights)."""
    entry = _table()[family]
    pooling = [(0, 0)] if pooled else []
    if channels == 3:
        return [(t, n) for t, n in entry["rgb"]] + pooling
    slope = entry["per_channel"]
    extra = channels - 1
    rows = []
    for i, (t, n) in enumerate(entry["gray"]):
        dt, dn = slope.get(str(i), (0, 0))
        rows.append((t + extra * dt, n + extra * dn))
    return rows + pooling
