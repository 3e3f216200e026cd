"""Seeded random parameter/input combinations for every catalog entry, generated from the
entry's own ``ParamSpec`` declarations plus a few per-type hints (which input rank makes sense,
how a Reshape target relates to its input). Used by the differential tests against Keras."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from netdesigner.core.catalog import LayerSpec, Outcome, Shape
from netdesigner.core.errors import LayerError
from netdesigner.core.params import ParamKind, ParamSpec

# Input ranks (batch included) worth trying per type; a type named "...1D/2D/3D" takes rank 3/4/5,
# anything else gets ranks 2..5.
RANKS: dict[str, tuple[int, ...]] = {
    "SimpleRNN": (3,),
    "LSTM": (3,),
    "GRU": (3,),
    "ConvLSTM1D": (4,),
    "ConvLSTM2D": (5,),
    "RandomFlip": (4,),
    "RandomRotation": (4,),
    "RandomZoom": (4,),
    "RandomContrast": (4,),
    "RandomTranslation": (4,),
    "Resizing": (4,),
    "CenterCrop": (4,),
    "RepeatVector": (2,),
    "Bidirectional": (3,),
    "TimeDistributed": (4,),  # a sequence of what the sampled wrapped layers take (rank 3)
    "Dense": (2, 3, 4),
    # table columns: one value per sample (rank 1), a list, sometimes a grid
    "StringLookup": (1, 2, 2, 3),
    "IntegerLookup": (1, 2, 2, 3),
    "CategoryEncoding": (1, 2, 2, 3),
    "Hashing": (1, 2, 2, 3),
    "Discretization": (1, 2, 2, 3),
}

# The dtype of the Keras inputs a type is tried on (float32 where not named): what it takes.
INPUT_DTYPES: dict[str, str] = {
    "StringLookup": "string",
    "IntegerLookup": "int64",
    "CategoryEncoding": "int32",
    "Hashing": "string",
}


def input_dtype(layer_type: str) -> str:
    return INPUT_DTYPES.get(layer_type, "float32")


def ranks_for(layer_type: str) -> tuple[int, ...]:
    if layer_type in RANKS:
        return RANKS[layer_type]
    spatial = re.search(r"([123])D(Transpose)?$", layer_type)
    return (int(spatial.group(1)) + 2,) if spatial else (2, 3, 4, 5)


# Small value ranges keep shapes meaningful and Keras fast.
INT_RANGES: dict[str, tuple[int, int]] = {
    "filters": (1, 16),
    "units": (1, 16),
    "kernel_size": (1, 5),
    "strides": (1, 3),
    "dilation_rate": (1, 3),
    "pool_size": (1, 4),
    "depth_multiplier": (1, 3),
    "input_dim": (1, 50),
    "output_dim": (1, 8),
    "n": (1, 5),
    "inputs": (2, 4),
    "axis": (-4, 3),
    "padding": (0, 3),
    "cropping": (0, 3),
    "size": (1, 3),
    "output_padding": (0, 2),
    "groups": (1, 4),
    "height": (1, 12),
    "width": (1, 12),
    "num_tokens": (1, 12),
    "num_bins": (1, 10),
    "max_tokens": (2, 12),
    "vocabulary_size": (1, 12),
    "num_oov_indices": (0, 2),
    "mask_token": (0, 3),
}


def random_dim(rng: random.Random, unknown: float = 0.15, high: int = 12, low: int = 1) -> int | None:
    return None if rng.random() < unknown else rng.randint(low, high)


def random_shape(rng: random.Random, rank: int) -> Shape:
    """A Keras input shape: batch None, spatial dims sometimes unknown, last axis known. Volumes
    (rank 5) get larger sides, or a random 3-D window rarely fits in all three."""
    dims = [random_dim(rng, low=4 if rank == 5 else 1) for _ in range(rank - 2)]
    return (None, *dims, rng.randint(1, 8)) if rank > 1 else (None,)


def random_value(rng: random.Random, param: ParamSpec) -> Any:
    if param.nullable and rng.random() < 0.3:
        return None
    low, high = INT_RANGES.get(param.name, (1, 8))
    kind = param.kind
    if param.name == "groups" and rng.random() < 0.7:
        return 1  # grouped convolutions are rarely valid on random channel counts
    if param.name == "dilation_rate" and param.length and rng.random() < 0.6:
        return (1,) * param.length  # dilation with strides is refused, and 3 random strides are rarely all 1
    if kind is ParamKind.INT:
        if param.minimum is not None:
            low = max(low, int(param.minimum))
        if param.maximum is not None:
            high = min(high, int(param.maximum))
        return rng.randint(low, high)
    if kind is ParamKind.FLOAT:
        low_f = param.minimum if param.minimum is not None else -2.0
        high_f = min(param.maximum if param.maximum is not None else 2.0, low_f + 2.0)
        value = rng.uniform(low_f, high_f)
        return value if not (param.exclusive_minimum and value == low_f) else high_f / 2
    if kind is ParamKind.BOOL:
        return rng.random() < 0.5
    if kind is ParamKind.CHOICE:
        return rng.choice(param.choices)
    if kind is ParamKind.INTS:
        length = param.length or rng.randint(1, 3)
        return tuple(rng.randint(max(low, int(param.minimum or 0)), high) for _ in range(length))
    if kind is ParamKind.KERAS_OPTIONS:
        return {}  # initializers and regularizers never change shapes; import tests cover them
    if kind is ParamKind.LAYER:
        return wrapped_value(rng, param)
    if kind is ParamKind.AXES:
        axes = rng.sample(range(-4, 4), rng.randint(1, 2))
        return axes[0] if len(axes) == 1 and rng.random() < 0.5 else tuple(axes)
    if kind is ParamKind.MULTI_CHOICE:
        return tuple(rng.sample(param.choices, 2))
    if kind is ParamKind.FLOATS:  # increasing, as bin boundaries are
        return tuple(sorted({round(rng.uniform(-5.0, 5.0), 2) for _ in range(rng.randint(1, 4))}))
    if kind is ParamKind.SHAPE and param.scalar and rng.random() < 0.2:
        return ()
    return tuple(random_dim(rng, high=8) or 1 for _ in range(rng.randint(1, 3)))


# The wrapped layers tried: each takes one step of a rank-4 sequence (rank 3).
WRAPPED = ("LSTM", "GRU", "SimpleRNN", "Dense", "Conv1D", "MaxPooling1D", "Flatten", "LayerNormalization")


def wrapped_value(rng: random.Random, param: ParamSpec) -> dict[str, Any]:
    """A wrapper's layer: one of ``WRAPPED`` it can wrap, with random parameters (never started
    from an initial state, which a wrapper refuses)."""
    spec = param.inner[rng.choice([t for t in WRAPPED if t in param.inner])]
    params = {p.name: random_value(rng, p) for p in spec.params if p.name != "initial_state"}
    return {"type": spec.type, "params": params}


def _reshape_target(rng: random.Random, x: Shape) -> tuple[int, ...]:
    sizes = [d for d in x[1:] if d is not None]
    total = 1
    for d in sizes:
        total *= d
    if rng.random() < 0.25:
        return tuple(rng.randint(1, 6) for _ in range(rng.randint(1, 3)))  # usually wrong size
    factors = [f for f in range(1, total + 1) if total % f == 0]
    first = rng.choice(factors)
    return (first, -1) if rng.random() < 0.5 else (-1, first) if total % first == 0 else (first,)


def _permutation(rng: random.Random, x: Shape) -> tuple[int, ...]:
    dims = list(range(1, len(x))) or [1]
    rng.shuffle(dims)
    if rng.random() < 0.15:
        dims[0] = len(x) + 1  # not a permutation
    return tuple(dims)


# Parameters derived from the input shape rather than drawn blindly.
def _unit_axis(rng: random.Random, x: Shape) -> int:
    """Mostly an axis of size 1 (as Keras numbers it, from the front or the back)."""
    units = [i for i, d in enumerate(x) if d == 1 and i > 0]
    if not units or rng.random() < 0.2:
        return rng.randint(-len(x), len(x) - 1)
    index = rng.choice(units)
    return index if rng.random() < 0.5 else index - len(x)


DERIVED: dict[tuple[str, str], Callable[[random.Random, Shape], Any]] = {
    ("Reshape", "target_shape"): _reshape_target,
    ("Permute", "dims"): _permutation,
    ("Squeeze", "axis"): _unit_axis,
}


def _image(rng: random.Random) -> Shape:
    """A backbone's input: an image of 24 to 300 pixels a side (a family takes 32 or 75 at
    least), of 1, 3 or 4 channels."""
    sides = (None if rng.random() < 0.15 else rng.randint(24, 300) for _ in range(2))
    return (None, *sides, rng.choice((1, 3, 3, 4)))


def _with_unit_axis(rng: random.Random) -> Shape:
    """A shape of rank 2 to 5 with one axis of size 1 (what Squeeze removes)."""
    dims = list(random_shape(rng, rng.randint(2, 5)))
    dims[rng.randint(1, len(dims) - 1)] = 1
    return tuple(dims)


# Input shapes drawn for a type instead of a random shape of a random rank.
INPUTS: dict[str, Callable[[random.Random], Shape]] = {"Pretrained": _image, "Squeeze": _with_unit_axis}


def merge_inputs(rng: random.Random, spec: LayerSpec, count: int) -> list[Shape]:
    """Shapes for a merge: mostly compatible variations of one shape, sometimes not."""
    rank = rng.randint(2, 4)
    base = random_shape(rng, rank)
    shapes = []
    for _ in range(count):
        dims = list(base)
        roll = rng.random()
        if roll < 0.3:
            dims[-1] = rng.randint(1, 8)  # channel mismatch: fine for Concatenate only
        elif roll < 0.4 and rank > 2:
            dims[1] = rng.choice([None, 1, rng.randint(1, 12)])
        elif roll < 0.45:
            dims = list(random_shape(rng, rng.randint(2, 4)))
        shapes.append(tuple(dims))
    return shapes


def attention_inputs(rng: random.Random, count: int) -> list[Shape]:
    """Query, value (and key): sequences, mostly of matching sizes, sometimes not."""
    rank = 3 if rng.random() < 0.8 else rng.choice((2, 4))
    query = random_shape(rng, rank)
    value = list(random_shape(rng, rank))
    if rng.random() < 0.6:
        value[-1] = query[-1]
    key = list(value)
    if rng.random() < 0.2:
        key[-1] = rng.randint(1, 8)
    if rng.random() < 0.1:
        key[1] = rng.randint(1, 12)
    return [query, tuple(value), tuple(key)][:count]


def sample(spec: LayerSpec, rng: random.Random) -> tuple[dict[str, Any], list[Shape]]:
    """One random (params, input shapes) combination for ``spec``."""
    params = {p.name: random_value(rng, p) for p in spec.params}
    if spec.type == "Input":
        return params, []
    count = spec.input_count(params)
    if spec.category == "Merge" or count == 2 and spec.operation is not None:  # broadcasting operands
        return params, merge_inputs(rng, spec, count)
    if spec.category == "Attention":
        return params, attention_inputs(rng, count)
    ranks = ranks_for(spec.type)
    if rng.random() < 0.1:
        ranks = (1, 2, 3, 4, 5)  # sometimes a rank the layer cannot take
    x = INPUTS[spec.type](rng) if spec.type in INPUTS and rng.random() > 0.1 else random_shape(rng, rng.choice(ranks))
    for (layer_type, name), derive in DERIVED.items():
        if layer_type == spec.type:
            params[name] = derive(rng, x)
    states = [_state(rng, x, params) for _ in range(count - 1)]  # a recurrent layer's initial states
    return params, [x, *states]


def _state(rng: random.Random, x: Shape, params: dict[str, Any]) -> Shape:
    """An initial state: mostly (batch, units), sometimes of another size or rank."""
    if rng.random() < 0.8:
        return (x[0], params.get("units", 4))
    return random_shape(rng, rng.choice((2, 3)))


def applied_sample(spec: LayerSpec, rng: random.Random) -> tuple[dict[str, Any], list[Shape], Outcome | LayerError]:
    """A random combination with its parameters coerced as the file format does, and what the
    entry's rule makes of it: its outcome, or the error it raises."""
    raw, shapes = sample(spec, rng)
    params = {p.name: p.coerce(raw[p.name]) for p in spec.params}
    try:
        return params, shapes, spec.apply(params, shapes)
    except LayerError as error:
        return params, shapes, error
