"""Command line: the editor's operations without a window (DESIGN.md's contract).

Exit codes: 0 success or valid, 1 invalid graph or failed run, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from netdesigner.core.errors import FormatError
from netdesigner.core.fileformat import load
from netdesigner.core.report import build_report, summary_table

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def cmd_check(args: argparse.Namespace) -> int:
    try:
        doc = load(args.graph)
    except FormatError as error:
        print(f"netdesigner: {args.graph}: {error}", file=sys.stderr)
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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"check": cmd_check}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netdesigner", description="Build Keras models visually; check, export and train them."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="validate a graph; per-node output shape and params")
    check.add_argument("graph", help="graph file (.json)")
    check.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        return open_editor(argv)
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


def open_editor(argv: list[str]) -> int:
    print(
        "netdesigner: the editor window is not part of this build yet; available commands: " + ", ".join(COMMANDS),
        file=sys.stderr,
    )
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
