"""The layer catalog: one ``LayerSpec`` per layer type, the single source of truth.

The palette, the property editor, shape inference, the Keras builder, the code exporter, the
importer and the tooltips all read these declarations. Each module of
``netdesigner.core.layers`` declares its entries; this module gathers them once into a frozen
registry, refusing a type declared twice.
"""

from __future__ import annotations

from types import MappingProxyType

from netdesigner.core.layers import ALL_SPECS
from netdesigner.core.spec import CATEGORIES, LayerSpec, Outcome, Rule, Shape, same_shape

__all__ = ["CATEGORIES", "LayerSpec", "Outcome", "Rule", "Shape", "all_specs", "find", "get", "same_shape"]


def _registry() -> MappingProxyType[str, LayerSpec]:
    registry: dict[str, LayerSpec] = {}
    for spec in ALL_SPECS:
        if spec.type in registry:
            raise ValueError(f"layer type {spec.type} declared twice")
        registry[spec.type] = spec
    return MappingProxyType(registry)


_REGISTRY = _registry()


def get(layer_type: str) -> LayerSpec:
    return _REGISTRY[layer_type]


def find(layer_type: str) -> LayerSpec | None:
    return _REGISTRY.get(layer_type)


def all_specs() -> list[LayerSpec]:
    return list(_REGISTRY.values())


def markdown_list() -> str:
    """The catalog as README lists it: one line per category, its types in palette order (a
    test holds README's list to it)."""
    lines = [f"The catalog has {len(_REGISTRY)} layer types:", ""]
    for category in CATEGORIES:
        types = [s.type for s in _REGISTRY.values() if s.category == category]
        lines.append(f"- **{category}** ({len(types)}): {', '.join(types)}")
    return "\n".join(lines)
