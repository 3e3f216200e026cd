"""What the commands share: exit codes, reading a graph file, the ``--data`` spelling."""

from __future__ import annotations

import sys
from pathlib import Path

from netdesigner.core.errors import FormatError
from netdesigner.core.fileformat import Document, load

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def load_or_none(path: str) -> Document | None:
    """The document, or None after telling the user why it cannot be read."""
    try:
        return load(path)
    except FormatError as error:
        print(f"netdesigner: {path}: {error}", file=sys.stderr)
        return None


DATA_HELP = "digits | synthetic[:SAMPLES] | keras:NAME | PATH.npz | PATH.csv:TARGET[:F1,F2,...] | IMAGE_FOLDER"


def parse_data_spec(text: str) -> dict[str, str | int]:
    """``digits``, ``synthetic[:SAMPLES]``, ``keras:NAME`` (a ``keras.datasets`` name),
    ``PATH.npz``, ``PATH.csv:TARGET[:FEATURE,FEATURE...]`` or a folder of images (one sub-folder
    per class)."""
    if text == "digits":
        return {"source": "digits"}
    if text.startswith("keras:"):
        return {"source": "keras", "name": text.removeprefix("keras:")}
    if text.startswith("synthetic"):
        _, _, samples = text.partition(":")
        if not samples:
            return {"source": "synthetic"}
        if not samples.isdigit() or len(samples) > 9 or int(samples) < 1:
            raise ValueError(f"--data {text!r}: the number of samples must be a whole number from 1 to 999,999,999")
        return {"source": "synthetic", "samples": int(samples)}
    if text.endswith(".npz"):
        return {"source": "npz", "path": text}
    if _is_folder(text):
        return {"source": "image_folder", "path": text}
    path, _, rest = text.partition(".csv")
    parts = rest.lstrip(":").split(":") if rest else []
    if not text.startswith(path + ".csv") or not parts or not parts[0]:
        raise ValueError(f"cannot understand --data {text!r}")
    return {"source": "csv", "path": path + ".csv", "target": parts[0], "features": parts[1] if len(parts) > 1 else ""}


def _is_folder(text: str) -> bool:
    try:
        return Path(text).is_dir()
    except (OSError, ValueError):  # a name too long, a NUL byte: no folder of that name
        return False
