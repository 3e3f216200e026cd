"""Augmentation layers change images while training only: the built model passes an image
through unchanged at inference, trains, and the exported script declares the same layers."""

from __future__ import annotations

import numpy as np
import pytest

from netdesigner.backend.export import ExportOptions, export_script
from netdesigner.core.fileformat import Document
from tests.graphs import GraphBuilder

keras = pytest.importorskip("keras")


def augmented_graph():
    b = GraphBuilder()
    x = b("Input", "image", shape=[16, 16, 3])
    y = b("RandomFlip", "flip", x)
    y = b("RandomRotation", "rotate", y, factor=0.2)
    y = b("RandomZoom", "zoom", y, height_factor=0.1)
    y = b("RandomContrast", "contrast", y, factor=0.3)
    y = b("GlobalAveragePooling2D", "pool", y)
    y = b("Dense", "classes", y, units=2, activation="softmax")
    b("Output", "head", y, loss="SparseCategoricalCrossentropy", metrics=["accuracy"])
    return b.graph


def test_augmentation_is_identity_at_inference_and_random_while_training() -> None:
    from netdesigner.backend.builder import build_model

    model = build_model(augmented_graph())
    augment = keras.Model(model.input, model.get_layer("contrast").output)  # one input, not a list of one
    images = np.random.default_rng(0).uniform(0, 255, (4, 16, 16, 3)).astype("float32")
    assert np.allclose(keras.ops.convert_to_numpy(augment(images, training=False)), images)
    assert not np.allclose(keras.ops.convert_to_numpy(augment(images, training=True)), images)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(images, np.array([0, 1, 0, 1]), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_the_export_declares_the_augmentation_layers() -> None:
    code = export_script(Document(augmented_graph()), ExportOptions())
    for call in ("layers.RandomFlip(", "layers.RandomRotation(factor=0.2", "layers.RandomZoom(height_factor=0.1"):
        assert call in code
