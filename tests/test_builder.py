"""The app's builder and compiler against the exported script's: one plan, same result."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesigner.backend.export import export_script
from netdesigner.core.compile_plan import compile_plan
from netdesigner.core.fileformat import load
from tests.graphs import GraphBuilder

keras = pytest.importorskip("keras")
from netdesigner.backend.builder import BuildError, build, build_model  # noqa: E402
from netdesigner.backend.compiler import compile_model  # noqa: E402


def unnamed(config):
    """A config without Keras's auto-numbered object names (adam vs adam_1)."""
    if isinstance(config, dict):
        return {k: unnamed(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list):
        return [unnamed(v) for v in config]
    return config


def test_app_compiles_like_the_exported_script(sample_path: Path) -> None:
    doc = load(sample_path)
    app_model = build_model(doc.graph)
    compile_model(app_model, compile_plan(doc.graph, doc.training))
    namespace: dict = {}
    exec(compile(export_script(doc), "exported.py", "exec"), namespace)
    script_model = namespace["build_model"]()
    namespace["compile_model"](script_model)
    assert unnamed(app_model.get_compile_config()) == unnamed(script_model.get_compile_config())


def test_model_structure_follows_the_graph() -> None:
    built = build(load(Path("sample_graphs/two_branch.json")).graph)
    model = built.model
    assert [t.name for t in model.inputs] == ["measurements", "context"]
    join = model.get_layer("join")
    assert [t._keras_history[0].name for t in join.input] == ["measurements_dense", "context_dense"]


def test_invalid_graph_is_not_built() -> None:
    b = GraphBuilder()
    x = b("Input", "x", shape=[4])
    b("Dense", "d", x)
    with pytest.raises(BuildError) as caught:
        build_model(b.graph)
    assert "no Output head" in str(caught.value)


def test_deep_chain_builds_despite_keras_recursion() -> None:
    from tests.graphs import chain_graph

    model = build_model(chain_graph(1200, width=2))
    assert len(model.layers) == 1201
