"""The "why this shape, why these parameters" arithmetic states exactly what inference computes,
for every catalog entry, and every stated formula evaluates to its stated result."""

from __future__ import annotations

import random

import pytest

from netdesigner.core import catalog
from netdesigner.core.catalog import LayerSpec
from netdesigner.core.errors import LayerError
from netdesigner.core.why import axis_names, explain
from tests.layer_samples import applied_sample

CASES_PER_ENTRY = 40


@pytest.mark.parametrize("spec", catalog.all_specs(), ids=lambda s: s.type)
def test_the_explanation_states_the_inferred_numbers(spec: LayerSpec) -> None:
    rng = random.Random(f"why-{spec.type}")
    explained = 0
    for _ in range(CASES_PER_ENTRY * 5):
        if explained >= CASES_PER_ENTRY:
            break
        params, shapes, outcome = applied_sample(spec, rng)
        if isinstance(outcome, LayerError):
            with pytest.raises(LayerError) as raised:
                explain(spec, params, shapes)
            assert str(raised.value) == str(outcome)  # the same refusal, in the same words
            continue
        assert all(type(d) is int for d in outcome.shape if d is not None)  # inference never sees traces
        why = explain(spec, params, shapes)
        case = f"{spec.type} {params} {shapes}"
        assert (why.shape, why.trainable, why.non_trainable) == tuple(outcome[:3]), case
        names = axis_names(len(outcome.shape))
        stated = {step.what: step for step in why.steps}
        for step in (*why.steps, *why.counts):
            assert eval(step.py) == step.value, f"{case}: {step} is not what {step.py} gives"  # noqa: S307
        for axis, name in enumerate(names[1:], start=1):
            if name in stated:
                assert stated[name].value == outcome.shape[axis], case
            else:  # an axis without arithmetic is still said, with its size
                dim = outcome.shape[axis]
                assert any(name in line and (dim is None or f"{dim:,}" in line) for line in why.lines()), case
        counts = {s.what: s.value for s in why.counts}
        assert sum(counts.values()) == outcome.trainable + outcome.non_trainable, case
        assert counts.get("non-trainable parameters", 0) == outcome.non_trainable, case
        explained += 1
    assert explained >= min(CASES_PER_ENTRY, 10), f"{spec.type}: only {explained} valid cases"


def test_a_student_reads_the_conv2d_arithmetic_with_the_actual_numbers() -> None:
    spec = catalog.get("Conv2D")
    params = spec.defaults() | {"filters": 32, "kernel_size": (3, 3), "padding": "valid"}
    lines = explain(spec, params, [(None, 150, 150, 3)]).lines()
    assert lines == [
        "height: 150 - 3 + 1 = 148",
        "width: 150 - 3 + 1 = 148",
        "channels: 32, the filters you set",
        "parameters: 3 × 3 × 3 × 32 weights + 32 biases = 896",
    ]
    strided = explain(spec, params | {"strides": (2, 2)}, [(None, 150, 150, 3)]).lines()
    assert strided[0] == "height: ⌊(150 - 3) / 2⌋ + 1 = 74"
    same = explain(spec, params | {"strides": (2, 2), "padding": "same"}, [(None, 150, 150, 3)]).lines()
    assert same[0] == "height: ⌈150 / 2⌉ = 75"


def test_merges_say_which_axes_must_match() -> None:
    concat = explain(catalog.get("Concatenate"), {"axis": -1, "inputs": 2}, [(None, 8, 8, 16), (None, 8, 8, 32)])
    assert "channels: 16 + 32 = 48" in concat.lines()
    assert any("every other axis must be equal" in line for line in concat.lines())
    add = explain(catalog.get("Add"), {"inputs": 2}, [(None, 8, 8, 16), (None, 1, 1, 16)])
    assert any("element by element" in line for line in add.lines())


def test_frozen_statistics_are_counted_apart() -> None:
    spec = catalog.get("BatchNormalization")
    lines = explain(spec, spec.defaults(), [(None, 8, 8, 16)]).lines()
    assert "trainable parameters: 2 × 16 scales and offsets = 32" in lines
    assert "non-trainable parameters: 2 × 16 moving means and variances = 32" in lines
