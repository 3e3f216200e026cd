"""The training driver shared by the editor's worker thread and ``netdesigner train``.

It builds and compiles the model exactly as exported code does, fits it with one extra
callback that reports batch and epoch events and honours a stop request at the end of the
current batch, and turns every failure (a NaN loss, data that does not fit, an exception in
Keras, running out of memory) into a ``failed`` event with a plain message instead of a crash.
No Qt here: the GUI connects ``on_event`` to a signal.
"""

from __future__ import annotations

import importlib.util
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from netdesigner.backend.carry_weights import carry_weights
from netdesigner.backend.data import Dataset
from netdesigner.backend.data_checks import check_split, split_sizes
from netdesigner.backend.data_values import check_backend, model_input, text_array
from netdesigner.backend.devices import has_gpu, is_gpu, training_device
from netdesigner.backend.pretrained_weights import DownloadStopped, WeightsFile, fetch_weights
from netdesigner.core.compile_plan import compile_plan
from netdesigner.core.errors import GraphError
from netdesigner.core.fileformat import Document
from netdesigner.core.fit_plan import FitPlan, adapting_nodes, fit_plan, writes_files
from netdesigner.core.graph import Graph


class TrainKind(StrEnum):
    """What a training event reports, in the order a run goes through them."""

    DOWNLOAD = "download"  # pretrained weights, before the start
    STARTED = "started"
    BATCH = "batch"
    EPOCH = "epoch"
    PAUSED = "paused"
    RESUMED = "resumed"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class TrainEvent:
    """One event of a run. ``seconds`` counts training time only: time spent paused is left out."""

    kind: TrainKind
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    batches: int = 0
    logs: dict[str, float] = field(default_factory=dict)
    message: str = ""
    seconds: float = 0.0
    device: str = ""  # on "started": what the run computes on, in words
    received: int = 0  # on "download": bytes of pretrained weights received so far
    size: int = 0  # on "download": the file's size in bytes, 0 while unknown


@dataclass
class TrainResult:
    history: dict[str, list[float]]
    model: Any = None
    stopped: bool = False
    error: str = ""
    seconds: float = 0.0  # training time, pauses left out
    device: str = ""  # what it computed on, in words


class TrainingRun:
    def __init__(
        self,
        doc: Document,
        data: Dataset,
        on_event: Callable[[TrainEvent], None],
        epochs: int | None = None,
        batch_size: int | None = None,
        device: str | None = None,
        out_dir: Path | None = None,
        seed: int | None = None,
        batch_event_seconds: float = 0.0,
        start_from: Any = None,
    ) -> None:
        self.doc, self.data, self.on_event = doc, data, on_event
        self.start_from = start_from  # a trained model whose weights this run trains on from
        # Batch events at most this often (the last batch of an epoch always): a view that draws
        # 20 a second need not have Keras's logs read and converted after every batch.
        self.batch_event_seconds = batch_event_seconds
        self.epochs = epochs or doc.training.epochs
        self.batch_size = batch_size or doc.training.batch_size
        self.seed = doc.training.seed if seed is None else seed
        self.device = device  # e.g. "cpu:0" to leave a GPU alone; None lets Keras choose
        self.out_dir = out_dir  # where checkpoints and TensorBoard logs go, when asked for
        self._stop = threading.Event()
        self._go = threading.Event()  # cleared while paused
        self._go.set()
        self._started = 0.0
        self._paused_seconds = 0.0
        self.device_used = ""  # in words, once the run has started

    def stop(self) -> None:
        """Ask training to end after the current batch; the weights trained so far are kept.
        A paused run ends too."""
        self._stop.set()
        self._go.set()

    def pause(self) -> None:
        """Hold training at the end of the current batch until ``resume`` or ``stop``."""
        if not self._stop.is_set():
            self._go.clear()

    def resume(self) -> None:
        self._go.set()

    def elapsed(self) -> float:
        """Seconds spent training so far, pauses left out."""
        return time.perf_counter() - self._started - self._paused_seconds

    def _hold_if_paused(self, epoch: int, batch: int, batches: int) -> None:
        """Called between batches on the training thread: wait, without holding the
        interpreter, while the user has paused."""
        if self._go.is_set():
            return

        def event(kind: TrainKind) -> TrainEvent:
            return TrainEvent(
                kind, epoch=epoch, epochs=self.epochs, batch=batch, batches=batches, seconds=self.elapsed()
            )

        self.on_event(event(TrainKind.PAUSED))
        waiting_since = time.perf_counter()
        self._go.wait()
        self._paused_seconds += time.perf_counter() - waiting_since
        if not self._stop.is_set():
            self.on_event(event(TrainKind.RESUMED))

    def run(self) -> TrainResult:
        self._started = time.perf_counter()
        result = self._guarded()
        result.seconds, result.device = self.elapsed(), self.device_used
        return result

    def _guarded(self) -> TrainResult:
        try:
            return self._run()
        except GraphError as error:
            return self._fail(str(error))
        except MemoryError:
            return self._fail("out of memory: use a smaller batch size or a smaller model")
        except Exception as error:  # any failure inside Keras is reported, never raised at the user
            text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            if "OOM" in text or "out of memory" in text.lower():
                text = f"out of memory ({text}): use a smaller batch size or a smaller model"
            return self._fail(f"training failed: {text}")

    def _fail(self, message: str) -> TrainResult:
        self.on_event(TrainEvent(TrainKind.FAILED, message=message, seconds=self.elapsed()))
        return TrainResult({}, error=message)

    def _run(self) -> TrainResult:
        import keras

        from netdesigner.backend.builder import RANDOM_STATE

        with RANDOM_STATE:  # seeded here, then built, compiled, adapted and fitted: nothing may reseed
            if self.device is None:
                return self._fit()
            with keras.device(self.device):
                return self._fit()

    def _fit(self) -> TrainResult:
        import keras

        from netdesigner.backend.builder import build_model
        from netdesigner.backend.compiler import compile_model

        check_backend(self.doc.graph)
        validation = fit_split(self.data, self.doc.training.validation_split)
        check_split(self.data.samples, validation)
        validating = validation > 0 or self.data.validation is not None
        plan = replace(
            fit_plan(self.doc.training, validating), epochs=self.epochs, batch_size=self.batch_size, seed=self.seed
        )
        try:
            fetch_weights(self.doc.graph, self._downloading, self._stop)
        except DownloadStopped:
            self.on_event(TrainEvent(TrainKind.STOPPED, seconds=self.elapsed()))
            return TrainResult({}, stopped=True)
        mixed, precision_note = self._mixed_precision()
        keras.utils.set_random_seed(plan.seed)  # then build, compile, adapt, fit: the exported order
        model = build_model(self.doc.graph, mixed_precision=mixed)
        compile_model(model, compile_plan(self.doc.graph, self.doc.training))
        x, y = self.data.fit_arguments()
        train_samples, _ = split_sizes(self.data.samples, validation)
        adapt_preprocessing(model, self.doc.graph, x, train_samples)
        carried = "" if self.start_from is None else self._carry(model)
        batches = max(1, math.ceil(train_samples / plan.batch_size))
        self.device_used = training_device(self.device)
        # On an accelerator, reporting waits for nothing: Keras dispatches it on a helper thread
        # while the next batch is queued (waiting for each batch's numbers cost 5-15% on a GPU).
        reporter = _reporter(self, batches, asynchronous=self._on_accelerator())
        self.on_event(
            TrainEvent(
                TrainKind.STARTED,
                epochs=self.epochs,
                batches=batches,
                message=f"training on {self.data.description}{precision_note}{carried}",
                device=self.device_used,
            )
        )
        history = model.fit(
            x,
            y,
            epochs=plan.epochs,
            batch_size=plan.batch_size,
            validation_split=validation,
            validation_data=self.data.validation.fit_arguments() if self.data.validation is not None else None,
            shuffle=plan.shuffle,
            callbacks=[reporter, *self._callbacks(plan)],
            verbose=0,
        )
        logs = {k: [float(v) for v in values] for k, values in history.history.items()}
        seconds = self.elapsed()
        if reporter.nan_at is not None:
            message = (
                f"the loss became {reporter.nan_at} at epoch {reporter.epoch + 1}: training stopped. "
                "Try a lower learning rate, normalized inputs, or a different loss"
            )
            self.on_event(TrainEvent(TrainKind.FAILED, message=message, seconds=seconds))
            return TrainResult(logs, model, error=message)
        kind = TrainKind.STOPPED if self._stop.is_set() else TrainKind.FINISHED
        self.on_event(
            TrainEvent(
                kind,
                epoch=reporter.epoch + 1,
                epochs=self.epochs,
                seconds=seconds,
                logs={k: v[-1] for k, v in logs.items()},
            )
        )
        return TrainResult(logs, model, stopped=kind is TrainKind.STOPPED)

    def _carry(self, model: Any) -> str:
        carried = carry_weights(self.start_from, model)
        if not carried:
            raise GraphError(
                "no layer of the last run matches this graph, so there are no weights to start from",
                "untick 'start from the last run's weights' to train from the start",
            )
        return f", on from the last run's weights ({len(carried)} layer{'s' if len(carried) > 1 else ''})"

    def _downloading(self, file: WeightsFile, received: int, size: int | None) -> None:
        message = f"downloading the ImageNet weights of {file.family.name} (once: Keras keeps them)"
        self.on_event(TrainEvent(TrainKind.DOWNLOAD, message=message, received=received, size=size or 0))

    def _on_accelerator(self) -> bool:
        return (self.device is None or is_gpu(self.device)) and has_gpu()

    def _mixed_precision(self) -> tuple[bool, str]:
        """Whether to build in mixed precision, and a note for the user. Asked for on a
        machine (or a forced CPU) without a GPU, it would only slow training down: fall back."""
        if not self.doc.training.mixed_precision:
            return False, ""
        if self._on_accelerator():
            return True, " in mixed precision (float16 math, float32 weights)"
        return False, " in float32 (mixed precision needs a GPU)"

    def _callbacks(self, plan: FitPlan) -> list[Any]:
        """The plan's Keras callbacks; those that write files need the run's output folder."""
        callbacks = [c for c in plan.callbacks if self.out_dir is not None or not writes_files(c)]
        if any(c.name == "TensorBoard" for c in callbacks) and importlib.util.find_spec("tensorboard") is None:
            raise GraphError("TensorBoard logs need the tensorboard package", "pip install tensorboard")
        if self.out_dir is not None and any(writes_files(c) for c in callbacks):
            self.out_dir.mkdir(parents=True, exist_ok=True)
        from netdesigner.backend.compiler import instantiate

        return [instantiate(c, self.out_dir) for c in callbacks]


def adapt_preprocessing(model: Any, graph: Graph, x: Any, train_samples: int) -> None:
    """Layers that adapt (Normalization's statistics, a lookup's vocabulary, Discretization's
    bins) learn from the training samples only (the held-out ones stay unseen), in graph order,
    as the exported script does."""
    import keras

    train_x = [a[:train_samples] for a in x] if isinstance(x, list) else x[:train_samples]
    for node in adapting_nodes(graph):
        layer = model.get_layer(node.name)
        feeder = keras.Model(model.inputs, layer.input)
        try:
            layer.adapt(feeder.predict(train_x, verbose=0))
        except RuntimeError as error:  # Keras: a vocabulary of another size than the model was built for
            raise GraphError(
                f"{node.name} cannot learn from this data: {str(error).strip().splitlines()[0]}",
                "a vocabulary_size set in the graph must be what the data gives: empty it, and set "
                "max_tokens with pad_to_max_tokens to fix the output size instead",
            ) from None


def _reporter(run: TrainingRun, batches: int, asynchronous: bool = False) -> Any:
    """A Keras callback that forwards progress and ends training at the end of a batch when
    asked to stop or when the loss is no longer a finite number. Pauses and stops are also
    honoured before each batch, on the training loop itself, so that they work when Keras runs
    the reporting ``asynchronous``-ly on its helper thread. (Defined here because the Keras base
    class may only be imported lazily.)"""
    import keras

    class Reporter(keras.callbacks.Callback):
        async_safe = asynchronous  # Keras's flag: batch-end hooks may run off the training loop

        def __init__(self, run: TrainingRun, batches: int) -> None:
            super().__init__()
            self.run, self.batches = run, batches
            self.epoch = 0
            self.nan_at: str | None = None
            self.reported: float | None = None  # when the last batch event was sent (perf_counter's
            # zero is arbitrary, boot time on Linux: no number stands for "never")

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            done, now = batch + 1, time.perf_counter()
            due = self.reported is None or now - self.reported >= self.run.batch_event_seconds
            if done == self.batches or due:
                self.reported = now
                self._report(done, logs)
            if not asynchronous:  # on the loop: hold or stop right after this batch
                self._hold_or_stop(done)

        def _report(self, done: int, logs: dict[str, Any] | None) -> None:
            """Keras's batch logs are running means over the epoch: a NaN or infinite loss
            stays in them, so checking only the batches reported still stops the run, at the
            latest at the end of the epoch."""
            values = {k: float(v) for k, v in (logs or {}).items()}
            loss = values.get("loss")
            if loss is not None and not math.isfinite(loss):
                self.nan_at = "NaN" if math.isnan(loss) else "infinite"
                self.model.stop_training = True
            self.run.on_event(
                TrainEvent(
                    TrainKind.BATCH,
                    epoch=self.epoch + 1,
                    epochs=self.run.epochs,
                    batch=done,
                    batches=self.batches,
                    logs=values,
                    seconds=self.run.elapsed(),
                )
            )

        def on_train_batch_begin(self, batch, logs=None):
            if asynchronous:  # the batch-end hook runs elsewhere: the loop holds or stops here
                self._hold_or_stop(batch)

        def _hold_or_stop(self, done: int) -> None:
            self.run._hold_if_paused(self.epoch + 1, done, self.batches)
            if self.run._stop.is_set():  # after any pause: a stop asked meanwhile counts now
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items()}
            self.run.on_event(
                TrainEvent(
                    TrainKind.EPOCH,
                    epoch=epoch + 1,
                    epochs=self.run.epochs,
                    batches=self.batches,
                    logs=logs,
                    seconds=self.run.elapsed(),
                )
            )

    return Reporter(run, batches)


MIN_SAMPLES_TO_SPLIT = 10


def fit_split(data: Dataset, validation_split: float) -> float:
    """The ``validation_split`` passed to ``fit``: none when the data brings a separate
    validation set, or is too small to spare samples for one."""
    if data.validation is not None or data.samples < MIN_SAMPLES_TO_SPLIT:
        return 0.0
    return validation_split


def holdout(data: Dataset, validation_split: float) -> tuple[Any, Any]:
    """The validation ``x, y``: the separate set, else what ``fit(validation_split=...)`` held
    out (all data when none was)."""
    if data.validation is not None:
        return data.validation.fit_arguments()
    x, y = data.fit_arguments()
    held = split_sizes(data.samples, fit_split(data, validation_split))[1]
    if not held:
        return x, y

    def tail(value: Any) -> Any:
        return [v[-held:] for v in value] if isinstance(value, list) else value[-held:]

    return tail(x), tail(y)


def evaluate(model: Any, data: Dataset, validation_split: float, batch_size: int = 32) -> dict[str, float]:
    """Loss and metrics on the held-out part of the data."""
    x, y = holdout(data, validation_split)
    scores = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    return {k: float(v) for k, v in scores.items()}


def predict_file(model: Any, source: Path, batch_size: int = 256, target: Path | None = None) -> Path:
    """Predictions for the arrays of a ``.npz`` file (named after the model's inputs, or ``x``),
    computed in batches and saved as ``target`` (default: ``<name>_predictions.npz`` beside it),
    one array per output, named after it."""
    import numpy as np

    from netdesigner.backend.data import DataError, read_npz

    inputs = [tensor.name for tensor in model.inputs]
    arrays = read_npz(source)
    names = [name if name in arrays else "x" for name in inputs]
    if any(name not in arrays for name in names) or (len(inputs) > 1 and "x" in names):
        raise DataError(
            f"{source.name} has no array for {', '.join(inputs)}",
            f"name the arrays after the model's inputs ({', '.join(sorted(arrays))} found)",
        )
    text = [tensor.dtype == "string" for tensor in model.inputs]  # given as Keras takes text
    x = [model_input(text_array(arrays[n], n)) if t else arrays[n] for n, t in zip(names, text, strict=True)]
    outputs = model.predict(x[0] if len(x) == 1 else x, batch_size=batch_size, verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    target = target or source.with_name(f"{source.stem}_predictions.npz")
    np.savez(target, **dict(zip(model.output_names, outputs, strict=True)))
    return target


@dataclass
class Predictions:
    """The first input and first head on the held-out data: what the predictions view shows."""

    x: Any
    y_true: Any
    y_pred: Any
    loss: str


def predict(model: Any, data: Dataset, validation_split: float, loss: str, batch_size: int = 256) -> Predictions:
    x, y = holdout(data, validation_split)
    outputs = model.predict(x, batch_size=batch_size, verbose=0)
    first = lambda value: value[0] if isinstance(value, list) else value  # noqa: E731
    return Predictions(first(x), first(y), first(outputs), loss)
