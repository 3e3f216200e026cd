from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_graphs").glob("*.json"))


@pytest.fixture(params=SAMPLES, ids=lambda p: p.stem)
def sample_path(request: pytest.FixtureRequest) -> Path:
    return request.param
