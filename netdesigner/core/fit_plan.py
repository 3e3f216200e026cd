"""How a graph is fitted, as plain data: epochs, batch size, validation, shuffling, the seed and
the callbacks with their real settings.

Like the compile plan, it is read by the training driver (which instantiates it) and by the
code exporter (which prints it), so the app's run and the exported script fit the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netdesigner.core.callbacks import AUTO, CALLBACKS
from netdesigner.core.compile_plan import KerasObject
from netdesigner.core.graph import Graph, Node
from netdesigner.core.settings import TrainingSettings
from netdesigner.core.spec import LayerSpec


@dataclass(frozen=True)
class RunFile:
    """A path inside the run's output folder (a checkpoint, TensorBoard logs), resolved where
    the run happens: the app's run folder, ``netdesigner train --out``, the script's ``--out``."""

    name: str


@dataclass(frozen=True)
class FitPlan:
    epochs: int
    batch_size: int
    validation_split: float
    shuffle: bool
    seed: int
    callbacks: tuple[KerasObject, ...]


def fit_plan(settings: TrainingSettings, validating: bool) -> FitPlan:
    """``validating``: whether the run has validation data (a split or a separate set), which
    decides what an ``auto`` monitor watches."""
    return FitPlan(
        settings.epochs,
        settings.batch_size,
        settings.validation_split,
        settings.shuffle,
        settings.seed,
        callback_objects(settings, validating),
    )


def callback_objects(settings: TrainingSettings, validating: bool) -> tuple[KerasObject, ...]:
    objects = []
    for spec in CALLBACKS:
        if not getattr(settings, spec.key):
            continue
        options: dict[str, Any] = {name: RunFile(file) for name, file in spec.run_files}
        for name, value in settings.callback_options[spec.key].items():
            options[name] = ("val_loss" if validating else "loss") if value == AUTO and name == "monitor" else value
        objects.append(KerasObject("callbacks", spec.keras_class, tuple(options.items())))
    return tuple(objects)


def writes_files(callback: KerasObject) -> bool:
    """Whether the callback writes into the run's output folder (a checkpoint, logs)."""
    return any(isinstance(value, RunFile) for _, value in callback.kwargs)


def has_validation(settings: TrainingSettings) -> bool:
    """Whether a run on the saved data source validates (a split, or a separate set)."""
    return settings.validation_split > 0 or bool(settings.data.get("validation_path"))


def adapting_nodes(graph: Graph) -> list[Node]:
    """The nodes whose layers learn from the training inputs before fitting, in graph order (a
    shared layer once, at its owner, whose name the Keras layer has)."""
    order = graph.topological_order()
    nodes = [graph.nodes[nid] for nid in order]
    return [node for node in nodes if adapts(node.spec, node.params) and node.shares is None]


def adapts(spec: LayerSpec, params: Mapping[str, Any]) -> bool:
    """Whether a layer learns from the data: its type adapts, and what adapting learns (its
    ``learned`` parameters, such as Discretization's bin_boundaries) is not given."""
    return spec.adapts and all(params.get(p.name) is None for p in spec.params if p.learned)
