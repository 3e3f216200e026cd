"""What the catalog covers, held to Keras and to README: every element-wise activation Keras
accepts by name, at least 80 layer types, and README's list generated from the catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netdesigner.core import catalog
from netdesigner.core.layers.common import ACTIVATIONS

keras = pytest.importorskip("keras")

README = Path(__file__).resolve().parents[1] / "README.md"
# keras.activations names that a layer's `activation` cannot take: glu halves the last axis, and
# threshold needs two more numbers than a name gives.
NOT_BY_NAME = {"glu", "threshold"}


def keras_activation_names() -> set[str]:
    helpers = {"get", "serialize", "deserialize"}
    return {n for n in dir(keras.activations) if not n.startswith("_") and n not in helpers}


def test_every_element_wise_keras_activation_is_offered() -> None:
    assert set(ACTIVATIONS) == keras_activation_names() - NOT_BY_NAME


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_offered_activation_keeps_the_shape(name: str) -> None:
    x = keras.ops.ones((2, 3, 4))
    assert tuple(keras.activations.get(name)(x).shape) == (2, 3, 4)


def test_the_catalog_has_at_least_80_layer_types() -> None:
    assert len(catalog.all_specs()) >= 80


def test_readme_lists_the_catalog_as_generated() -> None:
    text = README.read_text(encoding="utf-8")
    listed = re.search(r"<!-- catalog:[^\n]*-->\n(.*?)\n<!-- /catalog -->", text, re.S)
    assert listed is not None, "README lost its generated catalog list"
    assert listed.group(1) == catalog.markdown_list()
