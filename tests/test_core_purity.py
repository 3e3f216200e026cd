"""netdesigner.core must stay free of Qt and TensorFlow/Keras: it runs on every edit."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

FORBIDDEN = ("PySide6", "tensorflow", "keras", "NodeGraphQt", "matplotlib", "jax", "torch")


def test_core_imports_no_gui_or_backend() -> None:
    code = (
        "import sys, pkgutil, importlib, netdesigner.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'netdesigner.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "from netdesigner.core import catalog; catalog.all_specs()\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"core pulled in: {out.stdout}"


def test_backend_package_imports_keras_lazily() -> None:
    code = "import sys, netdesigner.backend.builder, netdesigner.cli; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_the_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts: gui -> backend -> core, cli -> backend -> core."""
    out = subprocess.run(["lint-imports"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


@pytest.mark.slow
def test_the_package_type_checks() -> None:
    """mypy over the package (it ships py.typed), configured in pyproject.toml."""
    out = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
