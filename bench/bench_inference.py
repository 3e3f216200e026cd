"""Inference + validation time on generated graphs, beside Keras's own symbolic build of the
same graph in the same run. Prints times and the ratio (how many times faster core is).

    python bench/bench_inference.py [--sizes 100 1000 5000] [--no-keras]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netdesigner.core import Graph, infer, validate  # noqa: E402
from tests.graphs import chain_graph, residual_graph  # noqa: E402


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def graphs(size: int) -> dict[str, Graph]:
    return {"chain": chain_graph(size - 2), "residual": residual_graph((size - 2) // 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--no-keras", action="store_true", help="skip the Keras baseline")
    args = parser.parse_args()
    if not args.no_keras:
        from netdesigner.backend.builder import build_model

        start = time.perf_counter()
        import keras

        print(f"keras import: {time.perf_counter() - start:.2f} s (backend {keras.backend.backend()})")
        build_model(chain_graph(3))  # warm-up: first-call costs are not per-graph costs
    # Every core pass is timed before any big Keras build: what those builds leave in memory
    # slows the garbage collector of later passes (5,000 nodes: 30 ms became 75).
    cores = []
    for size in args.sizes:
        for kind, graph in graphs(size).items():

            def core(graph: Graph = graph) -> None:
                graph.forget_structure()  # measure the full pass, topological sort included
                validate(graph, infer(graph))

            cores.append((kind, graph, *best_of(core, 15)))
    print(f"{'graph':<16}{'nodes':>7}{'core best':>12}{'core median':>13}{'keras build':>13}{'ratio':>9}")
    for kind, graph, best, median in cores:
        keras_text = ratio_text = "-"
        if not args.no_keras:
            start = time.perf_counter()
            build_model(graph)
            keras_time = time.perf_counter() - start
            keras_text = f"{keras_time * 1e3:.0f} ms"
            ratio_text = f"{keras_time / median:.0f}x"
        print(f"{kind:<16}{len(graph):>7}{best * 1e3:>10.2f}ms{median * 1e3:>11.2f}ms{keras_text:>13}{ratio_text:>9}")


if __name__ == "__main__":
    main()
