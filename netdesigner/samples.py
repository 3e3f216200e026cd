"""What ships inside the package and is read at run time: the sample graphs (the Samples menu,
the starter graph, ``netdesigner samples``), the style sheet, the icon and the digits data.

Everything is read through ``importlib.resources`` from the installed package, so a wheel
installed anywhere has it; the repository's top-level ``sample_graphs/`` and ``resources/``
entries are links to these files (one source of truth).
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

STARTER = "cnn_classifier.json"


def package_file(*parts: str) -> Path:
    """A file shipped in the package (installed as a plain file by pip, editable or not)."""
    return Path(str(resources.files("netdesigner").joinpath(*parts)))


def digits_path() -> Path:
    """The built-in 8x8 digits (``resources/datasets/digits.npz``)."""
    return package_file("resources", "datasets", "digits.npz")


def sample_paths() -> list[Path]:
    folder = package_file("sample_graphs")
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def starter_path() -> Path | None:
    path = package_file("sample_graphs", STARTER)
    return path if path.is_file() else None


def copy_samples(target: Path) -> list[Path]:
    """Copy every sample graph into ``target`` (created if needed); returns the copies."""
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(path, target / path.name)) for path in sample_paths()]
