"""How a graph is compiled, as plain data: optimizer, and per head its loss, weight, metrics.

The Keras side instantiates this plan and the code exporter prints it, so the app and the
exported script compile exactly the same way. The coherence checks warn, before training,
about choices that run but cannot learn what the student intends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netdesigner.core.compile_options import LOGIT_LOSSES, OPTIMIZERS, Target, losses_expecting
from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult
from netdesigner.core.settings import TrainingSettings

REGRESSION_LOSSES = losses_expecting(Target.VALUES, Target.POSITIVE_VALUES)
CLASS_LOSSES = losses_expecting(Target.ONE_HOT, Target.CLASS_INDEX) & LOGIT_LOSSES  # the class crossentropies


@dataclass(frozen=True)
class KerasObject:
    """``keras.<module>.<name>(**kwargs)``; a metric may instead be a Keras string alias."""

    module: str
    name: str
    kwargs: tuple[tuple[str, Any], ...] = ()
    alias: bool = False


@dataclass(frozen=True)
class HeadPlan:
    node_id: str
    name: str
    loss: KerasObject
    loss_weight: float
    metrics: tuple[KerasObject, ...]


@dataclass(frozen=True)
class CompilePlan:
    optimizer: KerasObject
    heads: tuple[HeadPlan, ...]

    @property
    def loss_weights(self) -> list[float] | None:
        """None when weighting changes nothing (one head at weight 1)."""
        if len(self.heads) == 1 and self.heads[0].loss_weight == 1.0:
            return None
        return [h.loss_weight for h in self.heads]


def compile_plan(graph: Graph, settings: TrainingSettings) -> CompilePlan:
    return CompilePlan(optimizer_object(settings), head_plans(graph))


def optimizer_object(settings: TrainingSettings) -> KerasObject:
    """The optimizer with the options that differ from Keras's defaults (the learning rate
    always, so a reader sees it), its learning rate a schedule when one is chosen."""
    defaults = {p.name: p.default for p in OPTIMIZERS[settings.optimizer]}
    options: list[tuple[str, Any]] = [
        (key, value)
        for key, value in settings.optimizer_params.items()
        if key == "learning_rate" or value != defaults[key]
    ]
    if settings.lr_schedule != "constant":
        rate = settings.optimizer_params["learning_rate"]
        schedule = KerasObject(
            "optimizers.schedules",
            settings.lr_schedule,
            (("initial_learning_rate", rate), *settings.lr_schedule_params.items()),
        )
        options = [("learning_rate", schedule) if key == "learning_rate" else (key, v) for key, v in options]
    return KerasObject("optimizers", settings.optimizer, tuple(options))


def head_plans(graph: Graph) -> tuple[HeadPlan, ...]:
    """Per Output head: its loss, loss weight and metrics, as chosen on the node."""
    heads = []
    for node in graph.heads():
        p = node.params
        loss_kwargs = (("from_logits", True),) if p["from_logits"] and p["loss"] in LOGIT_LOSSES else ()
        metrics = tuple(
            KerasObject("metrics", m, alias=True) if m == "accuracy" else KerasObject("metrics", m)
            for m in p["metrics"]
        )
        heads.append(
            HeadPlan(node.id, node.name, KerasObject("losses", p["loss"], loss_kwargs), p["loss_weight"], metrics)
        )
    return tuple(heads)


@dataclass(frozen=True)
class Concern:
    node_id: str
    message: str
    hint: str


def head_concerns(graph: Graph, result: InferenceResult) -> list[Concern]:
    """Loss/activation/units combinations that train without error but make no sense."""
    concerns = []
    for node in graph.heads():
        edge = graph.input_edges(node.id).get(0)
        info = result.infos[node.id]
        if edge is None or info.shape is None:
            continue
        source = graph.nodes[edge.source]
        activation = final_activation(source.type, source.params)
        for message, hint in _check_head(node.name, node.params, activation, info.shape[-1]):
            concerns.append(Concern(node.id, message, hint))
    return concerns


def final_activation(layer_type: str, params: Mapping[str, Any]) -> str:
    """The activation a layer applies last ('linear' if none); a wrapper's is its layer's."""
    if layer_type == "Softmax":
        return "softmax"
    if layer_type in ("ReLU", "LeakyReLU", "ELU"):
        return "relu"
    wrapped = params.get("layer")
    if isinstance(wrapped, dict):
        return final_activation(wrapped["type"], wrapped["params"])
    return params.get("activation", "linear")


def _check_head(name: str, p: dict[str, Any], activation: str, units: int | None) -> list[tuple[str, str]]:
    loss, logits = p["loss"], p["from_logits"]
    found: list[tuple[str, str]] = []
    probabilities = activation in ("softmax", "sigmoid")
    if logits and loss not in LOGIT_LOSSES:
        found.append((f"from_logits has no effect with {loss}", "untick from_logits"))
    if loss in LOGIT_LOSSES and logits and probabilities:
        found.append(
            (
                f"{name} applies {activation} but from_logits is ticked",
                "set the last layer's activation to 'linear', or untick from_logits",
            )
        )
    if loss == "BinaryCrossentropy":
        if activation == "softmax" and units not in (None, 1):
            found.append(
                (
                    f"{name} has a softmax over {units} units with BinaryCrossentropy",
                    "for one class out of several use SparseCategoricalCrossentropy (integer labels) or "
                    "CategoricalCrossentropy (one-hot labels); for several yes/no labels use sigmoid",
                )
            )
        elif not logits and activation != "sigmoid":
            found.append(
                (
                    f"BinaryCrossentropy expects probabilities, but {name} ends with '{activation}'",
                    "use a sigmoid activation on the last layer, or tick from_logits",
                )
            )
    if loss in CLASS_LOSSES:
        if units == 1:
            found.append(
                (
                    f"{name} has a single unit, so {loss} sees only one class",
                    "set units to the number of classes, or use BinaryCrossentropy with a sigmoid for two classes",
                )
            )
        elif not logits and activation != "softmax":
            found.append(
                (
                    f"{loss} expects class probabilities, but {name} ends with '{activation}'",
                    "use a softmax activation on the last layer, or tick from_logits",
                )
            )
    if loss in REGRESSION_LOSSES:
        if activation == "softmax":
            found.append(
                (
                    f"{name} predicts values with {loss} but ends with softmax, which forces outputs summing to 1",
                    "use a 'linear' activation for regression",
                )
            )
        if "accuracy" in p["metrics"]:
            found.append(
                (
                    f"accuracy is not meaningful for a regression head like {name}",
                    "use MeanAbsoluteError or RootMeanSquaredError as the metric",
                )
            )
    return found
