"""A CSV file as features and a target, every flaw named by column and line.

A user's table is the most error-prone source: short rows, empty cells, text in a number
column, a byte-order mark from a spreadsheet. Each is found here before training, with the
line number a text editor shows (the header is line 1).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from netdesigner.backend.data_checks import DataError, listed
from netdesigner.core.bounded_read import check_regular

MISSING = ("", "nan", "na", "n/a", "null", "none")


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and ``(first line, cells)`` of every non-blank record, complete. Strict CSV:
    an unclosed quote is an error, not the silent end of the table."""
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        check_regular(path)
        with path.open(newline="", encoding="utf-8-sig") as handle:  # -sig: a spreadsheet's BOM
            reader = csv.reader(handle, strict=True)
            for row in reader:
                if any(cell.strip() for cell in row):
                    records.append((line, row))
                line = reader.line_num + 1  # where the next record starts (a quoted cell may span lines)
    except csv.Error as exc:
        raise DataError(f"{path.name}, line {line}: {exc}", "check the quotes on that line") from None
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read {path}: {exc}") from None
    if not records:
        raise DataError(f"{path} is empty", "the first line names the columns")
    header = [name.strip() for name in records[0][1]]
    rows = records[1:]
    if not rows:
        raise DataError(f"{path} has no data rows")
    for line, row in rows:
        if len(row) != len(header):
            raise DataError(
                f"{path.name}, line {line}: {len(row)} value(s) where the header names {len(header)} columns",
                "every row needs one value per column",
            )
    return header, rows


def positions(header: list[str]) -> dict[str, int]:
    """Each column name's first position: looked up once per column, not searched per row (a
    table of 40,000 columns took minutes)."""
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        position.setdefault(name, index)
    return position


def read_csv(path: Path, features: list[str], target: str) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (float32, one column per feature) and ``y`` (float32 numbers, or int32 class
    indices when the target holds names)."""
    header, rows = read_table(path)
    position = positions(header)
    missing = [c for c in [*features, target] if c not in position]
    if missing or not features or not target:
        raise DataError(
            f"{path}: columns {missing or '(none chosen)'} not found",
            f"choose features and target among: {', '.join(header)}",
        )
    columns = {name: [row[position[name]].strip() for _, row in rows] for name in [*features, target]}
    lines = [line for line, _ in rows]
    x = np.stack([_numbers(path, name, columns[name], lines) for name in features], axis=1)
    return x, _target(path, target, columns[target], lines)


def read_csv_columns(path: Path, inputs: list[tuple[str, str]], target: str) -> tuple[list[np.ndarray], np.ndarray]:
    """One array per ``(column, dtype)`` of ``inputs``, one value per row: text stays text
    (``string``), ``bool`` reads true/false, yes/no or 1/0, whole numbers are checked whole;
    and ``y`` as ``read_csv`` reads it."""
    header, rows = read_table(path)
    position = positions(header)
    missing = [c for c in [*(name for name, _ in inputs), target] if c not in position]
    if missing or not target:
        raise DataError(
            f"{path}: columns {missing or '(no target chosen)'} not found",
            f"name each Input after its column, and choose the target among: {', '.join(header)}",
        )
    lines = [line for line, _ in rows]
    x = []
    for name, dtype in inputs:
        cells = [row[position[name]].strip() for _, row in rows]
        if dtype == "string":
            x.append(np.array(cells, dtype=object))
        elif dtype == "bool":
            x.append(_truths(path, name, cells, lines))
        elif dtype.startswith("int"):
            x.append(_whole(path, name, cells, lines, dtype))
        else:
            x.append(_numbers(path, name, cells, lines))
    return x, _target(path, target, [row[position[target]].strip() for _, row in rows], lines)


TRUE, FALSE = ("true", "yes", "1", "1.0"), ("false", "no", "0", "0.0")


def _truths(path: Path, column: str, cells: list[str], lines: list[int]) -> np.ndarray:
    for cell, line in zip(cells, lines, strict=True):
        if cell.lower() not in TRUE + FALSE:
            raise DataError(
                f"{path.name}, line {line}: column {column!r} holds {cell[:40]!r}, not true or false",
                "write true/false, yes/no or 1/0, or change the Input's dtype",
            )
    return np.array([cell.lower() in TRUE for cell in cells])


def _whole(path: Path, column: str, cells: list[str], lines: list[int], dtype: str) -> np.ndarray:
    numbers = _numbers(path, column, cells, lines)
    for value, cell, line in zip(numbers, cells, lines, strict=True):
        if not float(value).is_integer():
            raise DataError(
                f"{path.name}, line {line}: column {column!r} holds {cell[:40]!r}, not a whole number",
                "change the Input's dtype to float32, or round the column",
            )
    return numbers.astype(dtype)


def _target(path: Path, target: str, raw: list[str], lines: list[int]) -> np.ndarray:
    """The target column: numbers, or class numbers for names (in sorted order)."""
    if all(_is_number(cell) or cell.lower() in MISSING for cell in raw):
        return _numbers(path, target, raw, lines)
    _refuse_missing(path, target, [line for cell, line in zip(raw, lines, strict=True) if not cell])
    number = {name: i for i, name in enumerate(sorted(set(raw)))}
    return np.array([number[v] for v in raw], dtype="int32")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _numbers(path: Path, column: str, cells: list[str], lines: list[int]) -> np.ndarray:
    """The column as float32; empty, NaN and out-of-range cells are refused with their lines."""
    values = []
    for cell, line in zip(cells, lines, strict=True):
        if cell.lower() in MISSING:
            values.append(math.nan)
            continue
        try:
            values.append(float(cell))
        except ValueError:
            raise DataError(
                f"{path.name}, line {line}: column {column!r} holds {cell[:40]!r}, not a number",
                "clean that value, or leave the column out of the features (text goes to an Input "
                "of its own, named after the column, with dtype string)",
            ) from None
    with np.errstate(over="ignore"):  # beyond float32's range: inf, refused below
        array = np.array(values, dtype="float32")
    _refuse_missing(path, column, [line for value, line in zip(array, lines, strict=True) if not np.isfinite(value)])
    return array


def _refuse_missing(path: Path, column: str, bad_lines: list[int]) -> None:
    if bad_lines:
        raise DataError(
            f"{path.name}: column {column!r} has {len(bad_lines)} empty, NaN or infinite value(s) "
            f"on line(s) {listed(bad_lines)}",
            "fill or drop those rows before training",
        )
