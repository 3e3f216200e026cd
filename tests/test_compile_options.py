"""The optimizer and schedule declarations against Keras: every option the dock offers is an
argument of the Keras class with the same default (where Keras has one), and every schedule the
dock offers builds and starts at the optimizer's learning rate."""

from __future__ import annotations

import inspect

import pytest

from netdesigner.backend.compiler import instantiate
from netdesigner.core.compile_options import OPTIMIZERS, SCHEDULES
from netdesigner.core.compile_plan import optimizer_object
from netdesigner.core.settings import TrainingSettings

keras = pytest.importorskip("keras")


def keras_defaults(cls: type) -> dict[str, object]:
    return {name: p.default for name, p in inspect.signature(cls).parameters.items()}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_options_are_keras_arguments_with_keras_defaults(name: str) -> None:
    defaults = keras_defaults(getattr(keras.optimizers, name))
    for spec in OPTIMIZERS[name]:
        assert spec.name in defaults, f"{name} has no argument {spec.name}"
        assert spec.default == defaults[spec.name], f"{name}.{spec.name}"


@pytest.mark.parametrize("name", sorted(set(SCHEDULES) - {"constant"}))
def test_schedules_are_keras_schedules_that_start_at_the_optimizer_rate(name: str) -> None:
    defaults = keras_defaults(getattr(keras.optimizers.schedules, name))
    for spec in SCHEDULES[name]:
        assert spec.name in defaults, f"{name} has no argument {spec.name}"
        if defaults[spec.name] is not inspect.Parameter.empty:
            assert spec.default == defaults[spec.name], f"{name}.{spec.name}"
    settings = TrainingSettings(
        optimizer="SGD",
        optimizer_params={"learning_rate": 0.05},
        lr_schedule=name,
        lr_schedule_params={p.name: p.default for p in SCHEDULES[name]},
    )
    optimizer = instantiate(optimizer_object(settings))
    schedule = keras.optimizers.schedules.deserialize(optimizer.get_config()["learning_rate"])
    assert type(schedule).__name__ == name
    assert float(schedule(0)) == pytest.approx(0.05)
    assert float(schedule(10_000)) < 0.05
