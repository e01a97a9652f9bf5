"""The embedder a setting names: ``QA_MODEL`` on ``QA_BACKEND`` with ``QA_QUANTIZE``."""

from typing import TYPE_CHECKING

from qa.embedders.hashing import HASH_MODEL, HashEmbedder
from qa.embedders.protocol import Embedder

if TYPE_CHECKING:
    from qa.settings import Settings


def load_embedder(
    name: str, *, batch_size: int = 32, quantize: str = "none", backend: str = "torch", threads: int = 0
) -> Embedder:
    """The embedder for a ``QA_MODEL`` value; ``hash-test`` is the model-free fake (tests, benchmarks).

    ``backend`` ``onnx`` runs the model on ONNX Runtime (``qa.embedders.onnx``) with ``threads`` threads
    (0: its default); ``torch`` runs it in sentence-transformers."""
    if name == HASH_MODEL:
        return HashEmbedder(name=HASH_MODEL)
    if backend == "onnx":
        from qa.embedders.onnx import OnnxEmbedder

        return OnnxEmbedder(name, batch_size=batch_size, quantize=quantize, threads=threads)
    if backend != "torch":
        raise ValueError(f"backend must be 'torch' or 'onnx', got {backend!r}")
    from qa.embedders.sbert import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, batch_size=batch_size, quantize=quantize)


def embedder_from_settings(settings: "Settings", *, threads: int = 0) -> Embedder:
    """The configured model, as builds (``threads`` 0) and servers (``QA_SERVE_THREADS``) load it."""
    return load_embedder(
        settings.model,
        batch_size=settings.batch_size,
        quantize=settings.quantize,
        backend=settings.backend,
        threads=threads,
    )
