"""Why a node has its output shape and parameter count: the catalog rule's own arithmetic, shown.

There is one source for the numbers and their explanation. ``explain`` runs the layer's shape
rule once more on *traced* whole numbers (``Num``, an ``int`` that remembers the expression that
produced it), so the text under a node is the very arithmetic that gave its numbers:
"height: 150 - 3 + 1 = 148", "parameters: 3 × 3 × 3 × 32 weights + 32 biases = 896". Rules
stay ordinary integer code; on plain ints (every edit's inference) nothing here runs but
``label`` and ``note``, which then do nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from netdesigner.core.params import ParamKind
from netdesigner.core.spec import LayerSpec, Shape, frozen

_NOTES: ContextVar[list[str] | None] = ContextVar("why_notes", default=None)


class _Prec(IntEnum):
    """How tightly a rendered expression binds, to place parentheses."""

    ATOM = 0
    PRODUCT = 1
    SUM = 2


class Num(int):
    """A whole number with the expression that produced it: ``text`` to read, ``py`` to check.

    ``source`` says where a leaf came from: ``"input"`` (an input's axis, ``axis`` its index,
    ``port`` its input), a parameter's name, or ``""`` for a computed value."""

    text: str
    py: str
    prec: _Prec
    source: str
    axis: int
    port: int
    label: str

    def __new__(
        cls,
        value: int,
        text: str | None = None,
        py: str | None = None,
        prec: _Prec = _Prec.ATOM,
        source: str = "",
        axis: int = -1,
        port: int = 0,
        label: str = "",
    ) -> Num:
        num = super().__new__(cls, value)
        num.text = f"{value:,}" if text is None else text
        num.py = str(value) if py is None else py
        num.prec, num.source, num.axis, num.port, num.label = prec, source, axis, port, label
        return num

    @property
    def derived(self) -> bool:
        return self.source != "input" and self.text != f"{int(self):,}"

    def shown(self, wrap_at: _Prec) -> str:
        """The text, in parentheses where it binds more loosely than ``wrap_at`` allows."""
        text = f"{self.text} {self.label}" if self.label else self.text
        loose = _Prec.SUM if self.label else self.prec
        return f"({text})" if loose > wrap_at else text

    def __add__(self, other: object) -> Any:
        return _combine(self, other, "+")

    def __radd__(self, other: object) -> Any:
        return _combine(other, self, "+")

    def __sub__(self, other: object) -> Any:
        return _combine(self, other, "-")

    def __rsub__(self, other: object) -> Any:
        return _combine(other, self, "-")

    def __mul__(self, other: object) -> Any:
        return _combine(self, other, "×")

    def __rmul__(self, other: object) -> Any:
        return _combine(other, self, "×")

    def __floordiv__(self, other: object) -> Any:
        return _combine(self, other, "/")

    def __rfloordiv__(self, other: object) -> Any:
        return _combine(other, self, "/")


def _traced(value: int) -> Num:
    return value if isinstance(value, Num) else Num(value)


def _neutral(value: object, identity: int) -> bool:
    """A constant or parameter equal to the operation's identity is left out of the text (an
    input's size is always shown: "1 × 64 weights" says where the 64 comes from)."""
    return value == identity and not (isinstance(value, Num) and value.source == "input")


def _combine(left: object, right: object, op: str) -> Any:
    if not isinstance(left, int) or not isinstance(right, int) or isinstance(left, bool) or isinstance(right, bool):
        return NotImplemented
    a, b = int(left), int(right)
    if op == "+":
        value = a + b
    elif op == "-":
        value = a - b
    elif op == "×":
        value = a * b
    else:
        value = a // b
    if op in "+-" and _neutral(right, 0) or op in "×/" and _neutral(right, 1):
        return _traced(left)
    if op == "+" and _neutral(left, 0) or op == "×" and _neutral(left, 1):
        return _traced(right)
    x, y = _traced(left), _traced(right)
    if op == "/":
        return Num(value, f"⌊{x.shown(_Prec.ATOM)} / {y.shown(_Prec.ATOM)}⌋", f"(({x.py}) // ({y.py}))")
    if op == "×":
        text = f"{x.shown(_Prec.PRODUCT)} × {y.shown(_Prec.PRODUCT)}"
        return Num(value, text, f"(({x.py}) * ({y.py}))", _Prec.PRODUCT)
    text = f"{x.shown(_Prec.SUM)} {op} {y.shown(_Prec.PRODUCT if op == '-' else _Prec.SUM)}"
    return Num(value, text, f"(({x.py}) {op} ({y.py}))", _Prec.SUM)


def ceil_div(a: int, b: int) -> int:
    """``a / b`` rounded up; traced numbers show it as ⌈a / b⌉."""
    value = -(-int(a) // int(b))
    if not isinstance(a, Num) and not isinstance(b, Num):
        return value
    if _neutral(b, 1):
        return _traced(a)
    x, y = _traced(a), _traced(b)
    return Num(value, f"⌈{x.shown(_Prec.ATOM)} / {y.shown(_Prec.ATOM)}⌉", f"(-(-({x.py}) // ({y.py})))")


def label(value: int, words: str) -> int:
    """Name what a term of a count is ("weights", "biases"), for the explanation."""
    if isinstance(value, Num) and value:
        return Num(value, value.text, value.py, value.prec, value.source, value.axis, value.port, words)
    if value and _NOTES.get() is not None:  # a constant term, while explaining
        return Num(value, label=words)
    return value


def note(say: Callable[[], str]) -> None:
    """A sentence for the explanation (what must match at a merge); built only when explaining."""
    notes = _NOTES.get()
    if notes is not None:
        notes.append(say())


@dataclass(frozen=True)
class Step:
    """One line of arithmetic: ``what`` is ``formula`` = ``value``; ``py`` is the same
    expression in Python (for the tests that check every stated result)."""

    what: str
    formula: str
    value: int
    py: str

    def __str__(self) -> str:
        result = f"{self.value:,}"
        return f"{self.what}: {result}" if self.formula == result else f"{self.what}: {self.formula} = {result}"


@dataclass(frozen=True)
class Explanation:
    shape: Shape
    trainable: int
    non_trainable: int
    steps: tuple[Step, ...]  # the computed axes
    counts: tuple[Step, ...]  # the parameter counts (trainable, then non-trainable), where not 0
    axes: tuple[str, ...]  # one line per axis in order (neighbours kept from the input share one)
    notes: tuple[str, ...]

    def lines(self) -> list[str]:
        lines = [*self.axes, *self.notes, *map(str, self.counts)]
        if not self.trainable and not self.non_trainable:
            lines.append("parameters: none (this layer learns no weights)")
        return lines


def axis_names(rank: int) -> list[str]:
    """Names of a shape's axes as students say them: (batch, height, width, channels)."""
    names = {
        2: ["batch", "features"],
        3: ["batch", "steps", "channels"],
        4: ["batch", "height", "width", "channels"],
        5: ["batch", "depth", "height", "width", "channels"],
    }
    return names.get(rank, ["batch", *(f"axis {i}" for i in range(1, rank))])


def _trace_params(spec: LayerSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    traced = dict(params)
    for p in spec.params:
        value = params.get(p.name)
        if p.kind is ParamKind.INT and isinstance(value, int) and not isinstance(value, bool):
            traced[p.name] = Num(value, source=p.name)
        elif p.kind in (ParamKind.INTS, ParamKind.SHAPE) and isinstance(value, tuple):
            traced[p.name] = tuple(Num(v, source=p.name) if isinstance(v, int) else v for v in value)
    return traced


def _trace_shape(shape: Shape, port: int) -> Shape:
    return tuple(None if d is None else Num(d, source="input", axis=i, port=port) for i, d in enumerate(shape))


def explain(spec: LayerSpec, params: Mapping[str, Any], inputs: Sequence[Shape]) -> Explanation:
    """The arithmetic of ``spec``'s rule for these parameters and input shapes (it raises the
    rule's ``LayerError`` where the rule does)."""
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        traced_inputs = [_trace_shape(shape, port) for port, shape in enumerate(inputs)]
        outcome = spec.apply(_trace_params(spec, params), traced_inputs)
    finally:
        _NOTES.reset(token)
    if frozen(params) and outcome.non_trainable:
        notes.append("frozen (trainable off): its weights stay as they are, so they count as non-trainable")
    names = axis_names(len(outcome.shape))
    steps: list[Step] = []
    axes: list[str] = []
    kept: list[str] = []  # a run of neighbouring axes copied from the input
    for i, dim in enumerate(outcome.shape[1:], start=1):
        name = names[i]
        if isinstance(dim, Num) and dim.source == "input" and dim.axis == i and len(inputs[dim.port]) == len(names):
            kept.append(f"{name} {dim:,}")
            continue
        if kept:
            axes.append(f"{', '.join(kept)}: as in the input")
            kept = []
        if dim is None:
            axes.append(f"{name}: unknown (None), as the input leaves it open")
        elif not isinstance(dim, Num):
            axes.append(f"{name}: {dim:,}")
        elif dim.source == "input":
            axes.append(f"{name}: {dim:,}, axis {dim.axis} of the input")
        elif dim.derived:
            steps.append(Step(name, dim.shown(_Prec.SUM), int(dim), dim.py))
            axes.append(str(steps[-1]))
        else:
            axes.append(f"{name}: {dim:,}, the {dim.source or 'value'} you set")
    if kept:
        axes.append(f"{', '.join(kept)}: as in the input")
    counts: list[Step] = []
    for what, count in (("parameters", outcome.trainable), ("non-trainable parameters", outcome.non_trainable)):
        if count:
            traced = _traced(count)
            what = "trainable parameters" if what == "parameters" and outcome.non_trainable else what
            counts.append(Step(what, traced.shown(_Prec.SUM), int(count), traced.py))
    shape = tuple(None if d is None else int(d) for d in outcome.shape)
    trainable, non_trainable = int(outcome.trainable), int(outcome.non_trainable)
    return Explanation(shape, trainable, non_trainable, tuple(steps), tuple(counts), tuple(axes), tuple(notes))
