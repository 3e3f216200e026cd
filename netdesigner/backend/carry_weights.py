"""Training on from a previous run's weights: how fine-tuning goes (train the new head on a
frozen backbone, unfreeze its top, train again, from where the first run ended, at a lower
learning rate). Each run builds a fresh model from the graph; this copies the trained weights
into it, layer by layer, by name."""

from __future__ import annotations

from typing import Any


def carry_weights(source: Any, target: Any) -> list[str]:
    """Copy into each layer of ``target`` the weights of ``source``'s layer of the same name,
    where they have the same shapes (a layer that changed since keeps its fresh weights).
    Freezing does not matter: a layer's weights keep their order whatever its ``trainable``.
    Returns the names of the layers carried over."""
    previous = {layer.name: layer for layer in source.layers}
    carried = []
    for layer in target.layers:
        old = previous.get(layer.name)
        if old is None or not layer.weights:
            continue
        values = old.get_weights()
        if [tuple(v.shape) for v in values] != [tuple(w.shape) for w in layer.weights]:
            continue
        layer.set_weights(values)
        carried.append(layer.name)
    return carried
