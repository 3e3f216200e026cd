"""A graph's check report as plain data: what ``netdesigner check`` prints and the editor's
summary table shows, computed once from inference and validation."""

from __future__ import annotations

from dataclasses import dataclass

from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult, infer
from netdesigner.core.shapes import fmt
from netdesigner.core.validation import Issue, validate


@dataclass(frozen=True)
class NodeRow:
    id: str
    name: str
    type: str
    output_shapes: list[list[int | None]]
    params: int
    trainable: int
    non_trainable: int
    macs: int | None
    errors: list[str]
    shares: str | None = None  # the node owning the layer this one calls; its params count there

    @property
    def shape_text(self) -> str:
        return ", ".join(fmt(s) for s in self.output_shapes) if self.output_shapes else "?"

    @property
    def params_text(self) -> str:
        return f"shared with {self.shares}" if self.shares else f"{self.params:,}"


@dataclass(frozen=True)
class Report:
    rows: list[NodeRow]
    issues: list[Issue]
    result: InferenceResult

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        """The ``check --json`` contract of DESIGN.md."""
        return {
            "valid": self.valid,
            "total_params": self.result.total_params,
            "trainable_params": self.result.trainable_params,
            "non_trainable_params": self.result.non_trainable_params,
            "errors": [str(i) for i in self.errors],
            "nodes": [
                {
                    "id": r.id,
                    "name": r.name,
                    "type": r.type,
                    "output_shapes": r.output_shapes,
                    "params": r.params,
                    "trainable_params": r.trainable,
                    "non_trainable_params": r.non_trainable,
                    "shares": r.shares,
                    "errors": r.errors,
                }
                for r in self.rows
            ],
        }


def build_report(graph: Graph, result: InferenceResult | None = None) -> Report:
    result = result or infer(graph)
    issues = validate(graph, result)
    per_node: dict[str, list[str]] = {}
    for issue in issues:
        if issue.node_id is not None and issue.severity == "error":
            per_node.setdefault(issue.node_id, []).append(str(issue))
    rows = []
    for nid in graph.topological_order():
        node, info = graph.nodes[nid], result.infos[nid]
        rows.append(
            NodeRow(
                nid,
                node.name,
                node.type,
                info.output_shapes,
                info.params,
                info.trainable,
                info.non_trainable,
                info.macs,
                per_node.get(nid, []),
                info.shared_with,
            )
        )
    return Report(rows, issues, result)


def human_count(value: int | None) -> str:
    """12345678 -> '12.3M': for labels where exact digits would be noise."""
    if value is None:
        return "?"
    for unit, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if value >= size:
            return f"{value / size:.1f}{unit}"
    return str(value)


def megabytes(count: int) -> str:
    """A download's bytes as people read them: 9400000 -> '9.4 MB'."""
    return f"{count / 1e6:.1f} MB"


def summary_table(report: Report) -> str:
    """A text table like Keras's ``model.summary()``, plus multiply-adds per sample."""
    header = ("Layer (type)", "Output shape", "Params", "MACs")
    body = [(f"{r.name} ({r.type})", r.shape_text, r.params_text, human_count(r.macs)) for r in report.rows]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        padded = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "─" * len(line(header))
    result = report.result
    lines = [rule, line(header), rule, *(line(row) for row in body), rule]
    lines.append(f"Total params: {result.total_params:,}")
    lines.append(f"Trainable params: {result.trainable_params:,}")
    lines.append(f"Non-trainable params: {result.non_trainable_params:,}")
    lines.append(f"Multiply-adds per sample: {human_count(result.total_macs)}")
    return "\n".join(lines)
