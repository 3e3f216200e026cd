"""The headless training driver (the same one the editor's worker will use) and ``train``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from netdesigner.backend.data import DataError, check_compatibility, load_dataset
from netdesigner.cli import main
from netdesigner.cli.common import parse_data_spec
from netdesigner.core.fileformat import Document, load
from tests.conftest import SAMPLE_DIR
from tests.graphs import GraphBuilder

pytest.importorskip("keras")
from netdesigner.backend.training import TrainEvent, TrainingRun  # noqa: E402

SAMPLE = SAMPLE_DIR


@pytest.fixture
def reporting_on_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact batch-by-batch semantics of a CPU run, on any machine (on a GPU the driver lets
    Keras report beside the loop; its own test covers that)."""
    monkeypatch.setattr(TrainingRun, "_on_accelerator", lambda self: False)


def run(doc: Document, spec: dict, epochs: int = 1, batch_size: int = 16, on_event=None):
    events = []
    data = load_dataset(doc.graph, spec)
    training = TrainingRun(
        doc,
        data,
        lambda e: (events.append(e), on_event and on_event(training, e)),
        epochs=epochs,
        batch_size=batch_size,
    )
    return training.run(), events


@pytest.mark.slow
def test_every_sample_graph_trains_offline(sample_path: Path) -> None:
    doc = load(sample_path)
    result, events = run(doc, {"source": "synthetic", "samples": 32})
    assert result.error == "" and not result.stopped
    assert [e.kind for e in events][0] == "started" and events[-1].kind == "finished"
    assert any(e.kind == "batch" for e in events) and any(e.kind == "epoch" for e in events)
    assert all(np.isfinite(v[-1]) for v in result.history.values())


@pytest.mark.slow
def test_every_sample_graph_trains_from_the_command_line(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["train", str(sample_path), "--data", "synthetic:32", "--epochs", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "device CPU" in out and "finished after" in out
    assert {p.name for p in tmp_path.iterdir()} >= {"history.csv", "curves.png", "model.keras"}


def test_loss_decreases_on_a_learnable_problem() -> None:
    doc = load(SAMPLE / "mlp_classifier.json")
    result, _ = run(doc, {"source": "digits"}, epochs=4, batch_size=64)
    losses = result.history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    assert result.history["val_accuracy"][-1] > 0.5


@pytest.mark.usefixtures("reporting_on_the_loop")
def test_stop_ends_at_the_next_batch_and_keeps_the_weights() -> None:
    doc = load(SAMPLE / "mlp_classifier.json")

    def stop_after_three(training, event):
        if event.kind == "batch" and event.batch == 3:
            training.stop()

    result, events = run(doc, {"source": "digits"}, epochs=5, batch_size=16, on_event=stop_after_three)
    batches = [e for e in events if e.kind == "batch"]
    assert result.stopped and events[-1].kind == "stopped"
    assert len(batches) == 3 and batches[-1].epoch == 1
    assert result.model is not None and result.model.count_params() == 6570


@pytest.mark.usefixtures("reporting_on_the_loop")
def test_pause_holds_between_batches_until_resumed_and_leaves_the_pause_out_of_the_time() -> None:
    import threading
    import time

    doc = load(SAMPLE / "mlp_classifier.json")
    resumed_after = []

    def pause_at_two(training, event):
        if event.kind == "batch" and event.epoch == 1 and event.batch == 2:
            training.pause()
            resumed_after.append(time.perf_counter())
            threading.Timer(0.5, training.resume).start()

    result, events = run(doc, {"source": "digits"}, epochs=1, batch_size=64, on_event=pause_at_two)
    kinds = [e.kind for e in events]
    assert result.error == "" and not result.stopped and kinds[-1] == "finished"
    paused, resumed = kinds.index("paused"), kinds.index("resumed")
    assert resumed == paused + 1 and (events[paused].epoch, events[paused].batch) == (1, 2)
    assert events[paused + 2].kind == "batch" and events[paused + 2].batch == 3  # carries on where it was
    assert events[resumed].seconds - events[paused].seconds < 0.25  # the half-second pause is not counted


@pytest.mark.usefixtures("reporting_on_the_loop")
def test_stop_while_paused_ends_the_run() -> None:
    doc = load(SAMPLE / "mlp_classifier.json")

    def pause_then_stop(training, event):
        if event.kind == "batch" and event.batch == 1:
            training.pause()
            __import__("threading").Timer(0.2, training.stop).start()

    result, events = run(doc, {"source": "digits"}, epochs=3, batch_size=64, on_event=pause_then_stop)
    kinds = [e.kind for e in events]
    after_pause = kinds[kinds.index("paused") + 1 :]
    assert (
        result.stopped and after_pause[-1] == "stopped" and "batch" not in after_pause and "resumed" not in after_pause
    )


def test_mixed_precision_needs_a_gpu_and_trains_in_float16_where_one_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import netdesigner.backend.training as training_module

    doc = load(SAMPLE / "mlp_classifier.json")
    doc.training.mixed_precision = True
    monkeypatch.setattr(training_module, "has_gpu", lambda: False)  # whatever this machine has
    result, events = run(doc, {"source": "digits"})
    assert "in float32 (mixed precision needs a GPU)" in events[0].message
    assert result.model.get_layer("hidden1").dtype_policy.name == "float32"
    monkeypatch.setattr(training_module, "has_gpu", lambda: True)  # the GPU path, run on this CPU
    result, events = run(doc, {"source": "digits"}, epochs=2, batch_size=64)
    assert "in mixed precision" in events[0].message and result.error == ""
    assert result.model.get_layer("hidden1").dtype_policy.name == "mixed_float16"
    assert result.model.get_layer("digit").dtype_policy.name == "float32"
    assert result.history["loss"][-1] < result.history["loss"][0]


def test_nan_loss_stops_with_a_message(tmp_path: Path) -> None:
    doc = load(SAMPLE / "multi_head.json")
    data = load_dataset(doc.graph, {"source": "synthetic", "samples": 32})
    data.targets[1][5, 0] = np.nan  # one broken regression target
    events = []
    result = TrainingRun(doc, data, events.append, epochs=3, batch_size=8).run()
    assert "the loss became NaN" in result.error and "lower learning rate" in result.error
    assert events[-1].kind == "failed"


@pytest.mark.parametrize("uptime", [1.0, 30 * 86400.0], ids=["just-booted", "up-a-month"])
def test_throttled_batch_events_still_end_each_epoch_and_still_catch_a_nan_loss(
    uptime: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dock asks for a batch event at most every 50 ms: between them Keras's logs are not
    even read, yet every epoch's last batch is reported and a NaN loss still stops the run.
    ``perf_counter`` counts from an arbitrary zero (boot, on Linux): the first batch is reported
    however long the machine has been up."""
    real, started = time.perf_counter, time.perf_counter()
    monkeypatch.setattr(time, "perf_counter", lambda: real() - started + uptime)
    doc = load(SAMPLE / "multi_head.json")
    data = load_dataset(doc.graph, {"source": "synthetic", "samples": 64})
    events: list[TrainEvent] = []
    TrainingRun(doc, data, events.append, epochs=2, batch_size=8, batch_event_seconds=3600).run()
    last = events[0].batches
    batches = [(e.epoch, e.batch) for e in events if e.kind == "batch"]
    assert last > 2 and batches == [
        (1, 1),
        (1, last),
        (2, last),
    ]  # the first (nothing reported yet) and each epoch's end
    data.targets[1][5, 0] = np.nan
    result = TrainingRun(doc, data, events.append, epochs=3, batch_size=8, batch_event_seconds=3600).run()
    assert "the loss became NaN at epoch 1" in result.error


def test_data_that_does_not_fit_is_explained() -> None:
    doc = load(SAMPLE / "two_branch.json")
    with pytest.raises(DataError, match="one input"):
        load_dataset(doc.graph, {"source": "digits"})
    b = GraphBuilder()
    x = b("Input", "pixels", shape=[64])
    d = b("Dense", "scores", x, units=10, activation="softmax")
    b("Output", "digit", d, loss="CategoricalCrossentropy")
    digits = load_dataset(b.graph, {"source": "digits"})
    assert digits.targets[0].shape == (1797, 10)
    digits.targets[0] = np.argmax(digits.targets[0], axis=1).astype("int32")
    with pytest.raises(DataError, match=r"labels are integers 0\.\.9.*use SparseCategoricalCrossentropy"):
        check_compatibility(b.graph, digits)
    b.graph.set_param(d.id, "units", 5)
    b.graph.set_param(b.graph.by_name("digit").id, "loss", "SparseCategoricalCrossentropy")
    with pytest.raises(DataError, match="labels go up to 9 but the head has 5 units"):
        check_compatibility(b.graph, digits)


def test_npz_and_csv_sources(tmp_path: Path) -> None:
    doc = load(SAMPLE / "two_branch.json")
    rng = np.random.default_rng(1)
    np.savez(
        tmp_path / "d.npz",
        measurements=rng.normal(size=(40, 16)),
        context=rng.normal(size=(40, 8)),
        category=rng.integers(0, 3, size=40),
    )
    result, _ = run(doc, {"source": "npz", "path": str(tmp_path / "d.npz")})
    assert result.error == ""
    b = GraphBuilder()
    x = b("Input", "x", shape=[2])
    d = b("Dense", "y", x, units=1)
    b("Output", "value", d, loss="MeanSquaredError", metrics=["MeanAbsoluteError"])
    (tmp_path / "t.csv").write_text("a,b,target\n" + "\n".join(f"{i},{i % 3},{2 * i}" for i in range(30)))
    result, _ = run(
        Document(b.graph), {"source": "csv", "path": str(tmp_path / "t.csv"), "features": "a,b", "target": "target"}
    )
    assert result.error == ""
    with pytest.raises(DataError, match="columns"):
        load_dataset(
            b.graph, {"source": "csv", "path": str(tmp_path / "t.csv"), "features": "a,zz", "target": "target"}
        )


def test_the_validation_split_is_a_random_sample_even_of_a_sorted_file(tmp_path: Path) -> None:
    from netdesigner.backend.training import holdout

    doc = load(SAMPLE / "mlp_classifier.json")
    x = np.random.default_rng(1).random((200, 64), dtype="float32")
    labels = np.repeat(np.arange(10), 20)  # sorted by class, as files often are
    np.savez(tmp_path / "sorted.npz", pixels=x, digit_head=labels)
    data = load_dataset(doc.graph, {"source": "npz", "path": str(tmp_path / "sorted.npz")})
    _, held_out = holdout(data, 0.2)
    assert len(held_out) == 40 and len(set(held_out.tolist())) >= 8
    pairs = {(row.tobytes(), int(label)) for row, label in zip(data.inputs[0], data.targets[0], strict=True)}
    assert pairs == {(row.tobytes(), int(label)) for row, label in zip(x, labels, strict=True)}  # rows kept whole


def test_parse_data_spec(tmp_path: Path) -> None:
    assert parse_data_spec("digits") == {"source": "digits"}
    assert parse_data_spec("keras:mnist") == {"source": "keras", "name": "mnist"}
    assert parse_data_spec(str(tmp_path)) == {"source": "image_folder", "path": str(tmp_path)}
    assert parse_data_spec("synthetic:64") == {"source": "synthetic", "samples": 64}
    assert parse_data_spec("a/b.npz") == {"source": "npz", "path": "a/b.npz"}
    assert parse_data_spec("t.csv:y:a,b") == {"source": "csv", "path": "t.csv", "target": "y", "features": "a,b"}
    with pytest.raises(ValueError):
        parse_data_spec("nonsense")


def test_train_cli_writes_history_curves_and_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "train",
            str(SAMPLE / "multi_head.json"),
            "--data",
            "synthetic:48",
            "--epochs",
            "2",
            "--batch-size",
            "16",
            "--out",
            str(tmp_path / "run"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "epoch 2/2" in out
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert len(history["loss"]) == 2 and "val_class_scores_loss" in history
    assert (tmp_path / "run" / "curves.png").stat().st_size > 0
    assert (tmp_path / "run" / "model.keras").stat().st_size > 0


@pytest.mark.slow
def test_ctrl_c_stops_training_and_still_writes_the_results(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-u", "-m", "netdesigner", "train", str(SAMPLE / "mlp_classifier.json")]
    command += ["--data", "digits", "--epochs", "500", "--batch-size", "8", "--out", str(tmp_path)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    for line in process.stdout:
        if line.startswith("epoch 1/500"):
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-2000:]
    assert "stopping after this batch" in err and "stopped after" in out
    assert (tmp_path / "model.keras").is_file() and (tmp_path / "history.csv").is_file()


def test_train_cli_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(SAMPLE / "two_branch.json"), "--data", "digits", "--out", str(tmp_path)]) == 1
    assert main(["train", str(SAMPLE / "two_branch.json"), "--data", "??", "--out", str(tmp_path)]) == 2
    assert main(["train", str(tmp_path / "none.json"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "one input" in err


def test_image_folder_source_trains(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, colour in (("cats", 40), ("dogs", 200)):
        (tmp_path / label).mkdir()
        for i in range(6):
            pixels = np.clip(rng.normal(colour, 20, size=(20, 24, 3)), 0, 255).astype("uint8")
            Image.fromarray(pixels).save(tmp_path / label / f"{i}.png")
    b = GraphBuilder()
    x = b("Input", "photo", shape=[16, 16, 3])
    x = b("Rescaling", "scale", x)
    x = b("Conv2D", "conv", x, filters=4)
    x = b("GlobalAveragePooling2D", "gap", x)
    x = b("Dense", "animal", x, units=2, activation="softmax")
    b("Output", "head", x, loss="SparseCategoricalCrossentropy")
    data = load_dataset(b.graph, {"source": "image_folder", "path": str(tmp_path)})
    assert data.inputs[0].shape == (12, 16, 16, 3) and sorted(set(data.targets[0].tolist())) == [0, 1]
    result, _ = run(Document(b.graph), {"source": "image_folder", "path": str(tmp_path)}, batch_size=4)
    assert result.error == ""
    with pytest.raises(DataError, match="not a folder"):
        load_dataset(b.graph, {"source": "image_folder", "path": str(tmp_path / "nope")})


def test_keras_dataset_without_network_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import keras

    timeouts = []

    def offline():
        timeouts.append(socket.getdefaulttimeout())
        raise Exception("URL fetch failure: Name or service not known")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    doc = load(SAMPLE / "mlp_classifier.json")
    with pytest.raises(DataError, match="needs the network; offline, use the built-in digits"):
        load_dataset(doc.graph, {"source": "keras", "name": "mnist"})
    assert timeouts == [20] and socket.getdefaulttimeout() is None  # a silent network cannot hang it


def test_optional_keras_callbacks(tmp_path: Path) -> None:
    doc = load(SAMPLE / "mlp_classifier.json")
    training = doc.training
    training.early_stopping = training.checkpoint = training.tensorboard = training.reduce_lr_on_plateau = True
    training.callback_options["early_stopping"].update(patience=1, min_delta=10.0, monitor="loss")
    training.callback_options["tensorboard"]["histogram_freq"] = 1
    data = load_dataset(doc.graph, {"source": "digits"})
    result = TrainingRun(doc, data, lambda e: None, epochs=3, batch_size=128, out_dir=tmp_path).run()
    assert result.error == ""
    assert (tmp_path / "best.keras").is_file() and any((tmp_path / "logs").iterdir())
    # no improvement of 10 in the loss within one epoch: early stopping ends at epoch 2
    assert len(result.history["loss"]) == 2


def test_predictions_on_held_out_data() -> None:
    from netdesigner.backend.training import predict

    doc = load(SAMPLE / "multi_head.json")
    data = load_dataset(doc.graph, {"source": "synthetic", "samples": 50})
    result = TrainingRun(doc, data, lambda e: None, epochs=1).run()
    predictions = predict(result.model, data, 0.2, "SparseCategoricalCrossentropy")
    assert predictions.x.shape == (10, 20) and predictions.y_pred.shape == (10, 5)


def test_separate_validation_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(3)
    for name, count in (("train", 40), ("val", 12)):
        np.savez(
            tmp_path / f"{name}.npz",
            x=rng.normal(size=(count, 20)).astype("float32"),
            class_head=rng.integers(0, 5, size=count),
            value_head=rng.normal(size=(count, 1)),
        )
    doc = load(SAMPLE / "multi_head.json")
    spec = {"source": "npz", "path": str(tmp_path / "train.npz"), "validation_path": str(tmp_path / "val.npz")}
    data = load_dataset(doc.graph, spec)
    assert data.validation is not None and data.validation.samples == 12
    result = TrainingRun(doc, data, lambda e: None, epochs=1, batch_size=8).run()
    assert result.error == "" and "val_loss" in result.history
    code = main(
        [
            "train",
            str(SAMPLE / "multi_head.json"),
            "--data",
            str(tmp_path / "train.npz"),
            "--validation",
            str(tmp_path / "val.npz"),
            "--epochs",
            "1",
            "--out",
            str(tmp_path / "run"),
        ]
    )
    assert code == 0, capsys.readouterr().err


def test_on_an_accelerator_reporting_runs_beside_the_loop_and_pause_and_stop_still_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where Keras runs the batch-end hook on its helper thread (the GPU path, forced here; with
    the JAX backend Keras really does so, with TensorFlow it keeps the hook on the loop), the loop
    itself holds for a pause and ends for a stop, a batch later at most."""
    import threading

    import netdesigner.backend.training as training_module

    monkeypatch.setattr(training_module.TrainingRun, "_on_accelerator", lambda self: True)
    doc = load(SAMPLE / "mlp_classifier.json")
    seen: dict[str, float] = {}

    def pause_then_stop(training, event):
        if event.kind == "batch" and event.epoch == 1 and event.batch == 2 and "paused" not in seen:
            seen["paused"] = 0
            training.pause()
            threading.Timer(0.4, training.stop).start()
        if event.kind == "paused":
            seen["held"] = event.batch

    result, events = run(doc, {"source": "digits"}, epochs=50, batch_size=16, on_event=pause_then_stop)
    batches = [e for e in events if e.kind == "batch"]
    assert result.stopped and events[-1].kind == "stopped" and result.model is not None
    assert seen.get("held") is not None and len(batches) <= seen["held"] + 2  # held, then one batch at most
    assert 0 < len(result.history.get("loss", [])) + len(batches)
