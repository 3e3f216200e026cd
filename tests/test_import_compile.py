"""Importing a ``.keras`` file keeps how it was compiled: optimizer with its options and
schedule, the loss per head (list or dict form), loss weights and metrics; the exported script
then compiles the same way (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

keras = pytest.importorskip("keras")

from netdesigner.backend.export import export_script  # noqa: E402
from netdesigner.backend.import_compile import _canonical  # noqa: E402
from netdesigner.backend.importer import import_model  # noqa: E402
from netdesigner.core.compile_options import LOSSES, METRICS  # noqa: E402


def three_heads():
    inp = keras.Input((4,), name="x")
    a = keras.layers.Dense(1, activation="sigmoid", name="a")(inp)
    b = keras.layers.Dense(3, activation="softmax", name="b")(inp)
    c = keras.layers.Dense(2, name="c")(inp)
    return keras.Model(inp, [a, b, c])


def one_head():
    inp = keras.Input((4,), name="x")
    return keras.Model(inp, keras.layers.Dense(1, activation="sigmoid", name="out")(inp))


COMPILES = {
    "course": (
        one_head,
        dict(
            optimizer=keras.optimizers.Adam(0.001),
            loss=keras.losses.BinaryCrossentropy(),
            metrics=["accuracy", "MeanSquaredError", "FalseNegatives"],
        ),
    ),
    "rmsprop": (one_head, dict(optimizer=keras.optimizers.RMSprop(0.1), loss="binary_crossentropy", metrics=["AUC"])),
    "sgd_momentum": (
        one_head,
        dict(
            optimizer=keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
            loss="mse",
            metrics=["Precision", "Recall"],
        ),
    ),
    "schedule": (
        one_head,
        dict(
            optimizer=keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.01, 100, 0.9)),
            loss=keras.losses.BinaryCrossentropy(from_logits=True),
        ),
    ),
    "weights_list": (
        three_heads,
        dict(
            optimizer="adam",
            loss=[keras.losses.BinaryCrossentropy(), "sparse_categorical_crossentropy", "mse"],
            loss_weights=[0.25, 1.0, 10.0],
            metrics=[["accuracy"], ["accuracy", "AUC"], ["mae"]],
        ),
    ),
    "weights_dict": (
        three_heads,
        dict(
            optimizer=keras.optimizers.Nadam(0.002),
            loss={"a": "binary_crossentropy", "b": "sparse_categorical_crossentropy", "c": "mae"},
            loss_weights={"a": 0.25, "b": 1.0, "c": 10.0},
            metrics={"a": ["accuracy"], "b": ["accuracy"], "c": ["mse"]},
        ),
    ),
}


def _by_output(value, outputs):
    if isinstance(value, dict) and "class_name" not in value:
        return [value.get(name) for name in outputs]
    if isinstance(value, list) and len(value) == len(outputs):
        return value
    return [value] * len(outputs)


def summary(model) -> dict:
    """What a compile call chose, in canonical names: comparable across spellings."""
    config = model.get_compile_config()
    outputs = model.output_names
    optimizer = model.optimizer.get_config()
    optimizer.pop("name")
    losses = [_canonical(loss, LOSSES) for loss in _by_output(config["loss"], outputs)]
    metrics = _by_output(config.get("metrics"), outputs) if len(outputs) > 1 else [config.get("metrics")]
    return {
        "optimizer": (type(model.optimizer).__name__, optimizer),
        "losses": [(name, bool(options.get("from_logits"))) for name, options in losses],
        "weights": [float(w) for w in _by_output(config.get("loss_weights") or 1.0, outputs)],
        "metrics": [sorted(_canonical(m, METRICS)[0] for m in (ms or [])) for ms in metrics],
    }


@pytest.mark.parametrize("case", list(COMPILES))
def test_a_compile_call_round_trips_through_import_and_export(case: str, tmp_path: Path) -> None:
    make, arguments = COMPILES[case]
    original = make()
    original.compile(**arguments)
    original.save(tmp_path / "m.keras")
    doc = import_model(tmp_path / "m.keras")
    assert doc.notes == []
    namespace: dict = {"__name__": "exported"}
    exec(compile(export_script(doc), "exported.py", "exec"), namespace)
    rebuilt = namespace["build_model"]()
    namespace["compile_model"](rebuilt)
    assert summary(rebuilt) == summary(original)


def test_what_cannot_be_kept_is_named(tmp_path: Path) -> None:
    model = one_head()
    model.compile(keras.optimizers.RMSprop(0.01, centered=True), loss="binary_crossentropy", metrics=["Hinge"])
    model.save(tmp_path / "m.keras")
    doc = import_model(tmp_path / "m.keras")
    assert doc.training.optimizer == "RMSprop" and doc.training.optimizer_params["learning_rate"] == 0.01
    assert any("centered=True" in note for note in doc.notes)
    assert any("Hinge" in note for note in doc.notes)
