"""netdesigner: build Keras models visually, see every shape live, train, and export code."""

__version__ = "0.1.0"
