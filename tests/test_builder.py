"""The app's builder and compiler against the exported script's: one plan, same result."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesigner.backend.export import export_script
from netdesigner.core.compile_plan import compile_plan
from netdesigner.core.fileformat import load
from tests.conftest import SAMPLE_DIR
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
    built = build(load(SAMPLE_DIR / "two_branch.json").graph)
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


@pytest.mark.slow
def test_deep_chain_builds_despite_keras_recursion() -> None:
    from tests.graphs import chain_graph

    model = build_model(chain_graph(1200, width=2))
    assert len(model.layers) == 1201


def test_mixed_precision_keeps_head_layers_in_float32_and_scales_the_loss() -> None:
    doc = load(SAMPLE_DIR / "multi_head.json")
    model = build_model(doc.graph, mixed_precision=True)
    heads = set(doc.graph.head_sources())
    policies = {layer.name: layer.dtype_policy.name for layer in model.layers if layer.weights}
    head_names = {doc.graph.nodes[nid].name for nid in heads}
    assert policies and all(policies[name] == "float32" for name in head_names & set(policies))
    assert {p for name, p in policies.items() if name not in head_names} == {"mixed_float16"}
    assert all(output.dtype == "float32" for output in model.outputs)
    compile_model(model, compile_plan(doc.graph, doc.training))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert keras.config.dtype_policy().name == "float32"  # the global policy is put back
    assert build_model(doc.graph).layers[-1].dtype_policy.name == "float32"


def test_exported_mixed_precision_script_builds_the_same_model() -> None:
    doc = load(SAMPLE_DIR / "cnn_classifier.json")
    doc.training.mixed_precision = True
    namespace: dict = {}
    exec(compile(export_script(doc), "exported.py", "exec"), namespace)
    from netdesigner.backend.devices import has_gpu

    assert namespace["gpu_present"]() is has_gpu()  # the script asks Keras as the app does
    namespace["gpu_present"] = lambda: True
    try:
        exported = namespace["build_model"]()
    finally:
        keras.config.set_dtype_policy("float32")
    built = build_model(doc.graph, mixed_precision=True)
    assert unnamed(exported.get_config()) == unnamed(built.get_config())
    policies = [(layer.name, layer.dtype_policy.name) for layer in built.layers]
    assert [(layer.name, layer.dtype_policy.name) for layer in exported.layers] == policies
    assert ("prediction", "float32") in policies and ("conv1", "mixed_float16") in policies
