"""The exported code of an operation node: ``x * 0.5`` where Python has the operator (the
functional API records it as the same operation), else the ``keras.ops`` call."""

from __future__ import annotations

from netdesigner.backend.pysource import literal
from netdesigner.core.spec import OpCall, TensorArg


def operation_source(call: OpCall, sources: list[str]) -> str:
    """``call`` as an expression over the variables ``sources`` (one per input port)."""
    args = [sources[a.port] if isinstance(a, TensorArg) else literal(a) for a in call.args]
    if call.symbol and len(args) == 2 and not call.kwargs:
        left = f"({args[0]})" if args[0].startswith("-") else args[0]  # -2.0 ** x is -(2.0 ** x)
        return f"{left} {call.symbol} {args[1]}"
    args += [f"{key}={literal(value)}" for key, value in call.kwargs]
    return f"keras.ops.{call.function}({', '.join(args)})"
