"""Training throughput of a sample graph in mixed precision beside float32, through the app's
driver, in one run (a GPU only: the app uses mixed precision nowhere else).

    python bench/bench_mixed_precision.py [--graph sample_graphs/cnn_classifier.json]
        [--samples 4096] [--batch-size 128] [--epochs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def samples_per_second(doc, data, epochs: int, batch_size: int) -> tuple[float, str]:
    """Best epoch's throughput (the first one compiles), and the run's description."""
    from netdesigner.backend.training import TrainingRun

    marks: list[float] = []
    started: list[str] = []

    def on_event(event) -> None:
        if event.kind == "started":
            started.append(event.message)
            marks.append(time.perf_counter())
        elif event.kind == "epoch":
            marks.append(time.perf_counter())
        elif event.kind == "failed":
            raise SystemExit(event.message)

    TrainingRun(doc, data, on_event, epochs=epochs, batch_size=batch_size).run()
    trained = data.samples * (1 - doc.training.validation_split)
    fastest = min(b - a for a, b in zip(marks[1:], marks[2:], strict=False))
    return trained / fastest, started[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--graph", default=str(ROOT / "sample_graphs" / "cnn_classifier.json"))
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    from netdesigner.backend.data import load_dataset
    from netdesigner.backend.devices import available_devices, describe, has_gpu
    from netdesigner.core.fileformat import load

    if not has_gpu():
        print("no GPU here: the app trains in float32 on a CPU, there is nothing to compare")
        return
    doc = load(Path(args.graph))
    data = load_dataset(doc.graph, {"source": "synthetic", "samples": args.samples})
    rates = {}
    for mixed in (False, True):
        doc.training.mixed_precision = mixed
        rates[mixed], message = samples_per_second(doc, data, args.epochs, args.batch_size)
        print(f"{message}: {rates[mixed]:,.0f} samples/s")
    print(
        f"{Path(args.graph).name} on {describe(available_devices()[0])}: mixed precision / float32 "
        f"throughput {rates[True] / rates[False]:.2f}x"
    )


if __name__ == "__main__":
    main()
