"""The graph file: versioned, human-readable JSON with stable ids and ordered merge inputs.

Promises: saving is atomic (a temporary file renamed over the target); loading any file,
however broken or hostile, either returns a document or raises ``FormatError`` naming the
place (``nodes[3] 'conv1' params.filters``); nothing read is ever executed or evaluated; a file
from a newer version says so instead of being misread.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdesigner.core import catalog
from netdesigner.core.bounded_read import read_bounded
from netdesigner.core.errors import FormatError, GraphError
from netdesigner.core.graph import NAME_RULE, Edge, Graph, Node, check_name
from netdesigner.core.params import to_json_value
from netdesigner.core.settings import FIT_PARAMS, TrainingSettings, check_data

FORMAT = "netdesigner-graph"
# 2: nodes may share another node's layer ("shares"), and edges may leave an output port other
# than the first ("source_port"); a file using neither is written as 1.
VERSION = 2
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 100_000
MAX_ID_LENGTH = 64


@dataclass
class Document:
    """What a file holds: the graph, its training settings and a title. ``notes`` tells what
    reading it changed (names made legal on paste or import); it is not saved."""

    graph: Graph
    training: TrainingSettings = field(default_factory=TrainingSettings)
    name: str = ""
    notes: list[str] = field(default_factory=list)


def to_dict(doc: Document) -> dict[str, Any]:
    graph = doc.graph
    edges = [_edge_dict(e) for e in graph.edges]
    newer = any(n.shares is not None for n in graph.nodes.values()) or any("source_port" in e for e in edges)
    return {
        "format": FORMAT,
        "version": VERSION if newer else 1,  # readable by every netdesigner that can draw it
        "name": doc.name,
        "nodes": [_node_dict(n) for n in graph.nodes.values()],
        "edges": edges,
        "training": doc.training.to_dict(),
    }


def _edge_dict(edge: Edge) -> dict[str, Any]:
    """An edge's entry; ``source_port`` only where the wire leaves another port than the first."""
    entry: dict[str, Any] = {"source": edge.source, "target": edge.target, "port": edge.port}
    if edge.source_port:
        entry["source_port"] = edge.source_port
    return entry


def _node_dict(node: Node) -> dict[str, Any]:
    """A node's entry; a node sharing another's layer names it instead of repeating its parameters."""
    entry: dict[str, Any] = {"id": node.id, "type": node.type, "name": node.name}
    if node.shares is None:
        entry["params"] = {k: to_json_value(v) for k, v in node.params.items()}
    else:
        entry["shares"] = node.shares
    entry["position"] = [round(node.position[0], 2), round(node.position[1], 2)]
    return entry


def dumps(doc: Document) -> str:
    """Pretty but compact: one line per node and per edge, so diffs of graph files stay readable."""
    lines = ["{"]
    items = list(to_dict(doc).items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(value, list):
            rows = [f"    {json.dumps(v, ensure_ascii=False)}" for v in value]
            body = "[\n" + ",\n".join(rows) + "\n  ]" if rows else "[]"
        elif isinstance(value, dict):
            body = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        else:
            body = json.dumps(value, ensure_ascii=False)
        lines.append(f"  {json.dumps(key)}: {body}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def save(doc: Document, path: str | os.PathLike[str]) -> None:
    write_text_atomic(Path(path), dumps(doc))


def write_text_atomic(target: Path, text: str) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        if hasattr(os, "fchmod"):  # not on Windows before Python 3.13, where modes hardly apply
            os.fchmod(fd, _file_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual umask-based mode
    (mkstemp alone would leave it readable by its owner only)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def load(path: str | os.PathLike[str], fix_names: bool = False) -> Document:
    """Read a graph file; every failure, I/O included, is a ``FormatError``. ``fix_names`` as
    in ``loads`` (the editor opens files saved before the naming rule that way)."""
    source = Path(path)
    try:
        data = read_bounded(source, MAX_FILE_BYTES)
    except OSError as exc:
        raise FormatError(f"cannot read {source}: {exc.strerror or exc}") from None
    return loads(data, fix_names)


def loads(text: str | bytes, fix_names: bool = False) -> Document:
    """Parse a graph file's text. With ``fix_names`` (a pasted fragment), a layer name that
    breaks the naming rule is made legal and the change noted, instead of refused."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(f"the file is not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise FormatError("not a graph file: the JSON is nested too deeply") from None
    except ValueError as exc:  # Python refuses to read integers of more than 4,300 digits
        raise FormatError(f"a number in the file is too long to read ({exc})") from None
    check_text(data)
    return from_dict(data, fix_names)


def check_text(data: Any) -> None:
    """Raise ``FormatError`` at the first string (key or value) that is not valid Unicode text:
    JSON escapes can spell lone surrogates (``"\\ud800"``), which no file or terminal can
    hold, so they would fail later, when saved, exported or printed."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            _check_encodable(value, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_encodable(key, where)
                stack.append((item, f"{where}.{key}" if where else key))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))


def _check_encodable(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FormatError(
            f"text holds an unpaired surrogate escape ({text[exc.start]!r} at character {exc.start})", where
        ) from None


def _reject_constant(name: str) -> Any:
    raise FormatError(f"{name} is not a number a graph file may contain")


def from_dict(data: Any, fix_names: bool = False) -> Document:
    if not isinstance(data, dict):
        raise FormatError("not a netdesigner graph file: expected a JSON object at the top")
    if data.get("format") != FORMAT:
        raise FormatError(f"not a netdesigner graph file: 'format' should be {FORMAT!r}", "format")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FormatError("'version' must be a whole number from 1", "version")
    if version > VERSION:
        raise FormatError(
            f"this file was saved by a newer netdesigner (format version {version}); "
            f"this one reads versions up to {VERSION}: please update netdesigner",
            "version",
        )
    name = _get(data, "name", str, "", "name")
    graph = Graph()
    notes: list[str] = []
    nodes = _get(data, "nodes", list, None, "nodes")
    if len(nodes) > MAX_NODES:
        raise FormatError(f"{len(nodes)} nodes is more than the {MAX_NODES} a graph may have", "nodes")
    names = {raw["name"] for raw in nodes if isinstance(raw, dict) and isinstance(raw.get("name"), str)}
    shares: dict[str, tuple[str, str]] = {}  # node id -> (owner id, where)
    for index, raw in enumerate(nodes):
        node = _node(raw, f"nodes[{index}]", graph, (notes, names) if fix_names else None)
        graph.insert(node)
        if isinstance(raw.get("shares"), str):
            shares[node.id] = (raw["shares"], f"nodes[{index}] {node.name!r} shares")
    _ties(graph, shares)
    for index, raw in enumerate(_get(data, "edges", list, [], "edges")):
        _edge(raw, f"edges[{index}]", graph)
    training = _training(_get(data, "training", dict, {}, "training"))
    return Document(graph, training, name, notes)


def _get(obj: dict[str, Any], key: str, kind: type, default: Any, where: str) -> Any:
    if key not in obj:
        if default is None:
            raise FormatError(f"'{key}' is missing", where)
        return default
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise FormatError(f"'{key}' must be {_KIND_WORDS[kind]}, got {_describe(value)}", where)
    return value


_KIND_WORDS: dict[type, str] = {
    dict: "an object",
    list: "a list",
    str: "text",
    int: "a whole number",
    bool: "true or false",
}


def _describe(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _node(raw: Any, where: str, graph: Graph, renames: tuple[list[str], set[str]] | None) -> Node:
    """One node; an illegal name is refused or, given ``renames`` (the notes, and every name in
    the file), made legal without taking another node's name, and noted."""
    if not isinstance(raw, dict):
        raise FormatError(f"a node must be an object, got {_describe(raw)}", where)
    node_id = _get(raw, "id", str, None, where)
    if not node_id or len(node_id) > MAX_ID_LENGTH:
        raise FormatError(f"a node id must be 1 to {MAX_ID_LENGTH} characters", f"{where}.id")
    if node_id in graph:
        raise FormatError(f"the id {node_id!r} is used by two nodes", f"{where}.id")
    layer_type = _get(raw, "type", str, None, where)
    spec = catalog.find(layer_type)
    if spec is None:
        raise FormatError(f"unknown layer type {layer_type!r}", f"{where}.type")
    name = _get(raw, "name", str, None, where)
    try:
        check_name(name)
    except GraphError as exc:
        if renames is None:
            raise FormatError(str(exc), f"{where}.name") from None
        notes, names = renames
        legal = graph.legal_free_name(name, names)
        notes.append(f"{name!r} renamed {legal!r}: {NAME_RULE}")
        name = legal
    where = f"{where} {name!r}"
    if "shares" in raw:
        _get(raw, "shares", str, None, where)
        if "params" in raw:
            raise FormatError("a node that shares another's layer takes its parameters: drop 'params'", where)
    given = _get(raw, "params", dict, {}, where)
    params = spec.defaults()
    for key, value in given.items():
        try:
            params[key] = spec.param(key).coerce(value)
        except KeyError:
            raise FormatError(f"{layer_type} has no parameter {key!r}", f"{where} params") from None
        except GraphError as exc:
            raise FormatError(str(exc), f"{where} params.{key}") from None
    position = _get(raw, "position", list, [0.0, 0.0], where)
    if len(position) != 2 or not all(_is_finite_number(v) for v in position):
        raise FormatError(f"'position' must be two numbers, got {_describe(position)}", where)
    return Node(node_id, layer_type, name, params, (float(position[0]), float(position[1])))


def _ties(graph: Graph, shares: dict[str, tuple[str, str]]) -> None:
    """Tie each sharing node to its owner, which must exist, have the same type and own its layer."""
    for node_id, (owner, where) in shares.items():
        if owner not in graph:
            raise FormatError(f"{owner!r} is not the id of any node", where)
        if owner in shares:
            raise FormatError(f"{graph.nodes[owner].name} shares a layer itself: name the layer's owner", where)
        try:
            graph.share(node_id, owner)
        except GraphError as exc:
            raise FormatError(str(exc), where) from None


def _is_finite_number(value: Any) -> bool:
    """A JSON number that fits a float (an integer such as 10**400 does not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _edge(raw: Any, where: str, graph: Graph) -> None:
    if not isinstance(raw, dict):
        raise FormatError(f"an edge must be an object, got {_describe(raw)}", where)
    source = _get(raw, "source", str, None, where)
    target = _get(raw, "target", str, None, where)
    port = _get(raw, "port", int, 0, where)
    source_port = _get(raw, "source_port", int, 0, where)
    for role, node_id in (("source", source), ("target", target)):
        if node_id not in graph:
            raise FormatError(f"{role} {node_id!r} is not the id of any node", where)
    try:
        graph.connect(source, target, port, source_port)
    except GraphError as exc:
        raise FormatError(str(exc), where) from None


def _training(raw: dict[str, Any]) -> TrainingSettings:
    values: dict[str, Any] = {}
    for spec in FIT_PARAMS:
        if spec.name in raw:
            try:
                values[spec.name] = spec.coerce(raw[spec.name])
            except GraphError as exc:
                raise FormatError(str(exc), f"training.{spec.name}") from None
    optimizer, optimizer_options = _named(raw, "optimizer", "Adam")
    schedule, schedule_options = _named(raw, "lr_schedule", "constant")
    callbacks = _get(raw, "callbacks", dict, {}, "training")
    if "patience" in raw and isinstance(raw["patience"], int):  # files from before per-callback options
        callbacks = {
            "early_stopping": {"patience": raw["patience"]},
            "reduce_lr_on_plateau": {"patience": max(1, raw["patience"] // 2)},
            **callbacks,
        }
    if not all(isinstance(options, dict) for options in callbacks.values()):
        raise FormatError("each callback's options must be an object", "training.callbacks")
    try:
        data = check_data(_get(raw, "data", dict, {}, "training"))
    except GraphError as exc:
        raise FormatError(str(exc), "training.data") from None
    try:
        return TrainingSettings(
            optimizer=optimizer,
            optimizer_params=optimizer_options,
            lr_schedule=schedule,
            lr_schedule_params=schedule_options,
            callback_options=callbacks,
            data=data,
            **values,
        )
    except GraphError as exc:
        raise FormatError(str(exc), "training") from None


def _named(raw: dict[str, Any], key: str, default: str) -> tuple[str, dict[str, Any]]:
    """``{"name": ..., options...}`` (an optimizer, a schedule) as its name and options."""
    options = dict(_get(raw, key, dict, {"name": default}, "training"))
    name = options.pop("name", default)
    if not isinstance(name, str):
        raise FormatError(f"the {key} name must be text, got {_describe(name)}", f"training.{key}")
    return name, options
