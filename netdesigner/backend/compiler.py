"""Instantiate a ``CompilePlan`` and compile a model with it, exactly as exported code does."""

from __future__ import annotations

from typing import Any

from netdesigner.core.compile_plan import CompilePlan, KerasObject


def instantiate(obj: KerasObject) -> Any:
    """``keras.<module>.<name>(**kwargs)``, or the string alias Keras resolves itself."""
    import keras

    if obj.alias:
        return obj.name
    return getattr(getattr(keras, obj.module), obj.name)(**dict(obj.kwargs))


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
