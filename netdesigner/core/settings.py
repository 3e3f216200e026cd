"""Training settings saved with a graph: optimizer, epochs, batch size, validation, data source.

Per-head settings (loss, loss weight, metrics) live on the Output nodes; these are the ones
that belong to the whole model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from netdesigner.core.compile_options import OPTIMIZERS
from netdesigner.core.errors import ParamError
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
        "early_stopping",
        ParamKind.BOOL,
        False,
        "stop when the validation loss stops improving, keeping the best weights",
    ),
    ParamSpec("reduce_lr_on_plateau", ParamKind.BOOL, False, "lower the learning rate when progress stalls"),
    ParamSpec(
        "patience", ParamKind.INT, 5, "epochs without improvement before those two act", minimum=1, maximum=10_000
    ),
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
    """A data source description (``training.data``): text keys with plain values."""
    if not isinstance(data, dict):
        raise ParamError("data", f"the data source must be an object, got {type(data).__name__}")
    for key, value in data.items():
        plain = (
            value is None or isinstance(value, (str, bool, int)) or isinstance(value, float) and math.isfinite(value)
        )
        if not isinstance(key, str) or not plain:
            raise ParamError("data", f"data.{key} must be text, a number, true/false or null")
    return dict(data)


@dataclass
class TrainingSettings:
    optimizer: str = "Adam"
    optimizer_params: dict[str, Any] = field(default_factory=dict)
    epochs: int = 10
    batch_size: int = 32
    validation_split: float = 0.2
    shuffle: bool = True
    early_stopping: bool = False
    reduce_lr_on_plateau: bool = False
    patience: int = 5
    checkpoint: bool = False
    tensorboard: bool = False
    mixed_precision: bool = False
    data: dict[str, DataValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.optimizer_params = optimizer_params(self.optimizer, self.optimizer_params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "optimizer": {"name": self.optimizer, **self.optimizer_params},
            **{p.name: getattr(self, p.name) for p in FIT_PARAMS},
            "data": dict(self.data),
        }


def optimizer_params(name: str, given: dict[str, Any]) -> dict[str, Any]:
    """All options of optimizer ``name``: defaults overridden by ``given``, coerced."""
    if name not in OPTIMIZERS:
        raise ParamError("optimizer", f"unknown optimizer {name!r}", "choose one of " + ", ".join(OPTIMIZERS))
    specs = {p.name: p for p in OPTIMIZERS[name]}
    unknown = set(given) - set(specs)
    if unknown:
        raise ParamError(sorted(unknown)[0], f"{name} has no option {sorted(unknown)[0]!r}")
    return {key: spec.coerce(given[key]) if key in given else spec.default for key, spec in specs.items()}
