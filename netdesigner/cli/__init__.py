"""Command line: the editor's operations without a window (DESIGN.md's contract).

Exit codes: 0 success or valid, 1 invalid graph or failed run (an interrupted one too: a first
Ctrl+C during ``train`` only stops training, which then ends normally), 2 unreadable input or
bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from netdesigner import __version__
from netdesigner.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, load_or_none
from netdesigner.cli.model import add_model_commands, cmd_evaluate, cmd_predict
from netdesigner.cli.runs import add_runs_command, cmd_runs
from netdesigner.cli.terminal import escaped_output
from netdesigner.cli.train import add_train_command, cmd_train
from netdesigner.core.fileformat import save, write_text_atomic
from netdesigner.core.report import build_report, summary_table
from netdesigner.core.stand_in import has_open_sizes, stand_in_size


def cmd_check(args: argparse.Namespace) -> int:
    doc = load_or_none(args.graph)
    if doc is None:
        return EXIT_USAGE
    report = build_report(doc.graph)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(summary_table(report))
        stand_in = stand_in_size(doc.graph) if report.valid and has_open_sizes(doc.graph) else None
        if stand_in is not None:
            print(f"\nsizes left open (None) get {stand_in} steps in stand-in data, the fewest every layer accepts")
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
    "runs": cmd_runs,
    "check": cmd_check,
    "export": cmd_export,
    "import": cmd_import,
    "samples": cmd_samples,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
}

# Commands that run Keras: it is loaded first, with TensorFlow's start-up lines kept quiet.
KERAS_COMMANDS = frozenset({"train", "export", "import", "evaluate", "predict"})


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
    samples = sub.add_parser("samples", help="list the bundled sample graphs (or copy them to a folder)")
    samples.add_argument("--copy", metavar="DIR", help="copy the sample graphs into DIR")
    imp = sub.add_parser("import", help="turn a .keras file or Keras model JSON into a graph")
    imp.add_argument("model", help="MODEL.keras or MODEL.json (model.to_json())")
    imp.add_argument("-o", "--output", required=True, help="graph file to write (.json)")
    add_train_command(sub)
    add_runs_command(sub)
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
    with escaped_output():  # what files hold is printed, never obeyed by the terminal
        try:
            if args.command in KERAS_COMMANDS:
                from netdesigner.backend.quiet import load_keras_quietly

                load_keras_quietly()
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
