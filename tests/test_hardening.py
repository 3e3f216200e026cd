"""Issue 16's cases, one regression test each: no code from graph files, and no traceback from
any input (numbers, text, names, data), through the loader and the commands a user runs."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from netdesigner.backend.data import DataError, load_dataset
from netdesigner.backend.importer import ModelReadError, import_model
from netdesigner.cli import main
from netdesigner.core.errors import FormatError, GraphError
from netdesigner.core.fileformat import Document, dumps, loads, to_dict
from netdesigner.core.fragments import copy_fragment, paste_fragment
from tests.fuzz import BUDGETS
from tests.graphs import GraphBuilder

INJECTION = "bias_initializer=__import__('os').system('touch /tmp/x') or 'zeros', kernel_initializer"


def mlp_file(**dense_params) -> dict:
    b = GraphBuilder()
    x = b("Input", "features", shape=[3])
    dense = b("Dense", "scores", x, units=2, activation="softmax")
    b("Output", "label", dense, loss="SparseCategoricalCrossentropy", metrics=["accuracy"])
    data = to_dict(Document(b.graph))
    data["nodes"][1]["params"].update(dense_params)
    return data


def test_an_option_key_that_is_code_is_refused_at_load() -> None:
    data = mlp_file(keras_options={INJECTION: "zeros"})
    with pytest.raises(FormatError, match=r"nodes\[1\] 'scores' params.keras_options: .*cannot set") as caught:
        loads(json.dumps(data))
    assert "kernel_initializer" in str(caught.value)  # the hint lists what may be set


@pytest.mark.parametrize("key", ["kernel_initializer ", "recurrent_initializer", "__class___initializer"])
def test_option_keys_are_the_layers_own_arguments(key: str) -> None:
    with pytest.raises(FormatError, match="cannot set"):
        loads(json.dumps(mlp_file(keras_options={key: "zeros"})))


def test_option_objects_name_only_keras_modules() -> None:
    hostile = {"module": "os", "class_name": "system", "config": {"command": "true"}}
    with pytest.raises(FormatError, match="`os.system`, which is not one of Keras's own classes"):
        loads(json.dumps(mlp_file(keras_options={"kernel_initializer": hostile})))
    own = {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": 1}}
    assert loads(json.dumps(mlp_file(keras_options={"kernel_initializer": own})))


def test_numbers_beyond_float_range_and_digit_limit_are_format_errors() -> None:
    data = mlp_file()
    data["training"] = {"validation_split": 10**400}
    with pytest.raises(
        FormatError,
        match=r"training.validation_split: .*must be a finite number, got 1000000000000000000000000000000000000\.\.\.$",
    ):
        loads(json.dumps(data))
    data = mlp_file()
    data["nodes"][0]["position"] = [10**400, 0]
    with pytest.raises(FormatError, match="position"):
        loads(json.dumps(data))
    text = json.dumps(mlp_file()).replace('"units": 2', '"units": ' + "9" * 5000)
    with pytest.raises(FormatError, match="too long"):
        loads(text)


def test_a_keras_config_with_a_huge_integer_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", '{"class_name": "Functional", "config": {"layers": [' + "7" * 5000 + "]}}")
    with pytest.raises(ModelReadError):
        import_model(path)


def test_lone_surrogates_are_refused_with_their_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = mlp_file()
    data["name"] = "model \ud800"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(data))  # ensure_ascii: the file spells it \ud800
    assert main(["check", str(path)]) == 2
    assert "name: text holds an unpaired surrogate" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["a b", "名前", "e\\", 'quo"te', "it's", "dot.name", "_private", "9lives"])
def test_names_keras_refuses_are_refused_with_a_legal_suggestion(name: str) -> None:
    data = mlp_file()
    data["nodes"][1]["name"] = name
    with pytest.raises(FormatError, match=r"nodes\[1\].name: .*starts with a letter.*for example '[A-Za-z]"):
        loads(json.dumps(data))


def test_paste_makes_names_legal_and_says_so() -> None:
    data = mlp_file()
    data["nodes"][1]["name"] = "my scores"
    graph = loads(json.dumps(mlp_file())).graph
    nodes, _, notes = paste_fragment(json.dumps(data), graph, (0.0, 0.0))
    assert "my_scores" in [n.name for n in nodes]
    assert notes == [
        "'my scores' renamed 'my_scores': a layer name starts with a letter and holds only letters, digits, '_' and '-'"
    ]
    assert loads(copy_fragment(graph, list(graph.nodes)))  # what is copied pastes back


def test_import_makes_names_legal_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras = pytest.importorskip("keras")
    inputs = keras.Input((3,), name="x")
    outputs = keras.layers.Dense(2, name="my dense")(inputs)
    model = keras.Model(inputs, outputs)
    path = tmp_path / "m.keras"
    model.save(path)
    doc = import_model(path)
    assert doc.graph.by_name("my_dense") is not None
    assert main(["import", str(path), "-o", str(tmp_path / "g.json")]) == 0
    assert "'my dense' renamed 'my_dense'" in capsys.readouterr().err


def test_an_unexpected_error_is_one_line_and_a_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import netdesigner.cli as cli

    def broken(args) -> int:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setitem(cli.COMMANDS, "check", broken)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["check", "whatever.json"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "RuntimeError: something nobody planned for" in err
    (log,) = (tmp_path / "netdesigner" / "logs").glob("error-*.log")
    assert "Traceback" in log.read_text() and str(log) in err


# --- data sources ------------------------------------------------------------------------------


def graph():
    return loads(json.dumps(mlp_file())).graph


def npz(tmp_path: Path, **arrays) -> dict:
    path = tmp_path / "d.npz"
    np.savez(path, **arrays)
    return {"source": "npz", "path": str(path)}


def csv_source(tmp_path: Path, text: str, encoding: str = "utf-8") -> dict:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding=encoding)
    return {"source": "csv", "path": str(path), "features": "a,b,c", "target": "label"}


CSV_CASES = {
    "short last row": ("a,b,c,label\n1,2,3,x\n4,5\n", "line 3: 2 value"),
    "empty cells": (
        "a,b,c,label\n1,2,3,x\n1,,3,y\n1,nan,3,x\n",
        "column 'b' has 2 empty, NaN or infinite value.*line.s. 3, 4",
    ),
    "text in a feature": ("a,b,c,label\n1,2,3,x\n1,two,3,y\n", "line 3: column 'b' holds 'two'"),
    "empty target": ("a,b,c,label\n1,2,3,x\n1,2,3,\n", "column 'label' has 1 empty"),
    "infinite target": ("a,b,c,label\n1,2,3,1\n1,2,3,inf\n", "column 'label' has 1 empty, NaN or infinite"),
    "header only": ("a,b,c,label\n", "no data rows"),
}


@pytest.mark.parametrize("case", CSV_CASES, ids=str)
def test_broken_csv_is_named_by_line_and_column(case: str, tmp_path: Path) -> None:
    text, message = CSV_CASES[case]
    with pytest.raises(DataError, match=message):
        load_dataset(graph(), csv_source(tmp_path, text))


def test_a_spreadsheets_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    data = load_dataset(graph(), csv_source(tmp_path, "a,b,c,label\n1,2,3,x\n4,5,6,y\n", "utf-8-sig"))
    assert data.samples == 2


NPZ_CASES = {
    "target shorter than input": (dict(x=np.zeros((10, 3)), y=np.zeros(8, "int32")), "different numbers of samples"),
    "0-d arrays": (dict(x=np.float32(1), y=np.int32(0)), "single value"),
    "no samples": (dict(x=np.zeros((0, 3)), y=np.zeros(0, "int32")), "holds no samples"),
    "NaN target": (dict(x=np.zeros((4, 3)), y=np.array([0, 1, np.nan, 1])), r"target of 'label'.*NaN.*: 2 "),
    "NaN features": (dict(x=np.where(np.eye(4, 3), np.nan, 0), y=np.zeros(4, "int32")), r"Input 'features'.*NaN"),
    "text": (dict(x=np.array([["a"] * 3] * 2), y=np.zeros(2, "int32")), "holds text"),
}


@pytest.mark.parametrize("case", NPZ_CASES, ids=str)
def test_broken_npz_is_a_data_error(case: str, tmp_path: Path) -> None:
    arrays, message = NPZ_CASES[case]
    with pytest.raises(DataError, match=message):
        load_dataset(graph(), npz(tmp_path, **arrays))


def test_npz_members_that_are_not_arrays_and_garbage_files(tmp_path: Path) -> None:
    path = tmp_path / "d.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x", b"not an array")
        archive.writestr("y.npy", b"nor this")
    with pytest.raises(DataError):
        load_dataset(graph(), {"source": "npz", "path": str(path)})
    path.write_bytes(b"\x80\x04garbage that looks like a pickle")
    with pytest.raises(DataError, match="is not a NumPy .npz file"):
        load_dataset(graph(), {"source": "npz", "path": str(path)})


@pytest.mark.parametrize(
    "spec",
    ["synthetic:0", "synthetic:-5", "synthetic:x", "synthetic:" + "9" * 5000],
    ids=["0", "-5", "x", "5000 digits"],
)
def test_bad_synthetic_sizes_are_usage_errors(spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.json"
    path.write_text(dumps(loads(json.dumps(mlp_file()))))
    assert main(["train", str(path), "--data", spec, "--out", str(tmp_path / "run")]) == 2
    assert "number of samples" in capsys.readouterr().err


def test_bad_epochs_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.json"
    path.write_text(dumps(loads(json.dumps(mlp_file()))))
    assert main(["train", str(path), "--epochs", "-3"]) == 2
    assert "epochs must be at least 1" in capsys.readouterr().err


def test_zero_samples_do_not_fake_a_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.json"
    path.write_text(dumps(loads(json.dumps(mlp_file()))))
    data = npz(tmp_path, x=np.zeros((0, 3), "float32"), y=np.zeros(0, "int32"))
    assert main(["train", str(path), "--data", data["path"], "--out", str(tmp_path / "run")]) == 1
    assert "holds no samples" in capsys.readouterr().err
    assert not (tmp_path / "run" / "model.keras").exists()


def test_a_split_that_holds_out_nothing_is_named() -> None:
    from netdesigner.backend.data_checks import check_split

    with pytest.raises(DataError, match="holds out no sample"):
        check_split(10, 1e-17)  # 1 - split rounds to 1.0
    with pytest.raises(DataError, match="leaves none to train on"):
        check_split(10, 0.95)
    check_split(15, 0.05)  # Keras trains on floor(15 * 0.95) = 14 and validates on 1
    check_split(10, 0.1)
    check_split(1, 0.0)


# --- fuzz: broken data of every source, names the checker accepts --------------------------------

CSV_TEXT = st.lists(st.sampled_from([*"abcl,\n\r\"' 0123456789.-e", "nan", "inf", "\ufeff", "é"])).map("".join)


@settings(max_examples=BUDGETS["csv"])
@given(header=st.booleans(), body=CSV_TEXT)
def test_fuzzed_csv_is_a_dataset_or_a_data_error(header: bool, body: str) -> None:
    csv_is_a_dataset_or_a_data_error(header, body)


def csv_is_a_dataset_or_a_data_error(header: bool, body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = ("a,b,c,label\n" if header else "") + body
        try:
            data = load_dataset(graph(), csv_source(Path(folder), text))
        except DataError as error:
            assert str(error)
            return
        assert all(np.isfinite(a).all() for a in data.inputs)


ARRAYS = st.one_of(
    hnp.arrays(
        st.sampled_from(["float32", "float64", "int32", "uint8", "bool", "U3", "complex64"]),
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
        elements=None,
    ),
    st.just(np.zeros((5, 3), "float32")),
    st.just(np.arange(5)),
)


NPZ_ARRAYS = st.dictionaries(st.sampled_from(["x", "y", "features", "label", "other"]), ARRAYS, max_size=3)


@settings(max_examples=BUDGETS["npz"])
@given(arrays=NPZ_ARRAYS)
def test_fuzzed_npz_is_a_dataset_or_a_data_error(arrays: dict) -> None:
    npz_is_a_dataset_or_a_data_error(arrays)


def npz_is_a_dataset_or_a_data_error(arrays: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            data = load_dataset(graph(), npz(Path(folder), **arrays))
        except DataError as error:
            assert str(error)
            return
        assert data.samples >= 1


@settings(max_examples=BUDGETS["image_folder"])
@given(files=st.lists(st.tuples(st.sampled_from(["cat", "dog", "."]), st.binary(max_size=64)), max_size=4))
def test_fuzzed_image_folders_are_a_dataset_or_a_data_error(files: list) -> None:
    pytest.importorskip("keras")
    b = GraphBuilder()
    x = b("Input", "image", shape=[8, 8, 3])
    flat = b("Flatten", "flatten", x)
    dense = b("Dense", "scores", flat, units=2, activation="softmax")
    b("Output", "label", dense, loss="SparseCategoricalCrossentropy", metrics=[])
    with tempfile.TemporaryDirectory() as folder:
        for index, (label, content) in enumerate(files):
            (Path(folder) / label).mkdir(exist_ok=True)
            (Path(folder) / label / f"{index}.png").write_bytes(content)
        try:
            load_dataset(b.graph, {"source": "image_folder", "path": folder})
        except DataError as error:
            assert str(error)


NAMES = st.one_of(st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,24}\Z"), st.text(max_size=12))


@pytest.mark.slow
@settings(max_examples=BUDGETS["name"])
@given(name=NAMES)
def test_a_name_check_accepts_trains_and_its_export_runs(name: str) -> None:
    """``check`` valid implies ``train`` works and the exported script runs, whatever the name."""
    pytest.importorskip("keras")
    from netdesigner.backend.export import export_script
    from netdesigner.backend.training import TrainingRun
    from netdesigner.core.graph import check_name, legal_name

    try:
        check_name(name)
    except GraphError:
        check_name(legal_name(name))  # what paste and import would use instead is legal
        return
    assume(name not in ("features", "label"))
    data = mlp_file()
    data["nodes"][1]["name"] = name
    doc = loads(json.dumps(data))
    result = TrainingRun(doc, load_dataset(doc.graph, {"source": "synthetic", "samples": 32}), print, epochs=1).run()
    assert not result.error and result.history["loss"]
    namespace: dict = {"__name__": "exported"}
    exec(compile(export_script(doc), "exported.py", "exec"), namespace)
    with tempfile.TemporaryDirectory() as folder:
        namespace["main"](["--epochs", "1", "--samples", "16", "--out", folder])
        assert (Path(folder) / "model.keras").is_file()


# --- the review's round: more inputs that must be our own errors ------------------------------


def test_input_sizes_have_a_ceiling() -> None:
    data = mlp_file()
    data["nodes"][0]["params"]["shape"] = [10**12]
    with pytest.raises(FormatError, match=r"nodes\[0\] 'features' params.shape: .*at most 1000000"):
        loads(json.dumps(data))


def test_generated_names_stay_within_the_length_limit() -> None:
    from netdesigner.core.graph import MAX_NAME_LENGTH

    data = mlp_file()
    data["nodes"][1]["name"] = "d" * MAX_NAME_LENGTH
    graph = loads(json.dumps(data)).graph
    nodes, _, _ = paste_fragment(copy_fragment(graph, list(graph.nodes)), graph, (0.0, 0.0))
    assert all(len(n.name) <= MAX_NAME_LENGTH for n in nodes)
    assert graph.unique_name("x" * 300).endswith("_1") and len(graph.unique_name("x" * 300)) == MAX_NAME_LENGTH


def test_import_keeps_its_errors_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras = pytest.importorskip("keras")
    inputs = keras.Input((3,), name="x")
    model = keras.Model(inputs, keras.layers.Dense(2, name="d" * 126)(inputs))
    config = json.loads(model.to_json())
    path = tmp_path / "long.json"
    path.write_text(json.dumps(config))
    assert main(["import", str(path), "-o", str(tmp_path / "g.json")]) == 0  # its head's name fits
    custom = {"module": "my_inits", "class_name": "MyInit", "config": {}, "registered_name": "my_inits>MyInit"}
    config["config"]["layers"][1]["config"]["kernel_initializer"] = custom
    path.write_text(json.dumps(config))
    assert main(["import", str(path), "-o", str(tmp_path / "g.json")]) == 1
    assert "cannot keep its Keras options" in capsys.readouterr().err


def test_damaged_archives_are_read_errors(tmp_path: Path) -> None:
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
    raw = bytearray(path.read_bytes())
    for offset in [i for i in range(len(raw) - 4) if raw[i : i + 4] in (b"PK\x03\x04", b"PK\x01\x02")]:
        raw[offset + (6 if raw[offset + 2] == 3 else 8)] |= 1  # the "encrypted" flag
    path.write_bytes(bytes(raw))
    with pytest.raises(ModelReadError):
        import_model(path)
    data = tmp_path / "d.npz"
    data.write_bytes(bytes(raw))
    with pytest.raises(DataError):
        load_dataset(graph(), {"source": "npz", "path": str(data)})


def test_a_plain_npy_named_npz_and_bad_seeds_and_labels(tmp_path: Path) -> None:
    np.save(tmp_path / "one.npy", np.zeros((12, 3), "float32"))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    with pytest.raises(DataError, match="no array for the Output head"):
        load_dataset(graph(), {"source": "npz", "path": str(tmp_path / "one.npz")})
    for seed in (-1, "abc", None):
        with pytest.raises(DataError, match="seed"):
            load_dataset(graph(), {"source": "synthetic", "seed": seed})
    with pytest.raises(DataError, match="class labels must be 0, 1, 2"):
        load_dataset(graph(), npz(tmp_path, x=np.zeros((4, 3)), y=np.array([0, 1, -1, 1])))


def test_csv_quotes_and_multi_line_records(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="line 3: .*check the quotes"):
        load_dataset(graph(), csv_source(tmp_path, 'a,b,c,label\n1,2,3,x\n4,5,6,"dog\n' + "7,8,9,y\n" * 50))
    text = 'a,b,c,label\n1,2,3,"two\nlines"\n1,,3,y\n'
    with pytest.raises(DataError, match=r"column 'b' .* line.s. 4$|line.s. 4 "):
        load_dataset(graph(), csv_source(tmp_path, text))
    named = load_dataset(graph(), csv_source(tmp_path, "a,b,c,label\n1,2,3,none\n4,5,6,some\n"))
    assert sorted(named.targets[0].ravel().tolist()) == [0, 1]  # 'none' is a class name here


def test_a_closed_pipe_is_not_a_crash(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import SAMPLES

    command = [sys.executable, "-m", "netdesigner", "check", str(SAMPLES[0])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `| head -0` would
    stderr = process.stderr.read().decode()
    assert process.wait(60) in (0, 1) and "unexpected error" not in stderr and "Traceback" not in stderr
