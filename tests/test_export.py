"""Code export: readable, ruff-clean, deterministic, injection-proof, and the same model."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdesigner.backend.export import ExportError, ExportOptions, export_notebook, export_script, is_chain
from netdesigner.backend.pysource import Namespace, literal
from netdesigner.cli import main
from netdesigner.core.fileformat import Document, load
from tests.conftest import SAMPLE_DIR, SAMPLES, offline_copy
from tests.graphs import GraphBuilder
from tests.model_configs import normalized_config
from tests.script_shape import assert_safe_shape

RUFF_RULES = "E,F,W,I,N,UP,B"


def all_exports() -> list[tuple[str, str]]:
    out = []
    for path in SAMPLES:
        doc = load(path)
        out.append((f"{path.stem}.py", export_script(doc)))
        out.append((f"{path.stem}_mirrored.py", export_script(doc, ExportOptions(distribute="mirrored"))))
        if is_chain(doc.graph):
            out.append((f"{path.stem}_sequential.py", export_script(doc, ExportOptions(style="sequential"))))
        doc.training.mixed_precision = True
        out.append((f"{path.stem}_mixed.py", export_script(doc)))
    return out


def test_exports_are_ruff_clean_and_formatted(tmp_path: Path) -> None:
    for name, text in all_exports():
        (tmp_path / name).write_text(text)
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", RUFF_RULES, str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--diff", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_export_is_deterministic(sample_path: Path) -> None:
    assert export_script(load(sample_path)) == export_script(load(sample_path))
    assert export_notebook(load(sample_path)) == export_notebook(load(sample_path))


def test_sequential_style_only_for_chains() -> None:
    assert is_chain(load(SAMPLE_DIR / "mlp_classifier.json").graph)
    with pytest.raises(ExportError, match="single chain"):
        export_script(load(SAMPLE_DIR / "residual_network.json"), ExportOptions(style="sequential"))


def test_invalid_graph_is_not_exported() -> None:
    b = GraphBuilder()
    b("Input", "x", shape=[4])
    with pytest.raises(ExportError, match="fix the graph first"):
        export_script(Document(b.graph))


@given(st.text(max_size=40))
def test_literals_round_trip_any_string(text: str) -> None:
    assert ast.literal_eval(literal(text)) == text


def test_namespace_gives_legal_unique_names() -> None:
    names = Namespace(["model"])
    got = [names.name(str(i), hint) for i, hint in enumerate(["model", "class", "1st", "a b", "a-b", "", "print"])]
    assert got == ["model_2", "class_2", "layer_1st", "a_b", "a_b_2", "layer", "print_2"]
    assert all(n.isidentifier() for n in got)


HOSTILE_TITLE = 'title """ with \\ and\nnewline"); import os; os.system("echo owned"); ("'


def test_every_export_has_the_safe_shape() -> None:
    """Only Keras/NumPy/argparse calls, declared layer keywords, no attribute of a string."""
    for name, text in all_exports():
        try:
            assert_safe_shape(text)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_hostile_text_stays_text() -> None:
    b = GraphBuilder()
    x = b("Input", "pixels", shape=[4])
    dense = b("Dense", "dense", x, units=3, activation="softmax")
    b("Output", "head", dense, loss="CategoricalCrossentropy", metrics=["accuracy"])
    text = export_script(Document(b.graph, name=HOSTILE_TITLE))
    assert_safe_shape(text)
    titles = [
        ast.literal_eval(n.value)
        for n in ast.parse(text).body
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "TITLE"
    ]
    assert titles == [HOSTILE_TITLE]


def _layer_configs(model) -> list[tuple[str, dict]]:
    """Class and config of every layer but the input (Sequential keeps it out of .layers)."""
    return [
        (type(layer).__name__, json.loads(json.dumps(layer.get_config())))
        for layer in model.layers
        if type(layer).__name__ != "InputLayer"
    ]


def test_exported_model_equals_built_model(sample_path: Path) -> None:
    pytest.importorskip("keras")
    from netdesigner.backend.builder import build_model

    doc = load(sample_path)
    built = build_model(doc.graph)
    styles = ["functional"] + (["sequential"] if is_chain(doc.graph) else [])
    for style in styles:
        namespace: dict = {}
        exec(compile(export_script(doc, ExportOptions(style=style)), "exported.py", "exec"), namespace)
        exported = namespace["build_model"]()
        assert exported.count_params() == built.count_params()
        if style == "functional":
            assert normalized_config(exported.get_config()) == normalized_config(built.get_config())
        else:
            assert _layer_configs(exported) == _layer_configs(built)
            assert exported.inputs[0].shape == built.inputs[0].shape


RUNNER = """
import runpy, sys
for script in sys.argv[1:]:
    sys.argv = [script, "--epochs", "1", "--samples", "16", "--batch-size", "8",
                "--out", script.replace(".py", "")]
    runpy.run_path(script, run_name="__main__")
"""


@pytest.mark.slow
def test_exported_scripts_run_end_to_end(tmp_path: Path) -> None:
    """One subprocess runs every sample's script for one epoch: on the data its graph names
    (the digits) or on tiny stand-in data."""
    scripts = []
    for path in SAMPLES:
        assert main(["export", str(offline_copy(path, tmp_path)), "-o", str(tmp_path / f"{path.stem}.py")]) == 0
        scripts.append(str(tmp_path / f"{path.stem}.py"))
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, *scripts],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for script in scripts:
        run = Path(script.replace(".py", ""))
        assert (run / "model.keras").stat().st_size > 0 and json.loads((run / "history.json").read_text())["loss"]


def test_notebook_holds_the_script_cells(tmp_path: Path) -> None:
    path = SAMPLE_DIR / "multi_head.json"
    assert main(["export", str(path), "-o", str(tmp_path / "m.ipynb")]) == 0
    notebook = json.loads((tmp_path / "m.ipynb").read_text())
    assert notebook["nbformat"] == 4
    code = "\n\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    ast.parse(code)
    assert "def build_model():" in code and "loss_weights=[1.0, 0.5]" in code


def test_export_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(SAMPLE_DIR / "two_branch.json")
    assert main(["export", sample, "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["export", sample, "-o", str(tmp_path / "x.py"), "--style", "sequential"]) == 1
    assert main(["export", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.py")]) == 2
    assert main(["export", sample, "-o", str(tmp_path / "no" / "dir" / "x.py")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "single chain" in err and "cannot write" in err
