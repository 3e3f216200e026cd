"""Files written by a library (Keras's model zip, matplotlib's PNG) land whole or not at all: the
library writes a temporary file beside the target, which is synced and then renamed over it,
as graph files already are (``fileformat.write_text_atomic``). A kill -9 or a full disk
mid-write leaves the previous file as it was, and at most a hidden temporary file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def replace_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    """``write(temporary)`` then rename it to ``target``. The temporary name keeps the target's
    suffix, which Keras and matplotlib read to choose the format."""
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.partial{target.suffix}")
    try:
        write(temporary)
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def save_model(model: object, target: Path) -> Path:
    """``model.save(target)``, atomically."""
    return replace_atomically(target, model.save)  # type: ignore[attr-defined]


def save_figure(figure: Any, path: Path | str, **options: Any) -> Path:
    """``figure.savefig(path, **options)``, atomically."""
    return replace_atomically(Path(path), lambda temporary: figure.savefig(temporary, **options))
