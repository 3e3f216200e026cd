"""Help for learners: the keyboard shortcuts (read from the window's own actions, so the list
cannot go out of date), the layer reference (from the catalog, with each layer's Keras
documentation), and About."""

from __future__ import annotations

import html

from PySide6 import QtGui, QtWidgets

from netdesigner import __version__
from netdesigner.core.catalog import all_specs
from netdesigner.core.spec import LayerSpec

KERAS_SEARCH = "https://keras.io/search.html?query={}"


def keras_doc_url(spec: LayerSpec) -> str | None:
    """Where Keras documents the layer (its search page finds the class's own page first);
    None for netdesigner's own nodes."""
    return KERAS_SEARCH.format(spec.keras_class) if spec.keras_class else None


def shortcuts(window: QtWidgets.QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) for every action of the window's menus and of the window that has keys."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()

    def collect(actions: list[QtGui.QAction], where: str) -> None:
        for action in actions:
            submenu = action.menu()
            if isinstance(submenu, QtWidgets.QMenu):
                collect(submenu.actions(), action.text().replace("&", ""))
                continue
            keys = ", ".join(k.toString(QtGui.QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            what = f"{where}: {action.text().replace('&', '')}" if where else action.text().replace("&", "")
            if keys and what not in seen:
                seen.add(what)
                rows.append((what, keys))

    collect(window.menuBar().actions(), "")
    collect(window.actions(), "")
    return rows


def _browser(parent: QtWidgets.QWidget, title: str, body: str) -> QtWidgets.QDialog:
    dialog = QtWidgets.QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(620, 560)
    text = QtWidgets.QTextBrowser()
    text.setOpenExternalLinks(True)
    text.setHtml(body)
    buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QtWidgets.QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.setObjectName(title.lower().replace(" ", "_"))
    return dialog


def shortcuts_dialog(window: QtWidgets.QMainWindow) -> QtWidgets.QDialog:
    rows = "".join(
        f"<tr><td>{html.escape(what)}</td><td><b>{html.escape(keys)}</b></td></tr>" for what, keys in shortcuts(window)
    )
    extra = (
        "<p>On the canvas: drag from an output port to an input port to wire; drag a wire's end away "
        "to disconnect; Tab to add a layer by name; the mouse wheel zooms; the middle button or "
        "Alt+drag pans.</p>"
    )
    return _browser(window, "Keyboard shortcuts", f"<table cellpadding='3'>{rows}</table>{extra}")


def reference_dialog(window: QtWidgets.QMainWindow) -> QtWidgets.QDialog:
    parts = []
    for category in dict.fromkeys(spec.category for spec in all_specs()):
        parts.append(f"<h3>{html.escape(category)}</h3>")
        for spec in (s for s in all_specs() if s.category == category):
            url = keras_doc_url(spec)
            link = f" <a href='{url}'>Keras docs</a>" if url else ""
            parts.append(f"<p><b>{spec.type}</b> — {html.escape(spec.summary)}.{link}<br>{html.escape(spec.doc)}</p>")
    return _browser(window, "Layer reference", "".join(parts))


def about(window: QtWidgets.QMainWindow, backend: str) -> None:
    QtWidgets.QMessageBox.about(
        window,
        "About netdesigner",
        f"<b>netdesigner {__version__}</b><p>Build Keras models by drawing them: live shapes and "
        f"parameter counts, training with live curves, and the Python code to take away.</p>"
        f"<p>{html.escape(backend)}</p>",
    )
