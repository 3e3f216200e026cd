"""Where data enters (Input) and where the model answers (Output head)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.compile_options import LOSSES, METRICS
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.spec import LayerSpec, Outcome, Role, Shape
from netdesigner.core.why import note

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


def _input(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    note(lambda: "batch: None, the number of samples per step, chosen when training")
    return Outcome((None, *p["shape"]))


def _output(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    return Outcome(inputs[0])


SPECS.append(
    LayerSpec(
        type="Input",
        role=Role.INPUT,
        category="Input / Output",
        summary="where samples enter the model",
        doc="Declares the shape of one sample, without the batch axis: (150, 150, 3) for a colour "
        "image, (20,) for 20 features, (None, 8) for sequences of any length with 8 features per "
        "step, () for a single value per sample (one column of a table). A model can have several "
        "inputs. dtype says what the values are: numbers, whole numbers (int32 for ids fed to "
        "Embedding), true/false (bool) or text (string, fed to StringLookup or Hashing).",
        params=(
            ParamSpec(
                "shape",
                ParamKind.SHAPE,
                (32,),
                "size of one sample, without the batch (empty entry: any size; (): one value)",
                maximum=1_000_000,
                required=True,
                scalar=True,
            ),
            ParamSpec(
                "dtype",
                ParamKind.CHOICE,
                "float32",
                "type of the values; int32 for ids fed to Embedding, string for text categories",
                choices=("float32", "float16", "float64", "int32", "int64", "bool", "string"),
            ),
        ),
        rule=_input,
        keras_class="InputLayer",
        inputs=0,
        key_params=("shape",),
    )
)

SPECS.append(
    LayerSpec(
        type="Output",
        role=Role.HEAD,
        category="Input / Output",
        summary="marks a model output and how it is trained",
        doc="Makes the tensor wired into it an output of the model (a 'head'), and holds that "
        "head's loss, its weight in the total loss, and the metrics reported for it. Adds no "
        "layer of its own. A model may have several heads, e.g. a class and a position.",
        params=(
            ParamSpec(
                "loss",
                ParamKind.CHOICE,
                "CategoricalCrossentropy",
                "what the head is trained to minimise",
                choices=LOSSES,
                keras=False,
            ),
            ParamSpec(
                "from_logits",
                ParamKind.BOOL,
                False,
                "the head outputs raw scores (no softmax/sigmoid); crossentropy losses only",
                keras=False,
            ),
            ParamSpec(
                "loss_weight",
                ParamKind.FLOAT,
                1.0,
                "weight of this head's loss in the total loss",
                minimum=0.0,
                maximum=1e6,
                keras=False,
            ),
            ParamSpec(
                "metrics",
                ParamKind.MULTI_CHOICE,
                ("accuracy",),
                "numbers reported while training",
                choices=METRICS,
                keras=False,
            ),
        ),
        rule=_output,
        key_params=("loss",),
    )
)
