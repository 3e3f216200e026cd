"""Where the ready-made graphs live, for the Samples menu and the starter graph."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_graphs"
STARTER = "cnn_classifier.json"


def sample_paths() -> list[Path]:
    return sorted(SAMPLE_DIR.glob("*.json")) if SAMPLE_DIR.is_dir() else []


def starter_path() -> Path | None:
    path = SAMPLE_DIR / STARTER
    return path if path.is_file() else None
