"""What a finished training run leaves behind: history as CSV and JSON, and the curves as PNG."""

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


def plot_history(history: dict[str, list[float]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    pairs = metric_pairs(history)
    figure = Figure(figsize=(4.2 * min(len(pairs), 3), 3.2 * ((len(pairs) + 2) // 3)), tight_layout=True)
    for index, (key, val_key) in enumerate(pairs, start=1):
        axes = figure.add_subplot((len(pairs) + 2) // 3, min(len(pairs), 3), index)
        epochs = range(1, len(history[key]) + 1)
        axes.plot(epochs, history[key], marker="o", label="train")
        if val_key:
            axes.plot(range(1, len(history[val_key]) + 1), history[val_key], marker="o", label="validation")
        axes.set_title(key)
        axes.set_xlabel("epoch")
        axes.legend()
        axes.grid(alpha=0.3)
    figure.savefig(path, dpi=100)
    return path
