"""Instantiate the compile and fit plans exactly as exported code writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netdesigner.core.compile_plan import CompilePlan, KerasObject
from netdesigner.core.fit_plan import RunFile


def instantiate(obj: KerasObject, run_folder: Path | None = None) -> Any:
    """``keras.<module>.<name>(**kwargs)`` (arguments that are objects instantiated first), or
    the string alias Keras resolves itself; run files are placed in ``run_folder``."""
    import keras

    if obj.alias:
        return obj.name
    target: Any = keras
    for part in (*obj.module.split("."), obj.name):
        target = getattr(target, part)
    return target(**{key: _value(value, run_folder) for key, value in obj.kwargs})


def _value(value: Any, run_folder: Path | None) -> Any:
    if isinstance(value, KerasObject):
        return instantiate(value, run_folder)
    if isinstance(value, RunFile):
        if run_folder is None:
            raise ValueError(f"{value.name} needs a run folder")
        return str(run_folder / value.name)
    return value


def compile_model(model: Any, plan: CompilePlan) -> None:
    heads = plan.heads
    losses = [instantiate(h.loss) for h in heads]
    metrics = [[instantiate(m) for m in h.metrics] for h in heads]
    single = len(heads) == 1
    model.compile(
        optimizer=instantiate(plan.optimizer),
        loss=losses[0] if single else losses,
        loss_weights=plan.loss_weights,
        metrics=metrics[0] if single else metrics,
    )
