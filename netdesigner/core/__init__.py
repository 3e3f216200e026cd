"""The pure model of netdesigner: graph, layer catalog, shape inference, validation, file format.

Nothing here imports Qt, TensorFlow or Keras, so it is cheap enough to run on every edit and
can be tested and reused without a window or a backend.
"""

from netdesigner.core.errors import (
    CycleError,
    DuplicateNameError,
    FormatError,
    GraphError,
    LayerError,
    ParamError,
    PortError,
)
from netdesigner.core.graph import Edge, Graph, Node
from netdesigner.core.inference import InferenceResult, NodeInfo, infer
from netdesigner.core.validation import Issue, validate

__all__ = [
    "CycleError",
    "DuplicateNameError",
    "Edge",
    "FormatError",
    "Graph",
    "GraphError",
    "InferenceResult",
    "Issue",
    "LayerError",
    "Node",
    "NodeInfo",
    "ParamError",
    "PortError",
    "infer",
    "validate",
]
