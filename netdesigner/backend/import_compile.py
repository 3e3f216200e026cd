"""A ``.keras`` file's ``compile_config`` -> the graph's training settings and its heads' loss,
loss weight and metrics.

Keras writes the optimizer and losses as serialized objects or string aliases, the losses,
weights and metrics as one value, a list per output or a dict by output name. What netdesigner
declares is kept exactly; anything else is named in the import notes, never replaced silently.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from netdesigner.core.compile_options import LOGIT_LOSSES, LOSSES, METRICS, OPTIMIZERS, SCHEDULES
from netdesigner.core.errors import GraphError
from netdesigner.core.settings import TrainingSettings, declared_options

# Options every Keras optimizer writes that netdesigner leaves at their defaults.
_OPTIMIZER_DEFAULTS = {
    "weight_decay": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
    "centered": False,
}
_ALIASES = {
    "mse": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
    "kld": "KLDivergence",
    "kl_divergence": "KLDivergence",
    "acc": "accuracy",
    "huber_loss": "Huber",
    "log_cosh": "LogCosh",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _canonical(entry: Any, names: tuple[str, ...]) -> tuple[str | None, dict[str, Any]]:
    """A loss or metric entry (alias, class name, or serialized object) -> one of ``names``."""
    config: dict[str, Any] = {}
    if isinstance(entry, dict):
        inner = entry.get("config")
        config = inner if isinstance(inner, dict) else {}
        entry = entry.get("class_name")
    if not isinstance(entry, str):
        return None, config
    by_name = {n: n for n in names} | {_snake(n): n for n in names}
    by_name |= {alias: name for alias, name in _ALIASES.items() if name in names}
    return by_name.get(entry, by_name.get(entry.lower())), config


def _float32(value: Any) -> Any:
    """Keras stores rates as float32: 0.1 comes back as 0.10000000149011612."""
    return float(str(np.float32(value))) if isinstance(value, float) else value


def _per_output(value: Any, outputs: list[str]) -> list[Any]:
    """One value, a list per output, or a dict by output name -> one entry per output."""
    if isinstance(value, dict) and "class_name" not in value:
        return [value.get(name) for name in outputs]
    if isinstance(value, list) and len(value) == len(outputs):
        return value
    return [value] * len(outputs)


def read_compile_config(
    config: Any, outputs: list[str], notes: list[str]
) -> tuple[TrainingSettings | None, list[dict[str, Any]]]:
    """Settings, and per output the parameters of its Output node (loss, loss weight, metrics);
    ``outputs`` are the output layers' names."""
    heads: list[dict[str, Any]] = [{} for _ in outputs]
    if not isinstance(config, dict):
        return None, heads
    settings = _optimizer(config.get("optimizer"), notes)
    for head, loss in zip(heads, _per_output(config.get("loss"), outputs), strict=True):
        name, loss_config = _canonical(loss, LOSSES)
        if name is None:
            if loss is not None:
                notes.append(f"the loss {str(loss)[:60]} is not offered: the head's loss is guessed instead")
            continue
        head["loss"] = name
        head["from_logits"] = bool(loss_config.get("from_logits")) and name in LOGIT_LOSSES
    weights = config.get("loss_weights")
    if weights is not None:
        for head, weight in zip(heads, _per_output(weights, outputs), strict=True):
            if isinstance(weight, int | float) and not isinstance(weight, bool):
                head["loss_weight"] = float(weight)
    metrics = config.get("metrics")  # none given: the model was compiled without metrics
    flat_list = isinstance(metrics, list) and not any(isinstance(m, list) for m in metrics)
    per_head = [metrics] * len(outputs) if flat_list and len(outputs) > 1 else _per_output(metrics, outputs)
    for head, entries in zip(heads, per_head, strict=True):
        head["metrics"] = _metrics(entries, notes)
    return settings, heads


def _metrics(entries: Any, notes: list[str]) -> list[str]:
    kept: list[str] = []
    for entry in entries if isinstance(entries, list) else [entries] if entries else []:
        name, _ = _canonical(entry, METRICS)
        if name is None:
            notes.append(f"the metric {str(entry)[:60]} is not offered and was left out")
        elif name not in kept:
            kept.append(name)
    return kept


def _optimizer(entry: Any, notes: list[str]) -> TrainingSettings | None:
    if isinstance(entry, str):
        entry = {"class_name": {_snake(n): n for n in OPTIMIZERS}.get(entry.lower(), entry), "config": {}}
    if not isinstance(entry, dict) or entry.get("class_name") not in OPTIMIZERS:
        if entry is not None:
            notes.append(f"the optimizer {str(entry.get('class_name', entry))[:40]} is not offered: Adam is used")
        return None
    name, config = entry["class_name"], entry.get("config") or {}
    declared = {p.name for p in OPTIMIZERS[name]}
    options: dict[str, Any] = {}
    schedule, schedule_options = "constant", dict[str, Any]()
    for key, value in config.items():
        if key == "learning_rate" and isinstance(value, dict):
            schedule, schedule_options, value = _schedule(value, notes)
        if key in declared:
            options[key] = _float32(value)
        elif key in _OPTIMIZER_DEFAULTS and value != _OPTIMIZER_DEFAULTS[key]:
            notes.append(f"the optimizer's {key}={value!r} cannot be set in netdesigner and was left out")
    try:
        return TrainingSettings(
            optimizer=name,
            optimizer_params=declared_options(OPTIMIZERS, name, options),
            lr_schedule=schedule,
            lr_schedule_params=schedule_options,
        )
    except GraphError as error:
        notes.append(f"the optimizer's settings were not kept ({error}): {name} with its defaults is used")
        return TrainingSettings(optimizer=name)


def _schedule(entry: dict[str, Any], notes: list[str]) -> tuple[str, dict[str, Any], Any]:
    """A serialized schedule -> its name, options and starting rate (constant if not offered)."""
    name, config = entry.get("class_name"), entry.get("config") or {}
    start = _float32(config.get("initial_learning_rate", 0.001))
    if name not in SCHEDULES:
        notes.append(f"the learning-rate schedule {str(name)[:40]} is not offered: a constant rate is used")
        return "constant", {}, start
    declared = {p.name for p in SCHEDULES[name]}
    return name, {k: _float32(v) for k, v in config.items() if k in declared}, start
