"""What can be chosen when compiling: losses, metrics and optimizers, declared as data.

Names are Keras class names (``keras.losses.<name>``, ``keras.metrics.<name>``,
``keras.optimizers.<name>``), except the metric ``accuracy``, which Keras resolves to the
accuracy that fits the loss. Optimizer options reuse ``ParamSpec`` so the same editor widgets
and coercion serve them.
"""

from __future__ import annotations

from enum import StrEnum

from netdesigner.core.params import ParamKind, ParamSpec

LOSSES: tuple[str, ...] = (
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "KLDivergence",
    "CosineSimilarity",
    "Poisson",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
)


class Target(StrEnum):
    """What a loss expects as targets."""

    ONE_HOT = "one_hot"  # one row of 0s and a 1 per class
    CLASS_INDEX = "class_index"  # the class's number
    BINARY = "binary"  # 0 or 1
    VALUES = "values"  # any numbers
    POSITIVE_VALUES = "positive_values"  # numbers above 0


# What each loss expects as targets; stand-in data, data checks and head warnings read this.
LOSS_TARGETS: dict[str, Target] = {
    "CategoricalCrossentropy": Target.ONE_HOT,
    "SparseCategoricalCrossentropy": Target.CLASS_INDEX,
    "BinaryCrossentropy": Target.BINARY,
    "MeanSquaredError": Target.VALUES,
    "MeanAbsoluteError": Target.VALUES,
    "MeanAbsolutePercentageError": Target.POSITIVE_VALUES,
    "MeanSquaredLogarithmicError": Target.POSITIVE_VALUES,
    "Huber": Target.VALUES,
    "LogCosh": Target.VALUES,
    "KLDivergence": Target.ONE_HOT,
    "CosineSimilarity": Target.VALUES,
    "Poisson": Target.POSITIVE_VALUES,
    "Hinge": Target.BINARY,
    "SquaredHinge": Target.BINARY,
    "CategoricalHinge": Target.ONE_HOT,
}


def losses_expecting(*targets: Target) -> frozenset[str]:
    return frozenset(loss for loss, kind in LOSS_TARGETS.items() if kind in targets)


# Losses that accept ``from_logits`` (the head outputs raw scores instead of probabilities).
LOGIT_LOSSES: frozenset[str] = frozenset(
    {"CategoricalCrossentropy", "SparseCategoricalCrossentropy", "BinaryCrossentropy"}
)

METRICS: tuple[str, ...] = (
    "accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "AUC",
    "Precision",
    "Recall",
    "TruePositives",
    "TrueNegatives",
    "FalsePositives",
    "FalseNegatives",
    "MeanSquaredError",
    "RootMeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "CosineSimilarity",
    "R2Score",
)


def _lr(default: float) -> ParamSpec:
    return ParamSpec(
        "learning_rate",
        ParamKind.FLOAT,
        default,
        "size of each update step",
        minimum=0.0,
        exclusive_minimum=True,
        maximum=10.0,
    )


def _momentum(doc: str = "fraction of the previous update carried into the next") -> ParamSpec:
    return ParamSpec("momentum", ParamKind.FLOAT, 0.0, doc, minimum=0.0, maximum=1.0, exclusive_maximum=True)


def _beta(name: str, default: float, doc: str) -> ParamSpec:
    return ParamSpec(name, ParamKind.FLOAT, default, doc, minimum=0.0, maximum=1.0, exclusive_maximum=True)


def _epsilon(default: float) -> ParamSpec:
    return ParamSpec(
        "epsilon",
        ParamKind.FLOAT,
        default,
        "small number that keeps divisions stable",
        minimum=0.0,
        exclusive_minimum=True,
        maximum=1.0,
    )


_ADAM_FAMILY = (
    _beta("beta_1", 0.9, "decay of the running average of gradients"),
    _beta("beta_2", 0.999, "decay of the running average of squared gradients"),
    _epsilon(1e-7),
)

# Options every Keras optimizer takes; off (None) unless chosen.
_CLIPPING = (
    ParamSpec(
        "clipnorm",
        ParamKind.FLOAT,
        None,
        "cap each weight's gradient at this length: tames exploding gradients",
        minimum=0.0,
        exclusive_minimum=True,
        maximum=1e6,
        nullable=True,
        empty="no cap",
    ),
)

OPTIMIZERS: dict[str, tuple[ParamSpec, ...]] = {
    "Adam": (_lr(0.001), *_ADAM_FAMILY, ParamSpec("amsgrad", ParamKind.BOOL, False, "use the AMSGrad variant")),
    "AdamW": (
        _lr(0.001),
        ParamSpec(
            "weight_decay",
            ParamKind.FLOAT,
            0.004,
            "how strongly weights are pulled towards zero",
            minimum=0.0,
            maximum=1.0,
        ),
        *_ADAM_FAMILY,
    ),
    "SGD": (_lr(0.01), _momentum(), ParamSpec("nesterov", ParamKind.BOOL, False, "use Nesterov momentum")),
    "RMSprop": (
        _lr(0.001),
        _beta("rho", 0.9, "decay of the running average of squared gradients"),
        _momentum(),
        _epsilon(1e-7),
    ),
    "Adagrad": (
        _lr(0.001),
        ParamSpec(
            "initial_accumulator_value",
            ParamKind.FLOAT,
            0.1,
            "starting value of the accumulators",
            minimum=0.0,
            maximum=100.0,
        ),
        _epsilon(1e-7),
    ),
    "Adadelta": (_lr(0.001), _beta("rho", 0.95, "decay rate of the running averages"), _epsilon(1e-7)),
    "Adamax": (_lr(0.001), *_ADAM_FAMILY),
    "Nadam": (_lr(0.001), *_ADAM_FAMILY),
}
OPTIMIZERS = {name: (*options, *_CLIPPING) for name, options in OPTIMIZERS.items()}

OPTIMIZER_DOCS: dict[str, str] = {
    "Adam": "adapts each weight's step from running averages of its gradients: a good first choice",
    "AdamW": "Adam with weight decay kept apart from the gradients: often better on large models",
    "SGD": "plain gradient descent, with optional momentum: simple, needs a tuned learning rate",
    "RMSprop": "divides each step by a running average of squared gradients: good for recurrent networks",
    "Adagrad": "larger steps for rarely updated weights: suits sparse features",
    "Adadelta": "adapts steps from a window of past updates: little tuning of the learning rate",
    "Adamax": "Adam with the infinity norm: steadier with embeddings",
    "Nadam": "Adam with Nesterov momentum: often converges a little faster",
}


def _decay_steps(doc: str = "how many batches one decay period lasts") -> ParamSpec:
    return ParamSpec("decay_steps", ParamKind.INT, 1000, doc, minimum=1, maximum=100_000_000)


def _decay_rate(default: float) -> ParamSpec:
    return ParamSpec(
        "decay_rate", ParamKind.FLOAT, default, "how much the rate shrinks per decay period", minimum=0.0, maximum=10.0
    )


_STAIRCASE = ParamSpec("staircase", ParamKind.BOOL, False, "lower the rate in steps instead of smoothly")

# Learning-rate schedules (``keras.optimizers.schedules.<name>``), starting from the optimizer's
# learning rate; "constant" keeps it fixed.
SCHEDULES: dict[str, tuple[ParamSpec, ...]] = {
    "constant": (),
    "ExponentialDecay": (_decay_steps(), _decay_rate(0.96), _STAIRCASE),
    "InverseTimeDecay": (_decay_steps(), _decay_rate(0.5), _STAIRCASE),
    "CosineDecay": (
        _decay_steps("after how many batches the rate reaches its floor"),
        ParamSpec(
            "alpha", ParamKind.FLOAT, 0.0, "the floor, as a fraction of the starting rate", minimum=0.0, maximum=1.0
        ),
    ),
    "PolynomialDecay": (
        _decay_steps("after how many batches the rate reaches its end value"),
        ParamSpec("end_learning_rate", ParamKind.FLOAT, 0.0001, "the rate it ends at", minimum=0.0, maximum=10.0),
        ParamSpec("power", ParamKind.FLOAT, 1.0, "1 is a straight line; above 1 falls fast first", minimum=0.0),
        ParamSpec("cycle", ParamKind.BOOL, False, "start over with longer periods instead of staying at the end"),
    ),
}

SCHEDULE_DOCS: dict[str, str] = {
    "constant": "the learning rate stays the same",
    "ExponentialDecay": "multiply the rate by decay_rate every decay_steps batches",
    "InverseTimeDecay": "rate / (1 + decay_rate * batches / decay_steps)",
    "CosineDecay": "follow half a cosine from the rate down to alpha times it over decay_steps batches",
    "PolynomialDecay": "go from the rate to end_learning_rate over decay_steps batches along a polynomial",
}
