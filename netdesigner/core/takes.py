"""What a layer type takes at its input besides a shape: text or numbers, whether it needs
TensorFlow inside the model, and how many distinct values stand-in data should give it.

Declared with each catalog entry (``LayerSpec.takes``): validation checks text against it,
stand-in data follows it. A type that declares nothing takes numbers, like most layers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Takes:
    """``text``: a string Input may feed it; ``only_text``: nothing else may (StringLookup).
    ``tensorflow``: it runs TensorFlow inside the model, so Keras must use that backend.
    ``values``: for these parameters, how many distinct values (0, 1, ... for whole numbers)
    stand-in data gives the Input feeding it, or None for any number: an Embedding's ids stay
    below its input_dim, a lookup with a fixed vocabulary size needs exactly that many."""

    text: bool = False
    only_text: bool = False
    tensorflow: bool = False
    values: Callable[[Mapping[str, Any]], int | None] | None = None

    def distinct(self, params: Mapping[str, Any]) -> int | None:
        return self.values(params) if self.values else None


NUMBERS = Takes()
