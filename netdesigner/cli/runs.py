"""``runs``: the training runs kept beside a graph, listed, and two or more compared in one
figure (the editor's Runs table and overlay, without a window)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from netdesigner.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE

COLUMNS = ("run", "name", "when", "outcome", "epochs", "loss", "val_loss", "seconds", "device", "changes")


def add_runs_command(sub: Any) -> None:
    runs = sub.add_parser("runs", help="list the training runs kept beside a graph, or draw a comparison")
    runs.add_argument("graph", help="graph file (.json) whose runs (GRAPH.runs/) to read")
    runs.add_argument("--compare", nargs="+", metavar="RUN", help="runs to overlay, by number or name")
    runs.add_argument("--png", metavar="OUT.png", help="where --compare draws (default: runs_compared.png)")


def cmd_runs(args: argparse.Namespace) -> int:
    from netdesigner.backend.run_store import RunError, store_for

    if not Path(args.graph).is_file():
        print(f"netdesigner: there is no graph file {args.graph}", file=sys.stderr)
        return EXIT_USAGE
    store = store_for(Path(args.graph))
    if args.compare:
        try:
            chosen = [store.find(key) for key in args.compare]
        except RunError as error:
            print(f"netdesigner: {error}", file=sys.stderr)
            return EXIT_USAGE
        from netdesigner.backend.compare_curves import plot_comparison

        target = Path(args.png or "runs_compared.png")
        if target.suffix.lower() != ".png":
            print(f"netdesigner: the comparison is drawn as a PNG image: name it {target.stem}.png", file=sys.stderr)
            return EXIT_USAGE
        try:
            written = plot_comparison([(f"{r.id} {r.name}", r.history) for r in chosen], target)
        except OSError as error:
            print(f"netdesigner: cannot write {target}: {error.strerror or error}", file=sys.stderr)
            return EXIT_INVALID
        print(f"wrote {written}")
        return EXIT_OK
    runs = store.runs()
    for problem in store.problems:
        print(f"netdesigner: skipped {problem}", file=sys.stderr)
    for interrupted in store.interrupted:
        print(interrupted)
    if not runs:
        print(f"no runs of {args.graph} yet (they are kept in {store.folder})")
        return EXIT_INVALID if store.problems else EXIT_OK
    rows = [
        (
            r.id,
            r.name,
            r.created,
            r.outcome,
            str(r.epochs_done),
            r.final_text("loss"),
            r.final_text("val_loss"),
            f"{r.seconds:.1f}",
            r.device,
            r.changes,
        )
        for r in runs
    ]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(COLUMNS[:-1])]
    for row in [COLUMNS, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    compare = f"; compare: netdesigner runs {args.graph} --compare {rows[-2][0]} {rows[-1][0]}" if len(rows) > 1 else ""
    print(f"(in {store.folder}{compare})")
    return EXIT_OK
