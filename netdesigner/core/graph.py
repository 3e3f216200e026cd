"""The editable model: nodes, ordered edges, stable ids, unique names, and the DAG invariant.

Like Orange's ``Scheme``, the graph owns validation of every change: a connection that would
close a loop raises ``CycleError`` and leaves the graph untouched, whoever asks (a mouse
gesture, a paste, a file). Views subscribe to change events instead of poking at the data.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from netdesigner.core import catalog
from netdesigner.core.errors import CycleError, DuplicateNameError, GraphError, ParamError, PortError, quoted
from netdesigner.core.spec import LayerSpec, Role


@dataclass
class Node:
    """One layer (or Input/Output head) on the canvas. ``params`` holds canonical values."""

    id: str
    type: str
    name: str
    params: dict[str, Any]
    position: tuple[float, float] = (0.0, 0.0)
    shares: str | None = None  # the id of the node whose layer (and so weights) this one calls

    @cached_property
    def spec(self) -> LayerSpec:
        """The catalog entry of its type (which never changes: asked for several times per node
        on every edit, it is looked up once)."""
        return catalog.get(self.type)

    def __getstate__(self) -> dict[str, Any]:
        """Copies (undo commands deep-copy nodes) look the entry up again instead of copying it."""
        state = dict(self.__dict__)
        state.pop("spec", None)
        return state

    @property
    def input_count(self) -> int:
        return self.spec.input_count(self.params)

    @property
    def output_count(self) -> int:
        return len(self.spec.output_names(self.params))

    @property
    def is_input(self) -> bool:
        return self.spec.role is Role.INPUT

    @property
    def is_head(self) -> bool:
        return self.spec.role is Role.HEAD


@dataclass(frozen=True)
class Edge:
    """Output port ``source_port`` of ``source`` feeding input port ``port`` of ``target``
    (ports count from 0; most layers have one output port)."""

    source: str
    target: str
    port: int = 0
    source_port: int = 0


class EventKind(StrEnum):
    NODE_ADDED = "node_added"
    NODE_REMOVED = "node_removed"
    EDGE_ADDED = "edge_added"
    EDGE_REMOVED = "edge_removed"
    RENAMED = "renamed"
    PARAM_CHANGED = "param_changed"
    MOVED = "moved"
    SHARED = "shared"


@dataclass(frozen=True)
class GraphEvent:
    """A change notification; ``detail`` is the new name or the parameter changed."""

    kind: EventKind
    node_id: str
    edge: Edge | None = None
    detail: str = ""


Listener = Callable[[GraphEvent], None]

# What Keras accepts as a layer name on every backend: TensorFlow's scope names refuse spaces,
# quotes and non-ASCII letters, PyTorch's parameter names refuse '.', Keras refuses '/'.
_NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_NAME_ILLEGAL_RUN = re.compile(r"[^A-Za-z0-9_-]+")
MAX_NAME_LENGTH = 128
NAME_RULE = "a layer name starts with a letter and holds only letters, digits, '_' and '-'"


def check_name(name: Any) -> str:
    """The one naming rule of the file format, the editor, paste and the importer."""
    if not isinstance(name, str) or not name.strip():
        raise GraphError("a layer name cannot be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise GraphError(f"a layer name can have at most {MAX_NAME_LENGTH} characters")
    if not _NAME_PATTERN.fullmatch(name):
        raise GraphError(
            f"the name {quoted(name)} cannot be used: {NAME_RULE} (Keras and TensorFlow refuse the others)",
            f"for example {legal_name(name)!r}",
        )
    return name


def legal_name(name: str) -> str:
    """The nearest name that ``check_name`` accepts: illegal runs become '_'."""
    stem = _NAME_ILLEGAL_RUN.sub("_", name).strip("_-")
    if not stem[:1].isalpha():
        stem = f"layer_{stem}" if stem else "layer"
    return stem[:MAX_NAME_LENGTH].rstrip("_-")


@dataclass
class Graph:
    """A directed acyclic graph of layer nodes."""

    nodes: dict[str, Node] = field(default_factory=dict)
    _inputs: dict[str, dict[int, Edge]] = field(default_factory=dict, repr=False)
    _outputs: dict[str, list[Edge]] = field(default_factory=dict, repr=False)
    _sharers: dict[str, list[str]] = field(default_factory=dict, repr=False)  # owner id -> sharer ids
    _listeners: list[Listener] = field(default_factory=list, repr=False)
    _order: list[str] | None = field(default=None, repr=False)  # caches, until the structure changes:
    _roles: tuple[list[Node], list[Node]] | None = field(default=None, repr=False)  # Inputs, heads
    _next_id: int = field(default=1, repr=False)
    revision: int = 0

    # --- reading -------------------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphError(f"there is no node with id {node_id!r}") from None

    def by_name(self, name: str) -> Node | None:
        for node in self.nodes.values():
            if node.name == name:
                return node
        return None

    @property
    def edges(self) -> list[Edge]:
        return [e for node_id in self.nodes for _, e in sorted(self._inputs[node_id].items())]

    def input_edges(self, node_id: str) -> dict[int, Edge]:
        """Connected input ports of a node, by port number."""
        return self._inputs[node_id]

    def output_edges(self, node_id: str) -> list[Edge]:
        return self._outputs[node_id]

    def inputs(self) -> list[Node]:
        """The model's inputs, in graph order."""
        return list(self._by_role()[0])

    def heads(self) -> list[Node]:
        """The model's output heads, in graph order."""
        return list(self._by_role()[1])

    def _by_role(self) -> tuple[list[Node], list[Node]]:
        """Inputs and heads, found once per structure (validation alone asks five times a pass)."""
        if self._roles is None:
            nodes = self.nodes.values()
            self._roles = [n for n in nodes if n.is_input], [n for n in nodes if n.is_head]
        return self._roles

    def head_sources(self) -> list[str]:
        """For each Output head, in graph order, the node whose output it is: the model's outputs."""
        return [edge.source for edge in self.head_edges()]

    def head_edges(self) -> list[Edge]:
        """For each connected Output head, in graph order, the wire feeding it (which node, and
        which of its output ports, is the model's output)."""
        return [self.input_edges(n.id)[0] for n in self.heads() if 0 in self.input_edges(n.id)]

    def topological_order(self) -> list[str]:
        """Node ids, every node after all its inputs; among ready nodes the earliest added comes
        first, so the order reads like the order the user built the model in."""
        if self._order is None:
            rank = {nid: i for i, nid in enumerate(self.nodes)}
            indegree = {nid: len(ins) for nid, ins in self._inputs.items()}
            ready = [(rank[nid], nid) for nid in self.nodes if indegree[nid] == 0]
            heapq.heapify(ready)
            order: list[str] = []
            while ready:
                _, nid = heapq.heappop(ready)
                order.append(nid)
                for edge in self._outputs[nid]:
                    indegree[edge.target] -= 1
                    if indegree[edge.target] == 0:
                        heapq.heappush(ready, (rank[edge.target], edge.target))
            self._order = order
        return self._order

    def ancestors(self, node_ids: Iterable[str]) -> set[str]:
        """The given nodes and everything upstream of them."""
        seen: set[str] = set()
        stack = [n for n in node_ids if n in self.nodes]
        inputs = self._inputs
        while stack:
            nid = stack.pop()
            if nid not in seen:
                seen.add(nid)
                stack += [e.source for e in inputs[nid].values() if e.source not in seen]
        return seen

    def sharers(self, node_id: str) -> list[str]:
        """The nodes that call ``node_id``'s layer, in the order they were tied to it."""
        return list(self._sharers.get(node_id, ()))

    def has_sharers(self, node_id: str) -> bool:
        return node_id in self._sharers  # (an owner's entry goes with its last sharer)

    def layer_group(self, node_id: str) -> list[str]:
        """Every node calling the same layer as ``node_id``: its owner first, then the sharers."""
        owner = self.node(node_id).shares or node_id
        return [owner, *self.sharers(owner)]

    def find_path(self, start: str, goal: str) -> list[str] | None:
        """Node ids of a path start -> ... -> goal following edges, or None."""
        parent: dict[str, str | None] = {start: None}
        stack = [start]
        while stack:
            nid = stack.pop()
            if nid == goal:
                path = [nid]
                while (prev := parent[path[-1]]) is not None:
                    path.append(prev)
                return path[::-1]
            for edge in self._outputs[nid]:
                if edge.target not in parent:
                    parent[edge.target] = nid
                    stack.append(edge.target)
        return None

    # --- changing --------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def new_id(self, reserved: Collection[str] = ()) -> str:
        """A free id; ``reserved`` holds ids handed out but not inserted yet (a paste)."""
        while f"n{self._next_id}" in self.nodes or f"n{self._next_id}" in reserved:
            self._next_id += 1
        return f"n{self._next_id}"

    def legal_free_name(self, name: str, reserved: Collection[str] = ()) -> str:
        """``name`` made legal (``legal_name``) and free: taken neither by a node here nor by one
        of ``reserved`` (the names a file or model still has to add)."""
        legal = legal_name(name)
        if self.by_name(legal) is None and legal not in reserved:
            return legal
        return self.unique_name(legal, reserved)

    def unique_name(self, stem: str, reserved: Collection[str] = ()) -> str:
        """``stem_1``, ``stem_2``... the first free one, cut to fit the name length limit."""
        taken = {n.name for n in self.nodes.values()} | set(reserved)
        i = 1
        while True:
            suffix = f"_{i}"
            name = stem[: MAX_NAME_LENGTH - len(suffix)] + suffix
            if name not in taken:
                return name
            i += 1

    def add_node(
        self,
        layer_type: str,
        name: str | None = None,
        params: Mapping[str, Any] | None = None,
        position: tuple[float, float] = (0.0, 0.0),
        node_id: str | None = None,
    ) -> Node:
        """Create a node with default parameters overridden by ``params`` (coerced)."""
        spec = catalog.find(layer_type)
        if spec is None:
            raise GraphError(f"unknown layer type {layer_type!r}")
        if node_id is not None and node_id in self.nodes:
            raise GraphError(f"a node with id {node_id!r} already exists")
        if name is None:
            name = self.unique_name(spec.base_name)
        else:
            self.check_rename("", name)
        values = spec.defaults()
        for key, value in (params or {}).items():
            values[key] = self._coerce(spec, key, value)
        node = Node(node_id or self.new_id(), layer_type, name, values, position)
        self.insert(node)
        return node

    def insert(self, node: Node) -> None:
        """Add a ready-made node whose params are already coerced. Its name is not checked, so a
        file with two layers of the same name still opens (validation then reports them)."""
        if node.id in self.nodes:
            raise GraphError(f"a node with id {node.id!r} already exists")
        self.nodes[node.id] = node
        self._inputs[node.id] = {}
        self._outputs[node.id] = []
        if node.shares is not None:
            self._sharers.setdefault(node.shares, []).append(node.id)
        self._changed(GraphEvent(EventKind.NODE_ADDED, node.id))

    def remove_node(self, node_id: str) -> list[Edge]:
        """Delete a node and its connections; returns the removed edges (for undo)."""
        self.node(node_id)
        heirs = self.sharers(node_id)
        if heirs:  # the layer stays with the group: its first sharer now owns it
            self.restore_shares({heir: (heirs[0] if heir != heirs[0] else None) for heir in heirs})
        removed = list(self._inputs[node_id].values()) + list(self._outputs[node_id])
        for edge in removed:
            self._unlink(edge)
        self._untie(self.nodes.pop(node_id))
        del self._inputs[node_id], self._outputs[node_id]
        self._changed(GraphEvent(EventKind.NODE_REMOVED, node_id))
        return removed

    def check_connect(self, source: str, target: str, port: int = 0, source_port: int = 0) -> None:
        """Raise if ``source:source_port -> target:port`` may not be drawn; change nothing."""
        src, dst = self.node(source), self.node(target)
        count = dst.input_count
        if count == 0:
            raise PortError(f"{dst.name} ({dst.type}) has no inputs")
        if not 0 <= port < count:
            raise PortError(f"{dst.name} has no input port {port + 1} (it has {count})")
        if src.is_head:
            raise PortError(f"{src.name} is an Output head: nothing can come after it")
        if not 0 <= source_port < src.output_count:
            raise PortError(f"{src.name} has no output port {source_port + 1} (it has {src.output_count})")
        if source == target:
            raise CycleError(f"connecting {src.name} to itself would create a loop", [src.name, src.name])
        path = self.find_path(target, source)
        if path is not None:
            names = [self.nodes[n].name for n in path] + [dst.name]
            raise CycleError(f"connecting {src.name} -> {dst.name} would create a loop {' -> '.join(names)}", names)
        if port in self._inputs[target]:
            taken = self.nodes[self._inputs[target][port].source].name
            raise PortError(f"input {port + 1} of {dst.name} is already fed by {taken}")

    def connect(self, source: str, target: str, port: int = 0, source_port: int = 0) -> Edge:
        self.check_connect(source, target, port, source_port)
        edge = Edge(source, target, port, source_port)
        self._inputs[target][port] = edge
        self._outputs[source].append(edge)
        self._changed(GraphEvent(EventKind.EDGE_ADDED, target, edge))
        return edge

    def link(self, edge: Edge) -> Edge:
        """Draw ``edge`` again (undo, paste, a file): ``connect`` with its ports."""
        return self.connect(edge.source, edge.target, edge.port, edge.source_port)

    def disconnect(self, target: str, port: int = 0) -> Edge | None:
        edge = self._inputs.get(target, {}).get(port)
        if edge is not None:
            self._unlink(edge)
            self._changed(GraphEvent(EventKind.EDGE_REMOVED, target, edge))
        return edge

    def check_rename(self, node_id: str, name: str) -> None:
        """Raise if ``name`` is illegal or taken by another node; change nothing."""
        check_name(name)
        other = self.by_name(name)
        if other is not None and other.id != node_id:
            raise DuplicateNameError(f"another layer is already called {name!r}", "choose a different name")

    def rename(self, node_id: str, name: str) -> None:
        node = self.node(node_id)
        if name == node.name:
            return
        self.check_rename(node_id, name)
        node.name = name
        self._changed(GraphEvent(EventKind.RENAMED, node_id, detail=name), structural=False)

    def check_param(self, node_id: str, key: str, value: Any) -> Any:
        """The canonical value ``key`` would take, or ``ParamError``; change nothing."""
        node = self.node(node_id)
        coerced = self._coerce(node.spec, key, value)
        changed = {**node.params, key: coerced}
        inputs = node.spec.input_count(changed)
        busy = [p for p in self._inputs[node_id] if p >= inputs]
        if busy:
            raise ParamError(key, f"input {max(busy) + 1} of {node.name} is still connected", "disconnect it first")
        outputs = len(node.spec.output_names(changed))
        busy = [e.source_port for e in self._outputs[node_id] if e.source_port >= outputs]
        if busy:
            label = node.spec.output_names(node.params)[max(busy)]
            raise ParamError(key, f"output {label!r} of {node.name} is still connected", "disconnect it first")
        return coerced

    def set_param(self, node_id: str, key: str, value: Any) -> None:
        """Coerce and store one parameter; an invalid value raises ``ParamError`` and changes nothing."""
        node = self.node(node_id)
        coerced = self.check_param(node_id, key, value)
        if node.params.get(key) == coerced and key in node.params:
            return
        for member in self.layer_group(node_id):  # one layer: its calls show the same parameters
            self.nodes[member].params[key] = coerced
            self._changed(GraphEvent(EventKind.PARAM_CHANGED, member, detail=key), structural=False)

    def check_share(self, node_id: str, owner_id: str | None) -> str | None:
        """The owner ``node_id`` would share with (a sharer's own owner where ``owner_id`` is
        one), or ``GraphError`` saying why it cannot; change nothing."""
        node = self.node(node_id)
        if owner_id is None:
            return None
        owner = self.node(owner_id)
        owner_id = owner.shares or owner_id
        owner = self.nodes[owner_id]
        if owner_id == node_id:
            raise GraphError(f"{node.name} cannot share weights with itself")
        if node.spec.variadic:
            raise GraphError(
                f"{node.name} ({node.type}) takes a number of inputs of its own and has no weights to share",
                "draw another one instead",
            )
        if not node.spec.shareable:
            raise GraphError(f"{node.name} ({node.type}) has no layer that other nodes could call")
        if owner.type != node.type:
            raise GraphError(
                f"{node.name} is a {node.type} and {owner.name} a {owner.type}: "
                "only layers of one type can share weights"
            )
        if self.sharers(node_id):
            names = ", ".join(self.nodes[n].name for n in self.sharers(node_id))
            raise GraphError(f"{names} already share {node.name}'s weights", "make them share another layer first")
        return owner_id

    def share(self, node_id: str, owner_id: str | None) -> None:
        """Make ``node_id`` call ``owner_id``'s layer (taking its parameters), or, with None,
        give it a layer of its own (with the same parameters, which it then edits alone)."""
        owner = self.check_share(node_id, owner_id)
        node = self.nodes[node_id]
        if node.shares == owner:
            return
        if owner is not None:
            node.params = dict(self.nodes[owner].params)
        self._tie(node, owner)

    def _untie(self, node: Node) -> None:
        """Take ``node`` out of its owner's sharers (the index ``sharers`` reads)."""
        if node.shares is not None:
            self._sharers[node.shares].remove(node.id)
            if not self._sharers[node.shares]:
                del self._sharers[node.shares]

    def _tie(self, node: Node, owner: str | None) -> None:
        self._untie(node)
        node.shares = owner
        if owner is not None:
            self._sharers.setdefault(owner, []).append(node.id)
        self._changed(GraphEvent(EventKind.SHARED, node.id), structural=False)

    def restore_shares(self, shares: Mapping[str, str | None]) -> None:
        """Put back ties recorded before an edit (undo of a delete that moved a group's layer)."""
        for node_id, owner in shares.items():
            node = self.nodes.get(node_id)
            if node is not None and node.shares != owner:
                self._tie(node, owner)

    def move(self, node_id: str, position: tuple[float, float]) -> None:
        self.node(node_id).position = (float(position[0]), float(position[1]))
        self._changed(GraphEvent(EventKind.MOVED, node_id), structural=False)

    # --- internals ------------------------------------------------------------------------------

    @staticmethod
    def _coerce(spec: LayerSpec, key: str, value: Any) -> Any:
        try:
            param = spec.param(key)
        except KeyError:
            raise ParamError(key, f"{spec.type} has no parameter {key!r}") from None
        return param.coerce(value)

    def forget_structure(self) -> None:
        """Drop what is cached about the structure (the order, the Inputs and heads)."""
        self._order = self._roles = None

    def _unlink(self, edge: Edge) -> None:
        del self._inputs[edge.target][edge.port]
        self._outputs[edge.source].remove(edge)
        self._order = None

    def _changed(self, event: GraphEvent, structural: bool = True) -> None:
        if structural:
            self.forget_structure()
        self.revision += 1
        for listener in list(self._listeners):
            listener(event)
