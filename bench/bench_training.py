"""Training throughput of the app's driver (with its progress callback and the panel's plot
events) beside plain ``model.fit`` on the same model, data and epochs, in one run; then the
GUI event-loop latency while the training dock trains (goal: ratio >= 0.95, p99 < 50 ms).

    QT_QPA_PLATFORM=offscreen python bench/bench_training.py [--epochs 5] [--repeat 5]
        [--graph mlp_classifier] [--data digits|synthetic:N] [--batch-size B] [--dock-repeat 3]
        [--headless]

``--headless`` measures the driver as ``netdesigner train`` runs it (no Qt, no plots) and skips
the GUI part: the form for a GPU machine without a desktop (e.g. ``KERAS_BACKEND=jax``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from netdesigner.samples import package_file  # noqa: E402


def plain_fit(doc, data, epochs: int, epoch_ends: list[float] | None = None) -> float:
    """Seconds for plain ``model.fit``; ``epoch_ends`` collects when each epoch ended (an
    epoch-end hook only, which leaves Keras's batch loop as it is)."""
    import keras

    from netdesigner.backend.builder import build_model
    from netdesigner.backend.compiler import compile_model
    from netdesigner.core.compile_plan import compile_plan

    model = build_model(doc.graph)
    compile_model(model, compile_plan(doc.graph, doc.training))
    x, y = data.fit_arguments()
    start = time.perf_counter()
    model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=doc.training.batch_size,
        validation_split=doc.training.validation_split,
        shuffle=True,
        verbose=0,
        callbacks=[]
        if epoch_ends is None
        else [keras.callbacks.LambdaCallback(on_epoch_end=lambda *_: epoch_ends.append(time.perf_counter()))],
    )
    return time.perf_counter() - start


def driver_fit(doc, data, epochs: int, headless: bool = False) -> float:
    from netdesigner.backend.training import TrainingRun

    if headless:

        def on_event(event) -> None:  # as `netdesigner train` hears them
            return None

    else:
        from netdesigner.gui.plots import LivePlots

        plots = LivePlots()  # the panel's plot sink receives every event, as in the app

        def on_event(event) -> None:
            if event.kind == "batch" and "loss" in event.logs:
                plots.add_batch(event.batch, event.logs["loss"])
            elif event.kind == "epoch":
                plots.add_epoch(event.logs)

    start = time.perf_counter()
    marks: list[float] = []
    TrainingRun(
        doc,
        data,
        lambda e: (marks.append(time.perf_counter()) if e.kind == "started" else None, on_event(e)),
        epochs=epochs,
    ).run()
    return time.perf_counter() - (marks[0] if marks else start)


DOCK_BATCH = 16
DOCK_SECONDS = 8.0


def steady_fit_rate(doc, data, seconds: float) -> float:
    """Plain ``model.fit``'s samples per second measured as the dock's are: averaged over about
    ``seconds`` of whole epochs after the first (validation and epoch ends included; the best
    single epoch of a run of short epochs would overstate it by 20%)."""
    ends: list[float] = []
    plain_fit(doc, data, 2, ends)
    epochs = max(3, round(seconds / (ends[1] - ends[0])) + 1)
    ends.clear()
    plain_fit(doc, data, epochs, ends)
    train_samples = data.samples * (1 - doc.training.validation_split)
    return train_samples * (len(ends) - 1) / (ends[-1] - ends[0])


def run_event_loop(seconds: float) -> None:
    """The event loop as the app runs it: asleep until something happens (a busy
    ``processEvents`` loop would compete with training for the interpreter)."""
    from PySide6 import QtCore

    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def gui_latency(seconds: float) -> tuple[list[float], float]:
    """Delays of a 10 ms timer on the GUI thread while the training dock trains (curves drawn,
    window live), and the samples per second the dock trained meanwhile."""
    from PySide6 import QtCore

    from netdesigner.gui.app import make_application
    from netdesigner.gui.main_window import MainWindow

    make_application([])
    window = MainWindow(load_backend=False)
    window.show()
    window.open_path(package_file("sample_graphs", "mlp_classifier.json"), as_sample=True, ask=False)
    panel = window.training
    window.document.set_data({"source": "digits"})
    window.document.set_training("epochs", 10_000)
    window.document.set_training("batch_size", DOCK_BATCH)
    panel.train_button.click()
    while panel.plots.points() == 0:
        run_event_loop(0.05)
    delays: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        delays.append(max(0.0, now - last[0] - 0.010))
        last[0] = now

    timer = QtCore.QTimer(interval=10)
    timer.timeout.connect(tick)
    timer.start()
    first_batch = panel.progress.value()
    run_event_loop(seconds)
    timer.stop()
    rate = (panel.progress.value() - first_batch) * DOCK_BATCH / seconds
    panel.shutdown()
    window.undo_stack.setClean()
    window.close()
    return delays, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--graph", default="mlp_classifier", help="a sample graph's name")
    parser.add_argument("--data", default="digits", help="digits | synthetic:N")
    parser.add_argument("--batch-size", type=int, help="default: the graph's")
    parser.add_argument("--dock-repeat", type=int, default=3, help="dock vs plain fit measurements")
    parser.add_argument("--headless", action="store_true", help="no Qt: the driver as `netdesigner train` runs it")
    args = parser.parse_args()
    import keras

    from netdesigner.backend.data import load_dataset
    from netdesigner.backend.devices import training_device
    from netdesigner.cli.common import parse_data_spec
    from netdesigner.core.fileformat import load

    if not args.headless:
        from PySide6 import QtWidgets

        QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    doc = load(package_file("sample_graphs", f"{args.graph}.json"))
    if args.batch_size:
        doc.training.batch_size = args.batch_size
    data = load_dataset(doc.graph, parse_data_spec(args.data))
    print(
        f"{args.graph} on {data.description}, batch {doc.training.batch_size}, keras {keras.__version__} "
        f"({keras.backend.backend()}), device {training_device(None)}"
    )
    plain_fit(doc, data, 1)  # warm-up
    plain, driver = [], []
    for _ in range(args.repeat):
        plain.append(plain_fit(doc, data, args.epochs))
        driver.append(driver_fit(doc, data, args.epochs, args.headless))
    samples = data.samples * (1 - doc.training.validation_split) * args.epochs
    best_plain, best_driver = min(plain), min(driver)
    print(
        f"plain model.fit: {samples / best_plain:,.0f} samples/s   app driver: {samples / best_driver:,.0f} "
        f"samples/s   throughput ratio {best_plain / best_driver:.3f} (goal >= 0.95)"
    )
    if args.headless:
        return
    doc.training.batch_size = DOCK_BATCH
    delays: list[float] = []
    ratios: list[float] = []
    for _ in range(args.dock_repeat):  # alternated, so that a busy moment of the machine hits both
        run_delays, dock_rate = gui_latency(DOCK_SECONDS)
        plain_rate = steady_fit_rate(doc, data, DOCK_SECONDS)
        delays += run_delays
        ratios.append(dock_rate / plain_rate)
        print(
            f"the dock trained {dock_rate:,.0f} samples/s (batch {DOCK_BATCH}, curves drawn), "
            f"{ratios[-1]:.2f}x plain model.fit's {plain_rate:,.0f}"
        )
    delays.sort()
    p99 = delays[int(0.99 * (len(delays) - 1))] * 1e3
    print(
        f"GUI event loop while training: {len(delays)} ticks, median {statistics.median(delays) * 1e3:.1f} ms late, "
        f"p99 {p99:.1f} ms late (goal < 50 ms)"
    )
    print(f"dock throughput: median {statistics.median(ratios):.2f}x plain model.fit (goal >= 0.9)")


if __name__ == "__main__":
    main()
