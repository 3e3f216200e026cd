"""Run folders, special files and data sources are input like any graph file (issue 26): odd
entries are skipped with the reason, special files are refused by kind without hanging, what is
written lands whole, a record that could not be written is a failure, and text from files
cannot drive the terminal or the exported script's help."""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesigner.backend.atomic_files import replace_atomically
from netdesigner.backend.run_store import RUN_FILE, Outcome, RunOutcome, RunStore, store_for
from netdesigner.cli import main
from netdesigner.core.fileformat import FormatError, load, loads, save, to_dict
from tests.conftest import SAMPLE_DIR
from tests.fuzz import BUDGETS

MLP = SAMPLE_DIR / "mlp_classifier.json"


def graph_with_runs(tmp_path: Path, count: int = 2) -> tuple[Path, RunStore]:
    graph = tmp_path / "mlp.json"
    shutil.copy(MLP, graph)
    store = store_for(graph)
    for _ in range(count):
        told = RunOutcome(Outcome.FINISHED, 0, 2, 32, "digits", 1.0, "CPU")
        store.record(store.reserve(), load(graph), {"loss": [1.0, 0.5]}, told)
    return graph, store


def edit_record(store: RunStore, run_id: str, **fields: object) -> Path:
    path = store.folder / run_id / RUN_FILE
    record = json.loads(path.read_text())
    record.update(fields)
    path.write_text(json.dumps(record))
    return path


def test_odd_entries_in_the_runs_folder_are_passed_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder named "²" (a digit to str.isdigit, no number to int), a numbered file, a link."""
    graph, store = graph_with_runs(tmp_path)
    (store.folder / "²").mkdir()
    (store.folder / "007").write_text("not a folder")
    (store.folder / "008").symlink_to(tmp_path)
    assert [r.id for r in store.runs()] == ["001", "002"] and store.problems == []
    assert main(["runs", str(graph)]) == 0
    assert store.reserve().name == "003"  # what is no run takes no number


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("seconds", 10**400, "seconds is not a finite number"),
        ("final", {"loss": 10**400}, "final holds something else than numbers"),
        ("outcome", "exploded", "outcome is missing or not one of finished, stopped, failed"),
    ],
)
def test_a_record_with_numbers_no_float_holds_is_skipped_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: object, reason: str
) -> None:
    graph, store = graph_with_runs(tmp_path)
    edit_record(store, "002", **{field: value})
    assert main(["runs", str(graph)]) == 0
    out, err = capsys.readouterr()
    assert "001" in out and reason in err


def test_a_record_nested_200000_deep_or_a_huge_history_cell_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph, store = graph_with_runs(tmp_path, count=3)
    (store.folder / "002" / RUN_FILE).write_text("[" * 200_000 + "]" * 200_000)
    (store.folder / "003" / "history.csv").write_text('epoch,loss\n1,"' + "9" * 200_000 + '"\n')
    assert [r.id for r in store.runs()] == ["001"]
    assert "nested too deeply" in store.problems[0] and "field larger than field limit" in store.problems[1]
    assert main(["runs", str(graph)]) == 0


def test_a_previous_graph_that_is_json_but_no_graph_does_not_lose_the_next_record(tmp_path: Path) -> None:
    graph, store = graph_with_runs(tmp_path, count=1)
    (store.folder / "001" / "graph.json").write_text('{"format": "something else"}')
    told = RunOutcome(Outcome.FINISHED, 0, 2, 32, "digits", 1.0, "CPU")
    record = store.record(store.reserve(), load(graph), {"loss": [0.4]}, told)
    assert record.changes == "first run" and [r.id for r in store.runs()] == ["001", "002"]


def test_the_comparison_is_written_as_a_png_or_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph, _ = graph_with_runs(tmp_path)
    for name in ("x.exe", "compared"):
        assert main(["runs", str(graph), "--compare", "1", "2", "--png", str(tmp_path / name)]) == 2
        assert "drawn as a PNG image" in capsys.readouterr().err and not (tmp_path / name).exists()
    assert main(["runs", str(graph), "--compare", "1", "2", "--png", str(tmp_path / "c.png")]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / 'c.png'}"


def test_text_from_a_record_cannot_drive_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OSC 0 retitles the window, OSC 52 writes the clipboard; U+202E reverses what follows."""
    graph, store = graph_with_runs(tmp_path)
    edit_record(store, "002", name="\x1b]0;owned\x07", device="\x1b]52;c;ZWNobyBoaQ==\x07\u202e")
    assert main(["runs", str(graph)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b]0;owned\\x07" in out and "\\u202e" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_or_a_link_to_a_device_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo, zero = tmp_path / "graph.json", tmp_path / "zero.json"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    for path, kind in ((fifo, "a named pipe (FIFO)"), (zero, "a device")):
        done: list[int] = []
        checking = threading.Thread(target=lambda p=path, d=done: d.append(main(["check", str(p)])), daemon=True)
        checking.start()
        checking.join(timeout=20)
        assert done == [2], f"check {path.name} hung or did not refuse it"
        assert f"it is {kind}, not a file" in capsys.readouterr().err
    graph, store = graph_with_runs(tmp_path)
    (store.folder / "002" / RUN_FILE).unlink()
    (store.folder / "002" / RUN_FILE).symlink_to("/dev/zero")
    assert [r.id for r in store.runs()] == ["001"] and "it is a device" in store.problems[0]


@pytest.mark.parametrize(
    "data, words",
    [
        ({"source": "tape"}, "data.source 'tape' is not a data source"),
        ({"source": "keras", "name": "imdb"}, "data.name 'imdb' is not one of mnist, fashion_mnist"),
    ],
)
def test_a_data_source_the_app_cannot_read_is_refused_when_the_file_is_read(data: dict, words: str) -> None:
    """``check`` used to call such a file valid and ``export`` wrote a script for it."""
    graph = to_dict(load(MLP))
    graph["training"]["data"] = data
    with pytest.raises(FormatError, match=words):
        loads(json.dumps(graph))


def test_a_title_with_percent_signs_leaves_the_scripts_help_working(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("keras")
    doc = load(MLP)
    doc.name = "%(prog)s %(x)s 100%"
    save(doc, tmp_path / "g.json")
    assert main(["export", str(tmp_path / "g.json"), "-o", str(tmp_path / "model.py")]) == 0
    namespace = runpy.run_path(str(tmp_path / "model.py"))
    with pytest.raises(SystemExit) as leaving:
        namespace["main"](["--help"])
    assert leaving.value.code == 0 and "%(prog)s %(x)s 100%" in capsys.readouterr().out


def test_a_run_that_could_not_be_recorded_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk while recording: ``train`` said "could not record" and exited 0."""
    pytest.importorskip("keras")
    from netdesigner.backend import run_store

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_store, "record_run", full_disk)
    graph = tmp_path / "mlp.json"
    shutil.copy(MLP, graph)
    assert main(["train", str(graph), "--data", "digits", "--epochs", "1"]) == 1
    assert "could not record the run" in capsys.readouterr().err


def test_a_file_written_by_a_library_lands_whole_or_not_at_all(tmp_path: Path) -> None:
    """A save that dies half-way (kill -9, a full disk) leaves the previous file as it was."""
    target = tmp_path / "model.keras"
    target.write_bytes(b"the previous model")

    def dies_half_way(path: Path) -> None:
        path.write_bytes(b"half a zi")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        replace_atomically(target, dies_half_way)
    assert target.read_bytes() == b"the previous model" and os.listdir(tmp_path) == ["model.keras"]
    replace_atomically(target, lambda path: path.write_bytes(b"the new model"))
    assert target.read_bytes() == b"the new model" and os.listdir(tmp_path) == ["model.keras"]


def test_the_terminal_filter_keeps_newlines_tabs_and_progress_returns() -> None:
    from netdesigner.cli.terminal import escaped

    assert escaped("epoch 1\r[##..]\tloss\n") == "epoch 1\r[##..]\tloss\n"
    assert escaped("a\x1b[2Jb\x9bc\x7f") == "a\\x1b[2Jb\\x9bc\\x7f"
    assert sys.stdout is not None  # the filter is installed per command, not for the process


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize("suffix", [".npz", ".csv", ".json", ".keras"])
def test_data_and_model_readers_refuse_a_named_pipe_at_once(tmp_path: Path, suffix: str) -> None:
    from netdesigner.backend.data import DataError, load_dataset
    from netdesigner.backend.importer import ModelImportError, import_model

    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def read() -> None:
        try:
            if suffix in (".npz", ".csv"):
                load_dataset(load(MLP).graph, {"source": suffix[1:], "path": str(fifo), "target": "y"})
            else:
                import_model(fifo)
        except (DataError, ModelImportError) as error:
            outcome.append(str(error))

    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    reading.join(timeout=20)
    assert outcome and "it is a named pipe (FIFO), not a file" in outcome[0]


def test_a_data_path_holding_a_nul_is_a_data_error(tmp_path: Path) -> None:
    from netdesigner.backend.data import DataError, load_dataset

    for source in ("npz", "csv"):
        with pytest.raises(DataError, match="NUL character"):
            load_dataset(load(MLP).graph, {"source": source, "path": str(tmp_path / "a\0b"), "target": "y"})


def test_a_model_file_that_inflates_past_free_memory_is_refused_before_keras_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    from netdesigner.backend import data_checks

    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", bytes(8 * 1024 * 1024))  # 8 MiB of zeros: a few kB packed
    monkeypatch.setattr(data_checks, "free_memory", lambda: 4 * 1024 * 1024)
    assert bomb.stat().st_size < 100_000
    assert main(["evaluate", str(MLP), str(bomb), "--data", "digits"]) == 2  # unreadable input
    assert "inflates to 8 MiB, more than the 4 MiB of memory free" in capsys.readouterr().err


def test_synthetic_data_larger_than_free_memory_is_a_data_error() -> None:
    """An Input of (10**6)**3 values made NumPy raise "array is too big"."""
    from netdesigner.backend.data import DataError, load_dataset
    from tests.graphs import GraphBuilder

    b = GraphBuilder()
    x = b("Input", "cube", shape=[10**6, 10**6, 10**6])
    b("Output", "head", b("Flatten", "flat", x), loss="MeanSquaredError", metrics=[])
    with pytest.raises(DataError, match=r"synthetic data would need [\d,.]+ GiB of memory"):
        load_dataset(b.graph, {"source": "synthetic", "samples": 4})


def test_fractional_class_labels_are_refused_with_the_fix() -> None:
    import numpy as np

    from netdesigner.backend.data import DataError, check_compatibility, load_dataset

    graph = load(MLP).graph
    data = load_dataset(graph, {"source": "digits"})
    data.targets[0] = data.targets[0].astype("float32")
    check_compatibility(graph, data)  # whole numbers written as floats (as a CSV gives them) are fine
    data.targets[0][3] = 2.5
    with pytest.raises(DataError, match=r"class labels must be whole numbers 0, 1, 2, \.\.\. but the data has 2\.5"):
        check_compatibility(graph, data)
    assert np.issubdtype(data.targets[0].dtype, np.floating)


def test_a_csv_target_of_fractions_is_no_class_label(tmp_path: Path) -> None:
    """The CSV reader cast 2.5 to class 2 without a word."""
    from netdesigner.backend.data import DataError, load_dataset
    from tests.graphs import GraphBuilder

    b = GraphBuilder()
    x = b("Input", "features", shape=[2])
    b("Output", "kind", b("Dense", "scores", x, units=3, activation="softmax"), loss="SparseCategoricalCrossentropy")
    table = tmp_path / "t.csv"
    table.write_text("a,b,kind\n" + "".join(f"{i},{i % 3},{i % 3}\n" for i in range(20)))
    spec = {"source": "csv", "path": str(table), "target": "kind", "features": "a,b"}
    assert load_dataset(b.graph, spec).targets[0].dtype == "int32"
    table.write_text("a,b,kind\n" + "".join(f"{i},{i % 3},{i % 3 + 0.5}\n" for i in range(20)))
    with pytest.raises(DataError, match="class labels must be whole numbers"):
        load_dataset(b.graph, spec)


def test_a_wide_csv_is_read_in_time_linear_in_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each column's position is looked up once: 40,000 columns took 204 s, now about a second.
    Checked by what is done, not timed: the header is never searched column by column."""
    from netdesigner.backend import data_csv

    class Header(list):
        def index(self, *args: object, **kwargs: object) -> int:
            raise AssertionError("the header is searched for a column")

    names = [f"f{i}" for i in range(5000)]
    table = tmp_path / "wide.csv"
    table.write_text(",".join([*names, "y"]) + "\n" + "".join(",".join(["1"] * 5001) + "\n" for _ in range(3)))
    read_table = data_csv.read_table
    monkeypatch.setattr(data_csv, "read_table", lambda path: (Header(read_table(path)[0]), read_table(path)[1]))
    x, _ = data_csv.read_csv(table, names, "y")
    assert x.shape == (3, 5000)


def dead_pid() -> int:
    import subprocess

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


def test_a_run_killed_before_its_record_is_listed_as_interrupted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kill -9 leaves a reserved folder (empty, history only, a model...) without a record: the
    next look marks it and says what it holds, while a run still training is left alone."""
    from netdesigner.backend import run_claims

    graph, store = graph_with_runs(tmp_path)
    training = store.reserve()  # claimed by this process, which is alive: still training
    killed = store.reserve()
    (killed / "history.csv").write_text("epoch,loss\n1,0.5\n")
    claim = json.loads((killed / run_claims.CLAIM).read_text())
    (killed / run_claims.CLAIM).write_text(json.dumps({**claim, "pid": dead_pid()}))
    assert [r.id for r in store.runs()] == ["001", "002"]
    assert store.interrupted == [f"run {killed.name} was interrupted before it was recorded; it holds history.csv"]
    assert (killed / run_claims.INTERRUPTED).is_file() and not (killed / run_claims.CLAIM).exists()
    assert main(["runs", str(graph)]) == 0
    assert f"run {killed.name} was interrupted" in capsys.readouterr().out
    assert training.name not in " ".join(store.interrupted)
    assert store.reserve().name == "005"


@pytest.mark.slow
def test_kill_9_during_train_loses_no_run_and_no_previous_model(tmp_path: Path) -> None:
    """A real ``netdesigner train --out DIR`` killed while it trains onto DIR: the previous
    model.keras is intact and the run is listed as interrupted."""
    import signal
    import subprocess
    import time

    pytest.importorskip("keras")
    graph = tmp_path / "mlp.json"
    shutil.copy(MLP, graph)
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.keras").write_bytes(b"the previous model")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "CUDA_VISIBLE_DEVICES": ""}
    command = [sys.executable, "-m", "netdesigner", "train", str(graph), "--data", "digits", "--epochs", "500"]
    process = subprocess.Popen([*command, "--out", str(out)], env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:  # until it trains
        if line.startswith("epoch 2/"):
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(0.1)
    assert (out / "model.keras").read_bytes() == b"the previous model"
    store = store_for(graph)
    assert store.runs() == [] and store.interrupted and "was interrupted" in store.interrupted[0]


RECORD_FIELDS = ["name", "created", "outcome", "message", "fingerprint", "seed", "settings", "heads", "fit"]
RECORD_FIELDS += ["data", "final", "seconds", "device", "changes", "format", "version"]
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**400), float("nan"), float("inf"), "\x1b]0;x\x07", "²", "", "finished"]),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.floats(), st.text(max_size=4)), max_size=3),
)
FOLDER_NAMES = st.one_of(
    st.from_regex(r"\A[0-9]{1,4}\Z"), st.sampled_from(["²", "٣", "00", "-1", "1e3", ".1"]), st.text(max_size=6)
)


RUN_FOLDER_EXTRAS = st.lists(st.tuples(FOLDER_NAMES, st.sampled_from(["dir", "file", "record"])), max_size=3)
RUN_RECORD_EDITS = st.dictionaries(st.sampled_from(RECORD_FIELDS), ODD_VALUES, max_size=3)
HISTORIES = st.one_of(st.none(), st.text(max_size=60), st.just('epoch,loss\n1,"' + "9" * 140_000 + '"\n'))


RUN_FOLDERS = dict(extra=RUN_FOLDER_EXTRAS, edits=RUN_RECORD_EDITS, history=HISTORIES, nesting=st.integers(0, 3))


@settings(max_examples=BUDGETS["run_folder"])
@given(**RUN_FOLDERS)
def test_fuzzed_run_folders_are_listed_or_skipped_by_name(
    extra: list[tuple[str, str]], edits: dict[str, object], history: str | None, nesting: int
) -> None:
    run_folder_is_listed_or_skipped(extra, edits, history, nesting)


RUN_FOLDERS = {
    "extra": RUN_FOLDER_EXTRAS,
    "edits": RUN_RECORD_EDITS,
    "history": HISTORIES,
    "nesting": st.integers(0, 3),
}


def run_folder_is_listed_or_skipped(
    extra: list[tuple[str, str]], edits: dict[str, object], history: str | None, nesting: int
) -> None:
    """Odd folder names, hand-edited record fields of any kind, damaged histories and deeply
    nested records: ``runs`` lists what it can read, names what it skips, and never crashes."""
    with tempfile.TemporaryDirectory() as home:
        graph, store = graph_with_runs(Path(home), count=1)
        record = edit_record(store, "001", **edits)
        if nesting:
            record.write_text("[" * 10**nesting * 50 + "]" * 10**nesting * 50)
        if history is not None:
            (store.folder / "001" / "history.csv").write_text(history)
        for name, kind in extra:
            if not name or "/" in name or "\0" in name or name in (".", ".."):
                continue
            target = store.folder / name
            if target.exists():
                continue
            if kind == "file":
                target.write_text("x")
            else:
                target.mkdir()
                if kind == "record":
                    (target / RUN_FILE).write_text(json.dumps(edits, default=str))
        runs = store.runs()
        assert all(r.outcome in tuple(Outcome) for r in runs)
        assert all(isinstance(p, str) and p for p in [*store.problems, *store.interrupted])
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["runs", str(graph)]) in (0, 1)


def test_an_npz_that_inflates_past_free_memory_is_a_data_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from netdesigner.backend import data_checks
    from netdesigner.backend.data import DataError, read_npz

    bomb = tmp_path / "bomb.npz"
    np.savez_compressed(bomb, x=np.zeros((1024, 1024), "float64"))  # 8 MiB of zeros: a few kB packed
    monkeypatch.setattr(data_checks, "free_memory", lambda: 4 * 1024 * 1024)
    with pytest.raises(DataError, match=r"bomb.npz, inflated, would need [\d.]+ GiB of memory"):
        read_npz(bomb)


def test_a_small_config_describing_huge_weights_is_refused_before_keras_builds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 2 MB config drove Keras to 9 GB before a message: netdesigner counts the weights first."""
    import zipfile

    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((100_000,)), keras.layers.Dense(10, name="huge")])
    config = json.loads(model.to_json())
    next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")["config"]["units"] = 10**6
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
    assert main(["evaluate", str(MLP), str(bomb), "--data", "digits"]) == 2
    weights = 4 * (100_000 * 10**6 + 10**6) // 2**20  # kernel and bias, float32
    assert f"needs for its weights {weights:,} MiB, more than" in capsys.readouterr().err
