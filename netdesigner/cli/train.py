"""``train``: the model trained without a window, through the editor's driver; it writes the
history (CSV and JSON), the curves and the model, and records the run beside the graph as the
editor does (``GRAPH.runs/NNN``), with what changed since the run before. The first Ctrl+C
stops after the current batch and what was trained is still written.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netdesigner.cli.common import DATA_HELP, EXIT_INVALID, EXIT_OK, EXIT_USAGE, load_or_none, parse_data_spec
from netdesigner.cli.model import load_trained_model
from netdesigner.core.errors import GraphError, in_words
from netdesigner.core.report import megabytes
from netdesigner.core.settings import FIT_PARAMS

if TYPE_CHECKING:
    from netdesigner.backend.run_store import RunStore
    from netdesigner.backend.training import TrainingRun, TrainResult


def add_train_command(sub: Any) -> None:
    train = sub.add_parser("train", help="train the model without a window; writes history, curves, model")
    train.add_argument("graph", help="graph file (.json)")
    train.add_argument("--data", help=f"{DATA_HELP} (default: the graph's)")
    train.add_argument("--validation", help="a separate validation file or folder, of the same kind as --data")
    train.add_argument("--epochs", type=int, default=None)
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--seed", type=int, default=None, help="the random seed (default: the graph's)")
    train.add_argument(
        "--out",
        default=None,
        help="folder for history.csv/json, curves.png, model.keras (default: the run's folder beside the graph)",
    )
    train.add_argument("--no-record", action="store_true", help="do not keep this run in GRAPH.runs/ beside the graph")
    train.add_argument(
        "--start-from",
        metavar="MODEL",
        help="a trained .keras model (a previous run's model.keras) whose weights this run trains on from",
    )


def cmd_train(args: argparse.Namespace) -> int:
    from netdesigner.backend.atomic_files import save_model
    from netdesigner.backend.curves import plot_history
    from netdesigner.backend.data import DataError, load_dataset
    from netdesigner.backend.reports import write_history
    from netdesigner.backend.training import TrainEvent, TrainingRun, TrainKind

    doc = load_or_none(args.graph)
    if doc is None:
        return EXIT_USAGE
    try:
        # --epochs, --batch-size and --seed obey the file format's ranges, and the run records them
        given = {p.name: p.coerce(getattr(args, p.name)) for p in FIT_PARAMS if getattr(args, p.name, None) is not None}
        spec = parse_data_spec(args.data) if args.data else doc.training.data_spec()
    except (ValueError, GraphError) as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.validation:
        spec = {**spec, "validation_path": args.validation}
    doc.training = dataclasses.replace(
        doc.training, **given, data=dict(spec) if args.data or args.validation else doc.training.data
    )
    try:
        data = load_dataset(doc.graph, dict(spec))
    except (DataError, GraphError) as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_INVALID

    def show(event: TrainEvent) -> None:
        match event.kind:
            case TrainKind.DOWNLOAD if event.received == 0 or sys.stdout.isatty():
                size = f" of {megabytes(event.size)}" if event.size else ""
                ending = "" if sys.stdout.isatty() else "\n"
                print(f"\r{event.message}: {megabytes(event.received)}{size}", end=ending, flush=True)
            case TrainKind.STARTED:
                print(f"\r{event.message}; device {event.device}; {event.epochs} epoch(s) of {event.batches} batch(es)")
            case TrainKind.BATCH if sys.stdout.isatty():
                done = int(20 * event.batch / max(event.batches, 1))
                print(
                    f"\repoch {event.epoch}/{event.epochs} [{'#' * done}{'.' * (20 - done)}] "
                    f"loss {event.logs.get('loss', float('nan')):.4f}",
                    end="",
                    flush=True,
                )
            case TrainKind.EPOCH:
                metrics = "  ".join(f"{k} {v:.4f}" for k, v in event.logs.items())
                print(f"\repoch {event.epoch}/{event.epochs}  {metrics}  ({event.seconds:.1f} s)", flush=True)
            case TrainKind.FINISHED | TrainKind.STOPPED:
                print(f"{event.kind} after {event.seconds:.1f} s")

    start_from = load_trained_model(args.start_from, "--start-from", compile=False) if args.start_from else None
    if args.start_from and start_from is None:
        return EXIT_INVALID
    store, folder = (None, None) if args.no_record else _reserve(Path(args.graph))
    out = Path(args.out) if args.out else folder or Path("netdesigner-run")
    training = TrainingRun(
        doc, data, show, out_dir=out, batch_event_seconds=0.1, start_from=start_from
    )  # a terminal's progress bar needs no more than ten batch events a second
    with _stop_on_interrupt(training):
        result = training.run()
    if result.error:
        print(f"netdesigner: {result.error}", file=sys.stderr)
        _record(store, folder, training, result)
        return EXIT_INVALID
    try:
        written = write_history(result.history, out)
        written.append(plot_history(result.history, out / "curves.png"))
        written.append(save_model(result.model, out / "model.keras"))
    except OSError as error:
        print(f"netdesigner: cannot write to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    print("wrote " + ", ".join(str(p) for p in written))
    return EXIT_OK if _record(store, folder, training, result) else EXIT_INVALID


def _reserve(graph: Path) -> tuple[RunStore | None, Path | None]:
    """The graph's run store and this run's new folder there; (None, None) after saying why
    the run cannot be kept (a read-only folder): training goes on."""
    from netdesigner.backend.run_store import store_for

    store = store_for(graph)
    try:
        return store, store.reserve()
    except OSError as error:
        print(f"netdesigner: not recording this run in {store.folder}: {error.strerror or error}", file=sys.stderr)
        return None, None


def _record(store: RunStore | None, folder: Path | None, training: TrainingRun, result: TrainResult) -> bool:
    """Record the run; False, after saying why, when it could not be (a full disk): the run's
    record is part of what ``train`` promises."""
    from netdesigner.backend.run_store import RunError, record_run

    if store is None or folder is None:
        return True
    try:
        record = record_run(store, folder, training, result)
    except (OSError, RunError) as error:
        print(f"netdesigner: could not record the run in {folder}: {in_words(error)}", file=sys.stderr)
        return False
    if record is not None:
        print(f"recorded run {record.id} ({record.changes}) in {folder}")
    return True


@contextmanager
def _stop_on_interrupt(training: TrainingRun) -> Iterator[None]:
    """The first Ctrl+C stops training after the current batch, like the editor's Stop: what
    was trained is still written. A second one aborts (``main`` reports it)."""

    def stop(signum: int, frame: object) -> None:
        print("\nstopping after this batch (Ctrl+C again to abort)", file=sys.stderr, flush=True)
        training.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        previous = signal.signal(signal.SIGINT, stop)
    except ValueError:  # not the main thread: no signals to take over
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
