"""Training runs kept beside the graph file, one numbered folder each, readable without the app.

``mlp.json`` keeps its runs in ``mlp.runs/``; run ``003`` holds ``run.json`` (what was trained:
settings, per-head losses, the fit plan, the data, the graph's fingerprint, the seed, the
outcome, final metrics, duration, device, what changed against the run before),
``history.csv``/``history.json`` (every epoch), ``graph.json`` (the graph and its settings as
trained: an ordinary graph file, which restoring a run opens again), and, when asked for,
``model.keras``, ``best.keras`` and TensorBoard ``logs/``. The editor and ``netdesigner train``
record runs the same way; ``netdesigner runs`` lists and compares them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from netdesigner.backend import run_claims
from netdesigner.backend.reports import write_history
from netdesigner.backend.training import TrainingRun, TrainResult
from netdesigner.core.bounded_read import MiB, read_text_bounded
from netdesigner.core.compile_plan import compile_plan
from netdesigner.core.errors import GraphError, in_words
from netdesigner.core.fileformat import Document, FormatError, dumps, load, to_dict, write_text_atomic
from netdesigner.core.run_changes import describe_changes, fingerprint
from netdesigner.samples import package_file
from netdesigner.user_dirs import data_dir

RUN_FILE, GRAPH_FILE, HISTORY_FILE, MODEL_FILE, LOGS = "run.json", "graph.json", "history.csv", "model.keras", "logs"
RUN_FORMAT = "netdesigner-run"
RUN_NUMBER = re.compile(r"[0-9]{1,9}")
MAX_RECORD_BYTES = 16 * MiB  # run.json, graph.json, history.csv: far more than a run writes


class RunError(GraphError):
    """A run that cannot be found, read or written."""


class Outcome(StrEnum):
    """How a run ended."""

    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass
class RunRecord:
    """One run as ``run.json`` says; ``history`` comes from ``history.csv``."""

    id: str
    name: str
    created: str
    outcome: Outcome
    message: str
    fingerprint: str
    seed: int
    settings: dict[str, Any]  # the graph file's training settings: optimizer and options, fit, callbacks, data
    heads: dict[str, dict[str, Any]]  # per head: loss, loss weight, metrics
    fit: dict[str, Any]  # what the run did: epochs asked and done, batch size, validation split
    data: str  # the data, in words
    final: dict[str, float]
    seconds: float
    device: str
    changes: str  # against the run before it
    history: dict[str, list[float]] = field(default_factory=dict, compare=False)
    folder: Path = field(default=Path(), compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["history"], data["folder"]
        return {"format": RUN_FORMAT, "version": 1, **data}

    def final_text(self, key: str) -> str:
        """A final metric as tables show it ("" when the run did not log it)."""
        value = self.final.get(key)
        return "" if value is None else f"{value:.4f}"

    @property
    def epochs_done(self) -> int:
        return max((len(v) for v in self.history.values()), default=0)


def store_for(graph_path: Path) -> RunStore:
    """The runs of the graph saved at ``graph_path``: beside it, except for the samples that come
    with netdesigner (their folder may be read-only, and is not the user's), whose runs are kept
    among the user's data."""
    shipped = package_file("sample_graphs")
    if graph_path.resolve().parent == shipped.resolve():
        return RunStore(data_dir() / "runs" / "samples" / graph_path.stem)
    return RunStore(graph_path.with_name(graph_path.stem + ".runs"))


class RunStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []  # run folders that could not be read, in words
        self.interrupted: list[str] = []  # runs that ended before they were recorded, in words

    def runs(self) -> list[RunRecord]:
        """Every readable run, oldest first; the unreadable ones are named in ``problems``, the
        interrupted ones (marked on this look) in ``interrupted``."""
        self.problems, self.interrupted = [], []
        found = []
        for folder in self._numbered():
            if (folder / RUN_FILE).exists():
                try:
                    found.append(read_run(folder))
                except RunError as error:
                    self.problems.append(str(error))
            elif not run_claims.still_training(folder):
                self.interrupted.append(run_claims.mark_interrupted(folder))
        return found

    def _numbered(self) -> list[Path]:
        """The run folders (named by number in ASCII digits, recorded or reserved), in number
        order. Anything else in the folder is not a run and is passed over: "²" counts as a
        digit for ``str.isdigit`` but is no number, and a link is never followed out."""
        try:
            entries = list(self.folder.iterdir()) if self.folder.is_dir() else []
        except OSError:
            return []
        numbered = [p for p in entries if RUN_NUMBER.fullmatch(p.name) and p.is_dir() and not p.is_symlink()]
        return sorted(numbered, key=lambda p: int(p.name))

    def find(self, key: str) -> RunRecord:
        """A run by its number ("3" or "003") or its name."""
        runs = self.runs()
        for run in runs:
            if key in (run.id, run.name) or RUN_NUMBER.fullmatch(key) and int(key) == int(run.id):
                return run
        known = ", ".join(f"{r.id} ({r.name})" for r in runs) or "none yet"
        raise RunError(f"there is no run {key!r} in {self.folder}", f"runs: {known}")

    def reserve(self) -> Path:
        """A new, empty, numbered folder for the run about to start (its checkpoint and
        TensorBoard logs go there while it trains)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        taken = self._numbered()
        number = int(taken[-1].name) + 1 if taken else 1
        while True:
            folder = self.folder / f"{number:03d}"
            try:
                folder.mkdir()
            except FileExistsError:  # another process recorded a run meanwhile
                number += 1
                continue
            run_claims.claim(folder)
            return folder

    def record(self, folder: Path, doc: Document, history: dict[str, list[float]], outcome: RunOutcome) -> RunRecord:
        """Write a finished (or stopped, or failed) run into its reserved folder."""
        before = self._last_graph(folder)
        graph_file = to_dict(doc)
        plan = compile_plan(doc.graph, doc.training)
        record = RunRecord(
            id=folder.name,
            name=f"run {int(folder.name)}",
            created=time.strftime("%Y-%m-%d %H:%M:%S"),
            outcome=outcome.outcome,
            message=outcome.message,
            fingerprint=fingerprint(doc.graph),
            seed=outcome.seed,
            settings=graph_file["training"],
            heads={
                h.name: {"loss": h.loss.name, "loss_weight": h.loss_weight, "metrics": [m.name for m in h.metrics]}
                for h in plan.heads
            },
            fit={
                "epochs": outcome.epochs,
                "batch_size": outcome.batch_size,
                "validation_split": doc.training.validation_split,
                "shuffle": doc.training.shuffle,
            },
            data=outcome.data,
            final={k: v[-1] for k, v in history.items() if v},
            seconds=round(outcome.seconds, 3),
            device=outcome.device,
            changes=describe_changes(before, graph_file),
            history=history,
            folder=folder,
        )
        record.fit["epochs_done"] = record.epochs_done
        write_text_atomic(folder / GRAPH_FILE, dumps(doc))
        write_history(history, folder)
        write_run(record)
        run_claims.release(folder)
        return record

    def _last_graph(self, folder: Path) -> dict[str, Any] | None:
        """The graph file of the latest run recorded before ``folder``'s, read as a graph file
        (None: there is none, or it is damaged: the new run is still recorded, as a first)."""
        earlier = [r for r in self.runs() if int(r.id) < int(folder.name)]
        try:
            return to_dict(load(earlier[-1].folder / GRAPH_FILE)) if earlier else None
        except FormatError:
            return None

    def rename(self, run_id: str, name: str) -> RunRecord:
        """A name other runs do not have, and that is not a run number (``find`` reads both)."""
        run = self.find(run_id)
        name = name.strip()
        if name.isdigit() or any(r.name == name for r in self.runs() if r.id != run.id):
            raise RunError(f"cannot name run {run.id} {name!r}", "a run's name must be new and not only digits")
        run.name = name or run.name
        write_run(run)
        return run

    def delete(self, run_id: str) -> None:
        shutil.rmtree(self.find(run_id).folder)

    def discard(self, folder: Path) -> None:
        """A reserved folder whose run trained nothing."""
        if folder.parent == self.folder and not (folder / RUN_FILE).exists():
            shutil.rmtree(folder, ignore_errors=True)

    def document(self, run_id: str) -> Document:
        """The graph and settings the run trained, to open again."""
        try:
            return load(self.find(run_id).folder / GRAPH_FILE)
        except FormatError as error:
            raise RunError(f"run {run_id}'s graph cannot be read: {error}") from None


@dataclass(frozen=True)
class RunOutcome:
    """What the training driver tells about a run, apart from its history."""

    outcome: Outcome
    seed: int
    epochs: int
    batch_size: int
    data: str
    seconds: float
    device: str
    message: str = ""


def record_run(store: RunStore, folder: Path, run: TrainingRun, result: TrainResult) -> RunRecord | None:
    """Record what ``run`` did in its reserved ``folder``; a run that trained no epoch leaves
    nothing (its folder is removed)."""
    if not any(result.history.values()):
        store.discard(folder)
        return None
    outcome = Outcome.FAILED if result.error else Outcome.STOPPED if result.stopped else Outcome.FINISHED
    told = RunOutcome(
        outcome, run.seed, run.epochs, run.batch_size, run.data.description, result.seconds, result.device, result.error
    )
    return store.record(folder, run.doc, result.history, told)


def write_run(record: RunRecord) -> None:
    write_text_atomic(record.folder / RUN_FILE, json.dumps(record.to_json(), indent=1, ensure_ascii=False) + "\n")


def read_run(folder: Path) -> RunRecord:
    """A run folder's record; a file that is not one, or has a field of the wrong kind (a
    hand-edited run.json), is a ``RunError`` naming the field. Its number is its folder's name."""
    data = _read_json(folder / RUN_FILE)
    if not isinstance(data, dict) or data.get("format") != RUN_FORMAT:
        raise RunError(f"{folder / RUN_FILE} is not a netdesigner run record")
    values: dict[str, Any] = {}
    hints = get_type_hints(RunRecord)
    for spec in fields(RunRecord):
        if spec.name in ("history", "folder", "id"):
            continue
        values[spec.name] = _field_value(folder / RUN_FILE, spec.name, hints[spec.name], data.get(spec.name))
    if not all(_finite(v) for v in values["final"].values()):
        raise RunError(f"{folder / RUN_FILE}: final holds something else than numbers")
    record = RunRecord(id=folder.name, **values, folder=folder)
    record.history = read_history(folder / HISTORY_FILE)
    return record


def _field_value(path: Path, name: str, hint: Any, value: Any) -> Any:
    """``value`` read as ``RunRecord`` declares the field ``name`` (its type hint is the
    schema): a hand-edited file's wrong kind of value is a ``RunError`` naming the field."""
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        if not isinstance(value, str) or value not in {member.value for member in hint}:
            raise RunError(f"{path}: {name} is missing or not one of {', '.join(hint)}")
        return hint(value)
    kind, words = _KINDS.get(get_origin(hint) or hint, (hint, "a value"))
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise RunError(f"{path}: {name} is missing or not {words}")
    if hint is float and not _finite(value):
        raise RunError(f"{path}: {name} is not a finite number")
    return value


def _finite(value: Any) -> bool:
    """A number a table can show: 10**400 is an int, but no float."""
    try:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    except OverflowError:
        return False


_KINDS: dict[Any, tuple[type | tuple[type, ...], str]] = {
    str: (str, "text"),
    int: (int, "a whole number"),
    dict: (dict, "an object"),
    float: ((int, float), "a number"),
}


def read_history(path: Path) -> dict[str, list[float]]:
    """``history.csv``: an epoch column, then one column per metric (an empty cell: not logged)."""
    try:
        rows = list(csv.reader(io.StringIO(read_text_bounded(path, MAX_RECORD_BYTES), newline="")))
        keys = rows[0][1:] if rows else []
        history: dict[str, list[float]] = {k: [] for k in keys}
        for row in rows[1:]:
            for key, cell in zip(keys, row[1:], strict=False):
                if cell != "":
                    history[key].append(float(cell))
        return history
    except (OSError, ValueError, IndexError, csv.Error) as error:  # UnicodeDecodeError is a ValueError
        raise RunError(f"{path} cannot be read: {in_words(error)}") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(read_text_bounded(path, MAX_RECORD_BYTES))
    except RecursionError:
        raise RunError(f"{path} cannot be read: it is nested too deeply") from None
    except (OSError, ValueError) as error:
        raise RunError(f"{path} cannot be read: {in_words(error)}") from None
