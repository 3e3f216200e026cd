"""The package carries what it reads at run time, works installed from its wheel away from
the checkout, and fits into a Linux desktop."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdesigner import __version__
from netdesigner.cli import main
from netdesigner.desktop import display_problem, install_desktop_entry
from netdesigner.samples import package_file, sample_paths
from tests.conftest import ROOT


def test_the_repositorys_sample_and_resource_folders_are_the_packages_files() -> None:
    """One source of truth: the top-level entries people look at are links into the package."""
    assert (ROOT / "sample_graphs").resolve() == package_file("sample_graphs").resolve()
    assert (ROOT / "resources" / "style.qss").resolve() == package_file("resources", "style.qss").resolve()
    assert (ROOT / "resources" / "datasets").resolve() == package_file("resources", "datasets").resolve()
    assert len(sample_paths()) >= 7


def test_samples_version_and_copy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["samples"]) == 0
    listed = capsys.readouterr().out.split()
    assert listed == [str(p) for p in sample_paths()]
    assert main(["samples", "--copy", str(tmp_path / "mine")]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / "mine" / p.name) for p in sample_paths()]
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == sorted(p.name for p in sample_paths())
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"netdesigner {__version__}"


def test_desktop_entry_with_icon(tmp_path: Path) -> None:
    desktop, icon = install_desktop_entry(tmp_path)
    text = desktop.read_text()
    assert "Icon=netdesigner" in text and "Exec=" in text and "{exec}" not in text
    assert icon.read_bytes().startswith(b"<svg")


def test_missing_qt_libraries_are_named_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ctypes.CDLL

    def without_cursor(name, *args, **kwargs):
        if name == "libxcb-cursor.so.0":
            raise OSError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", without_cursor)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    assert "sudo apt-get install libxcb-cursor0" in display_problem()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_problem() == ""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check script is bash")
def test_the_built_wheel_works_from_an_empty_folder() -> None:
    """.ci/wheel-check: build the wheel, install it in a fresh virtual environment, then from
    an empty folder list and check the samples, train on the bundled digits, start the editor.
    The wheel runs with the dependencies of the interpreter running the tests, wherever they
    are installed (a virtual environment's are not its base interpreter's)."""
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "wheel-check")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
