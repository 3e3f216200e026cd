"""Whole-graph validation: everything that must hold before the graph can become a model."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from netdesigner.core.compile_plan import head_concerns
from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult, infer


@dataclass(frozen=True)
class Issue:
    """One problem, attached to a node where there is one. ``code`` is stable for tools."""

    code: str
    message: str
    hint: str = ""
    node_id: str | None = None
    severity: str = "error"

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
            code = getattr(error, "code", "param")
            issues.append(Issue(code, f"{graph.nodes[nid].name}: {error.message}", error.hint, nid))

    counts = Counter(n.name for n in graph.nodes.values())
    for name, count in counts.items():
        if count > 1:
            first = next(n for n in graph.nodes.values() if n.name == name)
            issues.append(
                Issue(
                    "duplicate_name",
                    f"{count} layers are called {name!r}",
                    "Keras needs unique layer names: rename them",
                    first.id,
                )
            )

    inputs = graph.inputs()
    heads = graph.heads()
    if not inputs:
        issues.append(Issue("no_input", "the model has no Input", "add an Input node and set the shape of one sample"))
    if not heads:
        issues.append(
            Issue(
                "no_output",
                "the model has no Output head",
                "add an Output node after the last layer and choose its loss",
            )
        )
    else:
        used = graph.ancestors(h.id for h in heads)
        for nid in graph.topological_order():
            if nid not in used:
                node = graph.nodes[nid]
                issues.append(
                    Issue(
                        "dangling",
                        f"{node.name} does not lead to any Output head",
                        "connect it towards an Output, or delete it",
                        nid,
                    )
                )
    for concern in head_concerns(graph, result):
        issues.append(Issue("head", concern.message, concern.hint, concern.node_id, severity="warning"))
    return issues
