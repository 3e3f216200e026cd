"""Recurrent layers: read a sequence step by step, carrying a state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers import common
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt, require_known_last, require_rank
from netdesigner.core.spec import CallStyle, LayerSpec, Outcome, Shape
from netdesigner.core.why import label, note

# Weight blocks per cell: one per gate (and candidate).
SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order


_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}
_STATES = {"SimpleRNN": ("state",), "LSTM": ("state h", "state c"), "GRU": ("state",)}


def _check_states(layer: str, units: int, states: Sequence[Shape]) -> None:
    """Initial states wired into the node must be one (batch, units) tensor per state."""
    for name, shape in zip(_STATES[layer], states, strict=False):  # none without initial_state
        if len(shape) != 2 or shape[1] != units:
            raise LayerError(
                f"{layer} starts from its initial {name}, which must be (batch, {units}) for units={units}; "
                f"it gets {fmt(shape)}",
                f"wire in a state of a recurrent layer with {units} units (its return_state outputs), "
                "or turn initial_state off",
                code=ProblemCode.STATE,
            )


def _recurrent_rule(layer: str):
    gates = _GATES[layer]

    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        x, *states = inputs
        require_rank(layer, x, 3)
        features = require_known_last(layer, x, "features per step")
        units = p["units"]
        bias = 0
        if p["use_bias"]:
            bias = units * (2 if layer == "GRU" and p["reset_after"] else 1)
        params = gates * (label(units * (features + units), "weights") + label(bias, "biases"))
        note(lambda: f"{layer} has {gates} gate{'s' if gates > 1 else ''}, each with its own weights and biases")
        steps = x[1]
        macs = None if steps is None else steps * gates * units * (features + units)
        shape = (x[0], steps, units) if p["return_sequences"] else (x[0], units)
        _check_states(layer, units, states)
        more = tuple((x[0], units) for _ in _STATES[layer]) if p["return_state"] else ()
        return Outcome(shape, params, 0, macs, more)

    return rule


def _outputs(layer: str):
    def names(p: Mapping[str, Any]) -> tuple[str, ...]:
        return ("out", *_STATES[layer]) if p.get("return_state") else ("out",)

    return names


def _initial_inputs(layer: str):
    def names(p: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(f"initial {name}" for name in _STATES[layer]) if p.get("initial_state") else ()

    return names


def states(layer: str) -> tuple[ParamSpec, ParamSpec]:
    """Whether the final states are output ports, and whether the first states are input ports."""
    count = "its state" if len(_STATES[layer]) == 1 else "its two states (h and c)"
    return (
        ParamSpec(
            "return_state",
            ParamKind.BOOL,
            False,
            f"also output {count} after the last step, e.g. to start a decoder from them",
        ),
        ParamSpec(
            "initial_state",
            ParamKind.BOOL,
            False,
            f"start from {count} wired into extra input ports (an encoder's states) instead of zeros",
            keras=False,
        ),
    )


def cell_activations(gated: bool) -> list[ParamSpec]:
    """The candidate state's function, and the gates' where the cell has gates."""
    specs = [
        ParamSpec(
            "activation",
            ParamKind.CHOICE,
            "tanh",
            "function applied to the candidate state",
            choices=common.ACTIVATIONS,
        )
    ]
    if gated:
        specs.append(
            ParamSpec(
                "recurrent_activation",
                ParamKind.CHOICE,
                "sigmoid",
                "function applied to the gates",
                choices=common.ACTIVATIONS,
            )
        )
    return specs


def reading(what: str) -> tuple[ParamSpec, ParamSpec]:
    """Whether every step's ``what`` is output, and which way the sequence is read."""
    return (
        ParamSpec(
            "return_sequences",
            ParamKind.BOOL,
            False,
            f"output every step's {what} (for stacking recurrent layers) instead of the last one",
        ),
        ParamSpec("go_backwards", ParamKind.BOOL, False, "read the sequence from the end"),
    )


def _params(layer: str) -> tuple[ParamSpec, ...]:
    specs = [
        common.units("size of the state (and of each output)"),
        *cell_activations(gated=layer != "SimpleRNN"),
        common.use_bias(),
        *common.weights("kernel", "recurrent", "bias"),
        *reading("output"),
        *states(layer),
        ParamSpec(
            "dropout", ParamKind.FLOAT, 0.0, "fraction of the inputs dropped while training", minimum=0.0, maximum=1.0
        ),
        ParamSpec(
            "recurrent_dropout",
            ParamKind.FLOAT,
            0.0,
            "fraction of the state dropped while training",
            minimum=0.0,
            maximum=1.0,
        ),
    ]
    if layer == "GRU":
        specs.append(
            ParamSpec(
                "reset_after", ParamKind.BOOL, True, "apply the reset gate after the matrix product (as cuDNN does)"
            )
        )
    return tuple(specs)


_DOCS = {
    "SimpleRNN": (
        "the simplest recurrent layer",
        "Reads the sequence one step at a time, mixing each "
        "input with its previous state. Struggles with long-range dependencies: prefer LSTM or GRU.",
    ),
    "LSTM": (
        "long short-term memory over sequences",
        "A recurrent layer whose gates decide what to "
        "remember and forget, so it can carry information across long sequences (text, time series).",
    ),
    "GRU": (
        "gated recurrent unit over sequences",
        "A lighter cousin of LSTM with two gates instead of three; often just as accurate and faster.",
    ),
}

for _type, (_summary, _doc) in _DOCS.items():
    SPECS.append(
        LayerSpec(
            type=_type,
            category="Recurrent",
            summary=_summary,
            doc=_doc + " Set return_sequences to stack another recurrent layer after it; return_state "
            "and initial_state pass its memory to another recurrent layer (an encoder-decoder).",
            params=_params(_type),
            rule=_recurrent_rule(_type),
            keras_class=_type,
            key_params=("units", "return_sequences", "return_state"),
            call=CallStyle.INITIAL_STATE,
            more_inputs=_initial_inputs(_type),
            outputs=_outputs(_type),
        )
    )
