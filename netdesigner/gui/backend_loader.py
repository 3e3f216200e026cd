"""Imports Keras (and so TensorFlow) on a worker thread, so the window appears at once."""

from __future__ import annotations

import threading
import time

from PySide6 import QtCore


class BackendLoader(QtCore.QObject):
    """Emits ``ready(description)`` or ``failed(message)`` once Keras is importable, then
    ``devices`` with what it can train on, in words, GPUs first.

    It is given no parent: the import thread holds it until it has emitted, so a window closed
    while Keras loads never leaves the thread emitting from a deleted object."""

    ready = QtCore.Signal(str)
    failed = QtCore.Signal(str)
    devices = QtCore.Signal(list)  # e.g. ["GPU:0 (NVIDIA H200)", "CPU:0"]

    started = False

    def start(self) -> None:
        self.started = True
        threading.Thread(target=self._load, name="keras-import", daemon=True).start()

    def _load(self) -> None:
        start = time.perf_counter()
        try:
            import keras

            import netdesigner.backend  # noqa: F401  (quiets TensorFlow's start-up chatter)
            from netdesigner.backend.devices import available_devices, describe

            seconds = time.perf_counter() - start
            self.ready.emit(f"Keras {keras.__version__} ({keras.backend.backend()}) ready in {seconds:.1f} s")
            self.devices.emit([describe(d) for d in available_devices()])
        except Exception as error:  # any import failure is reported, the editor keeps working
            self.failed.emit(f"Keras could not be loaded: {error}")
