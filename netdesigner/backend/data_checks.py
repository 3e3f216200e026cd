"""Checks every data source passes before training: a source that loads but cannot train (no
samples, rows that disagree, a 0-d array, text, NaN) is named here, in words, instead of
failing inside Keras with a message about something else or "training" on nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from netdesigner.core.errors import GraphError

MAX_LISTED = 5


class DataError(GraphError):
    """Data that cannot be loaded or does not fit the model, with the fix where there is one."""


GiB = 1024**3


def free_memory() -> int | None:
    """Bytes of memory free now, where the system says (Linux, most Unixes), else None."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits_in_memory(needed: int, what: str) -> None:
    """Refuse to make ``what`` when it needs more memory than is free (NumPy would raise "array
    is too big" or the machine would swap), in words."""
    free = free_memory()
    if free is not None and needed > free:
        raise DataError(
            f"{what} would need {needed / GiB:,.1f} GiB of memory, and {free / GiB:,.1f} GiB are free",
            "use fewer samples or smaller Input shapes",
        )


def listed(numbers: Sequence[int]) -> str:
    """``4, 17, 30`` or ``4, 17, 30, 41, 52 and 3 more``."""
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    return shown + (f" and {len(numbers) - MAX_LISTED} more" if len(numbers) > MAX_LISTED else "")


def check_array(array: object, label: str) -> np.ndarray:
    """``array`` as samples: an ndarray of at least one axis, of numbers, all finite."""
    if not isinstance(array, np.ndarray):
        raise DataError(f"{label} is not a NumPy array", "save arrays with numpy.savez")
    if array.ndim == 0:
        raise DataError(f"{label} holds a single value, not a list of samples", "give one row per sample")
    kind = array.dtype.kind
    if kind not in "biuf":
        what = "text" if kind in "USO" else f"values of type {array.dtype}"
        raise DataError(f"{label} holds {what}, not numbers", "convert it to numbers (classes to 0, 1, 2, ...)")
    if kind == "f" and array.size:
        bad = ~np.isfinite(array.reshape(len(array), -1)).all(axis=1)
        if bad.any():
            rows = np.flatnonzero(bad).tolist()
            raise DataError(
                f"{label} has NaN or infinite values in {len(rows)} sample(s): {listed(rows)} (counting from 0)",
                "fill or drop those samples before training",
            )
    return array


def check_samples(inputs: Sequence[np.ndarray], targets: Sequence[np.ndarray], description: str) -> None:
    """Every array has the same number of samples, and there is at least one."""
    counts = {len(a) for a in [*inputs, *targets]}
    if len(counts) > 1:
        raise DataError(
            f"{description}: inputs and targets have different numbers of samples: {sorted(counts)}",
            "every array needs one row per sample, the same rows in each",
        )
    if not counts or counts == {0}:
        raise DataError(f"{description} holds no samples", "training needs at least one sample")


def split_sizes(samples: int, validation_split: float) -> tuple[int, int]:
    """How Keras's ``validation_split`` divides ``samples``: it trains on the first
    ``floor(samples * (1 - split))`` and validates on the rest."""
    train = int(np.floor(samples * (1.0 - validation_split))) if validation_split > 0 else samples
    return train, samples - train


def check_split(samples: int, validation_split: float) -> None:
    """Both parts of the split must hold at least one sample."""
    train, held_out = split_sizes(samples, validation_split)
    if validation_split > 0 and held_out < 1:
        raise DataError(
            f"a validation split of {validation_split:g} of {samples} samples holds out no sample",
            "use a larger validation split or more data, or set the split to 0",
        )
    if train < 1:
        raise DataError(
            f"a validation split of {validation_split:g} of {samples} samples leaves none to train on",
            "use a smaller validation split or more data",
        )
