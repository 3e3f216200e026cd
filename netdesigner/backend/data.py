"""Data sources for training, matched to the graph's Input nodes and Output heads.

A source is described by the plain dict saved in the graph file (``training.data``):

* ``{"source": "synthetic", "samples": 256}`` (the default): a learnable toy problem made to
  fit the graph, for any number of inputs and heads: targets are a fixed random function of
  the inputs (classes for classification losses, values for regression losses);
* ``{"source": "digits"}``: the 8x8 handwritten digits (1,797 images, shipped, offline);
* ``{"source": "npz", "path": "data.npz"}``: arrays named after Input and Output nodes (or the
  layer feeding the head), or ``x``/``y`` for a single input and head;
* ``{"source": "csv", "path": "table.csv", "features": "a,b,c", "target": "label"}``;
* ``{"source": "keras", "name": "mnist"}``: a Keras dataset, downloaded once and cached by
  Keras (needs the network the first time; without it the message says so);
* ``{"source": "image_folder", "path": "photos/"}``: one sub-folder per class, read with
  Keras's ``image_dataset_from_directory`` at the Input node's image size.

A file source may name a separate validation file or folder (``"validation_path"``) of the
same kind; without one, ``validation_split`` of the data is held out: Keras holds out the
*last* samples, so every source is shuffled once, with a fixed seed, when it is loaded. A
file sorted by class would otherwise be validated on its last classes only.

Before training, ``check_compatibility`` compares the arrays with the model and says, in
words, what does not fit and how to fix it.
"""

from __future__ import annotations

import math
import socket
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from netdesigner.backend import stand_in_data as stand_in
from netdesigner.backend.data_checks import DataError, check_array, check_fits_in_memory, check_samples
from netdesigner.backend.data_csv import read_csv, read_csv_columns
from netdesigner.backend.data_values import is_text, model_input, text_array
from netdesigner.core.bounded_read import check_regular
from netdesigner.core.compile_options import Target, losses_expecting
from netdesigner.core.data_sources import KERAS_DATASETS, SOURCES_BY_KEY
from netdesigner.core.graph import Graph
from netdesigner.core.inference import infer
from netdesigner.core.shapes import fmt
from netdesigner.samples import digits_path

CLASS_LOSSES = losses_expecting(Target.ONE_HOT, Target.CLASS_INDEX)
BINARY_LOSSES = losses_expecting(Target.BINARY)
DOWNLOAD_TIMEOUT_SECONDS = 20


NPZ_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY")  # a zip (even empty) or a single .npy
__all__ = ["KERAS_DATASETS", "DataError", "Dataset", "check_compatibility", "load_dataset"]


@dataclass
class Dataset:
    inputs: list[np.ndarray]  # one per Input node, in graph order
    targets: list[np.ndarray]  # one per Output head, in graph order
    description: str
    validation: Dataset | None = None  # a separate validation set, when the source names one

    @property
    def samples(self) -> int:
        return len(self.inputs[0]) if self.inputs else 0

    def fit_arguments(self) -> tuple[Any, Any]:
        """``x, y`` as ``model.fit`` takes them for this model's number of inputs and heads."""
        inputs = [model_input(a) for a in self.inputs]
        x = inputs[0] if len(inputs) == 1 else inputs
        y = self.targets[0] if len(self.targets) == 1 else list(self.targets)
        return x, y

    def shuffled(self, seed: int = 0) -> Dataset:
        """The same samples in one fixed random order, inputs and targets alike."""
        order = np.random.default_rng(seed).permutation(self.samples)
        return Dataset(
            [a[order] for a in self.inputs], [t[order] for t in self.targets], self.description, self.validation
        )


def load_dataset(graph: Graph, spec: dict[str, Any]) -> Dataset:
    source = spec.get("source", "synthetic") or "synthetic"
    if source not in LOADERS:
        raise DataError(f"unknown data source {source!r}", "choose one of " + ", ".join(LOADERS))
    dataset = _checked(graph, _read(source, graph, spec)).shuffled()
    check_compatibility(graph, dataset)
    validation_path = spec.get("validation_path")
    if validation_path:
        if not SOURCES_BY_KEY[source].separate_validation:
            raise DataError(f"a separate validation file only goes with file sources, not {source!r}")
        dataset.validation = _checked(graph, _read(source, graph, {**spec, "path": validation_path}))
        check_compatibility(graph, dataset.validation)
    return dataset


def _read(source: str, graph: Graph, spec: dict[str, Any]) -> Dataset:
    try:
        return LOADERS[source](graph, spec)
    except MemoryError:
        raise DataError("the data does not fit in memory", "use fewer samples or smaller Input shapes") from None


def _checked(graph: Graph, dataset: Dataset) -> Dataset:
    """The dataset, once every array is numbers, finite and of one length (at least one)."""
    for i, (node, array) in enumerate(zip(graph.inputs(), dataset.inputs, strict=False)):
        label = f"{dataset.description}: the Input {node.name!r}"
        dataset.inputs[i] = text_array(array, label) if is_text(node) else check_array(array, label)
    for node, array in zip(graph.heads(), dataset.targets, strict=False):
        check_array(array, f"{dataset.description}: the target of {node.name!r}")
    check_samples(dataset.inputs, dataset.targets, dataset.description)
    return dataset


def _synthetic(graph: Graph, spec: dict[str, Any]) -> Dataset:
    samples = spec.get("samples", stand_in.SAMPLES)
    if not isinstance(samples, int) or isinstance(samples, bool) or not 1 <= samples <= 10_000_000:
        raise DataError(f"synthetic data needs 1 to 10,000,000 samples, not {samples!r}")
    seed = spec.get("seed", stand_in.SEED)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise DataError(f"the synthetic data's seed must be a whole number from 0 to 2**32-1, not {seed!r:.40}")
    inputs, heads = stand_in.recipe(graph)
    values = sum(math.prod(i.shape) for i in inputs) + sum(math.prod(h.shape) for h in heads)
    check_fits_in_memory(samples * values * 12, "the synthetic data")  # float32 values, float64 signal
    x, y = stand_in.stand_in_data(samples, inputs, heads, seed=seed)
    x = [text_array(a, node.name) if is_text(node) else a for a, node in zip(x, graph.inputs(), strict=True)]
    return Dataset(x, y, f"synthetic learnable data, {samples} samples")


def _digits(graph: Graph, spec: dict[str, Any]) -> Dataset:
    with np.load(digits_path()) as data:
        images, labels = data["images"].astype("float32") / 16.0, data["target"].astype("int32")
    inputs = graph.inputs()
    heads = graph.heads()
    if len(inputs) != 1 or len(heads) != 1:
        raise DataError(
            "the digits data has one input (the image) and one target (the digit)",
            "use a model with one Input and one Output head",
        )
    shape = inputs[0].params["shape"]
    if tuple(shape) == (64,):
        x = images.reshape(-1, 64)
    elif tuple(shape) in ((8, 8), (8, 8, 1)):
        x = images.reshape(-1, *shape)
    else:
        raise DataError(
            f"digits are 8x8 images, but the Input expects {fmt((None, *shape))}",
            "set the Input shape to (64,), (8, 8) or (8, 8, 1)",
        )
    loss = heads[0].params["loss"]
    y = np.eye(10, dtype="float32")[labels] if loss == "CategoricalCrossentropy" else labels
    return Dataset([x], [y], "8x8 handwritten digits, 1,797 samples")


def read_npz(path: Path) -> dict[str, Any]:
    """The named arrays of an ``.npz`` file (a plain ``.npy`` array is named ``x``), read without
    unpickling; anything unreadable becomes a ``DataError`` naming the file."""
    try:
        check_regular(path)
        with path.open("rb") as handle:
            magic = handle.read(6)
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not magic.startswith(NPZ_MAGIC):
        raise DataError(f"{path} is not a NumPy .npz file", "save the arrays with numpy.savez")
    if magic.startswith(b"PK"):  # a zip of .npy members: what they inflate to must fit (a 3 MB file held 3 GB)
        try:
            with zipfile.ZipFile(path) as archive:
                inflated = sum(member.file_size for member in archive.infolist())
        except (OSError, zipfile.BadZipFile) as exc:
            raise DataError(f"cannot read {path}: {exc}") from None
        check_fits_in_memory(inflated, f"{path.name}, inflated,")
    try:
        loaded = np.load(path, allow_pickle=False)  # never unpickle: data files run no code
        if isinstance(loaded, np.ndarray):  # a single .npy array under an .npz name
            arrays: dict[str, Any] = {"x": loaded}
        else:
            with loaded:
                arrays = {k: loaded[k] for k in loaded.files}
    except Exception as exc:  # damaged archives raise many kinds (zlib, encryption, huge headers...)
        raise DataError(f"cannot read {path}: {type(exc).__name__}: {exc}") from None
    return arrays


def _npz(graph: Graph, spec: dict[str, Any]) -> Dataset:
    path = Path(str(spec.get("path", "")))
    arrays = read_npz(path)
    inputs, heads = graph.inputs(), graph.heads()

    def pick(names: list[str], fallback: str, role: str) -> np.ndarray:
        for name in names:
            if name in arrays:
                return arrays[name]
        if fallback in arrays:
            return arrays[fallback]
        raise DataError(
            f"{path} has no array for the {role} {names[0]!r}",
            f"name the arrays after the nodes ({', '.join(sorted(arrays))} found)",
        )

    single_in, single_out = len(inputs) == 1, len(heads) == 1
    x = [pick([n.name], "x" if single_in else "\0", "Input") for n in inputs]
    y = []
    for head in heads:
        feeder = graph.input_edges(head.id).get(0)
        names = [head.name] + ([graph.nodes[feeder.source].name] if feeder else [])
        y.append(pick(names, "y" if single_out else "\0", "Output head"))
    samples = np.shape(x[0])[0] if x and np.ndim(x[0]) else 0
    return Dataset(x, y, f"{path.name}, {samples} samples")


def _csv(graph: Graph, spec: dict[str, Any]) -> Dataset:
    """One Input takes the feature columns as numbers; several Inputs, or a text Input, each
    take the column named after them (one value per row)."""
    path, inputs, target = Path(str(spec.get("path", ""))), graph.inputs(), str(spec.get("target", ""))
    features = [f.strip() for f in str(spec.get("features", "")).split(",") if f.strip()]
    if len(inputs) == 1 and not is_text(inputs[0]):
        x, y = read_csv(path, features, target)
        xs = [x]
    else:
        xs, y = read_csv_columns(path, [(n.name, n.params["dtype"]) for n in inputs], target)
        xs = [a.reshape(len(a), *(1,) * len(n.params["shape"])) for a, n in zip(xs, inputs, strict=True)]
    head = graph.heads()
    sparse = head and head[0].params["loss"] == "SparseCategoricalCrossentropy"
    if sparse and y.dtype == np.float32 and np.array_equal(y, np.floor(y)):
        y = y.astype("int32")  # class numbers read as numbers; a fraction stays, to be refused
    return Dataset(xs, [y.reshape(len(y), 1) if y.dtype == np.float32 else y], f"{path.name}, {len(y)} rows")


@contextmanager
def network_timeout(seconds: float) -> Iterator[None]:
    """Keras downloads with ``urllib``, which waits forever by default on a network that drops
    packets: give up after ``seconds`` without an answer instead (unless a timeout is set)."""
    previous = socket.getdefaulttimeout()
    if previous is None:
        socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _keras_dataset(graph: Graph, spec: dict[str, Any]) -> Dataset:
    import keras

    name = str(spec.get("name", ""))
    if name not in KERAS_DATASETS:
        raise DataError(f"unknown Keras dataset {name!r}", "choose one of " + ", ".join(KERAS_DATASETS))
    try:
        with network_timeout(DOWNLOAD_TIMEOUT_SECONDS):
            (x, y), _ = getattr(keras.datasets, name).load_data()
    except Exception as exc:  # no network, a proxy, a broken cache: all mean "not available"
        raise DataError(
            f"could not get the Keras dataset {name} ({type(exc).__name__}: {str(exc)[:120]})",
            "it is downloaded on first use and needs the network; offline, use the built-in digits or a .npz file",
        ) from None
    inputs = graph.inputs()
    shape = tuple(inputs[0].params["shape"]) if len(inputs) == 1 else ()
    x = x.astype("float32") / 255.0
    if x.ndim == 3 and len(shape) == 3 and shape[-1] == 1:
        x = x[..., None]
    elif len(shape) == 1 and shape[0] == int(np.prod(x.shape[1:])):
        x = x.reshape(len(x), -1)
    return Dataset([x], [y.reshape(len(y)).astype("int32")], f"Keras {name}, {len(x):,} samples")


def _image_folder(graph: Graph, spec: dict[str, Any]) -> Dataset:
    import keras

    inputs = graph.inputs()
    shape: tuple[int | None, ...] = inputs[0].params["shape"] if len(inputs) == 1 else ()
    if len(shape) != 3 or None in shape[:2] or shape[2] not in (1, 3):
        raise DataError(
            "an image folder needs one Input of shape (height, width, 1 or 3)",
            "set the Input shape to the image size, e.g. (64, 64, 3)",
        )
    path = Path(str(spec.get("path", "")))
    if not path.is_dir():
        raise DataError(f"{path} is not a folder", "choose a folder with one sub-folder of images per class")
    try:
        dataset = keras.utils.image_dataset_from_directory(
            path,
            image_size=tuple(shape[:2]),
            color_mode="grayscale" if shape[2] == 1 else "rgb",
            batch_size=None,
            shuffle=True,
            seed=0,
            verbose=False,
        )
        pairs = list(dataset.as_numpy_iterator())
    except Exception as exc:  # unreadable images or an empty folder
        raise DataError(f"cannot read images from {path}: {exc}") from None
    if not pairs:
        raise DataError(f"{path} holds no images", "put images in one sub-folder per class")
    x = np.stack([p[0] for p in pairs]).astype("float32")
    y = np.array([p[1] for p in pairs], dtype="int32")
    return Dataset([x], [y], f"{path.name}: {len(x)} images in {len(dataset.class_names)} classes")


# One loader per declared source (backend/data_sources.py); a test keeps them in step.
LOADERS = {
    "synthetic": _synthetic,
    "digits": _digits,
    "npz": _npz,
    "csv": _csv,
    "keras": _keras_dataset,
    "image_folder": _image_folder,
}


def check_compatibility(graph: Graph, data: Dataset) -> None:
    """Raise ``DataError`` with a plain explanation and fix when the data does not fit."""
    result = infer(graph)
    inputs, heads = graph.inputs(), graph.heads()
    if len(data.inputs) != len(inputs) or len(data.targets) != len(heads):
        raise DataError(
            f"the data has {len(data.inputs)} input(s) and {len(data.targets)} target(s), "
            f"the model {len(inputs)} Input(s) and {len(heads)} head(s)"
        )
    counts = {len(a) for a in [*data.inputs, *data.targets]}
    if len(counts) > 1:
        raise DataError(f"inputs and targets have different numbers of samples: {sorted(counts)}")
    for node, array in zip(inputs, data.inputs, strict=True):
        expected = node.params["shape"]
        got = array.shape[1:]
        if len(got) != len(expected) or any(e is not None and e != g for e, g in zip(expected, got, strict=False)):
            raise DataError(
                f"{node.name} expects samples of shape {fmt(tuple(expected))} but the data has {fmt(tuple(got))}",
                "change the Input shape or reshape the data",
            )
    for head, array in zip(heads, data.targets, strict=True):
        _check_target(head, result.infos[head.id].shape, array)


def _check_target(head, shape: tuple | None, y: np.ndarray) -> None:
    if shape is None:
        return
    loss, units = head.params["loss"], shape[-1]
    integer = np.issubdtype(y.dtype, np.integer)
    if loss == "SparseCategoricalCrossentropy":
        if not integer and y.ndim == len(shape) and y.shape[-1] == units and units > 1:
            raise DataError(
                f"{head.name}: the labels are one-hot vectors but the loss is sparse",
                "use CategoricalCrossentropy, or give integer labels",
            )
        fractions = y[y != np.floor(y)] if not integer and y.size else y[:0]
        if fractions.size:
            raise DataError(
                f"{head.name}: class labels must be whole numbers 0, 1, 2, ... but the data has {fractions.flat[0]:g}",
                "number the classes from 0; to predict a quantity, use a regression loss (MeanSquaredError)",
            )
        if y.size and int(y.min()) < 0:
            raise DataError(
                f"{head.name}: class labels must be 0, 1, 2, ... but the data has {int(y.min())}",
                "number the classes from 0",
            )
        if units and y.size and int(y.max()) >= units:
            raise DataError(
                f"{head.name}: labels go up to {int(y.max())} but the head has {units} units",
                f"set the last layer's units to {int(y.max()) + 1}",
            )
    elif loss == "CategoricalCrossentropy":
        if integer or y.ndim < len(shape):
            high = int(y.max()) if y.size else 0
            raise DataError(
                f"{head.name}: labels are integers 0..{high}, but CategoricalCrossentropy needs one-hot vectors",
                "use SparseCategoricalCrossentropy or one-hot encode the labels",
            )
        if y.shape[-1] != units:
            raise DataError(
                f"{head.name}: one-hot labels have {y.shape[-1]} classes, the head {units} units",
                f"set the last layer's units to {y.shape[-1]}",
            )
    elif y.ndim == len(shape) and units is not None and y.shape[-1] != units:
        raise DataError(
            f"{head.name}: targets have {y.shape[-1]} value(s) per sample, the head outputs {units}",
            f"set the last layer's units to {y.shape[-1]}",
        )
