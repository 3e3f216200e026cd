"""A ``.keras`` file is looked at before Keras opens it: it must be a regular file, and a zip
whose config is at most 64 MiB, whose members, inflated, fit in the memory free now, and whose
model's weights do too (counted by netdesigner's own import of the config, where it can read
it). A few megabytes can otherwise take gigabytes (a 3 MB weights file took 7 GB, a 2 MB
config 9 GB) before Keras says anything."""

from __future__ import annotations

import zipfile
from pathlib import Path

from netdesigner.backend import data_checks
from netdesigner.backend.importer import MAX_CONFIG_BYTES, ModelReadError, import_model
from netdesigner.core.bounded_read import MiB, check_regular
from netdesigner.core.errors import GraphError
from netdesigner.core.inference import infer


def check_keras_archive(path: Path) -> None:
    """Raise ``ModelReadError``, in words, for a file Keras should not be given."""
    try:
        check_regular(path)
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as exc:
        raise ModelReadError(f"cannot read {path}: {exc.strerror or exc}") from None
    except zipfile.BadZipFile:
        raise ModelReadError(f"{path} is not a .keras file (a .keras file is a zip archive)") from None
    config = next((m for m in members if m.filename == "config.json"), None)
    if config is not None and config.file_size > MAX_CONFIG_BYTES:
        raise ModelReadError(f"{path}: its config.json inflates to {config.file_size // MiB:,} MiB (at most 64)")
    free = data_checks.free_memory()
    if free is not None:
        _refuse_past(path, "inflates to", sum(m.file_size for m in members), free)
        _refuse_past(path, "needs for its weights", _weights(path), free)  # its config is read only now


def _refuse_past(path: Path, what: str, size: int, free: int) -> None:
    if size > free:
        raise ModelReadError(
            f"{path} {what} {size // MiB:,} MiB, more than the {free // MiB:,} MiB of memory free: "
            "a model this large needs a machine with more memory, or the file is damaged"
        )


def _weights(path: Path) -> int:
    """Bytes of float32 weights the model's config makes, 0 where netdesigner cannot read the
    config (a layer it has no node for: Keras alone can tell then)."""
    try:
        return 4 * infer(import_model(path).graph).total_params
    except GraphError:  # ModelImportError among others: a model it cannot read
        return 0
