"""Reading a file named by a user or found in a folder, as untrusted input: only a regular file
(a FIFO would block for ever, a device such as /dev/zero never ends), and never more than a
cap, whatever the file's size claims to be (a link to /dev/zero says 0 bytes).

Failures are ``OSError`` whose ``strerror`` says what is wrong in words, so every caller's
existing "cannot read PATH: ..." message covers them.
"""

from __future__ import annotations

import errno
import os
import stat

MiB = 1024 * 1024

KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def check_regular(path: str | os.PathLike[str]) -> None:
    """Refuse, by its kind, anything but a regular file (links are followed: the target counts),
    before ``path`` is handed to a library that opens it itself."""
    _refuse_nul(path)
    _refuse_unless_regular(os.stat(path).st_mode)


def _refuse_nul(path: str | os.PathLike[str]) -> None:
    """No file is named with a NUL: say so as an ``OSError``, where ``os`` raises ValueError."""
    if "\0" in os.fsdecode(path):
        raise OSError(errno.EINVAL, "its name holds a NUL character, which no file name may")


def _refuse_unless_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise OSError(errno.EINVAL, f"it is {kind}, not a file")


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole content of the regular file ``path``, refused past ``limit`` bytes."""
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; it is then
    # refused by its kind, checked on what was opened (no race with a swap of the name).
    _refuse_nul(path)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        _refuse_unless_regular(os.fstat(handle.fileno()).st_mode)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"it is larger than {_size(limit)}, the most this file may hold")
    return data


def read_text_bounded(path: str | os.PathLike[str], limit: int) -> str:
    """``read_bounded`` decoded as UTF-8 (a ``UnicodeDecodeError`` is the caller's to word)."""
    return read_bounded(path, limit).decode("utf-8")


def _size(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit >= MiB else f"{limit:,} bytes"
