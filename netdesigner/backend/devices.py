"""Which devices Keras trains on, and what to call them, whatever its backend.

``keras.distribution.list_devices`` answers on TensorFlow and JAX; the PyTorch backend has no
device list, so there the backend's own CUDA query stands in. Names come from the backend
too (TensorFlow's device details, JAX's device kind, torch's device name): "GPU:0 (NVIDIA
H200)" tells a student more than "gpu:0".
"""

from __future__ import annotations

from typing import Any


def available_devices() -> list[str]:
    """Devices Keras can train on, GPUs first (e.g. ["gpu:0", "cpu:0"])."""
    import keras

    try:
        devices = keras.distribution.list_devices()
    except (AttributeError, NotImplementedError):  # a backend without a device list (PyTorch)
        devices = _torch_devices() if keras.backend.backend() == "torch" else ["cpu:0"]
    return sorted(devices, key=lambda d: not is_gpu(d))


def is_gpu(device: str) -> bool:
    return device.lower().startswith(("gpu", "cuda"))


def has_gpu() -> bool:
    return any(is_gpu(d) for d in available_devices())


def describe(device: str) -> str:
    """``"gpu:0"`` -> ``"GPU:0 (NVIDIA H200)"`` when the backend can name it."""
    name = _gpu_name(device) if is_gpu(device) else ""
    return device.upper() + (f" ({name})" if name else "")


def training_device(forced: str | None = None) -> str:
    """What a run with ``keras.device(forced)`` (or Keras's own choice) computes on, in words."""
    if forced is not None:
        return describe(forced) + " (chosen)"
    devices = available_devices()
    return describe(devices[0]) if devices else "CPU"


def _torch_devices() -> list[str]:
    import torch

    gpus = [f"cuda:{i}" for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
    return [*gpus, "cpu:0"]


def _gpu_name(device: str) -> str:
    import keras

    index = int(device.rpartition(":")[2] or 0)
    try:
        return _NAMERS[keras.backend.backend()](index)
    except Exception:  # a name is a nicety: no backend query may stop training
        return ""


def _tensorflow_name(index: int) -> str:
    import tensorflow as tf

    gpu: Any = tf.config.list_physical_devices("GPU")[index]
    return tf.config.experimental.get_device_details(gpu).get("device_name", "")


def _jax_name(index: int) -> str:
    import jax

    return jax.devices()[index].device_kind


def _torch_name(index: int) -> str:
    import torch

    return torch.cuda.get_device_name(index)


_NAMERS = {"tensorflow": _tensorflow_name, "jax": _jax_name, "torch": _torch_name}
