"""Training settings saved with a graph: optimizer and learning-rate schedule, epochs, batch
size, validation, seed, callbacks and their options, data source.

Per-head settings (loss, loss weight, metrics) live on the Output nodes; these are the ones
that belong to the whole model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from netdesigner.core.callbacks import CALLBACKS, CALLBACKS_BY_KEY
from netdesigner.core.compile_options import OPTIMIZERS, SCHEDULES
from netdesigner.core.data_sources import SOURCES_BY_KEY
from netdesigner.core.errors import ParamError, quoted
from netdesigner.core.params import ParamKind, ParamSpec

FIT_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("epochs", ParamKind.INT, 10, "passes over the training data", minimum=1, maximum=100_000),
    ParamSpec("batch_size", ParamKind.INT, 32, "samples per weight update", minimum=1, maximum=1_000_000),
    ParamSpec(
        "validation_split",
        ParamKind.FLOAT,
        0.2,
        "fraction of the data held out to validate",
        minimum=0.0,
        maximum=1.0,
        exclusive_maximum=True,
    ),
    ParamSpec("shuffle", ParamKind.BOOL, True, "shuffle the training data before each epoch"),
    ParamSpec(
        "seed",
        ParamKind.INT,
        0,
        "starting point of every random choice (weights, shuffling, dropout): the same seed, data "
        "and settings train the same model again",
        minimum=0,
        maximum=2**31 - 1,
    ),
    ParamSpec(
        "early_stopping",
        ParamKind.BOOL,
        False,
        "stop when the validation loss stops improving, keeping the best weights",
    ),
    ParamSpec("reduce_lr_on_plateau", ParamKind.BOOL, False, "lower the learning rate when progress stalls"),
    ParamSpec("checkpoint", ParamKind.BOOL, False, "save the best model seen so far (best.keras) in the run folder"),
    ParamSpec("tensorboard", ParamKind.BOOL, False, "write TensorBoard logs in the run folder"),
    ParamSpec(
        "mixed_precision",
        ParamKind.BOOL,
        False,
        "on a GPU: compute in float16 with float32 weights, faster on tensor cores (ignored on a CPU)",
    ),
)

DataValue = str | int | float | bool | None
FIT_SPECS: dict[str, ParamSpec] = {p.name: p for p in FIT_PARAMS}


def check_data(data: object) -> dict[str, DataValue]:
    """A data source description (``training.data``): text keys with plain values, a source
    that is declared (``core.data_sources``), and, for each of its fields with a closed set of
    values, one of them."""
    if not isinstance(data, dict):
        raise ParamError("data", f"the data source must be an object, got {type(data).__name__}")
    for key, value in data.items():
        plain = (
            value is None or isinstance(value, (str, bool, int)) or isinstance(value, float) and math.isfinite(value)
        )
        if not isinstance(key, str) or not plain:
            raise ParamError("data", f"data.{quoted(key)} must be text, a number, true/false or null")
    source = SOURCES_BY_KEY.get(data.get("source") or "synthetic")
    if source is None:
        raise ParamError(
            "data",
            f"data.source {quoted(data['source'])} is not a data source",
            f"use one of {', '.join(SOURCES_BY_KEY)}",
        )
    for field_ in source.fields:
        if field_.choices and data.get(field_.name) not in (*field_.choices, *((None,) if field_.optional else ())):
            raise ParamError(
                "data", f"data.{field_.name} {quoted(data.get(field_.name))} is not one of {', '.join(field_.choices)}"
            )
    return dict(data)


@dataclass
class TrainingSettings:
    optimizer: str = "Adam"
    optimizer_params: dict[str, Any] = field(default_factory=dict)
    lr_schedule: str = "constant"
    lr_schedule_params: dict[str, Any] = field(default_factory=dict)
    epochs: int = 10
    batch_size: int = 32
    validation_split: float = 0.2
    shuffle: bool = True
    seed: int = 0
    early_stopping: bool = False
    reduce_lr_on_plateau: bool = False
    checkpoint: bool = False
    tensorboard: bool = False
    mixed_precision: bool = False
    callback_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    data: dict[str, DataValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.optimizer_params = declared_options(OPTIMIZERS, self.optimizer, self.optimizer_params, "optimizer")
        self.lr_schedule_params = declared_options(
            SCHEDULES, self.lr_schedule, self.lr_schedule_params, "learning-rate schedule"
        )
        unknown = set(self.callback_options) - set(CALLBACKS_BY_KEY)
        if unknown:
            raise ParamError("callbacks", f"there is no callback {sorted(unknown)[0]!r}")
        self.callback_options = {
            spec.key: declared_options({spec.key: spec.options}, spec.key, self.callback_options.get(spec.key, {}))
            for spec in CALLBACKS
        }
        if self.reduce_lr_on_plateau and self.lr_schedule != "constant":
            raise ParamError(
                "reduce_lr_on_plateau",
                f"reduce LR on plateau cannot change a rate that the {self.lr_schedule} schedule sets",
                "use one of them: the constant schedule, or no reduce LR on plateau",
            )

    def data_spec(self) -> dict[str, DataValue]:
        """The data to train on: the source saved with the graph, synthetic data if none is."""
        return dict(self.data) or {"source": "synthetic"}

    def to_dict(self) -> dict[str, Any]:
        """As saved: every fit setting; of the callbacks' options, those changed from their default."""
        changed = {
            spec.key: {p.name: v for p in spec.options if (v := self.callback_options[spec.key][p.name]) != p.default}
            for spec in CALLBACKS
        }
        return {
            "optimizer": {"name": self.optimizer, **self.optimizer_params},
            "lr_schedule": {"name": self.lr_schedule, **self.lr_schedule_params},
            **{p.name: getattr(self, p.name) for p in FIT_PARAMS},
            "callbacks": {key: options for key, options in changed.items() if options},
            "data": dict(self.data),
        }


def declared_options(
    table: dict[str, tuple[ParamSpec, ...]], name: str, given: dict[str, Any], what: str = ""
) -> dict[str, Any]:
    """All options of ``table[name]`` (an optimizer, a schedule, a callback): the declared
    defaults overridden by ``given``, coerced; unknown names and options are refused."""
    if name not in table:
        raise ParamError(what, f"unknown {what} {name!r}", "choose one of " + ", ".join(table))
    specs = {p.name: p for p in table[name]}
    unknown = set(given) - set(specs)
    if unknown:
        raise ParamError(sorted(unknown)[0], f"{name} has no option {sorted(unknown)[0]!r}")
    return {key: spec.coerce(given[key]) if key in given else spec.default for key, spec in specs.items()}


def carried_options(
    table: dict[str, tuple[ParamSpec, ...]], old: str, old_values: dict[str, Any], new: str
) -> dict[str, Any]:
    """The options of ``new`` when the user switches from ``old``: its defaults, except options
    of the same name that the user had changed from ``old``'s defaults (a chosen clipnorm, say)."""
    old_defaults = {p.name: p.default for p in table.get(old, ())}
    kept = {k: v for k, v in old_values.items() if k in old_defaults and v != old_defaults[k]}
    return declared_options(table, new, {p.name: kept[p.name] for p in table[new] if p.name in kept})
