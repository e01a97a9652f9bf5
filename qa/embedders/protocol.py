"""What an embedder is: the protocol every model runtime implements, and optional features a build uses."""

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dimension: int
    # Which vectors are comparable with this embedder's: the model, plus runtime and quantisation when those
    # change the vectors (int8). A build reuses stored vectors only of the same space.
    space: str

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...


@runtime_checkable
class BatchEmbedder(Protocol):
    """An embedder that works on several batches at once (``qa.embedders.ray.RayEmbedder``): a build hands it
    all its batches and commits each one's vectors as they arrive, in order."""

    def encode_batches(self, batches: list[list[str]]) -> Iterator[np.ndarray]: ...


@runtime_checkable
class ClosableEmbedder(Protocol):
    """An embedder holding resources beyond the process (a Ray cluster connection, actors) to release."""

    def close(self) -> None: ...


def vector_space(model: str, backend: str, quantize: str) -> str:
    """The ``Embedder.space`` of ``model`` run this way: float weights give the same vectors on either
    runtime (within 1e-5); int8 weights are quantised differently by each."""
    return model if quantize == "none" else f"{model} ({backend}, {quantize})"
