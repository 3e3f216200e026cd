"""Whole-graph validation: everything that must hold before the graph can become a model."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from netdesigner.core import catalog
from netdesigner.core.compile_plan import head_concerns
from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult, infer


@dataclass(frozen=True)
class Issue:
    """One problem, attached to a node where there is one. ``code`` is stable for tools."""

    code: ProblemCode
    message: str
    hint: str = ""
    node_id: str | None = None
    severity: str = "error"
    # Every node the problem concerns, for a problem with one cause and several nodes (the
    # layers one missing wire cuts off); ``node_id`` is where to fix it.
    node_ids: tuple[str, ...] = ()

    def concerns(self, node_id: str) -> bool:
        return node_id == self.node_id or node_id in self.node_ids

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


def validate(graph: Graph, result: InferenceResult | None = None) -> list[Issue]:
    """All problems of the graph: node errors in topological order, graph-wide errors, then
    warnings about loss/activation choices that would train but not learn."""
    result = result or infer(graph)
    issues: list[Issue] = []
    for nid in graph.topological_order():
        error = result.infos[nid].error
        if error is not None:
            code = error.code if isinstance(error, LayerError) else ProblemCode.PARAM
            issues.append(Issue(code, f"{graph.nodes[nid].name}: {error.message}", error.hint, nid))

    counts = Counter(n.name for n in graph.nodes.values())
    for name, count in counts.items():
        if count > 1:
            first = next(n for n in graph.nodes.values() if n.name == name)
            issues.append(
                Issue(
                    ProblemCode.DUPLICATE_NAME,
                    f"{count} layers are called {name!r}",
                    "Keras needs unique layer names: rename them",
                    first.id,
                )
            )

    issues += _text_issues(graph)
    inputs = graph.inputs()
    heads = graph.heads()
    if not inputs:
        issues.append(
            Issue(ProblemCode.NO_INPUT, "the model has no Input", "add an Input node and set the shape of one sample")
        )
    if not heads:
        issues.append(
            Issue(
                ProblemCode.NO_OUTPUT,
                "the model has no Output head",
                "add an Output node after the last layer and choose its loss",
            )
        )
    else:
        issues = _one_missing_wire(graph, issues, _cut_off(graph, graph.ancestors(h.id for h in heads)))
    for concern in head_concerns(graph, result):
        issues.append(Issue(ProblemCode.HEAD, concern.message, concern.hint, concern.node_id, severity="warning"))
    return issues


def _text_issues(graph: Graph) -> list[Issue]:
    """Text goes only where it is taken (``LayerSpec.takes``): a string Input feeds layers that
    turn text into numbers, and a layer that takes nothing but text gets a string Input. (Only
    wires straight from an Input are checked: inference follows shapes, not value types.)"""
    issues = []
    for source, edge in ((s, e) for s in graph.inputs() for e in graph.output_edges(s.id)):
        target = graph.nodes[edge.target]
        takes, text = target.spec.takes, source.params["dtype"] == "string"
        if text and not takes.text:
            issues.append(
                Issue(
                    ProblemCode.DTYPE,
                    f"{target.name}: {target.type} computes with numbers, but {source.name} holds text (dtype string)",
                    f"turn the text into numbers first: a layer that takes text ({_text_takers()}) goes between",
                    target.id,
                )
            )
        elif takes.only_text and not text:
            dtype = source.params["dtype"]
            issues.append(
                Issue(
                    ProblemCode.DTYPE,
                    f"{target.name}: {target.type} looks up text, but {source.name} holds {dtype} values",
                    f"set {source.name}'s dtype to string, or use a layer for numbers",
                    target.id,
                )
            )
    return issues


def _text_takers() -> str:
    return ", ".join(s.type for s in catalog.all_specs() if s.takes.text)


def _cut_off(graph: Graph, used: set[str]) -> list[Issue]:
    """Layers that lead to no Output head, one problem per cause: the last layer of a cut-off
    part (a missing wire after it), listing every layer upstream of it that leads nowhere else."""
    issues = []
    order = graph.topological_order()
    claimed: set[str] = set()
    for end in reversed(order):
        if end in used or end in claimed or graph.output_edges(end):
            continue
        upstream = graph.ancestors([end])
        group = [n for n in order if n in upstream and n not in used and n not in claimed]
        claimed.update(group)
        name = graph.nodes[end].name
        others = [graph.nodes[n].name for n in group if n != end]
        message = f"{name} does not lead to any Output head"
        if others:
            message += f", so neither do {_listed(others)}"
        issues.append(
            Issue(
                ProblemCode.DANGLING,
                message,
                f"connect {name} towards an Output (one wire), or delete what is not needed",
                end,
                node_ids=tuple(group),
            )
        )
    return issues


def _one_missing_wire(graph: Graph, issues: list[Issue], cut_off: list[Issue]) -> list[Issue]:
    """One empty input port and one cut-off part: most likely one wire is missing between them.
    Said as one problem, with the wire to draw, instead of one per side."""
    empty = [i for i in issues if i.code is ProblemCode.UNCONNECTED]
    if len(empty) != 1 or len(cut_off) != 1 or empty[0].node_id is None:
        return issues + cut_off
    port, part = empty[0], cut_off[0]
    assert port.node_id is not None and part.node_id is not None
    target, end = graph.nodes[port.node_id].name, graph.nodes[part.node_id].name
    cut = [graph.nodes[n].name for n in part.node_ids]
    merged = Issue(
        ProblemCode.UNCONNECTED,
        f"{target} has nothing connected to its input, and {_listed(cut)} lead to no Output head",
        f"drag a wire from the output of {end} to the input of {target}",
        port.node_id,
        node_ids=(*part.node_ids, port.node_id),
    )
    return [merged if i is port else i for i in issues]


def _listed(names: list[str], shown: int = 6) -> str:
    """``a, b, c and 4 more``: a long list of layer names kept to one readable line."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
