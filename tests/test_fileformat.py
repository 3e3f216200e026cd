"""The graph file: round trips, atomic saves, precise errors, and a fuzzed loader."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesigner.backend.export import ExportError, export_notebook, export_script
from netdesigner.core import infer, validate
from netdesigner.core.errors import FormatError
from netdesigner.core.fileformat import VERSION, Document, dumps, load, loads, save
from tests.conftest import SAMPLE_DIR, SAMPLES
from tests.fuzz import BUDGETS
from tests.script_shape import assert_safe_shape


def test_samples_round_trip_byte_for_byte(sample_path: Path) -> None:
    text = sample_path.read_text(encoding="utf-8")
    doc = loads(text)
    assert dumps(doc) == text


def test_ids_positions_port_order_and_training_survive(tmp_path: Path) -> None:
    doc = load(SAMPLE_DIR / "inception_block.json")
    join = doc.graph.by_name("inception_out")
    doc.graph.move(join.id, (123.5, -40.25))
    doc.training.epochs = 3
    save(doc, tmp_path / "g.json")
    again = load(tmp_path / "g.json")
    assert list(again.graph.nodes) == list(doc.graph.nodes)
    assert again.graph.by_name("inception_out").position == (123.5, -40.25)
    ports = sorted(again.graph.input_edges(join.id).items())
    assert [again.graph.nodes[e.source].name for _, e in ports] == [
        "branch1x1",
        "branch3x3",
        "branch5x5",
        "branch_pool_proj",
    ]
    assert again.training.epochs == 3 and again.training.optimizer == "Adam"


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "g.json"
    target.write_text("previous contents")
    doc = load(SAMPLES[0])

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save(doc, target)
    assert target.read_text() == "previous contents"
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def base() -> dict:
    return json.loads((SAMPLE_DIR / "two_branch.json").read_text())


def mutated(change) -> str:
    data = base()
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(version=VERSION + 1), f"newer netdesigner (format version {VERSION + 1})"),
        (lambda d: d.update(format="something"), "not a netdesigner graph file"),
        (lambda d: d.update(version="1"), "version"),
        (lambda d: d.pop("nodes"), "'nodes' is missing"),
        (lambda d: d["nodes"][2].update(type="Conv9D"), "nodes[2].type: unknown layer type 'Conv9D'"),
        (lambda d: d["nodes"][1]["params"].update(units=0), "nodes[1] 'measurements_dense' params.units"),
        (lambda d: d["nodes"][1]["params"].update(units="12"), "units must be a whole number"),
        (lambda d: d["nodes"][1]["params"].update(unitz=3), "Dense has no parameter 'unitz'"),
        (lambda d: d["nodes"][2].update(id="n1"), "nodes[2].id: the id 'n1' is used by two nodes"),
        (lambda d: d["nodes"][1].update(name="a/b"), "nodes[1].name"),
        (lambda d: d["nodes"][1].update(position=[0]), "'position' must be two numbers"),
        (lambda d: d["edges"][0].update(target="nope"), "edges[0]: target 'nope' is not the id of any node"),
        (
            lambda d: d["edges"].append({"source": "n3", "target": "n2", "port": 0}),
            "edges[7]: input 1 of measurements_dense is already fed by measurements",
        ),
        (lambda d: d["edges"][0].update(port=True), "'port' must be a whole number"),
        (lambda d: d["training"].update(epochs=-1), "training.epochs"),
        (lambda d: d["training"]["optimizer"].update(name="Magic"), "unknown optimizer 'Magic'"),
        (lambda d: d["training"]["optimizer"].update(learning_rate=0), "learning_rate must be more than 0"),
        (lambda d: d["training"]["data"].update(path={"$": 1}), "training.data"),
    ],
)
def test_bad_files_get_precise_messages(change, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        loads(mutated(change))
    assert words in str(caught.value)


def test_cycle_in_a_file_is_refused() -> None:
    def close_loop(d: dict) -> None:
        mixer = next(n["id"] for n in d["nodes"] if n["name"] == "mixer")
        join = next(n["id"] for n in d["nodes"] if n["name"] == "join")
        d["nodes"][[n["id"] for n in d["nodes"]].index(join)]["params"]["inputs"] = 3
        d["edges"].append({"source": mixer, "target": join, "port": 2})

    with pytest.raises(FormatError, match="would create a loop join -> mixer -> join"):
        loads(mutated(close_loop))


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "not valid JSON"),
        (b'{"format": ', "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"format": "netdesigner-graph", "version": NaN}', "NaN"),
        (b"[]", "expected a JSON object"),
        (b"\"__import__('os').system('echo owned')\"", "expected a JSON object"),
    ],
)
def test_malformed_bytes(raw: bytes, words: str) -> None:
    with pytest.raises(FormatError, match=words):
        loads(raw)


def test_unreadable_path_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read"):
        load(tmp_path / "missing.json")
    with pytest.raises(FormatError, match="cannot read"):
        load(tmp_path)


def test_truncated_files_never_crash() -> None:
    text = (SAMPLE_DIR / "residual_network.json").read_text()
    for cut in range(0, len(text), 37):
        with pytest.raises(FormatError):
            loads(text[:cut])


# --- fuzzing: thousands of mutated files, only Document or FormatError may come out -------------

# json.dumps cannot write these two: they are spliced into the text
HUGE_DIGITS = "__more than 4,300 digits__"
DEEP = "__nested 3,000 deep__"
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.sampled_from([10**400, -(10**400), 2**64, HUGE_DIGITS, float("inf"), float("nan"), "\ud800", "a\udfffb"]),
    st.floats(),
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cs", "Zs", "Po", "Lo"]), max_size=8),
    st.sampled_from(["__import__('os')", "x = 1; y", 'a"); import os; ("', "kernel_initializer", "Dense"]),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, (*prefix, i))


BASES = [json.loads(p.read_text()) for p in SAMPLES]


@st.composite
def mutated_files(draw) -> str:
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(list(paths(data))[1:]))
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "nest"]))
        if action == "delete":
            del parent[where[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[where[-1]]))
        elif action == "nest":
            parent[where[-1]] = DEEP
        else:
            parent[where[-1]] = draw(JSON_VALUE)
    text = json.dumps(data).replace(json.dumps(HUGE_DIGITS), "9" * 5000)
    text = text.replace(json.dumps(DEEP), "[" * 3000 + "]" * 3000)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] if draw(st.booleans()) else text
    return text


@pytest.mark.slow
@settings(max_examples=BUDGETS["file"])
@given(mutated_files())
def test_fuzzed_files_load_or_fail_cleanly(text: str) -> None:
    load_or_fail_cleanly(text)


def load_or_fail_cleanly(text: str) -> None:
    """Huge numbers, inf/nan, lone surrogates, control characters, deep nesting and code-like
    text anywhere in a valid file: our own error, or a document that can be checked, saved,
    exported (script and notebook, of the safe shape) and loaded again."""
    try:
        doc = loads(text)
    except FormatError as error:
        assert str(error)
        return
    assert isinstance(doc, Document)
    validate(doc.graph, infer(doc.graph))  # whatever loaded must also be checkable
    again = loads(dumps(doc).encode("utf-8"))
    try:
        script, notebook = export_script(again), export_notebook(again)
    except ExportError:
        return
    assert_safe_shape(script)
    notebook.encode("utf-8")
