"""Pretrained backbones: a ``keras.applications`` network without its ImageNet classifier
(``include_top=False``) as one node, for transfer learning. The families it offers are
declared in ``backbones``; this is the node: its parameters and its rule, with the refusals
that say which images a family takes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers.backbones import FAMILIES, Family, layer_counts
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt
from netdesigner.core.spec import Builds, LayerSpec, Outcome, Shape
from netdesigner.core.why import note

SPECS: list[LayerSpec] = []


def _check_input(family: Family, x: Shape, weights: str) -> int:
    if len(x) != 4:
        raise LayerError(
            f"{family.name} looks at images and expects (batch, height, width, channels), but gets {fmt(x)}",
            "put it after an image Input (height, width, channels)",
            code=ProblemCode.IMAGE,
        )
    _, height, width, channels = x
    if channels is None:
        raise LayerError(
            f"{family.name} needs to know how many colour channels the images have, but the input leaves it open",
            "give the Input a channel count: 3 for colour images",
            code=ProblemCode.CHANNELS,
        )
    if weights == "imagenet" and channels != 3:
        raise LayerError(
            f"the ImageNet weights of {family.name} were learned on colour images (3 channels), "
            f"but the input has {channels}",
            "feed colour images (3 channels), or choose weights: none to train it from scratch",
            code=ProblemCode.CHANNELS,
        )
    least = f"{family.min_size}×{family.min_size}"
    if any(s is not None and s < family.min_size for s in (height, width)):
        raise LayerError(
            f"{family.name} needs images of at least {least} pixels, but gets {height}×{width}",
            f"resize the images to at least {least} (ImageNet networks usually see 224×224)",
            code=ProblemCode.SIZE,
        )
    return channels


def _rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    family = FAMILIES[p["family"]]
    channels = _check_input(family, x, p["weights"])
    counts = layer_counts(family.name, int(channels), p["pooling"] != "none")
    last = p["unfreeze_last"]
    if last > len(counts):
        raise LayerError(
            f"{family.name} has {len(counts)} layers, so the last {last} cannot be unfrozen",
            f"unfreeze at most {len(counts)} layers, or turn trainable on to train them all",
            code=ProblemCode.UNFREEZE,
        )
    total = sum(t for t, _ in counts) + sum(n for _, n in counts)
    first_trained = 0 if p["trainable"] else len(counts) - last
    trainable = sum(t for t, _ in counts[first_trained:])
    note(lambda: f"{family.name}: {family.preprocessing.value} (its preprocess_input, inside the node)")
    if not p["trainable"] and last:
        note(lambda: f"frozen but for its last {last} of {len(counts)} layers, which keep training (fine-tuning)")
    size = [None if s is None else family.reduce(s) for s in x[1:3]]
    shape: Shape = (x[0], family.channels) if p["pooling"] != "none" else (x[0], *size, family.channels)
    return Outcome(shape, trainable, total - trainable, macs=None)


def _to_keras(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Keras spells "no weights" and "no pooling" as None."""
    return {**kwargs, **{k: None for k in ("weights", "pooling") if kwargs[k] == "none"}}


SPECS.append(
    LayerSpec(
        type="Pretrained",
        category="Pretrained",
        summary="a network pretrained on ImageNet, without its classifier",
        doc="A whole image network from keras.applications (MobileNet, ResNet, EfficientNet...) that "
        "already learned to see shapes and textures on ImageNet's 1.2 million photos. Feed it raw "
        "0–255 pixels (it prepares them the way its family was trained), freeze it, and train a "
        "small head on top: transfer learning. Unfreeze its last layers later to fine-tune.",
        params=(
            ParamSpec(
                "family",
                ParamKind.CHOICE,
                "MobileNetV2",
                "which pretrained network",
                choices=tuple(FAMILIES),
                required=True,
                keras=False,
            ),
            ParamSpec(
                "weights",
                ParamKind.CHOICE,
                "imagenet",
                "'imagenet': learned on ImageNet (downloaded once); 'none': random, trained from scratch",
                choices=("imagenet", "none"),
                required=True,
            ),
            ParamSpec(
                "pooling",
                ParamKind.CHOICE,
                "none",
                "'avg'/'max': each feature map pooled to one number; 'none': the maps kept",
                choices=("none", "avg", "max"),
            ),
            ParamSpec(
                "trainable",
                ParamKind.BOOL,
                False,
                "train all its weights; off: frozen, as pretrained",
                keras=False,
            ),
            ParamSpec(
                "unfreeze_last",
                ParamKind.INT,
                0,
                "while frozen, still train its last N layers (fine-tuning)",
                minimum=0,
                maximum=1000,
                keras=False,
            ),
        ),
        rule=_rule,
        keras_class="applications",
        builds=Builds.APPLICATION,
        key_params=("family", "weights"),
        to_keras=_to_keras,
    )
)
