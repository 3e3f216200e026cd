"""The exported code of a Pretrained node: the ``keras.applications`` call, its freezing, the
family's own ``preprocess_input`` and the call in inference mode, as the builder makes it
(``layer_factory.call_node``) and as Keras's transfer-learning guide writes it."""

from __future__ import annotations

import textwrap

from netdesigner.backend.pysource import INDENT, Call, Kw, Namespace, literal, render
from netdesigner.core.graph import Node
from netdesigner.core.layers.backbones import FAMILIES, Preprocessing
from netdesigner.core.spec import Shape


def backbone_lines(node: Node, input_shape: Shape, argument: str, var: str, names: Namespace) -> list[str]:
    """Lines of ``build_model`` that make ``var``, the backbone's output, from ``argument``."""
    params = node.params
    family = FAMILIES[params["family"]]
    model = names.name(f"{node.id}/model", f"{node.name}_model")
    kwargs = node.spec.keras_kwargs(params)
    call = Call(
        f"keras.applications.{family.name}",
        (
            Kw("include_top", "False"),
            Kw("weights", literal(kwargs["weights"])),
            Kw("input_shape", literal(tuple(input_shape[1:]))),
            Kw("pooling", literal(kwargs["pooling"])),
            Kw("name", literal(node.name)),
        ),
    )
    lines = render(call, prefix=f"{model} = ")
    last = params["unfreeze_last"]
    if not params["trainable"] and last:
        inner = names.name(f"{node.id}/layer", "inner")
        lines += _comment(f"fine-tuning: all but its last {last} layers stay as pretrained")
        lines += [
            f"{INDENT}{model}.trainable = True",
            f"{INDENT}for {inner} in {model}.layers[:-{last}]:",
            f"{INDENT * 2}{inner}.trainable = False",
        ]
    elif not params["trainable"]:
        lines += _comment("frozen: its weights stay as pretrained")
        lines.append(f"{INDENT}{model}.trainable = False")
    if family.preprocessing is not Preprocessing.BUILT_IN:
        lines += _comment(f"the pixels prepared as {family.name} was trained: {family.preprocessing.value}")
        prepare = Call(f"keras.applications.{family.module}.preprocess_input", (argument,))
        lines += render(prepare, prefix=f"{var} = ")
        argument = var
    lines += _comment("training=False: its BatchNormalization keeps the pretrained statistics")
    lines += render(Call(model, (argument, Kw("training", "False"))), prefix=f"{var} = ")
    return lines


def _comment(text: str) -> list[str]:
    return [f"{INDENT}# {line}" for line in textwrap.wrap(text, 80 - len(INDENT))]
