"""The exported script's reading of tables and text: a CSV file as feature columns of one
Input or as one column per Input (``backend.data_csv`` reads them so in the app), and text as
Keras takes it. Pure text generation."""

from __future__ import annotations

from netdesigner.backend.pysource import INDENT, Call, Expr, Kw, Seq, literal, render
from netdesigner.core.graph import Graph


def by_column(graph: Graph) -> bool:
    """Whether a CSV feeds each Input its own column (several Inputs, or text) rather than one
    Input all the feature columns."""
    inputs = graph.inputs()
    return len(inputs) > 1 or any(n.params["dtype"] == "string" for n in inputs)


def csv_reader(graph: Graph, loss: str) -> list[str]:
    """``load_csv(path, target, features)``, reading the way the app reads the graph's CSV."""
    lines = [
        "",
        "",
        "def load_csv(path, target, features):",
        f'{INDENT}"""Feature columns in, one target column out; text targets become class numbers."""',
        f'{INDENT}with open(path, newline="", encoding="utf-8-sig") as handle:',
        f"{INDENT * 2}rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]",
        f"{INDENT}header = [name.strip() for name in rows[0]]",
        f"{INDENT}columns = {{",
        f"{INDENT * 2}name: [row[i].strip() for row in rows[1:]] for i, name in enumerate(header)",
        f"{INDENT}}}",
    ]
    if by_column(graph):
        bools = any(n.params["dtype"] == "bool" for n in graph.inputs())
        inputs = Seq(tuple(_column(n.name, n.params["dtype"], len(n.params["shape"])) for n in graph.inputs()))
        lines += [
            f"{INDENT}# each Input reads the column named after it (the features are not used)",
            *([f'{INDENT}truths = ["true", "yes", "1", "1.0"]  # what a bool column holds for True'] if bools else []),
            *render(inputs, prefix="x = "),
        ]
    else:
        lines.append(f'{INDENT}x = [np.stack([np.array(columns[name], dtype="float32") for name in features], axis=1)]')
    lines += [
        f"{INDENT}try:",
        f'{INDENT * 2}y = np.array(columns[target], dtype="float32")',
        f"{INDENT}except ValueError:  # class names, numbered in sorted order",
        f"{INDENT * 2}classes = sorted(set(columns[target]))",
        f'{INDENT * 2}return x, [np.array([classes.index(v) for v in columns[target]], dtype="int32")]',
    ]
    if loss == "SparseCategoricalCrossentropy":
        lines.append(f'{INDENT}return x, [y.astype("int32")]')
    else:
        lines.append(f"{INDENT}return x, [y.reshape(len(y), 1)]")
    return lines


def _column(name: str, dtype: str, rank: int) -> Expr:
    cells = Call("np.array", (f"columns[{literal(name)}]",))
    if dtype == "string":
        value: Call = cells
    elif dtype == "bool":
        value = Call("np.isin", (Call("np.char.lower", (cells,)), "truths"))
    elif dtype.startswith("int"):
        value = Call("np.array", (cells.args[0], Kw("dtype", '"float64"')), f".astype({literal(dtype)})")
    else:
        value = Call("np.array", (cells.args[0], Kw("dtype", literal(dtype))))
    return Call(value.callee, value.args, value.suffix + ".reshape(-1, 1)") if rank else value


def text_one(graph: Graph) -> list[str]:
    """``one`` (what Keras takes for a list of arrays) for a model with text Inputs: text goes
    in as Keras takes it."""
    if not any(n.params["dtype"] == "string" for n in graph.inputs()):
        return [
            "def one(arrays):",
            f'{INDENT}"""What Keras takes for a list of arrays: the array itself when there is one."""',
            f"{INDENT}return arrays[0] if len(arrays) == 1 else arrays",
        ]
    return [
        "def as_keras_text(array):",
        f'{INDENT}"""Text as Keras takes it: Python strings in a NumPy array for one value per',
        f'{INDENT}sample, a TensorFlow string tensor for several (text needs TensorFlow)."""',
        f'{INDENT}if array.dtype.kind not in "USO":',
        f"{INDENT * 2}return array",
        f"{INDENT}if array.ndim == 1:",
        f"{INDENT * 2}return array.astype(str).astype(object)",
        f"{INDENT}import tensorflow as tf",
        "",
        f"{INDENT}return tf.constant(array.astype(str))",
        "",
        "",
        "def one(arrays):",
        f'{INDENT}"""What Keras takes for a list of arrays: the array itself when there is one."""',
        f"{INDENT}arrays = [as_keras_text(a) for a in arrays]",
        f"{INDENT}return arrays[0] if len(arrays) == 1 else arrays",
    ]
