"""The training dock: a run controller with an explicit state, forms generated from the
declarations of the fit settings and data sources, and a panel that only lays them out."""

from netdesigner.gui.training.panel import TrainingPanel

__all__ = ["TrainingPanel"]
