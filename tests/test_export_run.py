"""The exported script trains what the app trains: for the same graph, data file, epochs and
seed on a CPU, ``netdesigner train`` and ``python model.py`` give the same history, epoch by
epoch (issue 10's contract), with the optimizer, schedule, callbacks and Normalization chosen
in the graph."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from netdesigner.backend.export import export_script
from netdesigner.core.fileformat import Document, load, save
from netdesigner.core.settings import TrainingSettings
from tests.conftest import ROOT, SAMPLE_DIR
from tests.graphs import GraphBuilder

ENV = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}


def two_input_two_head() -> Document:
    """Two inputs (one normalized), two heads, RMSprop with momentum and an exponential decay,
    early stopping and a checkpoint: the pieces of the fit plan the script must reproduce."""
    b = GraphBuilder()
    a = b("Input", "a", shape=[6])
    c = b("Input", "c", shape=[3])
    norm = b("Normalization", "norm", a)
    joined = b("Concatenate", "join", norm, c)
    hidden = b("Dense", "hidden", joined, units=12, activation="relu")
    drop = b("Dropout", "drop", hidden, rate=0.2)
    kind = b("Dense", "kind", drop, units=3, activation="softmax")
    value = b("Dense", "value", drop, units=1)
    b("Output", "kind_head", kind, loss="SparseCategoricalCrossentropy", metrics=["accuracy"])
    b("Output", "value_head", value, loss="MeanSquaredError", loss_weight=0.5, metrics=["MeanAbsoluteError"])
    training = TrainingSettings(
        optimizer="RMSprop",
        optimizer_params={"learning_rate": 0.01, "momentum": 0.5},
        lr_schedule="ExponentialDecay",
        lr_schedule_params={"decay_steps": 10, "decay_rate": 0.9},
        batch_size=16,
        early_stopping=True,
        checkpoint=True,
        callback_options={"early_stopping": {"patience": 2}, "checkpoint": {"mode": "min"}},
    )
    return Document(b.graph, training, name="two in, two out")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, env={**ENV, **(env or {})}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def histories_after(
    doc: Document, data: Path | str, tmp_path: Path, seed: int, env: dict[str, str] | None = None
) -> tuple[dict, dict]:
    graph, script = tmp_path / "graph.json", tmp_path / "model.py"
    save(doc, graph)
    script.write_text(export_script(doc), encoding="utf-8")
    common = ["--data", str(data), "--epochs", "3", "--seed", str(seed)]
    run([sys.executable, "-m", "netdesigner", "train", str(graph), *common, "--out", "A"], tmp_path, env)
    run([sys.executable, str(script), *common, "--out", "B"], tmp_path, env)
    assert (tmp_path / "B" / "model.keras").is_file()
    return (json.loads((tmp_path / d / "history.json").read_text()) for d in "AB")  # type: ignore[return-value]


def assert_same(app: dict, script: dict) -> None:
    assert app.keys() == script.keys() and app["loss"]
    for key in app:
        np.testing.assert_allclose(script[key], app[key], rtol=1e-4, err_msg=key)


@pytest.mark.slow
def test_the_mlp_sample_on_the_digits_arrays(tmp_path: Path) -> None:
    with np.load(SAMPLE_DIR.parent / "resources" / "datasets" / "digits.npz") as digits:
        np.savez(tmp_path / "digits.npz", x=digits["images"].reshape(-1, 64) / 16.0, y=digits["target"])
    doc = load(SAMPLE_DIR / "mlp_classifier.json")
    doc.training.optimizer, doc.training.optimizer_params = "SGD", {"learning_rate": 0.05, "momentum": 0.9}
    doc.training.reduce_lr_on_plateau = True
    doc.training.callback_options["reduce_lr_on_plateau"].update(patience=1, factor=0.5, min_delta=0.05)
    app, script = histories_after(doc, tmp_path / "digits.npz", tmp_path, 7)
    assert_same(app, script)
    assert "learning_rate" in app  # ReduceLROnPlateau logs the rate it set


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3])
def test_a_two_input_two_head_graph_with_schedule_callbacks_and_normalization(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(5.0, 3.0, size=(120, 6)).astype("float32")
    c = rng.normal(size=(120, 3)).astype("float32")
    np.savez(
        tmp_path / "data.npz",
        a=a,
        c=c,
        kind_head=(a[:, 0] > 5).astype("int32") + (c[:, 0] > 0),
        value=a[:, :1] - c[:, 1:2],  # a head's target may be named after the layer feeding it
    )
    app, script = histories_after(two_input_two_head(), tmp_path / "data.npz", tmp_path, seed)
    assert_same(app, script)
    assert "val_kind_loss" in app and (tmp_path / "B" / "best.keras").is_file()


@pytest.mark.slow
def test_another_seed_trains_differently(tmp_path: Path) -> None:
    """The contract is not vacuous: the seed reaches both sides."""
    doc = load(SAMPLE_DIR / "mlp_classifier.json")
    with np.load(SAMPLE_DIR.parent / "resources" / "datasets" / "digits.npz") as digits:
        np.savez(tmp_path / "d.npz", x=digits["images"].reshape(-1, 64) / 16.0, y=digits["target"])
    graph, script = tmp_path / "graph.json", tmp_path / "model.py"
    save(doc, graph)
    script.write_text(export_script(doc), encoding="utf-8")
    run([sys.executable, str(script), "--data", "d.npz", "--epochs", "1", "--seed", "1", "--out", "one"], tmp_path)
    run([sys.executable, str(script), "--data", "d.npz", "--epochs", "1", "--seed", "2", "--out", "two"], tmp_path)
    one, two = (json.loads((tmp_path / d / "history.json").read_text()) for d in ("one", "two"))
    assert one["loss"] != two["loss"]


def fake_fashion_mnist(keras_home: Path, samples: int) -> None:
    """A small Fashion-MNIST in Keras's download cache, in its file format (Keras checks no
    hash for this dataset): the test runs offline."""
    folder = keras_home / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 10, samples, dtype=np.uint8)
    images = (rng.random((samples, 28, 28)) * 60 + labels[:, None, None] * 19).astype(np.uint8)
    for part in ("train", "t10k"):
        with gzip.open(folder / f"{part}-labels-idx1-ubyte.gz", "wb") as handle:
            handle.write(bytes(8) + labels.tobytes())
        with gzip.open(folder / f"{part}-images-idx3-ubyte.gz", "wb") as handle:
            handle.write(bytes(16) + images.tobytes())


@pytest.mark.slow
def test_a_keras_dataset_source_is_read_by_the_script_as_by_the_app(tmp_path: Path) -> None:
    fake_fashion_mnist(tmp_path / "keras_home", 300)
    b = GraphBuilder()
    image = b("Input", "image", shape=[28, 28, 1])
    flat = b("Flatten", "flat", image)
    hidden = b("Dense", "hidden", flat, units=16, activation="relu")
    b(
        "Output",
        "kind",
        b("Dense", "scores", hidden, units=10, activation="softmax"),
        loss="SparseCategoricalCrossentropy",
    )
    doc = Document(b.graph, TrainingSettings(batch_size=32, data={"source": "keras", "name": "fashion_mnist"}))
    assert 'DATA = "keras:fashion_mnist"' in export_script(doc)
    env = {"KERAS_HOME": str(tmp_path / "keras_home")}
    app, script = histories_after(doc, "keras:fashion_mnist", tmp_path, 5, env)
    assert_same(app, script)


@pytest.mark.slow
def test_state_ports_and_wrappers_train_alike(tmp_path: Path) -> None:
    """The encoder-decoder sample (a decoder started from the encoder's state ports) and a
    Bidirectional/TimeDistributed tagger: the app and the exported script train them alike."""
    from tests.test_wrappers import tagger

    rng = np.random.default_rng(5)
    source, target = rng.integers(0, 50, (64, 12)), rng.integers(0, 50, (64, 10))
    np.savez(tmp_path / "pairs.npz", source_tokens=source, target_tokens=target, next_token_head=np.roll(target, -1, 1))
    app, script = histories_after(load(SAMPLE_DIR / "encoder_decoder.json"), tmp_path / "pairs.npz", tmp_path, 2)
    assert_same(app, script)
    tokens = rng.integers(0, 30, (64, 7))
    (tmp_path / "tagger").mkdir()
    np.savez(tmp_path / "tags.npz", tokens=tokens, tags_head=tokens % 4)
    app, script = histories_after(tagger(), tmp_path / "tags.npz", tmp_path / "tagger", 2)
    assert_same(app, script)


def test_the_scripts_stand_in_data_is_the_apps_synthetic_data(sample_path: Path, tmp_path: Path) -> None:
    """One recipe: without data, the script trains on exactly the arrays the app's synthetic
    source makes for the same graph, samples and seed (text Inputs as text, targets learnable)."""
    import runpy

    from netdesigner.backend.data import load_dataset

    doc = load(sample_path)
    doc.training.data = {"source": "synthetic", "samples": 40, "seed": 7}
    script = tmp_path / "model.py"
    script.write_text(export_script(doc), encoding="utf-8")
    namespace = runpy.run_path(str(script))  # defines, runs nothing: main() is for __main__
    samples, inputs, heads, seed = (namespace[f"STAND_IN_{k}"] for k in ("SAMPLES", "INPUTS", "HEADS", "SEED"))
    assert (samples, seed) == (40, 7)
    x, y = namespace["shuffled"](*namespace["stand_in_data"](samples, inputs, heads, seed))  # as main() does
    app = load_dataset(doc.graph, doc.training.data)
    for theirs, ours in zip([*x, *y], [*app.inputs, *app.targets], strict=True):
        assert theirs.shape == ours.shape
        if ours.dtype == object:  # the app holds text as Python strings, NumPy's are the same text
            np.testing.assert_array_equal(theirs.astype(str), ours.astype(str))
        else:
            assert theirs.dtype == ours.dtype
            np.testing.assert_array_equal(theirs, ours)
