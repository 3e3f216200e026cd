"""ImageNet weights: fetched where Keras looks, from where Keras would fetch them, with progress;
offline, training stops before it starts with what to do, in the dock and on the command line."""

from __future__ import annotations

import http.server
import threading
import urllib.error
from pathlib import Path

import pytest
from PySide6 import QtCore, QtTest

from netdesigner.backend import pretrained_weights
from netdesigner.backend.pretrained_weights import DownloadStopped, WeightsFile, fetch_weights, weights_needed
from netdesigner.backend.training import TrainEvent, TrainKind
from netdesigner.cli import main
from netdesigner.core.fileformat import load
from netdesigner.core.layers.backbones import FAMILIES
from tests.conftest import SAMPLE_DIR

SAMPLE = SAMPLE_DIR / "transfer_learning.json"
OFFLINE = "the ImageNet weights for MobileNetV2 are not in the Keras cache and there is no network"


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "models"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(pretrained_weights.urllib.request, "urlopen", refuse)


@pytest.mark.slow
# Keras 3.15 warns of 224x224 weights for any MobileNetV3 input that is not 224 square, top or
# no top; this test only asks which file it would fetch.
@pytest.mark.filterwarnings("ignore:`input_shape` is undefined or non-square, or `rows` is not 224:UserWarning")
def test_each_family_is_fetched_from_where_keras_fetches_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import keras
    from keras.src.utils import file_utils

    asked: list[str] = []

    def record(origin, target, *rest):
        asked.append(origin)
        raise urllib.error.URLError("offline in this test")

    monkeypatch.setattr(file_utils, "urlretrieve", record)
    for family in FAMILIES.values():
        shape = (None, 160, 160, 3)
        cached = Path(keras.src.backend.config.keras_home()) / "models" / family.weights_file(shape)
        if cached.exists():
            continue  # Keras would not ask
        with pytest.raises(Exception, match="URL fetch failure"):
            getattr(keras.applications, family.name)(include_top=False, weights="imagenet", input_shape=shape[1:])
        assert asked[-1] == family.weights_url(shape), family.name


def test_mobilenet_v2_weights_depend_on_the_image_size() -> None:
    family = FAMILIES["MobileNetV2"]
    assert family.weights_file((None, 160, 160, 3)).endswith("_1.0_160_no_top.h5")
    assert family.weights_file((None, 150, 150, 3)).endswith("_1.0_224_no_top.h5")  # Keras takes 224's


def test_offline_the_run_stops_before_it_starts_with_what_to_do(empty_cache: Path, no_network) -> None:
    doc = load(SAMPLE)
    (needed,) = weights_needed(doc.graph)
    assert needed.path.parent == empty_cache and not needed.cached
    with pytest.raises(pretrained_weights.WeightsUnavailable) as caught:
        fetch_weights(doc.graph, lambda *progress: None)
    assert OFFLINE in str(caught.value) and "choose weights: none" in str(caught.value)
    assert not any(empty_cache.iterdir())  # nothing half-written left behind


def test_offline_on_the_command_line(empty_cache: Path, no_network, tmp_path: Path, capsys) -> None:
    code = main(["train", str(SAMPLE), "--data", "synthetic:16", "--epochs", "1", "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code != 0 and OFFLINE in err and "Traceback" not in err


def test_offline_in_the_training_dock(window, qtbot, empty_cache: Path, no_network) -> None:
    window.open_path(SAMPLE, as_sample=True, ask=False)
    QtTest.QTest.keyClick(window, QtCore.Qt.Key.Key_2, QtCore.Qt.KeyboardModifier.ControlModifier)  # Train mode
    panel = window.training
    panel.train_button.click()
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    assert OFFLINE in panel.status.text() and panel.progress.format() == "failed"
    assert not panel.plots.epochs.get("loss")  # nothing trained


class Weights(http.server.BaseHTTPRequestHandler):
    body = bytes(range(256)) * 4096  # 1 MiB

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Weights)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/weights.h5"
    httpd.shutdown()


def test_a_download_reports_its_progress_and_lands_where_keras_looks(server: str, tmp_path: Path) -> None:
    target = tmp_path / "models" / "weights.h5"
    file = WeightsFile(FAMILIES["MobileNetV2"], server, target)
    seen: list[tuple[int, int | None]] = []
    pretrained_weights._download(file, lambda f, received, size: seen.append((received, size)), threading.Event())
    size = len(Weights.body)
    assert seen[0] == (0, size) and seen[-1] == (size, size) and len(seen) > 2
    assert [r for r, _ in seen] == sorted(r for r, _ in seen)
    assert target.read_bytes() == Weights.body and file.cached


def test_stop_during_a_download_keeps_no_partial_file(server: str, tmp_path: Path) -> None:
    target = tmp_path / "models" / "weights.h5"
    stop = threading.Event()
    stop.set()
    with pytest.raises(DownloadStopped):
        pretrained_weights._download(WeightsFile(FAMILIES["VGG16"], server, target), lambda *a: None, stop)
    assert not any(target.parent.iterdir())


def test_the_dock_shows_the_download(window) -> None:
    panel = window.training
    message = "downloading the ImageNet weights of MobileNetV2 (once: Keras keeps them)"
    panel.controller.progress.emit(TrainEvent(TrainKind.DOWNLOAD, message=message, received=0, size=9_400_000))
    panel.controller.progress.emit(TrainEvent(TrainKind.DOWNLOAD, message=message, received=4_700_000, size=9_400_000))
    assert panel.progress.format() == "weights 4.7 MB / 9.4 MB" and panel.progress.value() == 4_700_000
    assert message in panel.status.text()
