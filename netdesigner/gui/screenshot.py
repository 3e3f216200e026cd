"""Save a screenshot of the editor on a graph, as a user would see it.

xvfb-run -s "-screen 0 1600x1000x24" python -m netdesigner.gui.screenshot OUT.png [GRAPH] [--select NAME]
    [--code] [--train EPOCHS [--optimizers Adam,SGD]] [--tab curves|runs|compare|inside] [--canvas]

``--optimizers`` trains once with each (the runs are kept beside a copy of GRAPH in a temporary
folder); ``--tab`` shows that tab of the training dock (Inside looks into ``--select``'s node).

``--canvas`` saves the whole graph at zoom 1 (every node readable, every wire in sight), without
the window around it, for the README's gallery.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from netdesigner.gui import theme
from netdesigner.gui.app import make_application
from netdesigner.gui.main_window import MainWindow
from netdesigner.samples import starter_path

TABS = ("curves", "runs", "compare", "inside")  # the training dock's, in order


def settle(app: QtWidgets.QApplication, milliseconds: int = 300) -> None:
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()
    app.processEvents()


def train(app: QtWidgets.QApplication, window: MainWindow, epochs: int, optimizers: list[str]) -> None:
    panel = window.training
    window.window_layout.set_mode("train")
    window.document.set_training("epochs", epochs)
    for optimizer in optimizers or [window.document.doc.training.optimizer]:
        window.document.set_optimizer(optimizer)
        panel.train_button.click()
        settle(app, 100)
        while not panel.train_button.isEnabled():
            settle(app, 100)
    settle(app, 1200)  # the last frame of the curves


def whole_graph(window: MainWindow, margin: float = 30) -> QtGui.QImage:
    """Every node of the canvas at zoom 1 on the canvas colour."""
    window.canvas.clear_selection()
    viewer = window.canvas.viewer()
    rect = viewer._combined_rect([view.view for view in window.canvas.view_of.values()])
    rect = rect.adjusted(-margin, -margin, margin, margin)
    image = QtGui.QImage(rect.size().toSize(), QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor(*theme.CANVAS_BACKGROUND))
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    viewer.scene().render(painter, QtCore.QRectF(image.rect()), rect)
    painter.end()
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output")
    parser.add_argument("graph", nargs="?")
    parser.add_argument("--select", help="name of a node to select (shows its properties)")
    parser.add_argument("--code", action="store_true", help="show the code dock instead of properties")
    parser.add_argument("--train", type=int, metavar="EPOCHS", help="train this many epochs first (shows the curves)")
    parser.add_argument("--optimizers", default="", help="with --train: one run per optimizer, e.g. Adam,SGD")
    parser.add_argument("--tab", choices=TABS, help="the training dock's tab to show")
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--canvas", action="store_true", help="only the graph, whole, at zoom 1")
    args = parser.parse_args()
    app = make_application([])
    window = MainWindow(load_backend=True)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.window_layout.arrange()  # the default arrangement, whatever this profile remembers
    window.show()
    graph = Path(args.graph) if args.graph else starter_path()
    if graph is not None and args.optimizers:  # a saved copy: its runs are kept beside it
        copy = Path(tempfile.mkdtemp()) / graph.name
        shutil.copy(graph, copy)
        window.open_path(copy, ask=False)
    elif graph is not None:
        window.open_path(graph, as_sample=True, ask=False)
    settle(app)
    window.canvas.frame_readable()
    if args.select:
        node = window.document.graph.by_name(args.select)
        if node is not None:
            window.canvas.select_ids([node.id], centre=False)
            window.properties.show_node(node.id)
            window.training.show_node(node.id)
    if args.code:
        window.code_dock.raise_()
    if args.train:
        train(app, window, args.train, [o for o in args.optimizers.split(",") if o])
    if args.tab:
        window.window_layout.set_mode("train")
        window.training.tabs.setCurrentIndex(TABS.index(args.tab))
        settle(app, 4000 if args.tab == "inside" else 1500)  # a look inside builds a model first
    settle(app, 500)
    image = whole_graph(window) if args.canvas else window.grab().toImage()
    image.save(args.output)
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
