"""Every GUI test closes and deletes the windows it opened.

A window closed but never deleted keeps its menus, docks and canvas alive, and each later test
pays for them (a test's setup once grew from 1.4 s to 21 s after 300 tests). ``deleteLater``
only deletes when the event loop runs again, which no test loop does by itself: so after
each test the posted deletions are carried out, and any top-level widget still alive that was
not there before the test fails it, with the kinds of widget left over."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest


def application():
    """The running QApplication, or None (a test that never touched Qt loads no Qt)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return None
    from PySide6 import QtWidgets

    return QtWidgets.QApplication.instance()


def drain_deletions() -> None:
    """Carry out every ``deleteLater`` posted so far (deleting a widget may post more)."""
    from PySide6 import QtCore

    for _ in range(3):
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        QtCore.QCoreApplication.processEvents()


def top_level_widgets() -> set[int]:
    app = application()
    return set() if app is None else {id(w) for w in app.topLevelWidgets()}


def leaked(before: set[int]) -> list[str]:
    """The kinds of the top-level widgets alive now that were not before, after the deletions
    posted so far and Python's garbage collection."""
    app = application()
    if app is None:
        return []
    drain_deletions()
    if not top_level_widgets() - before:
        return []
    gc.collect()  # a widget only Python still holds, in a reference cycle
    drain_deletions()
    return sorted(type(w).__name__ for w in app.topLevelWidgets() if id(w) not in before)


@pytest.fixture(autouse=True)
def closes_its_windows() -> Iterator[None]:
    """Torn down after qtbot's own clean-up (set up first, as an autouse fixture)."""
    before = top_level_widgets()
    yield
    left = leaked(before)
    if left:
        kinds = ", ".join(f"{left.count(k)} {k}" for k in sorted(set(left)))
        pytest.fail(f"the test left {len(left)} top-level widgets alive: {kinds}", pytrace=False)
