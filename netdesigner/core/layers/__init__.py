"""Catalog entries, one module per category; each declares its entries in ``SPECS``."""

from netdesigner.core.layers import (
    activation,
    conv,
    dense,
    io,
    merge,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshape,
)
from netdesigner.core.spec import LayerSpec

ALL_SPECS: tuple[LayerSpec, ...] = tuple(
    spec
    for module in (
        activation,
        conv,
        dense,
        io,
        merge,
        normalization,
        pooling,
        preprocessing,
        recurrent,
        regularization,
        reshape,
    )
    for spec in module.SPECS
)
