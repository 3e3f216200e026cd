"""What the command line prints cannot drive the terminal: names, devices and class names come
from files (run.json, a model's config), and a control character among them could retitle the
window, write the clipboard (OSC 52) or hide text. Every character that is not printable text
is written escaped, as Python writes it in a string (``\\x1b``), but for newline, tab and the
carriage return that redraws a progress line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

KEPT = {"\n", "\t", "\r"}
BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]  # reorder text on screen ("Trojan source")
ESCAPES = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0), *BIDI]
    if chr(code) not in KEPT
}


def escaped(text: str) -> str:
    return text.translate(ESCAPES)


class EscapingStream:
    """A text stream that writes to ``stream`` with ``escaped`` text; everything else (is it a
    terminal, its encoding, its file descriptor) is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escaped(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """Standard output and error escaped while a command runs."""
    with (
        contextlib.redirect_stdout(EscapingStream(sys.stdout)),  # type: ignore[type-var]
        contextlib.redirect_stderr(EscapingStream(sys.stderr)),  # type: ignore[type-var]
    ):
        yield
