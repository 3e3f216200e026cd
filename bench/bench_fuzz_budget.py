"""What each fuzz test finds per example and per second, to choose its budget by measurement.

Each fuzz test's own strategy and check run under a line tracer limited to netdesigner's
package, at a fixed seed (the ``ci`` profile): for 50%, 90%, 99% and all of the lines
reached in ``--examples`` examples, how many examples and seconds it took, and when the last
new line was found. A budget past the last discovery costs time and finds nothing; the
budgets in ``tests/fuzz.py`` are the "all" column with some room.

    python bench/bench_fuzz_budget.py [--examples 6000] [--only file csv]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzz import BUDGETS  # noqa: E402  (the ci profile: fixed seed, no database)

PACKAGE = str(ROOT / "netdesigner")


def targets() -> dict[str, tuple[dict[str, Any], Callable[..., None]]]:
    """Each fuzz test's strategies (by argument name) and its check, as the tests define them."""
    from tests import test_fileformat, test_hardening, test_hostile_runs, test_import

    return {
        "file": ({"text": test_fileformat.mutated_files()}, test_fileformat.load_or_fail_cleanly),
        "csv": (
            {"header": st.booleans(), "body": test_hardening.CSV_TEXT},
            test_hardening.csv_is_a_dataset_or_a_data_error,
        ),
        "npz": ({"arrays": test_hardening.NPZ_ARRAYS}, test_hardening.npz_is_a_dataset_or_a_data_error),
        "keras_config": ({"data": st.data()}, test_import.damaged_config_fails_cleanly),
        "run_folder": (test_hostile_runs.RUN_FOLDERS, test_hostile_runs.run_folder_is_listed_or_skipped),
    }


class LineTracer:
    """The (file, line) pairs of netdesigner run so far."""

    def __init__(self) -> None:
        self.lines: set[tuple[str, int]] = set()

    def __enter__(self) -> LineTracer:
        sys.settrace(self._call)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)

    def _call(self, frame: FrameType, event: str, arg: object) -> Any:
        return self._line if frame.f_code.co_filename.startswith(PACKAGE) else None

    def _line(self, frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            self.lines.add((frame.f_code.co_filename, frame.f_lineno))
        return self._line


def discoveries(strategies: dict[str, Any], check: Callable[..., None], examples: int) -> tuple[list[int], float]:
    """For each example in order, how many lines were known after it; and the untraced
    seconds per example."""
    tracer, known = LineTracer(), []

    @settings(max_examples=examples)
    @given(**strategies)
    def traced(**drawn: Any) -> None:
        with tracer:
            check(**drawn)
        known.append(len(tracer.lines))

    traced()
    calls = [0]

    @settings(max_examples=examples)
    @given(**strategies)
    def plain(**drawn: Any) -> None:
        check(**drawn)
        calls[0] += 1

    start = time.perf_counter()
    plain()
    return known, (time.perf_counter() - start) / max(calls[0], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=6000, help="examples drawn per test")
    parser.add_argument("--only", nargs="+", help="these tests only")
    args = parser.parse_args()
    print(f"{'test':<14}{'lines':>7}{'50%':>12}{'90%':>12}{'99%':>12}{'all':>12}{'budget now':>12}{'ms/ex':>8}")
    for name, (strategies, check) in targets().items():
        if args.only and name not in args.only:
            continue
        known, seconds = discoveries(strategies, check, args.examples)
        total = known[-1] if known else 0

        def reached(share: float, known: list[int] = known, total: int = total, seconds: float = seconds) -> str:
            index = next(i for i, k in enumerate(known) if k >= share * total) + 1
            return f"{index} ({index * seconds:.1f}s)"

        cells = [reached(s) for s in (0.5, 0.9, 0.99, 1.0)]
        print(
            f"{name:<14}{total:>7}{cells[0]:>12}{cells[1]:>12}{cells[2]:>12}{cells[3]:>12}"
            f"{BUDGETS[name]:>12}{seconds * 1e3:>8.1f}"
        )


if __name__ == "__main__":
    main()
