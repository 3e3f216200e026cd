"""Stand-in data: one recipe, run by the app's synthetic data source and written, as this very
source text, into the exported script's ``stand_in_data``, so both make the same arrays.

The inputs are random (normal numbers; categories with each value present; coin flips) and
the targets are computed from them, so a model can actually learn them. The functions below
use NumPy alone (the script imports nothing of netdesigner) and only the names an exported
script may call; what a graph decides (shapes, dtypes, how many categories, what each loss
expects) reaches them as plain values: ``InputRecipe`` and ``HeadRecipe``.
"""

from __future__ import annotations

import inspect
from typing import NamedTuple

import numpy as np

from netdesigner.core.compile_options import LOSS_TARGETS
from netdesigner.core.graph import Graph
from netdesigner.core.stand_in import concrete, stand_in_shapes, value_count

SAMPLES, SEED = 256, 0  # how much stand-in data, and its seed, where the data spec does not say


class InputRecipe(NamedTuple):
    shape: tuple[int, ...]  # one sample's
    dtype: str
    categories: int  # distinct values of a whole-number or text Input


class HeadRecipe(NamedTuple):
    shape: tuple[int, ...]  # one sample's target
    target: str  # a compile_options.Target value: what the head's loss expects


def recipe(graph: Graph) -> tuple[list[InputRecipe], list[HeadRecipe]]:
    """What stand-in data for ``graph`` is made of, Input by Input and head by head."""
    size, result = stand_in_shapes(graph)
    inputs = [
        InputRecipe(concrete(node.params["shape"], size), node.params["dtype"], value_count(graph, node))
        for node in graph.inputs()
    ]
    heads = []
    for head in graph.heads():
        shape = result.infos[head.id].shape or (None, 1)
        heads.append(HeadRecipe((*concrete(shape[1:-1]), shape[-1] or 1), str(LOSS_TARGETS[head.params["loss"]])))
    return inputs, heads


def stand_in_data(samples, inputs, heads, seed=0):
    """Learnable stand-in data: random inputs of the model's shapes, and targets
    computed from them, so that training learns something. Replace it with yours."""
    rng = np.random.default_rng(seed)
    x, signal = [], np.zeros(samples)
    for shape, dtype, categories in inputs:
        values, numbers = stand_in_input(rng, (samples, *shape), dtype, categories)
        x.append(values)
        flat = numbers.reshape(samples, -1)
        weights = rng.normal(size=flat.shape[1])
        signal = signal + flat @ weights / np.sqrt(flat.shape[1])
    y = [learnable_target(rng, signal, shape, target) for shape, target in heads]
    return x, y


def stand_in_input(rng, full, dtype, categories):
    """One Input's values, and the numbers its targets are computed from: whole
    numbers and texts ("value 0", ...) are categories, each one present; true/false
    values are coin flips; other numbers are normal."""
    if dtype == "bool":
        values = rng.random(full) < 0.5
        return values, values.astype("float64")
    if dtype == "string" or dtype.startswith("int"):
        codes = np.arange(int(np.prod(full))) % categories
        codes = rng.permutation(codes).reshape(full)
        if dtype == "string":
            return np.char.add("value ", codes.astype(str)), codes.astype("float64")
        return codes.astype(dtype), codes.astype("float64")
    values = rng.normal(size=full).astype("float32")
    return values, values.astype("float64")


def learnable_target(rng, signal, shape, target):
    """A head's targets, of one sample's ``shape``, as its loss expects them
    (``target``): classes or 0/1 by the rank of ``signal``, else values that follow
    it, with a little noise."""
    samples, units, inner = len(signal), shape[-1], shape[:-1]
    ranks = np.argsort(np.argsort(signal)) / np.maximum(samples - 1, 1)  # 0 to 1
    spread = (samples,) + (1,) * len(shape)
    if target in ("one_hot", "class_index"):
        labels = np.minimum(np.floor(ranks * units).astype(int), units - 1)
        labels = np.broadcast_to(labels.reshape(spread[:-1]), (samples, *inner))
        if target == "class_index":
            return labels.astype("int32")
        return np.eye(units, dtype="float32")[labels]
    full = (samples, *shape)
    if target == "binary":
        labels = np.asarray(ranks > 0.5, dtype="float32").reshape(spread)
        return np.broadcast_to(labels, full).copy()
    values = signal / (signal.std() or 1.0)
    values = values.astype("float32").reshape(spread)
    noise = 0.05 * rng.normal(size=full).astype("float32")
    values = np.broadcast_to(values, full) + noise
    if target == "positive_values":
        values = np.abs(values) + 0.5
    return values.astype("float32")


SCRIPT_FUNCTIONS = (stand_in_data, stand_in_input, learnable_target)


def script_source() -> list[str]:
    """The lines of the functions above, as the exported script defines them."""
    lines: list[str] = []
    for function in SCRIPT_FUNCTIONS:
        lines += [*inspect.getsource(function).rstrip().splitlines(), "", ""]
    return lines[:-2]
