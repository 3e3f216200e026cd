"""Writes core's parameter table of the pretrained backbones from ``keras.applications`` itself.

Core counts a backbone's weights without importing Keras, from a table of every layer's
(trainable, non-trainable) weight count, in ``model.layers`` order so that "unfreeze the last N
layers" sums the table's tail. Only the first layers depend on the input's channels, linearly,
and one family (ConvNeXt) drops its colour normalization for anything but 3 channels, so the
table keeps the layers for 3 channels and for 1 channel plus the change per extra channel.
``tests/test_pretrained.py`` proves the table against Keras; run this module after a Keras
upgrade changes an application: ``python -m netdesigner.backend.pretrained_table``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from netdesigner.core.layers.backbones import FAMILIES, TABLE_PATH

Rows = list[list[int]]


def layer_counts(model: Any) -> Rows:
    """[trainable, non-trainable] weight count of each of ``model.layers``, all trainable."""
    return [
        [
            sum(int(w.numpy().size) for w in layer.trainable_weights),
            sum(int(w.numpy().size) for w in layer.non_trainable_weights),
        ]
        for layer in model.layers
    ]


def _rows(family: str, channels: int) -> Rows:
    import keras

    with warnings.catch_warnings():  # "usually expects 1 or 3 input channels"
        warnings.simplefilter("ignore")
        model = getattr(keras.applications, family)(include_top=False, weights=None, input_shape=(96, 96, channels))
    return layer_counts(model)


def family_table(family: str) -> dict[str, Any]:
    gray, two, four = (_rows(family, c) for c in (1, 2, 4))
    slope = {
        i: [b - a for a, b in zip(g, t, strict=True)] for i, (g, t) in enumerate(zip(gray, two, strict=True)) if g != t
    }
    for i, row in enumerate(four):  # linear in the channels: checked on a third count
        assert row == [g + 3 * s for g, s in zip(gray[i], slope.get(i, [0, 0]), strict=True)], (family, i)
    return {"rgb": _rows(family, 3), "gray": gray, "per_channel": {str(i): s for i, s in slope.items()}}


def write(path: Path = TABLE_PATH) -> None:
    table = {name: family_table(name) for name in FAMILIES}
    path.write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
