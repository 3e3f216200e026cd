"""Graph -> a standalone, readable Python script (or notebook) that rebuilds the same model
with plain Keras, compiles it as the app does, fits, evaluates and saves it.

A pure function of the document, like torch.fx's code generation: deterministic output, no
Keras import, every user string emitted as a safe literal. The graph is validated first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netdesigner import __version__
from netdesigner.backend.export_backbone import backbone_lines
from netdesigner.backend.export_data import data_section, uses_csv
from netdesigner.backend.export_ops import operation_source
from netdesigner.backend.export_run import (
    callbacks_section,
    default_data_path,
    keras_expr,
    main_section,
    settings_section,
)
from netdesigner.backend.pysource import INDENT, Call, Expr, Kw, Namespace, Seq, literal, render
from netdesigner.core.compile_plan import CompilePlan, compile_plan
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import Document
from netdesigner.core.fit_plan import adapting_nodes
from netdesigner.core.graph import Graph, Node
from netdesigner.core.inference import InferenceResult, infer
from netdesigner.core.model_walk import Port, StepKind, model_steps
from netdesigner.core.params import ParamKind
from netdesigner.core.spec import Builds, CallStyle, LayerSpec
from netdesigner.core.validation import validate

STYLES = ("functional", "sequential")
STRATEGIES = {
    "mirrored": "tf.distribute.MirroredStrategy()",
    "multi-worker": "tf.distribute.MultiWorkerMirroredStrategy()",
}
# Names the script itself uses; layer variables never take them.
RESERVED = (
    "keras",
    "layers",
    "np",
    "tf",
    "csv",
    "json",
    "argparse",
    "Path",
    "model",
    "args",
    "parser",
    "rng",
    "x",
    "y",
    "out",
    "samples",
    "history",
    "strategy",
    "build_model",
    "gpu_present",
    "compile_model",
    "make_callbacks",
    "adapt_preprocessing",
    "load_data",
    "load_npz",
    "load_csv",
    "load_images",
    "digits",
    "pick",
    "one",
    "shuffled",
    "stand_in_data",
    "stand_in_input",
    "learnable_target",
    "STAND_IN_INPUTS",
    "STAND_IN_HEADS",
    "STAND_IN_SAMPLES",
    "STAND_IN_SEED",
    "main",
    "TITLE",
    "DATA",
    "VALIDATION_DATA",
    "TARGET",
    "FEATURES",
    "EPOCHS",
    "BATCH_SIZE",
    "VALIDATION_SPLIT",
    "SHUFFLE",
    "SEED",
    "INPUT_ARRAYS",
    "TARGET_ARRAYS",
)
# Emitted when the graph trains in mixed precision, which the app only uses where a GPU is.
MIXED_PRECISION = '''def gpu_present():
    """Whether Keras sees a GPU: mixed precision (float16 math, float32 weights),
    chosen in netdesigner, only pays off on one."""
    if keras.backend.backend() == "torch":  # it has no Keras device list
        import torch

        return torch.cuda.is_available()
    return any(device.startswith("gpu") for device in keras.distribution.list_devices())'''


class ExportError(GraphError):
    """The graph cannot be exported (it is invalid, or the style does not fit it)."""


@dataclass(frozen=True)
class ExportOptions:
    style: str = "functional"
    distribute: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled block of code; the script joins them, the notebook makes each a cell."""

    title: str
    code: str


def is_chain(graph: Graph) -> bool:
    """One Input, one head, and every node feeding exactly the next: Sequential can express it
    (but not a backbone, which prepares its pixels before it is called in inference mode, nor a
    layer called twice, nor one with several outputs)."""
    inputs = graph.inputs()
    heads = graph.heads()
    if len(inputs) != 1 or len(heads) != 1:
        return False
    if any(n.spec.builds is not Builds.LAYER or n.shares or n.output_count > 1 for n in graph.nodes.values()):
        return False
    return all(len(graph.input_edges(nid)) <= 1 and len(graph.output_edges(nid)) <= 1 for nid in graph.nodes)


def export_sections(doc: Document, options: ExportOptions = ExportOptions()) -> list[Section]:
    graph = doc.graph
    result = infer(graph)
    errors = [i for i in validate(graph, result) if i.severity == "error"]
    if errors:
        raise ExportError(
            f"fix the graph first: {errors[0]}" + (f" (and {len(errors) - 1} more)" if errors[1:] else "")
        )
    if options.style not in STYLES:
        raise ExportError(f"unknown style {options.style!r}: choose functional or sequential")
    if options.style == "sequential" and not is_chain(graph):
        raise ExportError(
            "the sequential style needs a single chain of layers (one input, one output, no branches)",
            "use --style functional",
        )
    if options.distribute is not None and options.distribute not in STRATEGIES:
        raise ExportError(f"unknown strategy {options.distribute!r}: choose " + " or ".join(STRATEGIES))
    names = Namespace(RESERVED)
    plan = compile_plan(graph, doc.training)
    mixed = doc.training.mixed_precision
    if options.style == "sequential":
        model_code = _sequential(graph, mixed)
    else:
        model_code = _functional(graph, result, names, mixed)
    if doc.training.mixed_precision:
        model_code = MIXED_PRECISION + "\n\n\n" + model_code
    adapted = [node.name for node in adapting_nodes(graph)]
    strategy = STRATEGIES[options.distribute] if options.distribute else None
    return [
        Section("Imports", _imports(options, uses_csv(doc))),
        Section("Settings", settings_section(doc)),
        Section("The model", model_code),
        Section("Loss, optimizer and metrics", _compile(plan)),
        Section("Callbacks", callbacks_section(doc, adapted)),
        Section("Data", data_section(doc, result, names)),
        Section("Train, evaluate, save", main_section(strategy, adapted, uses_csv(doc))),
    ]


def export_script(doc: Document, options: ExportOptions = ExportOptions()) -> str:
    sections = export_sections(doc, options)
    data = default_data_path(doc)
    header = (
        '"""Rebuild, train and save a Keras model designed in netdesigner, as the app trains it.\n\n'
        f"Generated by netdesigner {__version__}; needs only Keras 3 (any backend) and NumPy.\n"
        "Usage: python this_file.py [--data PATH] [--validation-data PATH] [--epochs N]\n"
        "       [--batch-size N] [--seed N] [--out DIR]\n"
        + (
            f"By default it reads {_safe_doc(data)}.\n"
            if data
            else "Without --data it trains on random stand-in data.\n"
        )
        + "Writes DIR/history.json and DIR/model.keras, then evaluates on the held-out data.\n"
        '"""\n'
    )
    imports, *rest = sections
    body = imports.code + "\n\n" + "\n\n\n".join(s.code for s in rest)
    footer = '\n\n\nif __name__ == "__main__":\n    main()\n'
    return f"{header}\n{body}{footer}"


def export_for_suffix(doc: Document, suffix: str, options: ExportOptions = ExportOptions()) -> str:
    """The export for a file name's suffix: ``.ipynb`` a notebook, anything else a script."""
    return (export_notebook if suffix == ".ipynb" else export_script)(doc, options)


def export_notebook(doc: Document, options: ExportOptions = ExportOptions()) -> str:
    sections = export_sections(doc, options)
    cells = [_markdown_cell(f"# {doc.name or 'Model'}\n\nExported from netdesigner {__version__}.")]
    for section in sections:
        cells.append(_markdown_cell(f"## {section.title}"))
        cells.append(_code_cell(section.code))
    cells.append(_code_cell("main([])"))
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _markdown_cell(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def _code_cell(code: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": code.splitlines(keepends=True),
    }


def _imports(options: ExportOptions, csv_source: bool) -> str:
    lines = ["import argparse", *(["import csv"] if csv_source else []), "import json", "from pathlib import Path", ""]
    lines.append("import keras")
    lines.append("import numpy as np")
    if options.distribute:
        lines.append("import tensorflow as tf")
    lines.append("from keras import layers")
    return "\n".join(lines)


def _layer_call(node: Node, argument: str = "", float32: bool = False) -> Call:
    """``layers.X(changed and required params, name=...)``, applied to ``argument`` if given;
    ``float32`` keeps a head's layer in float32 under mixed precision."""
    extra = [Kw("dtype", '"float32"')] if float32 else []
    extra.append(Kw("name", literal(node.name)))
    return layer_expression(node.spec, node.params, tuple(extra), f"({argument})" if argument else "")


def layer_expression(spec: LayerSpec, params: Mapping[str, Any], extra: tuple[Kw, ...] = (), suffix: str = "") -> Call:
    """``layers.X(...)`` with the arguments that differ from Keras's defaults or that Keras
    requires; a wrapper's layer is written as its own ``layers.Y(...)`` inside."""
    kwargs = spec.keras_kwargs(params)
    defaults = spec.keras_kwargs(spec.defaults())
    required = {p.name for p in spec.params if p.required}
    args: list[Expr] = []
    for key, value in kwargs.items():
        if key in required or key not in defaults or value != defaults[key]:
            param = next((p for p in spec.params if p.name == key), None)
            if param is not None and param.kind is ParamKind.LAYER:
                args.append(Kw(key, layer_expression(param.inner[value["type"]], value["params"])))
            else:
                args.append(Kw(key, literal(value)))
    return Call(f"layers.{spec.keras_class}", (*args, *extra), suffix)


def call_arguments(spec: LayerSpec, sources: list[str]) -> str:
    """The text between the call's parentheses, as ``layer_factory.call_layer`` calls it."""
    if spec.calling is CallStyle.LIST:
        return f"[{', '.join(sources)}]"
    if spec.calling is CallStyle.INITIAL_STATE and len(sources) > 1:
        return f"{sources[0]}, initial_state=[{', '.join(sources[1:])}]"
    return ", ".join(sources)


def _input_call(node: Node) -> Call:
    args = [Kw("shape", literal(tuple(node.params["shape"])))]
    if node.params["dtype"] != "float32":
        args.append(Kw("dtype", literal(node.params["dtype"])))
    args.append(Kw("name", literal(node.name)))
    return Call("keras.Input", tuple(args))


def _one_or_list(names: list[str]) -> Expr:
    return names[0] if len(names) == 1 else Seq(tuple(names))


def _build_model_head(mixed_precision: bool) -> list[str]:
    lines = ["def build_model():", f'{INDENT}"""The network, layer by layer, as drawn in netdesigner."""']
    if mixed_precision:
        lines += [f"{INDENT}if gpu_present():", f'{INDENT * 2}keras.config.set_dtype_policy("mixed_float16")']
    return lines


def _functional(graph: Graph, result: InferenceResult, names: Namespace, mixed_precision: bool) -> str:
    lines = _build_model_head(mixed_precision)
    variable: dict[Port, str] = {}  # (node id, output port) -> its variable
    for step in model_steps(graph, mixed_precision):
        node, nid = step.node, step.node.id
        if step.kind is StepKind.HEAD:
            continue
        var = variable[(nid, 0)] = names.name(nid, node.name)
        if step.kind is StepKind.INPUT:
            lines += render(_input_call(node), prefix=f"{var} = ")
            continue
        sources = [variable[source] for source in step.sources]
        if step.kind is StepKind.OPERATION:
            lines.append(f"{INDENT}{var} = {operation_source(node.spec.operation_call(node.params), sources)}")
            continue
        argument = call_arguments(node.spec, sources)
        if step.kind is StepKind.BACKBONE:
            shape = result.infos[step.sources[0][0]].shape
            lines += backbone_lines(node, shape or (), argument, var, names)
            continue
        for port, output in enumerate(node.spec.output_names(node.params)[1:], start=1):
            variable[(nid, port)] = names.name(f"{nid} {port}", f"{node.name}_{output.replace(' ', '_')}")
        var = ", ".join(variable[(nid, port)] for port in range(node.output_count))
        if not step.shared:
            lines += render(_layer_call(node, argument, step.float32), prefix=f"{var} = ")
            continue
        layer_var = names.name(f"layer {step.owner.id}", f"{step.owner.name}_layer")
        if step.makes_layer:  # a shared layer is made once, where its first call is drawn
            lines += render(_layer_call(step.owner, float32=step.float32), prefix=f"{layer_var} = ")
        lines.append(f"{INDENT}{var} = {layer_var}({argument})")
    inputs = [variable[(n.id, 0)] for n in graph.inputs()]
    outputs = [variable[(e.source, e.source_port)] for e in graph.head_edges()]
    model = Call(
        "keras.Model",
        (Kw("inputs", _one_or_list(inputs)), Kw("outputs", _one_or_list(outputs)), Kw("name", '"model"')),
    )
    lines += render(model, prefix="return ")
    return "\n".join(lines)


def _sequential(graph: Graph, mixed_precision: bool) -> str:
    items: list[Expr] = []
    for step in model_steps(graph, mixed_precision):
        if step.kind is StepKind.INPUT:
            items.append(_input_call(step.node))
        elif step.kind is not StepKind.HEAD:
            items.append(_layer_call(step.node, float32=step.float32))
    model = Call("keras.Sequential", (Seq(tuple(items)), Kw("name", '"model"')))
    return "\n".join(_build_model_head(mixed_precision) + render(model, prefix="return "))


def _compile(plan: CompilePlan) -> str:
    heads = plan.heads
    single = len(heads) == 1
    losses = [keras_expr(h.loss) for h in heads]
    metrics = [Seq(tuple(keras_expr(m) for m in h.metrics)) for h in heads]
    args: list[Expr] = [Kw("optimizer", keras_expr(plan.optimizer))]
    args.append(Kw("loss", losses[0] if single else Seq(tuple(losses))))
    if plan.loss_weights is not None:
        args.append(Kw("loss_weights", literal(plan.loss_weights)))
    if any(m.items for m in metrics):
        args.append(Kw("metrics", metrics[0] if single else Seq(tuple(metrics))))
    lines = ["def compile_model(model):"]
    lines.append(f'{INDENT}"""Heads in order: {", ".join(_safe_doc(h.name) for h in heads)}."""')
    lines += render(Call("model.compile", tuple(args)))
    return "\n".join(lines)


def _safe_doc(text: str) -> str:
    """A user string placed in a docstring: its literal form without the quotes."""
    return literal(text)[1:-1].replace('"""', '\\"\\"\\"')
