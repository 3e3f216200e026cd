"""Parameter declarations that many layer types share, written once."""

from __future__ import annotations

from netdesigner.core.params import ParamKind, ParamSpec

ACTIVATIONS: tuple[str, ...] = (
    "linear",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "softplus",
    "softsign",
    "relu6",
    "leaky_relu",
    "hard_sigmoid",
    "exponential",
    "mish",
    "log_softmax",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "hard_shrink",
    "soft_shrink",
    "tanh_shrink",
    "celu",
    "log_sigmoid",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
)
"""Every element-wise function ``keras.activations`` accepts by name. Two of its names are not
here: ``glu`` halves the last axis (it is not element-wise) and ``threshold`` needs two more
numbers than a name can give; tests/test_catalog_coverage.py holds this list to Keras's."""


def activation(default: str = "linear", required: bool = False) -> ParamSpec:
    return ParamSpec(
        "activation",
        ParamKind.CHOICE,
        default,
        "function applied to the output; 'linear' leaves it unchanged",
        choices=ACTIVATIONS,
        required=required,
    )


def use_bias() -> ParamSpec:
    return ParamSpec("use_bias", ParamKind.BOOL, True, "learn an offset added to every output")


def units(doc: str = "number of output neurons") -> ParamSpec:
    return ParamSpec("units", ParamKind.INT, 32, doc, minimum=1, maximum=1_000_000, required=True)


def filters(default: int = 32) -> ParamSpec:
    return ParamSpec(
        "filters",
        ParamKind.INT,
        default,
        "number of feature maps (output channels)",
        minimum=1,
        maximum=100_000,
        required=True,
    )


def kernel_size(rank: int, default: int = 3) -> ParamSpec:
    return ParamSpec(
        "kernel_size",
        ParamKind.INTS,
        (default,) * rank,
        "size of the sliding window",
        minimum=1,
        maximum=1024,
        length=rank,
        required=True,
    )


def strides(rank: int, default: int | None = 1, nullable: bool = False) -> ParamSpec:
    return ParamSpec(
        "strides",
        ParamKind.INTS,
        None if default is None else (default,) * rank,
        "step between window positions; larger steps shrink the output",
        minimum=1,
        maximum=1024,
        length=rank,
        nullable=nullable,
        empty="same as the pool size",
    )


def dilation_rate(rank: int) -> ParamSpec:
    return ParamSpec(
        "dilation_rate",
        ParamKind.INTS,
        (1,) * rank,
        "spacing between window taps; widens the view without more weights",
        minimum=1,
        maximum=1024,
        length=rank,
    )


def padding(causal: bool = False) -> ParamSpec:
    choices: tuple[str, ...] = ("valid", "same", "causal") if causal else ("valid", "same")
    return ParamSpec(
        "padding",
        ParamKind.CHOICE,
        "valid",
        "'valid' keeps only full windows (output shrinks); 'same' pads so size only drops with strides",
        choices=choices,
    )


def axis(default: int = -1, doc: str = "axis the layer works along (-1: the last, 0: the batch)") -> ParamSpec:
    return ParamSpec("axis", ParamKind.INT, default, doc, minimum=-32, maximum=32)


def noise_shape() -> ParamSpec:
    return ParamSpec(
        "noise_shape",
        ParamKind.SHAPE,
        None,
        "shape of the drop mask, batch included; size 1 shares one decision along that axis",
        maximum=1_000_000,
        nullable=True,
        empty="one decision per value",
    )


def axes(default: int = -1, doc: str = "axis or list of axes the layer works along (-1: the last)") -> ParamSpec:
    return ParamSpec("axis", ParamKind.AXES, default, doc, minimum=-32, maximum=32)


def rate(doc: str = "fraction of inputs set to zero during training") -> ParamSpec:
    return ParamSpec("rate", ParamKind.FLOAT, 0.5, doc, minimum=0.0, maximum=1.0, required=True)


def merge_inputs(
    minimum: int = 2, maximum: int = 64, doc: str = "number of incoming connections, merged in port order"
) -> ParamSpec:
    return ParamSpec("inputs", ParamKind.INT, 2, doc, minimum=minimum, maximum=maximum, keras=False)


def keepdims() -> ParamSpec:
    return ParamSpec("keepdims", ParamKind.BOOL, False, "keep the pooled axes with size 1")


def epsilon(default: float = 0.001) -> ParamSpec:
    return ParamSpec(
        "epsilon",
        ParamKind.FLOAT,
        default,
        "small number added to the variance to avoid dividing by zero",
        minimum=0.0,
        exclusive_minimum=True,
        maximum=1.0,
    )


def center() -> ParamSpec:
    return ParamSpec("center", ParamKind.BOOL, True, "learn an offset (beta) after normalizing")


def scale() -> ParamSpec:
    return ParamSpec("scale", ParamKind.BOOL, True, "learn a factor (gamma) after normalizing")


def keras_options(*weights: str, activity: bool = True, initializers: tuple[str, ...] = ()) -> ParamSpec:
    """Extra Keras arguments of a layer whose weights are ``weights`` (``"kernel"``, ``"bias"``):
    each weight's initializer, regularizer and constraint, the activity regularizer, and extra
    ``initializers`` (BatchNormalization's moving statistics). These names are the only keys a
    file may set; the differential tests prove each is a real argument of the Keras class."""
    names = [f"{w}_{kind}" for kind in ("initializer", "regularizer", "constraint") for w in weights]
    names += [f"{w}_initializer" for w in initializers]
    if activity:
        names.append("activity_regularizer")
    return ParamSpec(
        "keras_options",
        ParamKind.KERAS_OPTIONS,
        {},
        "extra Keras arguments: initializers, regularizers, constraints (Keras config form)",
        choices=tuple(names),
    )


def trainable() -> ParamSpec:
    return ParamSpec(
        "trainable",
        ParamKind.BOOL,
        True,
        "learn these weights while training; off: frozen, kept as they are (fine-tuning)",
    )


def weights(*names: str, activity: bool = True, initializers: tuple[str, ...] = ()) -> tuple[ParamSpec, ParamSpec]:
    """The parameters every layer with weights has: whether they train (Keras's ``trainable``,
    which moves them to the non-trainable count), and their Keras options (``keras_options``)."""
    return trainable(), keras_options(*names, activity=activity, initializers=initializers)
