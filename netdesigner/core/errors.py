"""Typed errors raised by core.

Each carries a message written for a student and, where one helps, a hint saying what to do.
The GUI and the CLI show ``str(error)``; they never need to parse it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ProblemCode(StrEnum):
    """The kind of a problem, stable for tools and tests (``check --json`` prints messages;
    the code tells problems apart without reading prose)."""

    # a layer that cannot work on its inputs (the node turns red)
    SHAPE = "shape"
    AXIS = "axis"
    BROADCAST = "broadcast"
    CHANNELS = "channels"
    EMPTY_OUTPUT = "empty_output"
    GROUPS = "groups"
    IMAGE = "image"
    INTERNAL = "internal"
    MERGE = "merge"
    MISMATCH = "mismatch"
    PARAM = "param"
    RANK = "rank"
    SEQUENCE = "sequence"
    SHARED = "shared"
    SIZE = "size"
    STATE = "state"
    UNCONNECTED = "unconnected"
    UNFREEZE = "unfreeze"
    UNKNOWN_DIM = "unknown_dim"
    UNKNOWN_SIZE = "unknown_size"
    WRAPPER = "wrapper"
    # the graph as a whole
    DUPLICATE_NAME = "duplicate_name"
    NO_INPUT = "no_input"
    NO_OUTPUT = "no_output"
    HEAD = "head"
    DTYPE = "dtype"
    DANGLING = "dangling"


def quoted(value: Any) -> str:
    """A value quoted in a message, cut short (a file may hold a 4,000-digit number) and with
    what cannot be printed escaped (``repr`` shows lone surrogates as ``\\ud800``)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def in_words(error: BaseException) -> str:
    """What went wrong, as a message says it: an ``OSError``'s own words ("No space left on
    device"), without its number and file name; any other error's text."""
    return getattr(error, "strerror", None) or str(error)


class GraphError(Exception):
    """Base of every error core raises on purpose."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message

    # Errors are values inside inference results, which are compared to skip redundant redraws.
    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), self.message))


class CycleError(GraphError):
    """A connection would close a loop; ``loop`` lists the node names around it."""

    def __init__(self, message: str, loop: list[str]) -> None:
        super().__init__(message, "a network must flow one way, from inputs to outputs")
        self.loop = loop


class PortError(GraphError):
    """A connection names a port that does not exist or is already taken."""


class DuplicateNameError(GraphError):
    """Two nodes would share a name, which Keras forbids for layers."""


class ParamError(GraphError):
    """A parameter value is of the wrong type or outside its allowed values."""

    def __init__(self, param: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.param = param


class LayerError(GraphError):
    """A layer cannot work on the inputs it receives (the node turns red).

    ``code`` names the kind of problem so tests and tools can tell them apart without
    reading prose.
    """

    def __init__(self, message: str, hint: str = "", code: ProblemCode = ProblemCode.SHAPE) -> None:
        super().__init__(message, hint)
        self.code = code


class FormatError(GraphError):
    """A graph file cannot be read; ``where`` says which part (e.g. ``nodes[3].params.filters``)."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
