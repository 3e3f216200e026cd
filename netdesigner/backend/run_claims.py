"""Who is training into a reserved run folder, and what became of a run that never finished.

``reserve`` claims a new run folder for this process (``.training``: its process id and host).
A folder without a record whose claim is gone, or whose process no longer runs on this host,
was interrupted (kill -9, a power cut, a full disk): the next look marks it
(``interrupted.json``, with what it holds) and lists it as such, instead of leaving an
unlisted folder whose number is used up."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from netdesigner.core.bounded_read import read_text_bounded
from netdesigner.core.fileformat import write_text_atomic

CLAIM, INTERRUPTED = ".training", "interrupted.json"


def claim(folder: Path) -> None:
    record = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    write_text_atomic(folder / CLAIM, json.dumps(record))


def release(folder: Path) -> None:
    (folder / CLAIM).unlink(missing_ok=True)


def still_training(folder: Path) -> bool:
    """Whether the process that claimed ``folder`` may still be training into it (on another
    host there is no telling, so it may)."""
    try:
        record = json.loads(read_text_bounded(folder / CLAIM, 4096))
        pid, host = int(record["pid"]), str(record["host"])
    except (OSError, ValueError, KeyError, TypeError):  # no claim, or a damaged one
        return False
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)  # signal 0: is there such a process? (its id may have been reused: rare)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def mark_interrupted(folder: Path) -> str:
    """Mark ``folder``'s run interrupted (once) and say so, with what it holds."""
    holds = sorted(p.name for p in folder.iterdir() if p.name not in (CLAIM, INTERRUPTED))
    if not (folder / INTERRUPTED).exists():
        try:
            write_text_atomic(
                folder / INTERRUPTED, json.dumps({"found": time.strftime("%Y-%m-%d %H:%M:%S"), "holds": holds})
            )
            release(folder)
        except OSError:
            pass  # a read-only folder: still listed as interrupted, just not marked
    return f"run {folder.name} was interrupted before it was recorded; it holds {', '.join(holds) or 'nothing'}"
