"""The Keras callbacks a training run may use, declared once: the switch that turns each on
(a training setting), its Keras class, and its options with their ranges and a line for a
student. The training dock's form, the file format, the fit plan (and so the app's run and
the exported script) all read these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdesigner.core.params import ParamKind, ParamSpec

AUTO = "auto"  # the monitor: the validation loss when there is validation data, else the loss


@dataclass(frozen=True)
class CallbackSpec:
    key: str  # the training setting that switches it on
    keras_class: str  # keras.callbacks.<keras_class>
    options: tuple[ParamSpec, ...]
    run_files: tuple[tuple[str, str], ...] = ()  # (argument, name inside the run's output folder)


def _monitor() -> ParamSpec:
    return ParamSpec(
        "monitor",
        ParamKind.CHOICE,
        AUTO,
        "the number watched: 'auto' is val_loss when there is validation data, else loss",
        choices=(AUTO, "val_loss", "loss", "val_accuracy", "accuracy"),
    )


def _mode() -> ParamSpec:
    return ParamSpec(
        "mode",
        ParamKind.CHOICE,
        "auto",
        "whether the watched number should go down (min) or up (max); auto guesses from its name",
        choices=("auto", "min", "max"),
    )


def _patience(default: int, doc: str) -> ParamSpec:
    return ParamSpec("patience", ParamKind.INT, default, doc, minimum=0, maximum=10_000)


def _min_delta(default: float) -> ParamSpec:
    return ParamSpec(
        "min_delta", ParamKind.FLOAT, default, "smaller changes do not count as improvement", minimum=0.0, maximum=1e6
    )


CALLBACKS: tuple[CallbackSpec, ...] = (
    CallbackSpec(
        "early_stopping",
        "EarlyStopping",
        (
            _monitor(),
            _mode(),
            _patience(5, "epochs without improvement before training stops"),
            _min_delta(0.0),
            ParamSpec(
                "restore_best_weights",
                ParamKind.BOOL,
                True,
                "end with the weights of the best epoch, not the last",
            ),
        ),
    ),
    CallbackSpec(
        "reduce_lr_on_plateau",
        "ReduceLROnPlateau",
        (
            _monitor(),
            _mode(),
            ParamSpec(
                "factor",
                ParamKind.FLOAT,
                0.1,
                "the learning rate is multiplied by this when progress stalls",
                minimum=0.0,
                exclusive_minimum=True,
                maximum=1.0,
                exclusive_maximum=True,
            ),
            _patience(2, "epochs without improvement before the rate is lowered"),
            _min_delta(1e-4),
            ParamSpec(
                "min_lr", ParamKind.FLOAT, 0.0, "the rate is never lowered below this", minimum=0.0, maximum=10.0
            ),
        ),
    ),
    CallbackSpec(
        "checkpoint",
        "ModelCheckpoint",
        (
            _monitor(),
            _mode(),
            ParamSpec(
                "save_best_only", ParamKind.BOOL, True, "keep only the best model so far instead of every epoch's"
            ),
        ),
        run_files=(("filepath", "best.keras"),),
    ),
    CallbackSpec(
        "tensorboard",
        "TensorBoard",
        (
            ParamSpec(
                "histogram_freq",
                ParamKind.INT,
                0,
                "every how many epochs to record histograms of the weights (0: never)",
                minimum=0,
                maximum=10_000,
            ),
        ),
        run_files=(("log_dir", "logs"),),
    ),
)
CALLBACKS_BY_KEY = {spec.key: spec for spec in CALLBACKS}
