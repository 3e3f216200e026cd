"""Math nodes: arithmetic on tensors that Keras records as operations rather than layers
(``x * 0.5 + 1.0``, ``ops.mean(x, axis=1)``, ``ops.clip(x, 0, 6)``), so that models written
with operators import, build and export. Each entry declares its ``keras.ops`` call and how it
reads the recorded operation back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.layers.normalization import axis_list
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, prod
from netdesigner.core.spec import Builds, LayerSpec, OpCall, Outcome, Shape, TensorArg

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


@dataclass(frozen=True)
class Function:
    """A ``keras.ops`` function, the class Keras records it as, and its Python operator."""

    name: str
    keras_class: str
    symbol: str = ""


def _table(*functions: Function) -> dict[str, Function]:
    return {f.name: f for f in functions}


BINARY = _table(
    Function("add", "Add", "+"),
    Function("subtract", "Subtract", "-"),
    Function("multiply", "Multiply", "*"),
    Function("true_divide", "TrueDivide", "/"),
    Function("divide", "Divide"),
    Function("power", "Power", "**"),
    Function("maximum", "Maximum"),
    Function("minimum", "Minimum"),
)
UNARY = _table(
    Function("square", "Square"),
    Function("sqrt", "Sqrt"),
    Function("absolute", "Absolute"),
    Function("negative", "Negative"),
    Function("exp", "Exp"),
    Function("log", "Log"),
    Function("hard_sigmoid", "HardSigmoid"),
    Function("hard_silu", "HardSilu"),
)
REDUCTIONS = _table(Function("mean", "Mean"), Function("sum", "Sum"), Function("max", "Max"), Function("min", "Min"))


def _by_class(table: dict[str, Function], class_name: str) -> str | None:
    return next((f.name for f in table.values() if f.keras_class == class_name), None)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _op(table: dict[str, Function], default: str, doc: str) -> ParamSpec:
    """The operation; ``required`` so that the node always shows it, default or not."""
    return ParamSpec("op", ParamKind.CHOICE, default, doc, choices=tuple(table), keras=False, required=True)


def _elementwise(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    return Outcome(x, macs=prod(x[1:]))


def _with_constant(p: Mapping[str, Any]) -> OpCall:
    function = BINARY[p["op"]]
    args = (p["constant"], TensorArg()) if p["constant_first"] else (TensorArg(), p["constant"])
    return OpCall(function.name, args, symbol=function.symbol)


def _read_with_constant(class_name: str, config: Mapping[str, Any], args: Sequence[Any]) -> dict[str, Any] | None:
    op = _by_class(BINARY, class_name)
    if op is None or len(args) != 2 or [isinstance(a, TensorArg) for a in args].count(True) != 1:
        return None
    first = not isinstance(args[0], TensorArg)
    constant = args[0] if first else args[1]
    return {"op": op, "constant": constant, "constant_first": first} if _number(constant) else None


SPECS.append(
    LayerSpec(
        type="MathConstant",
        category="Math",
        summary="x op c: add, multiply, ... every value by a number",
        doc="Combines every value with one number: x + c, x * c, x ** c, max(x, c)... "
        "(or c - x, c / x with the number first). Keras records it when a model is written "
        "with operators, like MobileNetV3's hard-sigmoid relu6(x + 3) * (1 / 6). No weights.",
        params=(
            _op(BINARY, "multiply", "the operation"),
            ParamSpec(
                "constant", ParamKind.FLOAT, 1.0, "the number", minimum=-1e12, maximum=1e12, keras=False, required=True
            ),
            ParamSpec("constant_first", ParamKind.BOOL, False, "put the number first: c - x, c / x", keras=False),
        ),
        rule=_elementwise,
        key_params=("op", "constant"),
        builds=Builds.OPERATION,
        operation=_with_constant,
        from_operation=_read_with_constant,
    )
)


def broadcast(first: Shape, second: Shape) -> Shape:
    """NumPy's broadcasting, as Keras computes it (``ops.broadcast_shapes``)."""
    rank = max(len(first), len(second))
    a = (1,) * (rank - len(first)) + tuple(first)
    b = (1,) * (rank - len(second)) + tuple(second)
    out: list[int | None] = []
    for x, y in zip(a, b, strict=True):
        if x == 1:
            out.append(y)
        elif x is None:
            out.append(None if y == 1 else y)
        elif y in (1, None, x):
            out.append(x)
        else:
            raise LayerError(
                f"shapes {fmt(first)} and {fmt(second)} do not match: {x} against {y}",
                "sizes must be equal, or 1 to repeat along that axis (broadcasting)",
                code=ProblemCode.BROADCAST,
            )
    return tuple(out)


def _between(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    shape = broadcast(*inputs)
    return Outcome(shape, macs=prod(shape[1:]))


def _read_between(class_name: str, config: Mapping[str, Any], args: Sequence[Any]) -> dict[str, Any] | None:
    op = _by_class(BINARY, class_name)
    if op is None or [a for a in args] != [TensorArg(0), TensorArg(1)]:
        return None
    return {"op": op}


SPECS.append(
    LayerSpec(
        type="MathTensors",
        category="Math",
        summary="x op y: two tensors combined value by value, with broadcasting",
        doc="Combines two tensors value by value: x + y, x * y, x / y, max(x, y)... Sizes must "
        "be equal or 1 (a size-1 axis is repeated: (None, 8, 16) * (None, 1, 16) scales every "
        "step by one learned vector). The Add and Multiply layers do the same for equal shapes.",
        params=(_op(BINARY, "add", "the operation"),),
        rule=_between,
        inputs=2,
        ports=("x", "y"),
        key_params=("op",),
        builds=Builds.OPERATION,
        operation=lambda p: OpCall(p["op"], (TensorArg(0), TensorArg(1)), symbol=BINARY[p["op"]].symbol),
        from_operation=_read_between,
    )
)


def _read_unary(class_name: str, config: Mapping[str, Any], args: Sequence[Any]) -> dict[str, Any] | None:
    op = _by_class(UNARY, class_name)
    return {"op": op} if op is not None and list(args) == [TensorArg()] else None


SPECS.append(
    LayerSpec(
        type="MathFunction",
        category="Math",
        summary="f(x) for every value: square, sqrt, abs, exp, log, hard_silu...",
        doc="Applies one function to every value. hard_sigmoid and hard_silu are MobileNetV3's "
        "cheap sigmoid and swish; sqrt and log need positive inputs. No weights.",
        params=(_op(UNARY, "square", "the function"),),
        rule=_elementwise,
        key_params=("op",),
        builds=Builds.OPERATION,
        operation=lambda p: OpCall(p["op"], (TensorArg(),)),
        from_operation=_read_unary,
    )
)


def _reduce(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    listed = axis_list("Reduce", p["axis"], len(x))
    axes = set(listed)
    if len(axes) < len(listed):
        raise LayerError(
            f"Reduce names one axis twice in {p['axis']} (for {fmt(x)}, -1 is axis {len(x) - 1})",
            "list each axis once",
            code=ProblemCode.AXIS,
        )
    shape = (
        tuple(1 if i in axes else d for i, d in enumerate(x))
        if p["keepdims"]
        else tuple(d for i, d in enumerate(x) if i not in axes)
    )
    return Outcome(shape, macs=prod(x[1:]))


def _reduce_call(p: Mapping[str, Any]) -> OpCall:
    axis = list(p["axis"]) if isinstance(p["axis"], tuple) else p["axis"]
    return OpCall(p["op"], (TensorArg(),), (("axis", axis), ("keepdims", p["keepdims"])))


def _read_reduce(class_name: str, config: Mapping[str, Any], args: Sequence[Any]) -> dict[str, Any] | None:
    op = _by_class(REDUCTIONS, class_name)
    if op is None or list(args) != [TensorArg()] or config.get("initial") is not None:
        return None
    return {"op": op, "axis": config.get("axis"), "keepdims": config.get("keepdims", False)}


SPECS.append(
    LayerSpec(
        type="Reduce",
        category="Math",
        summary="mean, sum, max or min over some axes",
        doc="Collapses the chosen axes to one value each: the mean over time steps, the sum "
        "over a feature map... keepdims keeps them with size 1, so the result still "
        "broadcasts against the input (x - mean). The batch axis (0) is never reduced.",
        params=(
            _op(REDUCTIONS, "mean", "how the values are combined"),
            common.axes(-1, "axis or list of axes to reduce (-1: the last; 0, the batch, cannot be)"),
            common.keepdims(),
        ),
        rule=_reduce,
        key_params=("op", "axis"),
        builds=Builds.OPERATION,
        operation=_reduce_call,
        from_operation=_read_reduce,
    )
)


def _clip(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    if p["x_min"] > p["x_max"]:
        raise LayerError(
            f"Clip's lower bound {p['x_min']} is above its upper bound {p['x_max']}",
            "make x_min at most x_max",
            code=ProblemCode.PARAM,
        )
    return _elementwise(p, inputs)


def _read_clip(class_name: str, config: Mapping[str, Any], args: Sequence[Any]) -> dict[str, Any] | None:
    bounds = config.get("x_min"), config.get("x_max")
    if class_name != "Clip" or list(args) != [TensorArg()] or not all(_number(b) for b in bounds):
        return None
    return {"x_min": bounds[0], "x_max": bounds[1]}


def _bound(name: str, default: float, doc: str) -> ParamSpec:
    return ParamSpec(name, ParamKind.FLOAT, default, doc, minimum=-1e12, maximum=1e12, keras=False)


SPECS.append(
    LayerSpec(
        type="Clip",
        category="Math",
        summary="limit every value to [x_min, x_max]",
        doc="Values below x_min become x_min and values above x_max become x_max (0 and 6 make "
        "ReLU6 of a linear output). No weights.",
        params=(_bound("x_min", 0.0, "lowest value let through"), _bound("x_max", 6.0, "highest value")),
        rule=_clip,
        key_params=("x_min", "x_max"),
        builds=Builds.OPERATION,
        operation=lambda p: OpCall("clip", (TensorArg(), p["x_min"], p["x_max"])),
        from_operation=_read_clip,
    )
)


def _expand(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    rank = len(x) + 1
    index = p["axis"] + rank if p["axis"] < 0 else p["axis"]
    if not 0 < index < rank:
        raise LayerError(
            f"ExpandDims puts a new axis at {p['axis']}, but its output has {rank} axes (axis 0 is the batch)",
            f"use an axis from 1 to {rank - 1}, or -1 for a new last axis",
            code=ProblemCode.AXIS,
        )
    return Outcome((*x[:index], 1, *x[index:]))


def _read_axis_op(class_name: str) -> Any:
    def read(name: str, config: Mapping[str, Any], args: Sequence[Any]) -> dict[str, Any] | None:
        axis = config.get("axis")
        ok = name == class_name and list(args) == [TensorArg()] and isinstance(axis, int) and not isinstance(axis, bool)
        return {"axis": axis} if ok else None

    return read


SPECS.append(
    LayerSpec(
        type="ExpandDims",
        category="Math",
        summary="add an axis of size 1",
        doc="Inserts a new axis of size 1 at the given place: (None, 16) with axis -1 becomes "
        "(None, 16, 1), ready for a Conv1D over the 16 values. Reshape can do the same.",
        params=(common.axis(-1, "where the new axis goes (-1: last)"),),
        rule=_expand,
        key_params=("axis",),
        builds=Builds.OPERATION,
        operation=lambda p: OpCall("expand_dims", (TensorArg(), p["axis"])),
        from_operation=_read_axis_op("ExpandDims"),
    )
)


def _squeeze(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    (index,) = axis_list("Squeeze", p["axis"], len(x))
    if x[index] != 1:
        raise LayerError(
            f"Squeeze removes axis {p['axis']}, which must have size 1 but has {x[index]} in {fmt(x)}",
            "choose an axis of size 1, or use Reshape or Reduce",
            code=ProblemCode.AXIS,
        )
    return Outcome(x[:index] + x[index + 1 :])


SPECS.append(
    LayerSpec(
        type="Squeeze",
        category="Math",
        summary="remove an axis of size 1",
        doc="Drops an axis whose size is 1: (None, 1, 16) with axis 1 becomes (None, 16). The opposite of ExpandDims.",
        params=(common.axis(1, "the axis of size 1 to remove"),),
        rule=_squeeze,
        key_params=("axis",),
        builds=Builds.OPERATION,
        operation=lambda p: OpCall("squeeze", (TensorArg(),), (("axis", p["axis"]),)),
        from_operation=_read_axis_op("Squeeze"),
    )
)
