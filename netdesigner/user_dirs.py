"""Where netdesigner keeps per-user files (run folders, error reports, the recovery copy), on
each platform's usual place, so that every front end finds the same ones."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_home() -> Path:
    """The platform's per-user data folder (``$XDG_DATA_HOME`` on Linux)."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def data_dir() -> Path:
    """netdesigner's own folder inside ``data_home``."""
    return data_home() / "netdesigner"
