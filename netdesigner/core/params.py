"""Parameter declarations: one ``ParamSpec`` per layer argument, shared by every consumer.

The property editor builds its widgets from these, the file loader and ``Graph.set_param``
coerce values through them, and the Keras builder passes the ``keras`` ones on by name.
Values are kept as plain immutable Python data (tuples, not lists) so results can be cached
and compared cheaply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from netdesigner.core.errors import ParamError, quoted
from netdesigner.core.keras_objects import object_problem

if TYPE_CHECKING:
    from collections.abc import Mapping

    from netdesigner.core.spec import LayerSpec


class ParamKind(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    CHOICE = "choice"
    INTS = "ints"  # a fixed-length tuple of ints, e.g. kernel_size; a bare int is repeated
    SHAPE = "shape"  # a variable-length tuple of ints or None (unknown), e.g. an Input shape
    FLOATS = "floats"  # a variable-length tuple of numbers, e.g. Discretization's bin_boundaries
    AXES = "axes"  # one axis (an int) or a list of axes (a tuple), kept as Keras was given it
    MULTI_CHOICE = "multi_choice"  # an ordered tuple of distinct choices, e.g. metrics
    KERAS_OPTIONS = "keras_options"  # extra Keras arguments (initializers, ...) as Keras config data
    LAYER = "layer"  # a wrapped layer: {"type": one of ``inner``, "params": its parameters}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: its Keras name, type, default, allowed values and a one-line explanation.

    ``keras=False`` marks values that steer netdesigner but are not Keras layer arguments
    (the number of inputs of a merge, the loss of an output head). ``required`` marks Keras
    arguments without a Keras default (``units``, ``filters``): exported code always writes them,
    and leaves out the others while they hold their default. ``scalar`` lets a SHAPE be empty:
    ``()`` is one value per sample. ``learned`` marks what a layer that adapts learns from the
    training data (Discretization's bin_boundaries): given here, the layer does not adapt.
    """

    name: str
    kind: ParamKind
    default: Any
    doc: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    length: int | None = None
    nullable: bool = False
    empty: str = "automatic"  # what an empty value means, for a nullable parameter
    keras: bool = True
    required: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    scalar: bool = False
    learned: bool = False
    inner: Mapping[str, LayerSpec] = field(default_factory=dict)  # LAYER: the types it may wrap

    def coerce(self, value: Any) -> Any:
        """Return ``value`` in canonical form, or raise ``ParamError`` saying what is wrong."""
        if value is None:
            if self.nullable:
                return None
            raise ParamError(self.name, f"{self.name} needs a value")
        kind = self.kind
        if kind is ParamKind.INT:
            return self._check_range(self._as_int(value, self.name))
        if kind is ParamKind.FLOAT:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParamError(self.name, f"{self.name} must be a number, got {quoted(value)}")
            number = _as_float(value)
            if number is None or not math.isfinite(number):
                raise ParamError(self.name, f"{self.name} must be a finite number, got {quoted(value)}")
            return self._check_range(number)
        if kind is ParamKind.BOOL:
            if not isinstance(value, bool):
                raise ParamError(self.name, f"{self.name} must be true or false, got {quoted(value)}")
            return value
        if kind is ParamKind.CHOICE:
            if value not in self.choices or isinstance(value, bool):
                raise ParamError(
                    self.name,
                    f"{self.name} cannot be {quoted(value)}",
                    "choose one of " + ", ".join(repr(c) for c in self.choices),
                )
            return value
        if kind is ParamKind.INTS:
            return self._coerce_ints(value)
        if kind is ParamKind.SHAPE:
            return self._coerce_shape(value)
        if kind is ParamKind.FLOATS:
            return self._coerce_floats(value)
        if kind is ParamKind.AXES:
            return self._coerce_axes(value)
        if kind is ParamKind.KERAS_OPTIONS:
            return self._coerce_keras_options(value)
        if kind is ParamKind.LAYER:
            return self._coerce_layer(value)
        return self._coerce_multi_choice(value)

    @staticmethod
    def _as_int(value: Any, name: str) -> int:
        if isinstance(value, bool):
            raise ParamError(name, f"{name} must be a whole number, got {quoted(value)}")
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if not isinstance(value, int):
            raise ParamError(name, f"{name} must be a whole number, got {quoted(value)}")
        return value

    def _check_range(self, number: float) -> Any:
        low, high = self.minimum, self.maximum
        if low is not None and (number < low or (self.exclusive_minimum and number == low)):
            bound = "more than" if self.exclusive_minimum else "at least"
            raise ParamError(self.name, f"{self.name} must be {bound} {_num(low)}, got {_num(number)}")
        if high is not None and (number > high or (self.exclusive_maximum and number == high)):
            bound = "less than" if self.exclusive_maximum else "at most"
            raise ParamError(self.name, f"{self.name} must be {bound} {_num(high)}, got {_num(number)}")
        return number

    def _coerce_ints(self, value: Any) -> tuple[int, ...]:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and self.length:
            value = [value] * self.length
        if not isinstance(value, (list, tuple)):
            raise ParamError(self.name, f"{self.name} must be a list of whole numbers, got {quoted(value)}")
        if self.length is not None and len(value) != self.length:
            raise ParamError(self.name, f"{self.name} needs {self.length} numbers, got {len(value)}: {list(value)}")
        if not value:
            raise ParamError(self.name, f"{self.name} needs at least one number")
        return tuple(self._check_range(self._as_int(v, self.name)) for v in value)

    def _coerce_axes(self, value: Any) -> int | tuple[int, ...]:
        """One axis stays a number and a list stays a list (of one too), since Keras keeps the
        form it was given in its config."""
        if not isinstance(value, (list, tuple)):
            return self._check_range(self._as_int(value, self.name))
        if not value:
            raise ParamError(self.name, f"{self.name} needs at least one axis")
        axes = tuple(self._check_range(self._as_int(v, self.name)) for v in value)
        if len(set(axes)) < len(axes):
            raise ParamError(self.name, f"{self.name} names an axis twice: {list(axes)}")
        return axes

    def _coerce_shape(self, value: Any) -> tuple[int | None, ...]:
        if not isinstance(value, (list, tuple)):
            raise ParamError(self.name, f"{self.name} must be a list of sizes, got {quoted(value)}")
        if not value and not self.scalar:
            raise ParamError(self.name, f"{self.name} needs at least one dimension")
        dims: list[int | None] = []
        for v in value:
            if v is None:
                dims.append(None)
                continue
            size = self._as_int(v, self.name)
            if size < 1:
                raise ParamError(
                    self.name,
                    f"every size in {self.name} must be at least 1 (or empty for unknown), got {size}",
                )
            if self.maximum is not None and size > self.maximum:
                raise ParamError(
                    self.name, f"every size in {self.name} must be at most {_num(self.maximum)}, got {_num(size)}"
                )
            dims.append(size)
        return tuple(dims)

    def _coerce_floats(self, value: Any) -> tuple[float, ...]:
        if not isinstance(value, (list, tuple)):
            raise ParamError(self.name, f"{self.name} must be a list of numbers, got {quoted(value)}")
        if not value:
            raise ParamError(self.name, f"{self.name} needs at least one number")
        if len(value) > MAX_CONSTANT_VALUES:
            raise ParamError(self.name, f"{self.name} holds {len(value):,} numbers, at most {MAX_CONSTANT_VALUES:,}")
        numbers = []
        for v in value:
            number = None if isinstance(v, bool) or not isinstance(v, (int, float)) else _as_float(v)
            if number is None or not math.isfinite(number):
                raise ParamError(self.name, f"every entry of {self.name} must be a finite number, got {quoted(v)}")
            numbers.append(number)
        return tuple(numbers)

    def _coerce_multi_choice(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)):
            raise ParamError(self.name, f"{self.name} must be a list, got {quoted(value)}")
        chosen: list[str] = []
        for item in value:
            if not isinstance(item, str) or item not in self.choices:
                raise ParamError(
                    self.name,
                    f"{self.name} cannot contain {quoted(item)}",
                    "choose from " + ", ".join(self.choices),
                )
            if item not in chosen:
                chosen.append(item)
        return tuple(chosen)

    def _coerce_keras_options(self, value: Any) -> dict[str, Any]:
        """Only the layer's own initializer, regularizer and constraint arguments (``choices``)
        pass: they never change a shape, Keras rebuilds them from config data without running any
        code of the file's, and each key is written into exported code as a keyword name."""
        if not isinstance(value, dict):
            raise ParamError(self.name, f"{self.name} must be an object, got {quoted(value)}")
        for key, item in value.items():
            if key not in self.choices:
                raise ParamError(
                    self.name,
                    f"{self.name} cannot set {key!r}",
                    "this layer's options are " + ", ".join(self.choices),
                )
            problem = config_data_problem(item) or object_problem(key, item)
            if problem:
                raise ParamError(self.name, f"{self.name}.{key} cannot be kept: {problem}")
        return dict(value)

    def _coerce_layer(self, value: Any) -> dict[str, Any]:
        """A wrapped layer's type and every one of its parameters, each coerced by its own
        declaration (those not given take their defaults)."""
        hint = "choose one of " + ", ".join(self.inner)
        if not isinstance(value, dict) or not isinstance(value.get("params", {}), dict):
            message = f"{self.name} must name a layer type and its parameters, got {quoted(value)}"
            raise ParamError(self.name, message, hint)
        if value.get("type") not in self.inner:
            raise ParamError(self.name, f"the wrapped layer cannot be {quoted(value.get('type'))}", hint)
        spec = self.inner[value["type"]]
        params = spec.defaults()
        for key, item in value.get("params", {}).items():
            try:
                params[key] = spec.param(key).coerce(item)
            except KeyError:
                raise ParamError(self.name, f"{spec.type} has no parameter {key!r}") from None
        return {"type": spec.type, "params": params}


def _as_float(value: int | float) -> float | None:
    """``value`` as a float, None for an integer beyond the float range (10**400)."""
    try:
        return float(value)
    except OverflowError:
        return None


def is_keras_module(module: object) -> bool:
    """Whether a config names ``module`` as one of Keras's own (``keras.layers``,
    ``keras.src.ops.numpy``, ...); a class from any other module, or from none, is the model's
    own code."""
    return isinstance(module, str) and module.split(".")[0] == "keras"


MAX_CONSTANT_VALUES = 65_536  # numbers a Constant initializer may hold (a bias of that many units)


def config_data_problem(value: Any, depth: int = 0) -> str | None:
    """Why ``value`` is not plain Keras config data of bounded size, or None. Objects must name
    Keras's own classes in Keras's own modules, so that Keras's deserializer never imports
    anything else and never resolves a custom class to a built-in of the same name."""
    if depth > 8:
        return "it nests deeper than 8 levels"
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"it holds {value}, which is not a finite number"
    if isinstance(value, list):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            if len(value) > MAX_CONSTANT_VALUES:
                return f"it holds {len(value):,} numbers; netdesigner keeps constants of up to {MAX_CONSTANT_VALUES:,}"
        elif len(value) > 64:
            return f"it holds a list of {len(value)} items (at most 64)"
        return next(filter(None, (config_data_problem(v, depth + 1) for v in value)), None)
    if isinstance(value, dict):
        if len(value) > 64 or not all(isinstance(k, str) for k in value):
            return "it is an object with more than 64 entries or keys that are not text"
        if "class_name" in value:
            module, registered, name = value.get("module"), value.get("registered_name"), value["class_name"]
            if registered not in (None, name):
                return (
                    f"`{registered}` is a custom class defined in the model's Python code; "
                    "netdesigner runs no code from files — use one of Keras's own"
                )
            if not is_keras_module(module):
                return f"it names `{module}.{name}`, which is not one of Keras's own classes (netdesigner runs no code)"
        return next(filter(None, (config_data_problem(v, depth + 1) for v in value.values())), None)
    return f"it holds {type(value).__name__} data"


def _num(number: float) -> str:
    if isinstance(number, int):
        return str(number) if abs(number) < 10**15 else f"a {len(str(abs(number)))}-digit number"
    return str(int(number)) if number.is_integer() else repr(number)


def to_json_value(value: Any) -> Any:
    """Canonical in-memory value -> JSON-ready value (tuples become lists)."""
    if isinstance(value, tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    return value
