"""ImageNet weights of the pretrained backbones: found in Keras's cache, or fetched into it first.

Keras downloads an application's weights itself on first use, printing to a terminal nobody
sees and failing offline with a network traceback. So before a model with a backbone is built,
each weights file it needs is fetched here into the very place Keras looks (``KERAS_HOME`` or
``~/.keras``, then ``/tmp/.keras`` where that cannot be written, under ``models/``), with
progress reported to the training view; Keras then finds it there and checks its hash. Offline,
the run stops before it starts, with what to do.
"""

from __future__ import annotations

import os
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netdesigner.core.errors import GraphError
from netdesigner.core.graph import Graph
from netdesigner.core.inference import infer
from netdesigner.core.layers.backbones import FAMILIES, Family
from netdesigner.core.spec import Builds

CHUNK = 1 << 18
TIMEOUT_SECONDS = 30
Progress = Callable[["WeightsFile", int, int | None], None]  # file, bytes received, size if known


class WeightsUnavailable(GraphError):
    """The ImageNet weights are neither cached nor reachable."""


class DownloadStopped(GraphError):
    """The user stopped the run while weights were downloading."""


@dataclass(frozen=True)
class WeightsFile:
    family: Family
    url: str
    path: Path  # where Keras looks for it

    @property
    def cached(self) -> bool:
        return self.path.is_file()


def keras_cache() -> Path:
    """Keras's download folder, chosen as ``keras.utils.get_file`` chooses it."""
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()
    writable = os.access(home, os.W_OK) if home.exists() else os.access(home.parent, os.W_OK)
    return (home if writable else Path(tempfile.gettempdir()) / ".keras") / "models"


def weights_needed(graph: Graph) -> list[WeightsFile]:
    """The ImageNet weights files the graph's backbones load (once each), cached or not."""
    result = infer(graph)
    needed: dict[str, WeightsFile] = {}
    for node in graph.nodes.values():
        if node.spec.builds is not Builds.APPLICATION or node.params.get("weights") != "imagenet":
            continue
        edge = graph.input_edges(node.id).get(0)
        shape = result.infos[edge.source].shape if edge else None
        family = FAMILIES[node.params["family"]]
        name = family.weights_file(shape or ())
        needed.setdefault(name, WeightsFile(family, family.weights_url(shape or ()), keras_cache() / name))
    return list(needed.values())


def fetch_weights(graph: Graph, progress: Progress, stop: threading.Event | None = None) -> None:
    """Download every weights file the graph needs and Keras has not cached yet."""
    for file in weights_needed(graph):
        if not file.cached:
            _download(file, progress, stop or threading.Event())


def _download(file: WeightsFile, progress: Progress, stop: threading.Event) -> None:
    file.path.parent.mkdir(parents=True, exist_ok=True)
    partial = file.path.with_name(file.path.name + ".part")
    try:
        with urllib.request.urlopen(file.url, timeout=TIMEOUT_SECONDS) as response, partial.open("wb") as out:
            size = int(response.headers.get("Content-Length") or 0) or None
            received = 0
            progress(file, received, size)
            while chunk := response.read(CHUNK):
                if stop.is_set():
                    raise DownloadStopped("stopped while the ImageNet weights were downloading")
                out.write(chunk)
                received += len(chunk)
                progress(file, received, size)
        partial.replace(file.path)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise WeightsUnavailable(
            f"the ImageNet weights for {file.family.name} are not in the Keras cache and there is no "
            f"network ({_reason(error)})",
            "connect once (they are kept in the Keras cache), or choose weights: none",
        ) from error
    finally:
        partial.unlink(missing_ok=True)


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason).strip() or type(error).__name__
