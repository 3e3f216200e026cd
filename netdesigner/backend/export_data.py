"""The exported script's ``load_data``: plain reads of the data the app trained on (an npz
file, a CSV, an image folder, the bundled digits), split as the app splits them, and clearly
marked random stand-in data for a graph that names none.

Pure text generation; the app's loaders (``backend.data``) check every flaw with a message,
these are the plain versions of the same reads, for a student to read and change.
"""

from __future__ import annotations

from netdesigner.backend import stand_in_data as stand_in
from netdesigner.backend.export_tables import csv_reader, text_one
from netdesigner.backend.pysource import INDENT, Call, Kw, Namespace, Seq, literal, render
from netdesigner.core.fileformat import Document
from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult


def data_section(doc: Document, result: InferenceResult, names: Namespace) -> str:
    """``load_data(path)`` for the kinds of data the app reads into this model, and stand-in
    data for when there is none."""
    graph, source = doc.graph, doc.training.data.get("source")
    inputs, heads = graph.inputs(), graph.heads()
    single = len(inputs) == 1 and len(heads) == 1
    x_names = [[n.name] + (["x"] if len(inputs) == 1 else []) for n in inputs]
    y_names = []
    for head in heads:
        feeder = graph.input_edges(head.id).get(0)
        y_names.append(
            [head.name] + ([graph.nodes[feeder.source].name] if feeder else []) + (["y"] if len(heads) == 1 else [])
        )
    lines = [
        "# The arrays of a .npz file that feed each Input and each Output head, in model order",
        *render(_names(x_names), indent="", prefix="INPUT_ARRAYS = "),
        *render(_names(y_names), indent="", prefix="TARGET_ARRAYS = "),
        "",
        "",
        *text_one(graph),
        "",
        "",
        "def load_npz(path):",
        f'{INDENT}"""Arrays named after the Input and Output nodes (or x and y)."""',
        f"{INDENT}with np.load(path, allow_pickle=False) as arrays:",
    ]
    if source == "digits":
        lines += [f'{INDENT * 2}if "images" in arrays and "target" in arrays:', f"{INDENT * 3}return digits(arrays)"]
    lines += [
        f"{INDENT * 2}x = [pick(arrays, names) for names in INPUT_ARRAYS]",
        f"{INDENT * 2}y = [pick(arrays, names) for names in TARGET_ARRAYS]",
        f"{INDENT}return x, y",
        "",
        "",
        "def pick(arrays, names):",
        f"{INDENT}for name in names:",
        f"{INDENT * 2}if name in arrays:",
        f"{INDENT * 3}return arrays[name]",
        f'{INDENT}raise SystemExit(f"the data has no array named {{names[0]!r}}")',
    ]
    readers = [("a .npz file", 'path.suffix == ".npz"', "load_npz(path)")]
    if source == "digits":
        lines += _digits(graph)
    if source == "keras" and single:
        lines += _keras_dataset(inputs[0].params["shape"])
        readers.append(
            ("keras:NAME", 'str(path).startswith("keras:")', 'load_keras_dataset(str(path).removeprefix("keras:"))')
        )
    if uses_csv(doc):
        lines += csv_reader(graph, heads[0].params["loss"])
        readers.append(("a .csv file", 'path.suffix == ".csv"', "load_csv(path, target, features)"))
    image_input = single and len(shape := inputs[0].params["shape"]) == 3 and None not in shape[:2]
    if image_input and shape[2] in (1, 3):
        lines += _images(shape)
        readers.append(("an image folder", "path.is_dir()", "load_images(path)"))
    csv_columns = ", target=TARGET, features=FEATURES" if uses_csv(doc) else ""
    lines += [
        "",
        "",
        f"def load_data(path{csv_columns}):",
        f'{INDENT}"""(x, y): lists of arrays in the order of the model\'s inputs and outputs."""',
        f"{INDENT}path = Path(path)",
    ]
    for _, test, call in readers:
        lines += [f"{INDENT}if {test}:", f"{INDENT * 2}return {call}"]
    kinds = " or ".join(kind for kind, _, _ in readers)
    lines += [
        f'{INDENT}raise SystemExit(f"cannot read {{path}}: give {kinds}")',
        "",
        "",
        "def shuffled(x, y):",
        f'{INDENT}"""One fixed shuffle, as netdesigner does: Keras validates on the *last* samples,',
        f'{INDENT}which in a file sorted by class would be its last classes only."""',
        f"{INDENT}order = np.random.default_rng(0).permutation(len(x[0]))",
        f"{INDENT}return [a[order] for a in x], [a[order] for a in y]",
        "",
        "",
        *_stand_in(doc),
    ]
    return "\n".join(lines)


def _names(groups: list[list[str]]) -> Seq:
    return Seq(tuple(Seq(tuple(literal(name) for name in names)) for names in groups))


def _digits(graph: Graph) -> list[str]:
    node, head = graph.inputs()[0], graph.heads()[0]
    shape = (-1, *node.params["shape"])
    labels = 'np.eye(10, dtype="float32")[labels]' if head.params["loss"] == "CategoricalCrossentropy" else "labels"
    return [
        "",
        "",
        "def digits(arrays):",
        f'{INDENT}"""The 8x8 digits shipped with netdesigner: pixels 0..16 scaled to 0..1."""',
        f'{INDENT}images = arrays["images"].astype("float32") / 16.0',
        f'{INDENT}labels = arrays["target"].astype("int32")',
        f"{INDENT}return [images.reshape{literal(shape)}], [{labels}]",
    ]


def _keras_dataset(shape: tuple[int | None, ...]) -> list[str]:
    """keras.datasets as the app reads them: the training part, pixels scaled to 0..1, a channel
    added or the image flattened when that is what the Input takes."""
    lines = [
        "",
        "",
        "def load_keras_dataset(name):",
        f'{INDENT}"""A dataset of keras.datasets (downloaded once into ~/.keras), its training part."""',
        f"{INDENT}(x, y), _ = getattr(keras.datasets, name).load_data()",
        f'{INDENT}x = x.astype("float32") / 255.0',
    ]
    if len(shape) == 3 and shape[-1] == 1:
        lines += [
            f"{INDENT}if x.ndim == 3:  # grey images: add the Input's one channel",
            f"{INDENT * 2}x = x[..., None]",
        ]
    elif len(shape) == 1:
        lines += [
            f"{INDENT}if np.prod(x.shape[1:]) == {shape[0]}:  # flattened, as the Input takes them",
            f"{INDENT * 2}x = x.reshape(len(x), -1)",
        ]
    return [*lines, f'{INDENT}return [x], [y.reshape(len(y)).astype("int32")]']


def _images(shape: tuple[int | None, ...]) -> list[str]:
    color = "grayscale" if shape[2] == 1 else "rgb"
    return [
        "",
        "",
        "def load_images(path):",
        f'{INDENT}"""One sub-folder of images per class, resized to the Input\'s size."""',
        *render(
            Call(
                "keras.utils.image_dataset_from_directory",
                (
                    "path",
                    Kw("image_size", literal(tuple(shape[:2]))),
                    Kw("color_mode", literal(color)),
                    Kw("batch_size", "None"),
                    Kw("shuffle", "True"),
                    Kw("seed", "0"),
                    Kw("verbose", "False"),
                ),
            ),
            prefix="dataset = ",
        ),
        f"{INDENT}pairs = list(dataset.as_numpy_iterator())",
        f'{INDENT}x = np.stack([image for image, _ in pairs]).astype("float32")',
        f'{INDENT}return [x], [np.array([label for _, label in pairs], dtype="int32")]',
    ]


def _stand_in(doc: Document) -> list[str]:
    """The app's stand-in data, as its own source text (``backend.stand_in_data``), with this
    graph's recipe and, where the graph trains on it, its number of samples and seed."""
    inputs, heads = stand_in.recipe(doc.graph)
    spec = doc.training.data if doc.training.data.get("source", "synthetic") == "synthetic" else {}
    return [
        "# Stand-in data, for when no data is given: one sample's shape, dtype and number of",
        "# categories per Input; one sample's target shape and what its loss expects per head",
        f"STAND_IN_SAMPLES = {literal(spec.get('samples', stand_in.SAMPLES))}",
        f"STAND_IN_SEED = {literal(spec.get('seed', stand_in.SEED))}",
        *render(Seq(tuple(literal(tuple(i)) for i in inputs)), indent="", prefix="STAND_IN_INPUTS = "),
        *render(Seq(tuple(literal(tuple(h)) for h in heads)), indent="", prefix="STAND_IN_HEADS = "),
        "",
        "",
        *stand_in.script_source(),
    ]


def uses_csv(doc: Document) -> bool:
    """Whether the script reads a CSV: one head, and its Inputs fed as the app feeds them
    (``export_tables.by_column``)."""
    inputs, heads = doc.graph.inputs(), doc.graph.heads()
    return doc.training.data.get("source") == "csv" and len(inputs) >= 1 and len(heads) == 1
