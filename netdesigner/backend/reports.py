"""What a finished training run leaves behind: the history as CSV and JSON (its curves are
drawn by ``curves``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from netdesigner.core.fileformat import write_text_atomic


def write_history(history: dict[str, list[float]], out_dir: Path) -> list[Path]:
    """``history.csv`` and ``history.json``, each written whole or not at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    keys = list(history)
    rows = max((len(v) for v in history.values()), default=0)
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for i in range(rows):
        writer.writerow([i + 1, *(history[k][i] if i < len(history[k]) else "" for k in keys)])
    csv_path, json_path = out_dir / "history.csv", out_dir / "history.json"
    write_text_atomic(csv_path, table.getvalue())
    write_text_atomic(json_path, json.dumps(history, indent=1))
    return [csv_path, json_path]


def metric_pairs(history: dict[str, list[float]]) -> list[tuple[str, str | None]]:
    """(train key, validation key or None) for every metric, loss first."""
    train = [k for k in history if not k.startswith("val_")]
    train.sort(key=lambda k: (k != "loss", not k.endswith("loss"), k))
    return [(k, f"val_{k}" if f"val_{k}" in history else None) for k in train]
