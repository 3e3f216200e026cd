"""Pretrained backbones: core's shapes and weight counts equal ``keras.applications`` (weights
None) for every family at three input sizes, trainable, frozen and partly unfrozen; the
refusals say why in a student's words."""

from __future__ import annotations

import warnings

import pytest

from netdesigner.core import catalog
from netdesigner.core.errors import LayerError
from netdesigner.core.layers.backbones import FAMILIES

SPEC = catalog.get("Pretrained")


def sizes(family: str) -> list[tuple[int, int, int]]:
    """The smallest image, a non-square one, and one with a single channel."""
    least = FAMILIES[family].min_size
    return [(least, least, 3), (least + 37, least + 70, 3), (least + 61, least + 61, 1)]


def keras_counts(model) -> tuple[int, int]:
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    return trainable, sum(int(w.numpy().size) for w in model.non_trainable_weights)


def core(family: str, shape: tuple[int, ...], **params):
    values = {**SPEC.defaults(), "family": family, "weights": "none", **params}
    return SPEC.apply(values, [(None, *shape)])


@pytest.mark.slow
@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_equals_keras_applications(family: str) -> None:
    import keras

    for index, shape in enumerate(sizes(family)):
        pooling = ("none", "avg", "max")[index]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = getattr(keras.applications, family)(
                include_top=False, weights=None, input_shape=shape, pooling=None if pooling == "none" else pooling
            )
        case = f"{family} {shape} pooling={pooling}"
        outcome = core(family, shape, pooling=pooling, trainable=True)
        assert outcome.shape == tuple(model.output.shape), case
        assert (outcome.trainable, outcome.non_trainable) == keras_counts(model), case
        model.trainable = False
        frozen = core(family, shape, pooling=pooling, trainable=False)
        assert (frozen.trainable, frozen.non_trainable) == keras_counts(model), case
        last = (3, 17, len(model.layers))[index]  # a few layers, a block or more, all of them
        model.trainable = True
        for layer in model.layers[:-last]:
            layer.trainable = False
        partly = core(family, shape, pooling=pooling, trainable=False, unfreeze_last=last)
        assert (partly.trainable, partly.non_trainable) == keras_counts(model), f"{case} last {last}"


def refusal(family: str, shape: tuple[int | None, ...], **params) -> LayerError:
    with pytest.raises(LayerError) as caught:
        core(family, shape, **params)
    return caught.value


def test_refusals_say_what_the_family_accepts() -> None:
    small = refusal("InceptionV3", (64, 80, 3))
    assert "at least 75×75" in str(small) and "resize" in small.hint
    gray = refusal("ResNet50", (96, 96, 1), weights="imagenet")
    assert "3 channels" in str(gray) and "weights: none" in gray.hint
    flat = refusal("VGG16", (784,))
    assert "(batch, height, width, channels)" in str(flat)
    too_many = refusal("MobileNetV2", (96, 96, 3), unfreeze_last=500)
    assert "154 layers" in str(too_many) and "at most 154" in too_many.hint
    assert core("MobileNetV2", (None, None, 3)).shape == (None, None, None, 1280)
    assert core("MobileNetV2", (96, 96, 3), pooling="avg").shape == (None, 1280)
