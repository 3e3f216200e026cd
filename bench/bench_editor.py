"""Editor responsiveness, each figure beside its baseline measured in the same run:

* parameter edit -> refreshed labels on the canvas, for graphs of 100 and 500 nodes, beside
  the bare core inference of the same graph (goal: under 50 ms per edit at 500 nodes);
* process start -> main window shown, beside a bare ``import tensorflow`` in a fresh process
  (goal: the window is up before TensorFlow would even have finished importing).

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

WINDOW_SHOWN = """
import time
start = time.perf_counter()
from netdesigner.gui.app import make_application
from netdesigner.gui.main_window import MainWindow
from netdesigner.samples import starter_path
app = make_application([])
window = MainWindow()
window.show()
window.open_path(starter_path(), as_sample=True, ask=False)
app.processEvents()
print(time.perf_counter() - start)
"""
BARE_TENSORFLOW = "import time; s = time.perf_counter(); import tensorflow; print(time.perf_counter() - s)"


def fresh_process_seconds(code: str) -> float:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - started
    return min(float(out.stdout.strip().splitlines()[-1]), wall)


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
    shown = fresh_process_seconds(WINDOW_SHOWN)
    tensorflow = fresh_process_seconds(BARE_TENSORFLOW)
    print(
        f"window shown after {shown:.2f} s; bare `import tensorflow` takes {tensorflow:.2f} s "
        f"(window first by {tensorflow - shown:+.2f} s)"
    )


if __name__ == "__main__":
    main()
