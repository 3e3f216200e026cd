"""Tabular inputs (issue 11, point 7): one value per sample (Input shape ()), text and
true/false inputs, and the layers that turn table columns into numbers, adapted to the training
data like Normalization. A keras.io "structured data classification" model at toy size is
imported, rebuilt identically, exported and trained for one epoch by the CLI and its script,
through tests/test_import_models.py's own checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tests.test_import_models as import_models
from netdesigner.cli import main
from netdesigner.core import infer, validate
from netdesigner.core.fileformat import Document, load, save
from netdesigner.core.fit_plan import adapting_nodes
from netdesigner.core.graph import Graph
from netdesigner.core.settings import TrainingSettings
from tests.graphs import GraphBuilder
from tests.script_shape import assert_safe_shape
from tests.test_export import RUNNER

keras = pytest.importorskip("keras")
from netdesigner.backend.data import Dataset, load_dataset  # noqa: E402
from netdesigner.backend.data_checks import DataError  # noqa: E402
from netdesigner.backend.data_values import check_backend  # noqa: E402
from netdesigner.backend.training import TrainingRun  # noqa: E402

layers = keras.layers


def structured_data() -> keras.Model:
    """keras.io's structured data classification, at toy size: numbers standardized or cut into
    bins, text and whole-number categories looked up, a text column hashed into buckets."""
    rng = np.random.default_rng(0)
    age, fare = keras.Input((), name="age"), keras.Input((1,), name="fare")
    city, grade = keras.Input((), dtype="string", name="city"), keras.Input((), dtype="int64", name="grade")
    ticket = keras.Input((1,), dtype="string", name="ticket")
    norm_age = layers.Normalization(axis=None, name="norm_age")
    norm_age.adapt(rng.normal(40.0, 10.0, 64))
    city_lookup = layers.StringLookup(output_mode="one_hot", name="city_lookup")
    city_lookup.adapt(np.array(["paris", "rome", "oslo", "rome"]))  # before use, as keras.io does: 4 entries
    grade_lookup = layers.IntegerLookup(
        output_mode="one_hot", max_tokens=6, pad_to_max_tokens=True, name="grade_lookup"
    )
    hashed = layers.Hashing(num_bins=8, name="ticket_hash")(ticket)
    features = [
        layers.Reshape((1,), name="age_column")(norm_age(age)),
        layers.Normalization(name="norm_fare")(fare),
        city_lookup(city),
        grade_lookup(grade),
        layers.CategoryEncoding(num_tokens=8, output_mode="one_hot", name="ticket_code")(hashed),
        layers.Discretization(bin_boundaries=[20.0, 40.0, 60.0], output_mode="one_hot", name="age_bins")(age),
        layers.Discretization(num_bins=4, output_mode="one_hot", name="fare_bins")(fare),
    ]
    x = layers.Dense(8, activation="relu", name="hidden")(layers.Concatenate(name="features")(features))
    x = layers.Dropout(0.1, name="drop")(x)
    return keras.Model([age, fare, city, grade, ticket], layers.Dense(1, activation="sigmoid", name="survived")(x))


@pytest.fixture
def tabular_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/test_import_models.py's checks, run on the structured data model alone."""
    monkeypatch.setattr(import_models, "MODELS", {"structured_data": structured_data})


@pytest.mark.usefixtures("tabular_models")
def test_structured_data_model_imports_with_keras_shapes_and_rebuilds_identically(tmp_path: Path) -> None:
    import_models.test_model_imports_with_keras_shapes_and_rebuilds_identically("structured_data", tmp_path)
    _, doc = import_models.imported("structured_data", tmp_path)
    assert doc.graph.by_name("city").params == {"shape": (), "dtype": "string"}
    assert doc.graph.by_name("city_lookup").params["vocabulary_size"] == 4  # the size it was built for
    adapted = [n.name for n in adapting_nodes(doc.graph)]  # age_bins has its boundaries
    assert adapted == ["norm_age", "norm_fare", "city_lookup", "grade_lookup", "fare_bins"]


@pytest.mark.slow
@pytest.mark.usefixtures("tabular_models")
def test_structured_data_model_trains_one_epoch_in_the_cli_and_its_script(tmp_path: Path) -> None:
    import_models.test_imported_models_train_one_epoch_in_the_cli_and_their_scripts(tmp_path)
    assert json.loads((tmp_path / "run_structured_data" / "history.json").read_text())["loss"]


def text_graph(**lookup: object) -> Graph:
    b = GraphBuilder()
    city = b("Input", "city", shape=[], dtype="string")
    x = b("StringLookup", "lookup", city, **lookup)
    x = b("Dense", "dense", x, units=1, activation="sigmoid")
    b("Output", "head", x, loss="BinaryCrossentropy", metrics=["accuracy"])
    return b.graph


def test_a_text_category_checks_with_keras_shapes_and_trains_on_stand_in_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.json"
    save(Document(text_graph(output_mode="one_hot", max_tokens=8, pad_to_max_tokens=True)), path)
    assert main(["check", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    shapes = {n["name"]: n["output_shapes"] for n in report["nodes"]}
    assert shapes == {"city": [[None]], "lookup": [[None, 8]], "dense": [[None, 1]], "head": [[None, 1]]}
    assert report["valid"] and report["total_params"] == 9
    assert load(path).graph.by_name("city").params["shape"] == ()
    assert main(["train", str(path), "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
    assert "training on synthetic" in capsys.readouterr().out


def test_a_vocabulary_of_unknown_size_is_refused_with_the_fix() -> None:
    graph = text_graph(output_mode="one_hot")
    error = infer(graph).errors()[graph.by_name("lookup").id]
    assert "only learned from the data when training starts" in str(error) and "pad_to_max_tokens" in error.hint
    graph.set_param(graph.by_name("lookup").id, "vocabulary_size", 5)
    assert infer(graph).infos[graph.by_name("dense").id].shape == (None, 1)


def test_text_goes_only_where_it_is_taken() -> None:
    b = GraphBuilder()
    city, count = b("Input", "city", shape=[1], dtype="string"), b("Input", "count", shape=[1])
    b("Output", "h1", b("Dense", "dense", city, units=1), loss="MeanSquaredError", metrics=[])
    b("Output", "h2", b("StringLookup", "lookup", count), loss="MeanSquaredError", metrics=[])
    problems = {str(i) for i in validate(b.graph) if i.code == "dtype"}
    assert problems == {
        "dense: Dense computes with numbers, but city holds text (dtype string) — turn the text into "
        "numbers first: a layer that takes text (StringLookup, Hashing) goes between",
        "lookup: StringLookup looks up text, but count holds float32 values — set count's dtype to "
        "string, or use a layer for numbers",
    }


@pytest.mark.slow
def test_csv_columns_feed_the_inputs_named_after_them(tmp_path: Path) -> None:
    """Several Inputs each read their own column: text stays text, true/false and whole numbers
    are read as such; the exported script reads the CSV the same way."""
    rows = ["age,city,member,visits,bought"]
    rows += [f"{20 + i},{['paris', 'rome', 'oslo'][i % 3]},{['yes', 'no'][i % 2]},{i % 4},{i % 2}" for i in range(30)]
    (tmp_path / "shop.csv").write_text("\n".join(rows) + "\n")
    b = GraphBuilder()
    age, city = b("Input", "age", shape=[1]), b("Input", "city", shape=[], dtype="string")
    member, visits = b("Input", "member", shape=[1], dtype="bool"), b("Input", "visits", shape=[], dtype="int64")
    text = b("StringLookup", "city_code", city, output_mode="one_hot", max_tokens=5, pad_to_max_tokens=True)
    counts = b("CategoryEncoding", "visits_code", visits, num_tokens=4, output_mode="one_hot")
    bins = b("Discretization", "age_bins", age, num_bins=3, output_mode="one_hot")
    joined = b("Concatenate", "joined", bins, text, member, counts, inputs=4)
    b("Output", "bought", b("Dense", "out", joined, units=1, activation="sigmoid"), loss="BinaryCrossentropy")
    data = {"source": "csv", "path": str(tmp_path / "shop.csv"), "target": "bought"}
    save(Document(b.graph, TrainingSettings(data=data, batch_size=8)), tmp_path / "g.json")
    assert [i for i in validate(b.graph) if i.severity == "error"] == []
    assert main(["train", str(tmp_path / "g.json"), "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
    assert main(["export", str(tmp_path / "g.json"), "-o", str(tmp_path / "g.py")]) == 0
    script = (tmp_path / "g.py").read_text()
    assert_safe_shape(script)
    namespace: dict = {}
    exec(compile(script, "g.py", "exec"), namespace)
    x, y = namespace["load_data"](tmp_path / "shop.csv")
    assert [a.shape for a in x] == [(30, 1), (30,), (30, 1), (30,)] and list(x[1][:2]) == ["paris", "rome"]
    assert x[2].dtype == bool and list(x[2][:2, 0]) == [True, False] and y[0].shape == (30, 1)
    app = load_dataset(b.graph, data)
    assert [a.shape for a in app.inputs] == [a.shape for a in x] and app.inputs[1].dtype == object
    ran = subprocess.run([sys.executable, "-c", RUNNER, str(tmp_path / "g.py")], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert json.loads((tmp_path / "g" / "history.json").read_text())["loss"]  # trained on the CSV


def test_text_needs_the_tensorflow_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    check_backend(text_graph())  # TensorFlow here: nothing to say
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(DataError, match="city, lookup need Keras's TensorFlow backend .* but Keras uses jax"):
        check_backend(text_graph())


def test_a_vocabulary_of_another_size_than_the_graph_fixes_is_reported() -> None:
    cities = np.array(["paris", "rome", "oslo", "bonn", "nice"] * 4, dtype=object)
    data = Dataset([cities], [np.arange(20, dtype="float32").reshape(20, 1) % 2], "five cities")
    doc = Document(text_graph(output_mode="one_hot", vocabulary_size=3))
    result = TrainingRun(doc, data, lambda event: None, epochs=1).run()
    assert result.error.startswith("lookup cannot learn from this data: ") and "new vocab size is 6" in result.error
    assert "empty it, and set max_tokens with pad_to_max_tokens" in result.error
