"""Time to build the Keras model of a 1,000-node graph through netdesigner's builder, beside
plain Keras code constructing the same model, in the same process. Goal: within 1.1x.

    python bench/bench_build.py [--nodes 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netdesigner.backend.builder import build_model, depth_of, recursion_room  # noqa: E402
from tests.graphs import residual_graph  # noqa: E402


def plain_keras(blocks: int, width: int = 16):
    """The same residual stack written by hand with the functional API."""
    import keras
    from keras import layers

    x = inputs = keras.Input(shape=(width,), name="input")
    for i in range(blocks):
        y = layers.Dense(width, name=f"b{i}_dense1")(x)
        y = layers.BatchNormalization(name=f"b{i}_bn")(y)
        y = layers.ReLU(name=f"b{i}_relu")(y)
        y = layers.Dense(width, name=f"b{i}_dense2")(y)
        x = layers.Add(name=f"b{i}_add")([y, x])
    return keras.Model(inputs, x, name="model")


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    blocks = (args.nodes - 2) // 5
    graph = residual_graph(blocks)
    import keras

    print(f"keras {keras.__version__}, backend {keras.backend.backend()}, {len(graph)} nodes")
    plain_keras(2)
    build_model(residual_graph(2))  # warm-up
    ours, theirs = [], []
    for _ in range(args.repeat):
        with recursion_room(depth_of(graph)):  # the same room the builder gives itself
            t, model = timed(lambda: plain_keras(blocks))
        theirs.append(t)
        t, built = timed(lambda: build_model(graph))
        ours.append(t)
        assert built.count_params() == model.count_params()
    best_ours, best_theirs = min(ours), min(theirs)
    print(
        f"plain keras: {best_theirs:.2f} s   netdesigner builder: {best_ours:.2f} s   "
        f"ratio {best_ours / best_theirs:.3f}x (goal <= 1.1x)"
    )


if __name__ == "__main__":
    main()
