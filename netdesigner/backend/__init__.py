"""The Keras side: graph -> keras.Model and everything that needs Keras.

Keras is imported lazily inside functions, never when this package is imported, so the
editor's window appears before the multi-second backend import finishes.
"""

import os

# TensorFlow's C++ start-up chatter (CPU features, missing CUDA) is noise for our users.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
