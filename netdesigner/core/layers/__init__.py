"""Catalog entries, one module per category; importing this package registers them all."""

from netdesigner.core.layers import (  # noqa: F401
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
