"""The exported script's ``load_data``: plain reads of the data the app trained on (an npz
file, a CSV, an image folder, the bundled digits), split as the app splits them, and clearly
marked random stand-in data for a graph that names none.

Pure text generation; the app's loaders (``backend.data``) check every flaw with a message,
these are the plain versions of the same reads, for a student to read and change.
"""

from __future__ import annotations

from netdesigner.backend.export_tables import csv_reader, text_one
from netdesigner.backend.pysource import INDENT, Call, Expr, Kw, Namespace, Seq, flat, literal, render
from netdesigner.core.compile_options import LOSS_TARGETS, Target
from netdesigner.core.fileformat import Document
from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult
from netdesigner.core.stand_in import concrete, stand_in_shapes, value_count


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
        *_stand_in(graph, names),
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


def _stand_in(graph: Graph, names: Namespace) -> list[str]:
    lines = [
        "def stand_in_data(samples):",
        f'{INDENT}"""RANDOM STAND-IN DATA with the model\'s shapes, for when no data is given:',
        f'{INDENT}it trains without error but teaches the model nothing. Replace it with your own."""',
        f"{INDENT}rng = np.random.default_rng(0)",
    ]
    xs, ys = [], []
    size, result = stand_in_shapes(graph)
    for node in graph.inputs():
        var = names.name(f"data:{node.id}", f"{node.name}_data")
        dims = concrete(node.params["shape"], size)
        lines += render(_stand_in_values(node.params["dtype"], dims, value_count(graph, node)), prefix=f"{var} = ")
        xs.append(var)
    for node in graph.heads():
        var = names.name(f"data:{node.id}", f"{node.name}_target")
        target_shape = result.infos[node.id].shape or (None, 1)
        lines.append(f"{INDENT}{var} = {_target_expr(node.params['loss'], target_shape)}")
        ys.append(var)
    arrays = Seq((Seq(tuple(xs)), Seq(tuple(ys))), "()")
    fits = render(arrays, prefix="return ")
    lines += [f"{INDENT}return {flat(arrays)[1:-1]}"] if len(fits) == 1 else fits
    return lines


def _stand_in_values(dtype: str, dims: tuple[int, ...], count: int) -> Expr:
    """Random values of one Input: categories (whole numbers, or texts "value 0", ...), each of
    the ``count`` present; coin flips; or numbers from 0 to 1."""
    shape = _sample_shape(dims)
    if dtype == "bool":
        return f"rng.random({shape}) < 0.5"
    if dtype != "string" and not dtype.startswith("int"):
        return f'rng.random({shape}, dtype="float32")'
    codes = Call("rng.permuted", (Call("np.resize", (f"np.arange({count})", shape)),))
    if dtype != "string":
        return codes
    return Call("np.char.add", ('"value "', Call(codes.callee, codes.args, ".astype(str)")))


def _sample_shape(dims: tuple[int | None, ...]) -> str:
    return literal(tuple(["samples", *concrete(dims)])).replace('"samples"', "samples")


def _target_expr(loss: str, shape: tuple[int | None, ...]) -> str:
    units = shape[-1] or 1
    inner = shape[1:-1]
    kind = LOSS_TARGETS[loss]
    if kind is Target.CLASS_INDEX:
        return f"rng.integers(0, {units}, size={_sample_shape(inner)})"
    if kind is Target.ONE_HOT:
        return f'np.eye({units}, dtype="float32")[rng.integers(0, {units}, size={_sample_shape(inner)})]'
    if kind is Target.BINARY:
        return f'rng.integers(0, 2, size={_sample_shape(shape[1:])}).astype("float32")'
    if kind is Target.POSITIVE_VALUES:
        return f'rng.random({_sample_shape(shape[1:])}, dtype="float32") + 0.5'
    return f'rng.normal(size={_sample_shape(shape[1:])}).astype("float32")'


def uses_csv(doc: Document) -> bool:
    """Whether the script reads a CSV: one head, and its Inputs fed as the app feeds them
    (``export_tables.by_column``)."""
    inputs, heads = doc.graph.inputs(), doc.graph.heads()
    return doc.training.data.get("source") == "csv" and len(inputs) >= 1 and len(heads) == 1
