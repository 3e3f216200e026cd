"""The data sources training can read, declared once: what each is called, what it needs
(a file, a folder, column names, a dataset name) and what that means.

The training dock builds its data form from these declarations, ``netdesigner train`` lists
them in its help, the file format refuses a source or a choice they do not declare, and
``data.load_dataset`` has one loader per key (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldKind(StrEnum):
    FILE = "file"
    FOLDER = "folder"
    TEXT = "text"
    CHOICE = "choice"


@dataclass(frozen=True)
class DataField:
    """One entry of a source's description (``training.data``) and how a user gives it."""

    name: str
    label: str
    kind: FieldKind
    help: str
    choices: tuple[str, ...] = ()
    file_filter: str = ""
    optional: bool = False


@dataclass(frozen=True)
class DataSource:
    key: str
    label: str
    help: str
    fields: tuple[DataField, ...] = ()

    @property
    def separate_validation(self) -> bool:
        """File sources may name a separate validation file or folder of the same kind."""
        return any(f.name == "validation_path" for f in self.fields)


KERAS_DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100")


def _path(kind: FieldKind, label: str, file_filter: str = "") -> tuple[DataField, DataField]:
    what = "folder" if kind is FieldKind.FOLDER else "file"
    return (
        DataField("path", label, kind, f"the training {what}", file_filter=file_filter),
        DataField(
            "validation_path",
            f"separate validation {what} (optional)",
            kind,
            f"held-out data of the same kind; without one, the validation split is held out of the {what}",
            file_filter=file_filter,
            optional=True,
        ),
    )


DATA_SOURCES: tuple[DataSource, ...] = (
    DataSource("synthetic", "Synthetic (fits any model)", "random inputs with targets the model can learn"),
    DataSource("digits", "Digits 8×8 (built in)", "1,797 handwritten digits, shipped with netdesigner"),
    DataSource(
        "npz",
        "NumPy .npz file…",
        "arrays named after the Input and Output nodes (or x and y)",
        _path(FieldKind.FILE, "data file (.npz)", "NumPy archives (*.npz)"),
    ),
    DataSource(
        "csv",
        "CSV file…",
        "a table: feature columns in, one target column out",
        (
            *_path(FieldKind.FILE, "data file (.csv)", "CSV files (*.csv)"),
            DataField("target", "target column", FieldKind.TEXT, "the column the model predicts"),
            DataField("features", "feature columns, comma separated", FieldKind.TEXT, "the columns the model reads"),
        ),
    ),
    DataSource(
        "image_folder",
        "Image folder (one sub-folder per class)…",
        "images sorted into one sub-folder per class, resized to the Input's size",
        _path(FieldKind.FOLDER, "image folder"),
    ),
    DataSource(
        "keras",
        "Keras dataset (downloads once)",
        "a dataset from keras.datasets, downloaded on first use",
        (DataField("name", "dataset", FieldKind.CHOICE, "which Keras dataset", choices=KERAS_DATASETS),),
    ),
)
SOURCES_BY_KEY = {source.key: source for source in DATA_SOURCES}
