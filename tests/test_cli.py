"""``netdesigner check``: the table, the JSON contract, and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netdesigner.cli import main
from tests.conftest import ROOT, SAMPLE_DIR


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_contract_on_every_sample(sample_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_check(capsys, str(sample_path), "--json")
    report = json.loads(out)
    assert code == 0
    counts = {"params", "trainable_params", "non_trainable_params"}
    assert set(report) == {"valid", "total_params", "trainable_params", "non_trainable_params", "errors", "nodes"}
    assert report["valid"] is True and report["errors"] == []
    for node in report["nodes"]:
        assert set(node) == {"id", "name", "type", "output_shapes", "shares", "errors"} | counts
        assert node["output_shapes"] and node["output_shapes"][0][0] is None
        assert node["params"] == node["trainable_params"] + node["non_trainable_params"]
    owners = [n for n in report["nodes"] if n["shares"] is None]  # a shared layer counts once
    assert report["total_params"] == sum(n["params"] for n in owners)
    for key in ("trainable_params", "non_trainable_params"):
        assert report[key] == sum(n[key] for n in owners)


def test_check_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_check(capsys, str(SAMPLE_DIR / "cnn_classifier.json"))
    assert code == 0
    assert "conv1 (Conv2D)" in out and "(None, 150, 150, 32)" in out and "896" in out
    assert "Total params: 11,243,457" in out and "✓ valid" in out


def test_invalid_graph_exits_1_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((SAMPLE_DIR / "cnn_classifier.json").read_text())
    for node in data["nodes"]:
        if node["name"] == "pool2":
            node["params"]["pool_size"] = [80, 80]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    code, out, _ = run_check(capsys, str(path), "--json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    pool = next(n for n in report["nodes"] if n["name"] == "pool2")
    assert pool["output_shapes"] == [] and "shrink" in pool["errors"][0]
    flatten = next(n for n in report["nodes"] if n["name"] == "flatten")
    assert flatten["output_shapes"] == [] and flatten["errors"] == []
    code, out, _ = run_check(capsys, str(path))
    assert code == 1 and "pool2: MaxPooling2D would shrink (None, 75, 75, 64) to nothing" in out


@pytest.mark.parametrize("content", [b"{not json", b'{"format": "netdesigner-graph", "version": 99}'])
def test_unreadable_graph_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    path = tmp_path / "g.json"
    path.write_bytes(content)
    code, out, err = run_check(capsys, str(path))
    assert code == 2 and out == "" and "Traceback" not in err and str(path) in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check"])
    assert caught.value.code == 2


def test_console_entry_point_runs_without_a_window() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "netdesigner", "check", str(SAMPLE_DIR / "multi_head.json"), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["valid"] is True


@pytest.mark.slow
def test_a_command_that_runs_keras_prints_only_its_own_lines(tmp_path: Path) -> None:
    """TensorFlow's native start-up lines (CUDA, oneDNN, CPU features) stay off the terminal."""
    result = subprocess.run(
        [sys.executable, "-m", "netdesigner", "export", str(SAMPLE_DIR / "mlp_classifier.json"), "-o", "x.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("wrote x.py\n", "")


def test_evaluate_and_predict_a_trained_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    graph = str(SAMPLE_DIR / "mlp_classifier.json")
    out = tmp_path / "run"
    assert main(["train", graph, "--epochs", "2", "--seed", "4", "--out", str(out)]) == 0
    trained = json.loads((out / "history.json").read_text())
    capsys.readouterr()
    assert main(["evaluate", graph, str(out / "model.keras"), "--batch-size", "64", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    # the graph's own data and split: the same held-out samples as the last epoch's validation
    assert scores["accuracy"] == pytest.approx(trained["val_accuracy"][-1], rel=1e-5)
    np.savez(tmp_path / "new.npz", x=np.random.default_rng(0).random((7, 64), dtype="float32"))
    target = tmp_path / "predicted.npz"
    assert main(["predict", str(out / "model.keras"), "--data", str(tmp_path / "new.npz"), "-o", str(target)]) == 0
    with np.load(target) as predicted:
        assert predicted["digit"].shape == (7, 10)
    assert main(["predict", str(tmp_path / "missing.keras"), "--data", "x.npz", "-o", str(target)]) == 2
    assert "no such file" in capsys.readouterr().err
    np.savez(tmp_path / "bad.npz", pixels=np.zeros((3, 5), dtype="float32"))
    assert main(["predict", str(out / "model.keras"), "--data", str(tmp_path / "bad.npz"), "-o", str(target)]) == 1
    assert "does not fit the model" in capsys.readouterr().err
