"""One training run as a small state machine, owned by one controller.

The controller loads the data and trains on a plain thread through the same driver as
``netdesigner train``, and runs the jobs that need the trained model (evaluate, predict, save)
on helper threads. Every outcome, an unexpected exception at any stage included, becomes a
signal: the dock never waits on a thread that died silently.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6 import QtCore

from netdesigner.backend.data import Dataset, load_dataset
from netdesigner.backend.training import TrainEvent, TrainingRun, TrainKind, TrainResult
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import Document
from netdesigner.core.inference import InputsKey

BATCH_EVENT_SECONDS = 0.05


class RunState(StrEnum):
    IDLE = "idle"
    LOADING = "loading"
    TRAINING = "training"
    PAUSED = "paused"
    STOPPING = "stopping"
    FINISHED = "finished"
    FAILED = "failed"

    @property
    def active(self) -> bool:
        """A run is under way: the model it trains must not change."""
        return self in (RunState.LOADING, RunState.TRAINING, RunState.PAUSED, RunState.STOPPING)


@dataclass(frozen=True)
class JobOutcome:
    """What a job on the trained model gave: ``value``, or ``error`` in words; ``generation``
    tells an outcome of the current model from a late one of a model since forgotten."""

    job: str
    generation: int
    value: Any = None
    error: str = ""


class RunController(QtCore.QObject):
    state_changed = QtCore.Signal(RunState)
    progress = QtCore.Signal(TrainEvent)  # batch events at most every BATCH_EVENT_SECONDS
    job_done = QtCore.Signal(JobOutcome)
    _ended = QtCore.Signal(TrainResult, str)  # the result and its failure message ("" if none)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.state = RunState.IDLE
        self.result: TrainResult | None = None
        self.data: Dataset | None = None
        self.doc: Document | None = None  # the snapshot that was (or is being) trained
        self.trained_keys: dict[str, InputsKey] = {}  # what each node of the trained graph was built from
        self.generation = 0  # counts runs and resets: a job's outcome belongs to one
        self._jobs: list[threading.Thread] = []
        self._jobs_running = 0
        self.out_dir: Path | None = None
        self.error = ""
        self._run: TrainingRun | None = None
        self._thread: threading.Thread | None = None
        self._stop_asked = False
        self._ended.connect(self._on_ended)
        self.progress.connect(self._follow)  # queued: the state changes on the GUI thread
        self.job_done.connect(self._job_ended)  # first of job_done's slots: views then see it idle

    # --- the run ---------------------------------------------------------------------------------

    def start(
        self, doc: Document, keys: dict[str, InputsKey], device: str | None, out_dir: Path, start_from: Any = None
    ) -> None:
        """Train ``doc`` (a snapshot the editor no longer touches) on the data it names;
        ``keys`` (the editor's inference keys of the same graph) later tell whether the graph on
        screen is still the one trained; ``start_from``: a trained model to train on from."""
        if self.state.active:
            return
        self.doc, self.out_dir, self.result, self.data, self.error = doc, out_dir, None, None, ""
        self.trained_keys, self._run = keys, None
        self.generation += 1
        self._stop_asked = False
        self._set_state(RunState.LOADING)
        spec = doc.training.data_spec()
        self._thread = threading.Thread(target=self._work, args=(spec, device, start_from), name="netdesigner-training")
        self._thread.daemon = True
        self._thread.start()

    def _work(self, spec: dict[str, Any], device: str | None, start_from: Any) -> None:
        """The training thread: whatever happens, it ends by emitting ``_ended``."""
        assert self.doc is not None
        try:
            self.data = load_dataset(self.doc.graph, spec)
            if self._stop_asked:  # Stop pressed while the data loaded: train nothing
                self._ended.emit(TrainResult({}, stopped=True), "")
                return
            self._run = TrainingRun(
                self.doc,
                self.data,
                self.progress.emit,
                device=device,
                out_dir=self.out_dir,
                batch_event_seconds=BATCH_EVENT_SECONDS,
                start_from=start_from,
            )
            if self._stop_asked:  # pressed while the run was being set up
                self._run.stop()
            result = self._run.run()
            self._ended.emit(result, result.error)
        except GraphError as error:  # data that cannot be loaded or does not fit
            self._ended.emit(TrainResult({}, error=str(error)), str(error))
        except Exception as error:  # a bug or a broken install: said, never swallowed
            message = (
                f"{'loading the data' if self.data is None else 'training'} failed: {type(error).__name__}: {error}"
            )
            self._ended.emit(TrainResult({}, error=message), message)

    @QtCore.Slot(TrainResult, str)
    def _on_ended(self, result: TrainResult, error: str) -> None:
        self.result, self.error = result, error
        self._thread = None
        self._set_state(RunState.FAILED if error else RunState.FINISHED)

    @QtCore.Slot(TrainEvent)
    def _follow(self, event: TrainEvent) -> None:
        """The state follows the driver's events."""
        following = {
            TrainKind.STARTED: RunState.TRAINING,
            TrainKind.RESUMED: RunState.TRAINING,
            TrainKind.PAUSED: RunState.PAUSED,
        }
        if event.kind in following and self.state.active and self.state is not RunState.STOPPING:
            self._set_state(following[event.kind])

    def stop(self) -> None:
        if self.state.active:
            self._stop_asked = True
            if self._run is not None:
                self._run.stop()
            self._set_state(RunState.STOPPING)

    def pause(self, paused: bool) -> None:
        if self._run is not None and self.state in (RunState.TRAINING, RunState.PAUSED):
            self._run.pause() if paused else self._run.resume()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop a run and wait for it and for the jobs (a model being saved) to end: the window
        is closing."""
        thread = self._thread
        self.stop()
        for waited in [thread, *self._jobs]:
            if waited is not None:
                waited.join(timeout)

    def reset(self) -> None:
        """Forget the last run (another graph was opened)."""
        if not self.state.active:
            self.result, self.data, self.doc, self.trained_keys, self.error = None, None, None, {}, ""
            self.generation += 1
            self._set_state(RunState.IDLE)

    def _set_state(self, state: RunState) -> None:
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state)

    # --- jobs on the trained model --------------------------------------------------------------

    @property
    def run(self) -> TrainingRun | None:
        """The driver of the last run (None when its data could not be loaded)."""
        return self._run

    @property
    def model(self) -> Any:
        return None if self.result is None else self.result.model

    @property
    def busy(self) -> bool:
        """A job is using the model (Keras models are not safe to use from two threads)."""
        return self._jobs_running > 0

    @QtCore.Slot(JobOutcome)
    def _job_ended(self, outcome: JobOutcome) -> None:
        self._jobs_running -= 1
        self._jobs = [t for t in self._jobs if t.is_alive()]

    def run_job(self, job: str, work: Callable[[Any, Dataset, Document], Any]) -> None:
        """``work(model, data, doc)`` on a helper thread; its value or failure reaches ``job_done``."""
        model, data, doc, generation = self.model, self.data, self.doc, self.generation
        if model is None or data is None or doc is None or self.busy:
            return

        def run() -> None:
            try:
                self.job_done.emit(JobOutcome(job, generation, value=work(model, data, doc)))
            except Exception as error:  # reported in the dock, never raised
                self.job_done.emit(JobOutcome(job, generation, error=f"{job} failed: {error}"))

        thread = threading.Thread(target=run, name=f"netdesigner-{job}", daemon=True)
        self._jobs.append(thread)
        self._jobs_running += 1
        thread.start()
