"""Fine-tuning in two runs: train the head on a frozen backbone, unfreeze the backbone's top,
train on from where the first run ended (the dock's check box, ``train --start-from``)."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore

from netdesigner.backend.builder import build_model
from netdesigner.backend.carry_weights import carry_weights
from netdesigner.cli import main
from netdesigner.core.fileformat import load
from tests.conftest import SAMPLE_DIR, without_downloads
from tests.test_gui_training import press_train, wait_until_done


def test_unfrozen_top_starts_from_the_trained_weights() -> None:
    import keras

    doc = load(SAMPLE_DIR / "transfer_learning.json")
    without_downloads(doc.graph)
    keras.utils.set_random_seed(1)
    first = build_model(doc.graph)
    backbone = doc.graph.by_name("mobilenet_v2")
    doc.graph.set_param(backbone.id, "unfreeze_last", 54)
    keras.utils.set_random_seed(2)
    second = build_model(doc.graph)
    assert not np.array_equal(
        first.get_layer("prediction").get_weights()[0], second.get_layer("prediction").get_weights()[0]
    )
    carried = carry_weights(first, second)
    assert {"mobilenet_v2", "prediction"} <= set(carried)
    for a, b in zip(first.weights, second.weights, strict=True):
        assert np.array_equal(a.numpy(), b.numpy()), a.path
    assert sum(int(np.prod(w.shape)) for w in second.trainable_weights) == 1_861_440 + 1_281  # as Keras's guide


def test_the_dock_trains_on_from_the_last_run(window, qtbot) -> None:
    panel = window.training
    assert not panel.train_on.isEnabled()  # no run yet: nothing to start from
    press_train(window, "mlp_classifier.json", "digits", epochs=1)
    wait_until_done(qtbot, panel, 120_000)
    first = panel.controller.model.get_layer("hidden1").get_weights()[0]
    assert panel.train_on.isEnabled()
    qtbot.mouseClick(
        panel.train_on, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(8, panel.train_on.height() // 2)
    )
    assert panel.train_on.isChecked()
    said: list[str] = []  # the status line's texts during the run
    panel.controller.progress.connect(lambda event: said.append(html.unescape(panel.status.text())))
    panel.train_button.click()
    wait_until_done(qtbot, panel, 120_000)
    assert any("on from the last run's weights (3 layers)" in text for text in said), said
    again = panel.controller.model.get_layer("hidden1").get_weights()[0]
    assert panel.progress.format().startswith("finished")
    assert np.abs(again - first).max() < np.abs(again).max()  # one more epoch from there, not a fresh start


def test_train_start_from_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(SAMPLE_DIR / "mlp_classifier.json")
    common = ["--data", "synthetic:32", "--epochs", "1"]
    assert main(["train", sample, *common, "--out", str(tmp_path / "one")]) == 0
    capsys.readouterr()
    code = main(
        [
            "train",
            sample,
            *common,
            "--out",
            str(tmp_path / "two"),
            "--start-from",
            str(tmp_path / "one" / "model.keras"),
        ]
    )
    assert code == 0 and "on from the last run's weights" in capsys.readouterr().out
    code = main(
        ["train", sample, *common, "--out", str(tmp_path / "three"), "--start-from", str(tmp_path / "none.keras")]
    )
    err = capsys.readouterr().err
    assert code != 0 and "--start-from" in err and "Traceback" not in err
