from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import tests.fuzz  # noqa: F401 (loads the Hypothesis profile before any test is defined)
from netdesigner.samples import package_file
from tests.qt_leaks import closes_its_windows, drain_deletions  # noqa: F401 (an autouse fixture)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Keras reads its settings (keras.json: backend, float type) and caches from KERAS_HOME, else
# ~/.keras, when it is imported, before any fixture runs: the tests use a home of their own.
_KERAS_HOME = tempfile.TemporaryDirectory(prefix="netdesigner-tests-keras-")
os.environ["KERAS_HOME"] = _KERAS_HOME.name

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = package_file("sample_graphs")  # wherever the tests run from
SAMPLES = sorted(SAMPLE_DIR.glob("*.json"))


def without_downloads(graph) -> bool:
    """This machine is offline, so pretrained backbones get weights: none (Keras builds the
    same network; the ImageNet download is tested apart, in test_pretrained_weights.py).
    Returns whether any node had ImageNet weights."""
    downloading = [n.id for n in graph.nodes.values() if n.params.get("weights") == "imagenet"]
    for node_id in downloading:
        graph.set_param(node_id, "weights", "none")
    return bool(downloading)


def offline_copy(path: Path, folder: Path) -> Path:
    """``path``, or where it uses ImageNet weights, a copy in ``folder`` without them."""
    from netdesigner.core.fileformat import dumps, load

    doc = load(path)
    if not without_downloads(doc.graph):
        return path
    copy = folder / path.name
    copy.write_text(dumps(doc), encoding="utf-8")
    return copy


@pytest.fixture(params=SAMPLES, ids=lambda p: p.stem)
def sample_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Each sample, as saved, but without ImageNet weights to download (see offline_copy)."""
    return offline_copy(request.param, tmp_path)


@pytest.fixture(scope="session", autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Qt settings, recent files and recovery files of the tests never touch the user's."""
    home = tmp_path_factory.mktemp("home")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")


@pytest.fixture
def window(qtbot, monkeypatch: pytest.MonkeyPatch):
    """The editor window with an empty graph (Keras is not loaded: GUI tests stay fast).

    A modal dialog nobody answers would hang the run, so any dialog a test did not expect
    fails it at once; tests that expect one patch in their own answer."""
    from PySide6 import QtCore, QtWidgets

    from netdesigner.gui.app import make_application
    from netdesigner.gui.main_window import MainWindow, recovery_path

    def unexpected(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QtWidgets.QMessageBox, name, unexpected)
    make_application([])
    recovery_path().unlink(missing_ok=True)
    QtCore.QSettings().remove("window")  # a fresh profile's layout for every test
    win = MainWindow(load_backend=False)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()  # shortcuts such as Delete reach only the active window
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    win.undo_stack.setClean()  # closing must not prompt
    win.close()
    win.deleteLater()
    drain_deletions()
