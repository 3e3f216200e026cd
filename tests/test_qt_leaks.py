"""The leak check of tests/qt_leaks.py fails a test that leaves a window alive, and passes one
that closes and deletes its windows (deleteLater alone deletes nothing until events run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

TESTS = """
from PySide6 import QtWidgets

KEPT = []


def test_keeps_a_window(qapp):
    window = QtWidgets.QMainWindow()
    window.show()
    KEPT.append(window)


def test_closes_and_deletes_its_window(qapp):
    window = QtWidgets.QMainWindow()
    window.show()
    window.close()
    window.deleteLater()
"""


def test_a_test_that_leaves_a_window_alive_fails_and_one_that_deletes_it_passes(tmp_path: Path) -> None:
    (tmp_path / "test_windows.py").write_text(TESTS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.qt_leaks", "-p", "no:cacheprovider", "test_windows.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the test left 1 top-level widgets alive: 1 QMainWindow" in done.stdout
    assert "ERROR test_windows.py::test_keeps_a_window" in done.stdout
    assert "2 passed, 1 error" in done.stdout
