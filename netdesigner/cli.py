"""Command line: the editor's operations without a window (DESIGN.md's contract).

Exit codes: 0 success or valid, 1 invalid graph or failed run (an interrupted one too: a first
Ctrl+C during ``train`` only stops training, which then ends normally), 2 unreadable input or
bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from netdesigner import __version__
from netdesigner.cli_common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, load_or_none, parse_data_spec
from netdesigner.cli_model import add_model_commands, cmd_evaluate, cmd_predict
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import save, write_text_atomic
from netdesigner.core.report import build_report, summary_table
from netdesigner.core.settings import FIT_PARAMS

if TYPE_CHECKING:
    from netdesigner.backend.training import TrainingRun


def cmd_check(args: argparse.Namespace) -> int:
    doc = load_or_none(args.graph)
    if doc is None:
        return EXIT_USAGE
    report = build_report(doc.graph)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(summary_table(report))
        for title, mark, issues in (("problem", "✗", report.errors), ("warning", "!", report.warnings)):
            if issues:
                print(f"\n{len(issues)} {title}{'s' if len(issues) > 1 else ''}:")
                for issue in issues:
                    print(f"  {mark} {issue}")
        if report.valid:
            print("\n✓ valid")
    return EXIT_OK if report.valid else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    from netdesigner.backend.export import ExportError, ExportOptions, export_for_suffix

    doc = load_or_none(args.graph)
    if doc is None:
        return EXIT_USAGE
    out = Path(args.output)
    if out.suffix not in (".py", ".ipynb"):
        print(f"netdesigner: {out}: the output must end in .py or .ipynb", file=sys.stderr)
        return EXIT_USAGE
    options = ExportOptions(style=args.style, distribute=args.distribute)
    try:
        text = export_for_suffix(doc, out.suffix, options)
    except ExportError as error:
        print(f"netdesigner: {args.graph}: {error}", file=sys.stderr)
        return EXIT_INVALID
    try:
        write_text_atomic(out, text)
    except OSError as error:
        print(f"netdesigner: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {out}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from netdesigner.backend.importer import ModelImportError, ModelReadError, import_model

    try:
        doc = import_model(args.model)
    except ModelImportError as error:
        print(f"netdesigner: {args.model}: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, ModelReadError) else EXIT_INVALID
    try:
        save(doc, args.output)
    except OSError as error:
        print(f"netdesigner: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    for note in doc.notes:
        print(f"netdesigner: note: {note}", file=sys.stderr)
    print(f"wrote {args.output}: {len(doc.graph)} nodes")
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from netdesigner.backend.curves import plot_history
    from netdesigner.backend.data import DataError, load_dataset
    from netdesigner.backend.reports import write_history
    from netdesigner.backend.training import TrainEvent, TrainingRun

    doc = load_or_none(args.graph)
    if doc is None:
        return EXIT_USAGE
    try:
        for setting in FIT_PARAMS:  # --epochs and --batch-size obey the file format's ranges
            if getattr(args, setting.name, None) is not None:
                setting.coerce(getattr(args, setting.name))
        spec = parse_data_spec(args.data) if args.data else (doc.training.data or {"source": "synthetic"})
    except (ValueError, GraphError) as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.validation:
        spec = {**spec, "validation_path": args.validation}
    try:
        data = load_dataset(doc.graph, dict(spec))
    except (DataError, GraphError) as error:
        print(f"netdesigner: {error}", file=sys.stderr)
        return EXIT_INVALID

    def show(event: TrainEvent) -> None:
        if event.kind == "started":
            print(f"{event.message}; device {event.device}; {event.epochs} epoch(s) of {event.batches} batch(es)")
        elif event.kind == "batch" and sys.stdout.isatty():
            done = int(20 * event.batch / max(event.batches, 1))
            print(
                f"\repoch {event.epoch}/{event.epochs} [{'#' * done}{'.' * (20 - done)}] "
                f"loss {event.logs.get('loss', float('nan')):.4f}",
                end="",
                flush=True,
            )
        elif event.kind == "epoch":
            metrics = "  ".join(f"{k} {v:.4f}" for k, v in event.logs.items())
            print(f"\repoch {event.epoch}/{event.epochs}  {metrics}  ({event.seconds:.1f} s)", flush=True)
        elif event.kind in ("finished", "stopped"):
            print(f"{event.kind} after {event.seconds:.1f} s")

    out = Path(args.out)
    training = TrainingRun(
        doc,
        data,
        show,
        epochs=args.epochs,
        batch_size=args.batch_size,
        out_dir=out,
        seed=args.seed,
        batch_event_seconds=0.1,  # a terminal's progress bar needs no more
    )
    with _stop_on_interrupt(training):
        result = training.run()
    if result.error:
        print(f"netdesigner: {result.error}", file=sys.stderr)
        return EXIT_INVALID
    try:
        written = write_history(result.history, out)
        written.append(plot_history(result.history, out / "curves.png"))
        result.model.save(out / "model.keras")
        written.append(out / "model.keras")
    except OSError as error:
        print(f"netdesigner: cannot write to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    print("wrote " + ", ".join(str(p) for p in written))
    return EXIT_OK


def cmd_samples(args: argparse.Namespace) -> int:
    from netdesigner.samples import copy_samples, sample_paths

    if args.copy is None:
        for path in sample_paths():
            print(path)
        return EXIT_OK
    try:
        copies = copy_samples(Path(args.copy))
    except OSError as error:
        print(f"netdesigner: cannot copy to {args.copy}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    for path in copies:
        print(path)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "train": cmd_train,
    "check": cmd_check,
    "export": cmd_export,
    "import": cmd_import,
    "samples": cmd_samples,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
}


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netdesigner",
        description="Build Keras models visually; check, export and train them. "
        "Without a command: open the editor (on GRAPH if given).",
    )
    parser.add_argument("--version", action="version", version=f"netdesigner {__version__}")
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add netdesigner with its icon to the desktop's application menu (Linux)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="validate a graph; per-node output shape and params")
    check.add_argument("graph", help="graph file (.json)")
    check.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    export = sub.add_parser("export", help="write a Python script or notebook that rebuilds and trains the model")
    export.add_argument("graph", help="graph file (.json)")
    export.add_argument("-o", "--output", required=True, help="OUT.py or OUT.ipynb")
    export.add_argument("--style", choices=("functional", "sequential"), default="functional")
    export.add_argument(
        "--distribute",
        choices=("mirrored", "multi-worker"),
        default=None,
        help="wrap model creation in a tf.distribute strategy scope",
    )
    train = sub.add_parser("train", help="train the model without a window; writes history, curves, model")
    train.add_argument("graph", help="graph file (.json)")
    train.add_argument(
        "--data", help="digits | synthetic[:SAMPLES] | PATH.npz | PATH.csv:TARGET[:F1,F2,...] (default: the graph's)"
    )
    train.add_argument("--validation", help="a separate validation file or folder, of the same kind as --data")
    train.add_argument("--epochs", type=int, default=None)
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--seed", type=int, default=None, help="the random seed (default: the graph's)")
    train.add_argument("--out", default="netdesigner-run", help="folder for history.csv/json, curves.png, model.keras")
    samples = sub.add_parser("samples", help="list the bundled sample graphs (or copy them to a folder)")
    samples.add_argument("--copy", metavar="DIR", help="copy the sample graphs into DIR")
    imp = sub.add_parser("import", help="turn a .keras file or Keras model JSON into a graph")
    imp.add_argument("model", help="MODEL.keras or MODEL.json (model.to_json())")
    imp.add_argument("-o", "--output", required=True, help="graph file to write (.json)")
    add_model_commands(sub)
    return parser


OPTIONS = ("-h", "--help", "--version", "--install-desktop-entry")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in OPTIONS:
        return open_editor(argv)
    args = build_parser().parse_args(argv)
    if args.install_desktop_entry:
        from netdesigner.desktop import install_desktop_entry

        for path in install_desktop_entry():
            print(f"wrote {path}")
        return EXIT_OK
    if args.command is None:
        build_parser().print_usage(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\nnetdesigner: interrupted", file=sys.stderr)
        return EXIT_INVALID  # the contract's "failed run"
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INVALID
    except OSError as error:  # the output cannot be written (a full disk)
        print(f"netdesigner: cannot write the output: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a traceback is a bug: one line, the report in a log file
        from netdesigner.backend.crash_log import describe

        print(f"netdesigner: {describe(error, f'running {args.command}')}", file=sys.stderr)
        return EXIT_USAGE


def open_editor(argv: list[str]) -> int:
    """``netdesigner [GRAPH]``: the editor window, on GRAPH or on the starter graph."""
    if len(argv) > 1 or argv and argv[0].startswith("-"):
        build_parser().print_usage(sys.stderr)
        print(f"netdesigner: unknown command {argv[0]!r}; commands: {', '.join(COMMANDS)}", file=sys.stderr)
        return EXIT_USAGE
    from netdesigner.desktop import display_problem

    problem = display_problem()
    if problem:
        print(f"netdesigner: cannot open the editor: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from netdesigner.gui.app import run

    return run(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
