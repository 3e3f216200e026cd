"""``evaluate`` and ``predict``: a trained model (``model.keras``, as ``train`` and the exported
script write it) on data, without the editor.

The model file is loaded by Keras in its safe mode (no code from the file runs); every failure
(a missing file, data that does not fit the model) is one line and exit code 1 or 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from netdesigner.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, load_or_none, parse_data_spec
from netdesigner.core.errors import GraphError
from netdesigner.core.settings import FIT_SPECS


def add_model_commands(sub: Any) -> None:
    evaluate = sub.add_parser("evaluate", help="loss and metrics of a trained model on the graph's held-out data")
    evaluate.add_argument("graph", help="graph file (.json) the model was trained from")
    evaluate.add_argument("model", help="the trained MODEL.keras")
    evaluate.add_argument("--data", help="as for train (default: the graph's data source)")
    evaluate.add_argument("--batch-size", type=int, default=FIT_SPECS["batch_size"].default)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    predict = sub.add_parser("predict", help="run a trained model on the arrays of a .npz file")
    predict.add_argument("model", help="the trained MODEL.keras")
    predict.add_argument("--data", required=True, help="FILE.npz with arrays named after the model's inputs (or x)")
    predict.add_argument("--batch-size", type=int, default=FIT_SPECS["batch_size"].default)
    predict.add_argument("-o", "--output", required=True, help="OUT.npz: one array per output, named after it")


def load_trained_model(path: str, what: str = "the model", compile: bool = True) -> Any:
    """The Keras model saved at ``path``, or None after saying why it cannot be loaded: the
    file is looked at first (``check_keras_archive``), then Keras loads it in safe mode."""
    from netdesigner.backend.importer import ModelReadError
    from netdesigner.backend.keras_archive import check_keras_archive

    if not Path(path).exists():
        print(f"netdesigner: {what} {path}: no such file", file=sys.stderr)
        return None
    try:
        check_keras_archive(Path(path))
    except ModelReadError as error:
        print(f"netdesigner: cannot load {what}: {error}", file=sys.stderr)
        return None
    import keras

    try:
        return keras.saving.load_model(path, compile=compile)  # safe_mode: no code from the file runs
    except Exception as error:  # damaged archives and refused contents raise many kinds
        print(f"netdesigner: cannot load {what} {path}: {str(error).splitlines()[0][:200]}", file=sys.stderr)
        return None


def _batch_size(args: argparse.Namespace) -> bool:
    """--batch-size within the range the file format allows (one declaration)."""
    try:
        FIT_SPECS["batch_size"].coerce(args.batch_size)
    except GraphError as error:
        print(f"netdesigner: --batch-size: {error}", file=sys.stderr)
        return False
    return True


def cmd_evaluate(args: argparse.Namespace) -> int:
    from netdesigner.backend.data import DataError, load_dataset
    from netdesigner.backend.training import evaluate

    doc = load_or_none(args.graph)
    if doc is None or not _batch_size(args):
        return EXIT_USAGE
    try:
        spec = parse_data_spec(args.data) if args.data else doc.training.data_spec()
    except ValueError as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_USAGE
    model = load_trained_model(args.model)
    if model is None:
        return EXIT_USAGE
    try:
        scores = evaluate(model, load_dataset(doc.graph, dict(spec)), doc.training.validation_split, args.batch_size)
    except (DataError, GraphError) as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_INVALID
    except ValueError as error:  # Keras: the data does not fit this model
        print(f"netdesigner: the data does not fit the model: {str(error).splitlines()[0][:200]}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(scores))
    else:
        for name, value in scores.items():
            print(f"{name:<28} {value:.6g}")
    return EXIT_OK


def cmd_predict(args: argparse.Namespace) -> int:
    from netdesigner.backend.data import DataError
    from netdesigner.backend.training import predict_file

    if not _batch_size(args):
        return EXIT_USAGE
    model = load_trained_model(args.model)
    if model is None:
        return EXIT_USAGE
    try:
        target = predict_file(model, Path(args.data), args.batch_size, Path(args.output))
    except DataError as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_INVALID
    except ValueError as error:
        print(f"netdesigner: the data does not fit the model: {str(error).splitlines()[0][:200]}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        print(f"netdesigner: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {target}")
    return EXIT_OK
