"""What a finished training run leaves behind: the history as CSV and JSON (its curves are
drawn by ``curves``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def write_history(history: dict[str, list[float]], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    keys = list(history)
    rows = max((len(v) for v in history.values()), default=0)
    csv_path = out_dir / "history.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", *keys])
        for i in range(rows):
            writer.writerow([i + 1, *(history[k][i] if i < len(history[k]) else "" for k in keys)])
    json_path = out_dir / "history.json"
    json_path.write_text(json.dumps(history, indent=1), encoding="utf-8")
    return [csv_path, json_path]


def metric_pairs(history: dict[str, list[float]]) -> list[tuple[str, str | None]]:
    """(train key, validation key or None) for every metric, loss first."""
    train = [k for k in history if not k.startswith("val_")]
    train.sort(key=lambda k: (k != "loss", not k.endswith("loss"), k))
    return [(k, f"val_{k}" if f"val_{k}" in history else None) for k in train]
