"""Load Keras without TensorFlow's start-up chatter on the terminal.

Recent TensorFlow builds write "Could not find cuda drivers", oneDNN and CPU-feature lines to
the process's stderr from C++ before its logging is set up, so ``TF_CPP_MIN_LOG_LEVEL`` cannot
hide them. The command line loads Keras (and lists the devices, which starts CUDA) with file
descriptor 2 pointed at a scratch file; what was written there is shown only if loading fails,
so a broken installation still explains itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def native_stderr_captured() -> Iterator[None]:
    """Everything written to file descriptor 2 inside the block is kept aside; it reaches the
    real stderr only if the block raises."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as scratch:
        os.dup2(scratch.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            scratch.seek(0)
            sys.stderr.write(scratch.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def load_keras_quietly() -> None:
    """Import Keras and start its devices with the native start-up lines kept off the terminal."""
    with native_stderr_captured():
        import keras  # noqa: F401

        from netdesigner.backend.devices import available_devices

        available_devices()
