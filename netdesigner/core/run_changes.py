"""What changed between two training runs, in a student's words: "optimizer Adam -> SGD,
lr 0.001 -> 0.01, + bn (BatchNormalization)".

Both runs are read as graph files (``fileformat.to_dict``), so every setting the file format
saves is compared without a list here to keep in step: the optimizer and its options, the
schedule, the fit settings, callbacks, the data source, and every layer's parameters (the
heads' losses, weights and metrics are parameters of the Output nodes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from netdesigner.core.fileformat import Document, to_dict
from netdesigner.core.graph import Graph

SHOWN = 6  # changes listed before "+N more"
SHORT = {"learning_rate": "lr"}  # as students write it
NAMED = ("optimizer", "lr_schedule")  # settings saved as {"name": ..., options...}


def fingerprint(graph: Graph) -> str:
    """A short hash of what the model is (layers, parameters, wiring), not of where the nodes sit:
    two runs with the same fingerprint trained the same architecture."""
    data = to_dict(Document(graph))
    nodes = sorted(({k: v for k, v in n.items() if k != "position"} for n in data["nodes"]), key=lambda n: n["id"])
    edges = sorted(data["edges"], key=lambda e: (e["target"], e["port"]))
    return hashlib.sha256(json.dumps({"nodes": nodes, "edges": edges}, sort_keys=True).encode()).hexdigest()[:12]


def describe_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """``old``/``new``: two graph files' contents. "first run" without an earlier one."""
    if old is None:
        return "first run"
    changes = [*_settings_changes(old["training"], new["training"]), *_graph_changes(old, new)]
    if not changes:
        return "no change"
    more = len(changes) - SHOWN
    return ", ".join(changes[:SHOWN]) + (f", +{more} more" if more > 0 else "")


def _settings_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in NAMED and isinstance(before, dict) and isinstance(after, dict):
            yield from _named_changes(key, before, after)
        elif key == "data":
            yield f"data {_source(before)} -> {_source(after)}"
        elif isinstance(before, dict) and isinstance(after, dict):  # the callbacks' options
            yield from _value_changes(f"{key} ", before, after)
        else:
            yield _change(key.replace("_", " "), before, after)


def _named_changes(key: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """The choice, then the options both share (another optimizer's own options are its defaults)."""
    if old.get("name") != new.get("name"):
        yield f"{key.replace('lr_', '')} {old.get('name')} -> {new.get('name')}"
    shared = {k: v for k, v in old.items() if k != "name" and k in new}
    yield from _value_changes("", shared, {k: new[k] for k in shared})


def _value_changes(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) != new.get(key):
            yield _change(prefix + SHORT.get(key, key), old.get(key), new.get(key))


def _graph_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """By layer name: a renamed layer reads as one removed and one added."""
    before = {n["name"]: n for n in old["nodes"]}
    after = {n["name"]: n for n in new["nodes"]}
    for name, node in after.items():
        if name not in before:
            yield f"+ {name} ({node['type']})"
    for name, node in before.items():
        if name not in after:
            yield f"- {name} ({node['type']})"
    for name in [n for n in after if n in before]:  # in the graph's order: the same text every time
        was, now = before[name], after[name]
        if was["type"] != now["type"]:
            yield f"{name} {was['type']} -> {now['type']}"
        elif was.get("shares") != now.get("shares"):
            yield f"{name} shares {_names(old, was.get('shares'))} -> {_names(new, now.get('shares'))}"
        else:
            yield from _value_changes(f"{name} ", was.get("params", {}), now.get("params", {}))
    if _wiring(old) != _wiring(new):
        yield "wiring changed"


def _wiring(data: dict[str, Any]) -> set[tuple[str, str, int, int]]:
    names = {n["id"]: n["name"] for n in data["nodes"]}
    return {
        (names.get(e["source"], ""), names.get(e["target"], ""), e["port"], e.get("source_port", 0))
        for e in data["edges"]
    }


def _names(data: dict[str, Any], node_id: str | None) -> str:
    return next((n["name"] for n in data["nodes"] if n["id"] == node_id), "nothing")


def _source(data: Any) -> str:
    if not data:
        return "synthetic"
    return str(data.get("source", "?")) + (f" {data['path']}" if data.get("path") else "")


def _change(what: str, old: Any, new: Any) -> str:
    return f"{what} {_text(old)} -> {_text(new)}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "(" + ", ".join(_text(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    return str(value)
