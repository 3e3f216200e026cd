"""Editor responsiveness, each figure beside its baseline measured in the same run:

* parameter edit -> refreshed labels on the canvas, for graphs of 100 and 500 nodes, beside
  the bare core inference of the same graph (goal: under 50 ms per edit at 500 nodes);
* process start -> main window painted (the real ``netdesigner`` start, in a fresh process),
  beside process start -> a bare ``import tensorflow`` done (goal: painted within 1 s).

    QT_QPA_PLATFORM=offscreen python bench/bench_editor.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The real start-up path (``netdesigner`` with no arguments), with a probe that reports the
# wall-clock time once the main window has been painted and exits at once.
FIRST_PAINT = """
import os, sys, time
from PySide6 import QtCore, QtWidgets
import netdesigner.gui.app as gui

class FirstPaint(QtCore.QObject):
    def eventFilter(self, watched, event):
        if event.type() == QtCore.QEvent.Type.Paint and isinstance(watched, QtWidgets.QMainWindow):
            QtCore.QTimer.singleShot(0, lambda: (print(time.time(), flush=True), os._exit(0)))
        return False

probe = FirstPaint()
real = gui.make_application
gui.make_application = lambda argv: (app := real(argv), app.installEventFilter(probe))[0]
sys.argv = ["netdesigner"]
from netdesigner.cli import main
sys.exit(main([]))
"""
BARE_TENSORFLOW = "import time; import tensorflow; print(time.time())"
RUNS = 5


def seconds_from_process_start(code: str) -> float:
    """Wall-clock seconds from launching a fresh interpreter to the time the child prints; the
    median of ``RUNS`` launches."""
    times = []
    env = {**os.environ, "XDG_CONFIG_HOME": str(ROOT / "build" / "bench-profile")}  # a fresh profile
    for _ in range(RUNS):
        started = time.time()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
        times.append(float(out.stdout.strip().splitlines()[-1]) - started)
    return statistics.median(times)


def edit_latency(window, graph, node_id: str, values: list[int]) -> list[float]:
    from PySide6 import QtWidgets

    times = []
    for value in values:
        start = time.perf_counter()
        window.document.set_param(node_id, "units", value)
        QtWidgets.QApplication.processEvents()  # the zero-delay refresh runs here
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    from netdesigner.core import infer
    from netdesigner.core.fileformat import Document
    from netdesigner.core.layout import apply_layout
    from netdesigner.gui.app import make_application
    from netdesigner.gui.main_window import MainWindow
    from tests.graphs import residual_graph

    app = make_application([])
    print(f"{'nodes':>6}{'edited':>10}{'edit -> labels':>17}{'bare inference':>17}{'ratio':>8}")
    for blocks in (20, 100):
        graph = residual_graph(blocks)
        apply_layout(graph)
        window = MainWindow(load_backend=False)
        window.show()
        window.document.set_document(Document(graph), None)
        app.processEvents()
        dense = [nid for nid, n in graph.nodes.items() if n.type == "Dense"]
        for label, node_id in (("first", dense[0]), ("last", dense[-1])):
            median = statistics.median(edit_latency(window, graph, node_id, [16, 8] * 5))
            bare = statistics.median(
                [(lambda s: (infer(graph), time.perf_counter() - s)[1])(time.perf_counter()) for _ in range(10)]
            )
            print(f"{len(graph):>6}{label:>10}{median * 1e3:>14.1f} ms{bare * 1e3:>14.1f} ms{median / bare:>7.1f}x")
        window.undo_stack.setClean()
        window.close()
    painted = seconds_from_process_start(FIRST_PAINT)
    tensorflow = seconds_from_process_start(BARE_TENSORFLOW)
    print(
        f"process start -> window painted: {painted:.2f} s (goal: 1 s); process start -> bare "
        f"`import tensorflow` done: {tensorflow:.2f} s; ratio {painted / tensorflow:.2f}x (medians of {RUNS})"
    )


if __name__ == "__main__":
    main()
