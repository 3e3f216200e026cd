"""The last line of defence: an exception nobody expected becomes one line for the user and a
full report in a log file, never a traceback on screen.

Both front ends use it: the CLI's ``main`` (exit 2) and the editor's exception hook (the
window stays open). The report goes to the user's data folder so it can be attached to a bug
report; the line on screen says what failed and where the report is.
"""

from __future__ import annotations

import datetime
import sys
import traceback
from pathlib import Path

from netdesigner import __version__
from netdesigner.user_dirs import data_dir


def write_report(error: BaseException, context: str) -> Path | None:
    """Write the full report of ``error`` (raised while ``context``); None if it cannot be written."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = data_dir() / "logs" / f"error-{stamp}.log"
    text = f"netdesigner {__version__}, Python {sys.version.split()[0]}, {sys.platform}\nwhile {context}\n\n" + "".join(
        traceback.format_exception(error)
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError:
        return None
    return path


def describe(error: BaseException, context: str) -> str:
    """One line for the user: what failed, and where the full report was written."""
    report = write_report(error, context)
    where = f"the full report is in {report}" if report else "no report could be written"
    message = str(error).encode("utf-8", "backslashreplace").decode("utf-8")[:200]
    return f"unexpected error while {context}: {type(error).__name__}: {message} ({where})"
