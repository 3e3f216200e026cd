"""The exported script's settings, callbacks and ``main``: they seed, fit with the same
callbacks and save what ``netdesigner train`` saves, so the script reproduces the app's run (a
test holds them to the same history); ``export_data`` writes how it loads the data.

Pure text generation from the document's fit plan and data source; no Keras import.
"""

from __future__ import annotations

from netdesigner.backend.pysource import INDENT, LINE_LENGTH, Call, Expr, Kw, Seq, literal, render
from netdesigner.core.compile_plan import KerasObject
from netdesigner.core.data_sources import SOURCES_BY_KEY
from netdesigner.core.fileformat import Document
from netdesigner.core.fit_plan import RunFile, fit_plan, has_validation
from netdesigner.samples import digits_path

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
    """The file or folder the app trains on (``keras:NAME`` for a Keras dataset), which the
    script reads by default."""
    data = doc.training.data
    if data.get("source") == "digits":
        return str(digits_path())
    if data.get("source") == "keras" and data.get("name"):
        return f"keras:{data['name']}"
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
            f'{INDENT}"""Layers that adapt learn from the training inputs (the held-out samples stay',
            f"{INDENT}unseen): Normalization their mean and variance, a lookup its vocabulary,",
            f'{INDENT}Discretization its bins."""',
            f"{INDENT}x = [a[:train_samples] for a in x]",
            f"{INDENT}for name in {literal(adapted)}:",
            f"{INDENT * 2}layer = model.get_layer(name)",
            f"{INDENT * 2}feeder = keras.Model(model.inputs, layer.input)",
            f"{INDENT * 2}layer.adapt(feeder.predict(one(x), verbose=0))",
        ]
    return "\n".join(lines)


def _validation_read(read: str) -> list[str]:
    """``validation = <read> if args.validation_data else None``, as ruff formats it."""
    line = f"{INDENT}validation = {read} if args.validation_data else None"
    if len(line) <= LINE_LENGTH:
        return [line]
    return [
        f"{INDENT}validation = (",
        f"{INDENT * 2}{read}",
        f"{INDENT * 2}if args.validation_data",
        f"{INDENT * 2}else None",
        f"{INDENT})",
    ]


STAND_IN_CALL = Call("stand_in_data", ("args.samples", "STAND_IN_INPUTS", "STAND_IN_HEADS", "STAND_IN_SEED"))


def main_section(strategy: str | None, adapted: list[str], csv_source: bool) -> str:
    lines = [
        "def main(argv=None):",
        f"{INDENT}# argparse fills in %(prog)s and the like: a title's own % signs are doubled",
        f'{INDENT}parser = argparse.ArgumentParser(description=TITLE.replace("%", "%%"))',
        f'{INDENT}parser.add_argument("--data", default=DATA, help="the training data")',
        f'{INDENT}parser.add_argument("--validation-data", default=VALIDATION_DATA)',
    ]
    if csv_source:
        lines += [
            f'{INDENT}parser.add_argument("--target", default=TARGET, help="the CSV column to predict")',
            f'{INDENT}parser.add_argument("--features", help="the feature columns: A,B,C")',
        ]
    lines += [
        f'{INDENT}parser.add_argument("--epochs", type=int, default=EPOCHS)',
        f'{INDENT}parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)',
        f'{INDENT}parser.add_argument("--seed", type=int, default=SEED)',
        f'{INDENT}parser.add_argument("--samples", type=int, default=STAND_IN_SAMPLES)',
        f'{INDENT}parser.add_argument("--out", default="run", help="folder for the results")',
        f"{INDENT}args = parser.parse_args(argv)",
    ]
    read = "load_data({})"
    if csv_source:
        lines += [
            f"{INDENT}features = FEATURES",
            f"{INDENT}if args.features:",
            f'{INDENT * 2}features = [f.strip() for f in args.features.split(",") if f.strip()]',
        ]
        read = "load_data({}, args.target, features)"
    lines += [
        f"{INDENT}out = Path(args.out)",
        f"{INDENT}out.mkdir(parents=True, exist_ok=True)",
        "",
        f"{INDENT}if args.data:",
        f"{INDENT * 2}x, y = shuffled(*{read.format('args.data')})",
        f"{INDENT}else:",
        f'{INDENT * 2}print("no data given: training on STAND-IN data (see stand_in_data)")',
        *render(STAND_IN_CALL, indent=INDENT * 2, prefix="x, y = "),
        f"{INDENT * 2}x, y = shuffled(x, y)",
        *_validation_read(read.format("args.validation_data")),
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
