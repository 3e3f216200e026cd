"""Safe, PEP 8 Python source fragments: literals, identifiers and calls.

Every user string reaches generated code through ``literal`` (a double-quoted literal that
``ast.literal_eval`` turns back into exactly that string), and every generated name through
``Namespace`` (unique, legal, never a keyword, builtin or name the script itself uses), so a
layer called ``x"); import os; ("`` is just text.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LINE_LENGTH = 88
INDENT = "    "


def literal(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple | list):
        items = ", ".join(literal(v) for v in value)
        if isinstance(value, list):
            return f"[{items}]"
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no literal for {type(value).__name__}")


def _string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable() and ch not in "\u2028\u2029":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    out.append('"')
    return "".join(out)


class Namespace:
    """Unique Python identifiers for arbitrary names, in the manner of torch.fx's namespace."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken = set(reserved) | set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
        self._given: dict[str, str] = {}

    def name(self, key: str, hint: str) -> str:
        if key in self._given:
            return self._given[key]
        base = re.sub(r"[^0-9a-zA-Z_]+", "_", hint).strip("_").lower() or "layer"
        if base[0].isdigit():
            base = f"layer_{base}"
        candidate, i = base, 2
        while candidate in self._taken:
            candidate = f"{base}_{i}"
            i += 1
        self._taken.add(candidate)
        self._given[key] = candidate
        return candidate


@dataclass(frozen=True)
class Call:
    """``callee(args)suffix``; ``suffix`` is text such as ``(inputs)`` for calling a new layer."""

    callee: str
    args: tuple[Expr, ...]
    suffix: str = ""


@dataclass(frozen=True)
class Seq:
    """A list (or, with ``brackets="()"``, a tuple) of expressions."""

    items: tuple[Expr, ...]
    brackets: str = "[]"


@dataclass(frozen=True)
class Kw:
    """A keyword argument ``name=value``."""

    name: str
    value: Expr


Expr = str | Call | Seq | Kw


def flat(expr: Expr) -> str:
    """The expression on one line."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, Kw):
        return f"{expr.name}={flat(expr.value)}"
    if isinstance(expr, Call):
        return f"{expr.callee}({', '.join(flat(a) for a in expr.args)}){expr.suffix}"
    inner = ", ".join(flat(i) for i in expr.items)
    return expr.brackets[0] + inner + expr.brackets[1]


def render(expr: Expr, indent: str = INDENT, prefix: str = "", trailer: str = "") -> list[str]:
    """Lines of ``prefix + expr + trailer``: one line if it fits in 88 columns, else the outer
    brackets exploded one element per line with a trailing comma (recursively), which is the
    layout black and ruff format keep as it is."""
    line = f"{indent}{prefix}{flat(expr)}{trailer}"
    if len(line) <= LINE_LENGTH or isinstance(expr, str):
        return [line]
    if isinstance(expr, Kw):
        return render(expr.value, indent, f"{prefix}{expr.name}=", trailer)
    if isinstance(expr, Call):
        if not expr.args:
            return [line]
        opening, items, closing = f"{expr.callee}(", expr.args, f"){expr.suffix}"
    else:
        opening, items, closing = expr.brackets[0], expr.items, expr.brackets[1]
    lines = [f"{indent}{prefix}{opening}"]
    for item in items:
        lines += render(item, indent + INDENT, "", ",")
    lines.append(f"{indent}{closing}{trailer}")
    return lines
