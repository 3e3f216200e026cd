"""Catalog entries, one module per category; each declares its entries in ``SPECS``."""

from netdesigner.core.layers import (
    activation,
    attention,
    augmentation,
    conv,
    conv_recurrent,
    dense,
    io,
    math,
    merge,
    normalization,
    pooling,
    preprocessing,
    pretrained,
    recurrent,
    regularization,
    reshape,
    spatial,
    tabular,
    wrappers,
)
from netdesigner.core.spec import LayerSpec

# In palette order within each category: the modules' own order, entry by entry.
ALL_SPECS: tuple[LayerSpec, ...] = (
    *activation.SPECS,
    *conv.SPECS,
    *dense.SPECS,
    *io.SPECS,
    *merge.SPECS,
    *attention.SPECS,
    *math.SPECS,
    *normalization.SPECS,
    *pooling.SPECS,
    *preprocessing.SPECS,
    *tabular.SPECS,
    *augmentation.SPECS,
    *pretrained.SPECS,
    *recurrent.SPECS,
    *conv_recurrent.SPECS,
    *regularization.SPECS,
    *reshape.SPECS,
    *spatial.SPECS,
    *wrappers.SPECS,
)
