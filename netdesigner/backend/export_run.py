"""The exported script's data, callbacks and ``main``: they load and split the data, seed, fit
with the same callbacks and save what ``netdesigner train`` saves, so the script reproduces the
app's run (a test holds them to the same history).

Pure text generation from the document's fit plan and data source; no Keras import. The app's
loaders (``backend.data``) check every flaw with a message; the script's are the plain versions
of the same reads, for a student to read and change.
"""

from __future__ import annotations

from netdesigner.backend.data import DIGITS
from netdesigner.backend.data_sources import SOURCES_BY_KEY
from netdesigner.backend.pysource import INDENT, Call, Expr, Kw, Namespace, Seq, literal, render
from netdesigner.core.compile_options import LOSS_TARGETS
from netdesigner.core.compile_plan import KerasObject
from netdesigner.core.fileformat import Document
from netdesigner.core.fit_plan import RunFile, fit_plan, has_validation
from netdesigner.core.graph import Graph
from netdesigner.core.inference import InferenceResult
from netdesigner.core.stand_in import concrete, id_limit

STAND_IN_SAMPLES = 256
FILE_SOURCES = ("npz", "csv", "image_folder", "digits")


def keras_expr(obj: KerasObject) -> Expr:
    """``keras.<module>.<name>(...)`` as code; run files become paths in the folder ``out``."""
    if obj.alias:
        return literal(obj.name)
    args: list[Expr] = []
    for key, value in obj.kwargs:
        if isinstance(value, KerasObject):
            args.append(Kw(key, keras_expr(value)))
        elif isinstance(value, RunFile):
            args.append(Kw(key, f"str(out / {literal(value.name)})"))
        else:
            args.append(Kw(key, literal(value)))
    return Call(f"keras.{obj.module}.{obj.name}", tuple(args))


def default_data_path(doc: Document) -> str | None:
    """The file or folder the app trains on, which the script reads by default."""
    data = doc.training.data
    if data.get("source") == "digits":
        return str(DIGITS)
    if data.get("source") in FILE_SOURCES and data.get("path"):
        return str(data["path"])
    return None


def settings_section(doc: Document) -> str:
    t, data = fit_plan(doc.training, has_validation(doc.training)), doc.training.data
    lines = [
        f"TITLE = {literal(doc.name)}",
        f"# netdesigner trained on: {SOURCES_BY_KEY[str(data.get('source') or 'synthetic')].label}",
        f"DATA = {literal(default_data_path(doc))}",
        f"VALIDATION_DATA = {literal(data.get('validation_path') or None)}",
    ]
    if data.get("source") == "csv":
        lines += [f"TARGET = {literal(str(data.get('target', '')))}", f"FEATURES = {literal(_features(doc))}"]
    lines += [
        f"EPOCHS = {t.epochs}",
        f"BATCH_SIZE = {t.batch_size}",
        f"VALIDATION_SPLIT = {literal(t.validation_split)}",
        f"SHUFFLE = {t.shuffle}",
        f"SEED = {t.seed}",
    ]
    return "\n".join(lines)


def _features(doc: Document) -> list[str]:
    return [f.strip() for f in str(doc.training.data.get("features", "")).split(",") if f.strip()]


def callbacks_section(doc: Document, adapted: list[str]) -> str:
    plan = fit_plan(doc.training, has_validation(doc.training))
    lines = [
        "def make_callbacks(out):",
        f'{INDENT}"""The callbacks chosen in netdesigner; their files go in the folder `out`."""',
        *render(Seq(tuple(keras_expr(c) for c in plan.callbacks)), prefix="return "),
    ]
    if adapted:
        lines += [
            "",
            "",
            "def adapt_preprocessing(model, x, train_samples):",
            f'{INDENT}"""Normalization layers learn the mean and variance of the training inputs',
            f'{INDENT}(the held-out samples stay unseen)."""',
            f"{INDENT}x = [a[:train_samples] for a in x]",
            f"{INDENT}for name in {literal(adapted)}:",
            f"{INDENT * 2}layer = model.get_layer(name)",
            f"{INDENT * 2}feeder = keras.Model(model.inputs, layer.input)",
            f"{INDENT * 2}layer.adapt(feeder.predict(one(x), verbose=0))",
        ]
    return "\n".join(lines)


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
        "def one(arrays):",
        f'{INDENT}"""What Keras takes for a list of arrays: the array itself when there is one."""',
        f"{INDENT}return arrays[0] if len(arrays) == 1 else arrays",
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
    if uses_csv(doc):
        lines += _csv(heads[0].params["loss"])
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
        *_stand_in(graph, result, names),
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


def _csv(loss: str) -> list[str]:
    lines = [
        "",
        "",
        "def load_csv(path, target, features):",
        f'{INDENT}"""Feature columns in, one target column out; text targets become class numbers."""',
        f'{INDENT}with open(path, newline="", encoding="utf-8-sig") as handle:',
        f"{INDENT * 2}rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]",
        f"{INDENT}header = [name.strip() for name in rows[0]]",
        f"{INDENT}columns = {{name: [row[i].strip() for row in rows[1:]] for i, name in enumerate(header)}}",
        f'{INDENT}x = np.stack([np.array(columns[name], dtype="float32") for name in features], axis=1)',
        f"{INDENT}try:",
        f'{INDENT * 2}y = np.array(columns[target], dtype="float32")',
        f"{INDENT}except ValueError:  # class names, numbered in sorted order",
        f"{INDENT * 2}classes = sorted(set(columns[target]))",
        f'{INDENT * 2}return [x], [np.array([classes.index(v) for v in columns[target]], dtype="int32")]',
    ]
    if loss == "SparseCategoricalCrossentropy":
        lines.append(f'{INDENT}return [x], [y.astype("int32")]')
    else:
        lines.append(f"{INDENT}return [x], [y.reshape(len(y), 1)]")
    return lines


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


def _stand_in(graph: Graph, result: InferenceResult, names: Namespace) -> list[str]:
    lines = [
        "def stand_in_data(samples):",
        f'{INDENT}"""RANDOM STAND-IN DATA with the model\'s shapes, for when no data is given:',
        f'{INDENT}it trains without error but teaches the model nothing. Replace it with your own."""',
        f"{INDENT}rng = np.random.default_rng(0)",
    ]
    xs, ys = [], []
    for node in graph.inputs():
        var = names.name(f"data:{node.id}", f"{node.name}_data")
        shape = _sample_shape(node.params["shape"])
        if node.params["dtype"].startswith("int"):
            expr = f"rng.integers(0, {id_limit(graph, node)}, size={shape})"
        else:
            expr = f'rng.random({shape}, dtype="float32")'
        lines.append(f"{INDENT}{var} = {expr}")
        xs.append(var)
    for node in graph.heads():
        var = names.name(f"data:{node.id}", f"{node.name}_target")
        target_shape = result.infos[node.id].shape or (None, 1)
        lines.append(f"{INDENT}{var} = {_target_expr(node.params['loss'], target_shape)}")
        ys.append(var)
    lines.append(f"{INDENT}return [{', '.join(xs)}], [{', '.join(ys)}]")
    return lines


def _sample_shape(dims: tuple[int | None, ...]) -> str:
    return literal(tuple(["samples", *concrete(dims)])).replace('"samples"', "samples")


def _target_expr(loss: str, shape: tuple[int | None, ...]) -> str:
    units = shape[-1] or 1
    inner = shape[1:-1]
    kind = LOSS_TARGETS[loss]
    if kind == "class_index":
        return f"rng.integers(0, {units}, size={_sample_shape(inner)})"
    if kind == "one_hot":
        return f'np.eye({units}, dtype="float32")[rng.integers(0, {units}, size={_sample_shape(inner)})]'
    if kind == "binary":
        return f'rng.integers(0, 2, size={_sample_shape(shape[1:])}).astype("float32")'
    if kind == "positive_values":
        return f'rng.random({_sample_shape(shape[1:])}, dtype="float32") + 0.5'
    return f'rng.normal(size={_sample_shape(shape[1:])}).astype("float32")'


def main_section(strategy: str | None, adapted: list[str], csv_source: bool) -> str:
    lines = [
        "def main(argv=None):",
        f"{INDENT}parser = argparse.ArgumentParser(description=TITLE)",
        f'{INDENT}parser.add_argument("--data", default=DATA, help="the training data")',
        f'{INDENT}parser.add_argument("--validation-data", default=VALIDATION_DATA)',
    ]
    if csv_source:
        lines += [
            f'{INDENT}parser.add_argument("--target", default=TARGET, help="the CSV column to predict")',
            f'{INDENT}parser.add_argument("--features", default=",".join(FEATURES))',
        ]
    lines += [
        f'{INDENT}parser.add_argument("--epochs", type=int, default=EPOCHS)',
        f'{INDENT}parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)',
        f'{INDENT}parser.add_argument("--seed", type=int, default=SEED)',
        f'{INDENT}parser.add_argument("--samples", type=int, default={STAND_IN_SAMPLES}, help="without data")',
        f'{INDENT}parser.add_argument("--out", default="run", help="folder for the results")',
        f"{INDENT}args = parser.parse_args(argv)",
    ]
    read = "load_data({})"
    if csv_source:
        lines.append(f'{INDENT}features = [f.strip() for f in args.features.split(",") if f.strip()]')
        read = "load_data({}, args.target, features)"
    lines += [
        f"{INDENT}out = Path(args.out)",
        f"{INDENT}out.mkdir(parents=True, exist_ok=True)",
        "",
        f"{INDENT}if args.data:",
        f"{INDENT * 2}x, y = shuffled(*{read.format('args.data')})",
        f"{INDENT}else:",
        f'{INDENT * 2}print("no data given: training on RANDOM STAND-IN data (see stand_in_data)")',
        f"{INDENT * 2}x, y = stand_in_data(args.samples)",
        f"{INDENT}validation = {read.format('args.validation_data')} if args.validation_data else None",
        f"{INDENT}samples = len(x[0])",
        f"{INDENT}# Keras holds out the last samples; fewer than 10 are all used for training",
        f"{INDENT}split = VALIDATION_SPLIT if validation is None and samples >= 10 else 0.0",
        f"{INDENT}train_samples = int(np.floor(samples * (1.0 - split))) if split > 0 else samples",
        "",
        f"{INDENT}keras.utils.set_random_seed(args.seed)",
    ]
    if strategy:
        lines += [
            f"{INDENT}with {strategy}.scope():",
            f"{INDENT * 2}model = build_model()",
            f"{INDENT * 2}compile_model(model)",
        ]
    else:
        lines += [f"{INDENT}model = build_model()", f"{INDENT}compile_model(model)"]
    if adapted:
        lines.append(f"{INDENT}adapt_preprocessing(model, x, train_samples)")
    fit = Call(
        "model.fit",
        (
            "one(x)",
            "one(y)",
            Kw("epochs", "args.epochs"),
            Kw("batch_size", "args.batch_size"),
            Kw("validation_split", "split"),
            Kw("validation_data", "validation and (one(validation[0]), one(validation[1]))"),
            Kw("shuffle", "SHUFFLE"),
            Kw("callbacks", "make_callbacks(out)"),
        ),
    )
    lines += [
        f"{INDENT}model.summary()",
        *render(fit, prefix="history = "),
        f"{INDENT}values = {{k: [float(v) for v in vs] for k, vs in history.history.items()}}",
        f'{INDENT}Path(out, "history.json").write_text(json.dumps(values, indent=1))',
        f'{INDENT}model.save(out / "model.keras")',
        "",
        f"{INDENT}# evaluate on data training did not use: the validation set or the held-out part",
        f"{INDENT}if validation is None and train_samples < samples:",
        f"{INDENT * 2}validation = [a[train_samples:] for a in x], [a[train_samples:] for a in y]",
        f"{INDENT}held_x, held_y = validation or (x, y)",
        *render(
            Call(
                "model.evaluate",
                (
                    "one(held_x)",
                    "one(held_y)",
                    Kw("batch_size", "args.batch_size"),
                    Kw("return_dict", "True"),
                    Kw("verbose", "0"),
                ),
            ),
            prefix="scores = ",
        ),
        f'{INDENT}print("held-out data:", {{k: round(float(v), 4) for k, v in scores.items()}})',
        f"{INDENT}predicted = model.predict(one([a[:5] for a in held_x]), verbose=0)",
        f'{INDENT}print("predictions for the first held-out samples:", predicted)',
        f"{INDENT}print(f\"saved {{out / 'model.keras'}} and {{out / 'history.json'}}\")",
    ]
    return "\n".join(lines)


def uses_csv(doc: Document) -> bool:
    inputs, heads = doc.graph.inputs(), doc.graph.heads()
    return doc.training.data.get("source") == "csv" and len(inputs) == 1 and len(heads) == 1
