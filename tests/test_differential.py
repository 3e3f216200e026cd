"""Our shape and parameter rules against the real Keras layers, for every catalog entry.

Keras is right by definition: for each entry, seeded random combinations where we report a
shape must give exactly Keras's output shape and parameter counts, and every combination on
which Keras raises must be reported as an error by us too.
"""

from __future__ import annotations

import inspect
import math
import random

import pytest

from netdesigner.backend.layer_factory import apply_operation, call_layer, make_input, make_layer
from netdesigner.core import catalog
from netdesigner.core.catalog import LayerSpec
from netdesigner.core.errors import LayerError
from netdesigner.core.params import ParamKind
from netdesigner.core.spec import Builds
from tests.layer_samples import applied_sample, input_dtype

keras = pytest.importorskip("keras")

MIN_VALID = 50
MIN_SAMPLES = 150  # keep drawing past MIN_VALID valid ones, so invalid combinations get covered too
MAX_SAMPLES = 800
# Where we are deliberately stricter than Keras (a Softmax axis Keras silently accepts, a
# transposed convolution that outputs zero pixels, an augmentation layer on what is not an
# image batch, attention whose "steps" would be the batch), our error must carry one of these
# codes, or Keras must fail once data flows (it builds attention without checking its inputs).
STRICTER_CODES = {"axis", "param", "empty_output", "image", "sequence"}

# A pretrained backbone is a whole Keras model: tests/test_pretrained.py proves it family by family.
LAYER_SPECS = [s for s in catalog.all_specs() if s.keras_class is not None and s.builds is Builds.LAYER]
OPERATION_SPECS = [s for s in catalog.all_specs() if s.builds is Builds.OPERATION]


def apply(spec: LayerSpec, params: dict, inputs: list) -> tuple:
    """What Keras makes of the node on ``inputs``: its output and its layer (None for an operation)."""
    if spec.operation is not None:
        return apply_operation(spec.operation(params), inputs), None
    layer = make_layer(spec, params)
    return call_layer(spec, layer, inputs), layer


def keras_outcome(spec: LayerSpec, params: dict, shapes: list) -> tuple[tuple, int, int] | Exception:
    """Keras's output shapes (one per output: a recurrent layer's states follow its output),
    trainable and other parameters, or what it raised."""
    try:
        if spec.type == "Input":
            tensor = make_input(params)
            return (tuple(tensor.shape),), 0, 0
        out, layer = apply(spec, params, [keras.Input(shape=s[1:], dtype=input_dtype(spec.type)) for s in shapes])
        outputs = tuple(tuple(o.shape) for o in (out if isinstance(out, list | tuple) else [out]))
        if layer is None:
            return outputs, 0, 0
        trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
        return outputs, trainable, layer.count_params() - trainable
    except Exception as exc:  # Keras signals invalid combinations with many exception types
        return exc


def fails_on_data(spec: LayerSpec, params: dict, shapes: list) -> bool:
    """Whether the layer fails when called on zeros of these shapes (unknown sizes as 3)."""
    import numpy as np

    try:
        sizes = [(2, *(3 if d is None else d for d in s[1:])) for s in shapes]
        text = input_dtype(spec.type) == "string"
        apply(spec, params, [np.full(n, "a") if text else np.zeros(n, input_dtype(spec.type)) for n in sizes])
    except Exception:  # Keras signals invalid combinations with many exception types
        return True
    return False


@pytest.mark.parametrize("spec", LAYER_SPECS + OPERATION_SPECS, ids=lambda s: s.type)
def test_rule_matches_keras(spec: LayerSpec) -> None:
    rng = random.Random(f"differential-{spec.type}")
    valid = invalid = 0
    for drawn in range(MAX_SAMPLES):
        if valid >= MIN_VALID and drawn >= MIN_SAMPLES:
            break
        params, shapes, ours = applied_sample(spec, rng)
        theirs = keras_outcome(spec, params, shapes)
        case = f"{spec.type} params={params} inputs={shapes}"
        if isinstance(theirs, Exception):
            assert isinstance(ours, LayerError), f"Keras raised {theirs!r} but we accepted: {case} -> {ours}"
            invalid += 1
            continue
        if isinstance(ours, LayerError):
            assert ours.code in STRICTER_CODES or fails_on_data(spec, params, shapes), (
                f"we refused what Keras accepts: {case}: {ours}"
            )
            continue
        valid += 1
        assert (ours.shape, *ours.more) == theirs[0], f"shapes {(ours.shape, *ours.more)} != Keras {theirs[0]}: {case}"
        assert (ours.trainable, ours.non_trainable) == theirs[1:], (
            f"params {(ours.trainable, ours.non_trainable)} != Keras {theirs[1:]}: {case}"
        )
    assert valid >= MIN_VALID, f"{spec.type}: only {valid} valid combinations checked"
    print(f"{spec.type}: {valid} valid, {invalid} invalid combinations agree with Keras")


# Classic student mistakes: Keras refuses each, and so must we, with a readable message.
MISTAKES = [
    ("Dense", {}, [(None,)]),
    ("Dense", {}, [(None, None)]),
    ("Conv2D", {}, [(None, 784)]),
    ("Conv2D", {"kernel_size": (5, 5)}, [(None, 3, 3, 1)]),
    ("Conv2D", {"strides": (2, 2), "dilation_rate": (2, 2)}, [(None, 9, 9, 1)]),
    ("Conv2D", {"groups": 2}, [(None, 9, 9, 3)]),
    ("Conv1D", {}, [(None, 8, 8, 1)]),
    ("MaxPooling2D", {"pool_size": (4, 4)}, [(None, 2, 2, 3)]),
    ("Concatenate", {}, [(None, 32, 32, 3), (None, 16, 16, 3)]),
    ("Concatenate", {}, [(None, 32, 3), (None, 32, 32, 3)]),
    ("Add", {}, [(None, 8, 8, 64), (None, 8, 8, 32)]),
    ("Subtract", {}, [(None, 10), (None, 12)]),
    ("Reshape", {"target_shape": (5, 5)}, [(None, 28)]),
    ("Reshape", {"target_shape": (-1, -1)}, [(None, 28)]),
    ("Permute", {"dims": (1, 3)}, [(None, 4, 5)]),
    ("Cropping2D", {"cropping": (2, 2, 0, 0)}, [(None, 4, 4, 1)]),
    ("BatchNormalization", {}, [(None, None)]),
    ("LSTM", {}, [(None, 10)]),
    ("Conv2DTranspose", {"strides": (2, 2), "output_padding": (2, 2)}, [(None, 4, 4, 1)]),
    ("SpatialDropout2D", {}, [(None, 4, 4)]),
    ("GlobalAveragePooling2D", {}, [(None, 10)]),
]


@pytest.mark.parametrize(("layer_type", "overrides", "shapes"), MISTAKES, ids=lambda v: str(v)[:40])
def test_mistakes_are_refused_like_keras(layer_type: str, overrides: dict, shapes: list) -> None:
    spec = catalog.get(layer_type)
    params = {**spec.defaults(), **{k: spec.param(k).coerce(v) for k, v in overrides.items()}}
    assert isinstance(keras_outcome(spec, params, shapes), Exception)
    with pytest.raises(LayerError) as caught:
        spec.apply(params, shapes)
    message = str(caught.value)
    assert layer_type in message and "Traceback" not in message


def plain(value):
    """Config values in comparable form: tuples and lists alike."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


# Our default written differently from Keras's config, with the same meaning.
EQUIVALENT_DEFAULTS = {
    "strides": "None means 'same as pool_size', which is what Keras's config spells out",
    "output_padding": "None means automatic in both",
    "value_dim": "None means 'same as key_dim', which is what Keras's config spells out",
}


@pytest.mark.parametrize("spec", [s for s in LAYER_SPECS if s.type != "Input"], ids=lambda s: s.type)
def test_defaults_mirror_keras(spec: LayerSpec) -> None:
    """Exported code leaves out parameters at their default, so ours must be Keras's."""
    defaults = spec.defaults()
    required = {p.name: defaults[p.name] for p in spec.params if p.required}
    for param in spec.params:  # a wrapper's layer: made as the builder makes it (its own test checks it)
        if param.kind is ParamKind.LAYER:
            inner = defaults[param.name]
            required[param.name] = make_layer(param.inner[inner["type"]], inner["params"])
    layer_class = getattr(keras.layers, spec.keras_class)
    config = spec.params_from_keras(layer_class(**required).get_config())
    ours = defaults
    for param in spec.keras_params:
        if param.required or param.name in EQUIVALENT_DEFAULTS and param.default is None:
            continue
        if param.kind is ParamKind.KERAS_OPTIONS:
            continue  # extra arguments: none by default
        expected = config[param.name]
        if param.name == "activation" and expected is None:
            expected = "linear"
        assert plain(ours[param.name]) == plain(expected), f"{spec.type}.{param.name}"
        assert param.coerce(expected) == param.default  # and an imported default reads back as ours


@pytest.mark.parametrize(
    "spec", [s for s in LAYER_SPECS if any(p.kind is ParamKind.KERAS_OPTIONS for p in s.params)], ids=lambda s: s.type
)
def test_declared_keras_options_are_real_arguments(spec: LayerSpec) -> None:
    """The only keyword names a file may add to exported code: each one is an argument of the
    Keras class (so a key such as ``bias_initializer=__import__('os')...`` is refused at load),
    and every initializer/regularizer/constraint argument of the class is offered."""
    arguments = set(inspect.signature(getattr(keras.layers, spec.keras_class).__init__).parameters)
    declared = set(spec.param("keras_options").choices)
    assert declared <= arguments | {"activity_regularizer"}
    offered = {a for a in arguments if a.endswith(("_initializer", "_regularizer", "_constraint"))}
    assert offered <= declared
    for name in declared:  # and Keras takes each of them by that name
        getattr(keras.layers, spec.keras_class)(
            **{p.name: p.default for p in spec.params if p.required}, **{name: None}
        )
