"""What the benchmarks share: a work folder, the sentence pool, the model, the tokenizer, composed indexes."""

import logging
import shutil
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bench.corpus import Composer, Pool, articles_for, load_pool, write_corpus
from bench.seed import composer_for, seed_cache
from qa.embedders.factory import load_embedder
from qa.embedders.protocol import Embedder
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.indexing.summary import BuildSummary
from qa.settings import Settings
from qa.text.segmentation import Tokenizer

logger = logging.getLogger(__name__)


@dataclass
class Context:
    work: Path
    cache_dir: Path
    model: str = "m3e-small"
    settings: Settings = field(default_factory=Settings)
    threads: int = field(default_factory=lambda: __import__("torch").get_num_threads())  # before any limit

    @cached_property
    def pool(self) -> Pool:
        return load_pool()

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        return load_embedder(self.model, batch_size=s.batch_size, quantize=s.quantize, backend=s.backend)

    @cached_property
    def tokenizer(self) -> Tokenizer:
        return Tokenizer()

    @cached_property
    def composer(self) -> Composer:
        return composer_for(self.pool, self.embedder, self.tokenizer, self.cache_dir)

    def composed_index(self, chunks: int) -> tuple[Path, Path, BuildSummary, float]:
        """A corpus of about ``chunks`` real-text chunks and its index, built through the ordinary build
        with composed vectors and tokens seeded in its cache (nothing embedded). Kept for reuse."""
        corpus, index = self.work / f"corpus-{chunks}", self.work / f"index-{chunks}"
        if chunks in self._summaries:
            return corpus, index, self._summaries[chunks], 0.0
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
        records = articles_for(
            self.pool, chunks, chunk_size=self.settings.chunk_size, overlap=self.settings.chunk_overlap
        )
        write_corpus(corpus, records)
        started = time.perf_counter()
        seed_cache(
            index, records, self.composer, self.embedder.space, self.settings.chunk_size, self.settings.chunk_overlap
        )
        seeded = time.perf_counter() - started
        summary = build_index(
            corpus,
            index,
            self.embedder,
            self.tokenizer,
            BuildOptions.from_settings(self.settings),
        )
        if summary.embedded:
            raise RuntimeError(f"the composed {chunks}-chunk index embedded {summary.embedded} chunks")
        logger.info(
            "composed index of %d chunks: seeded in %.1f s, built in %.1f s", summary.chunks, seeded, summary.seconds
        )
        self._summaries[chunks] = summary
        return corpus, index, summary, seeded

    @cached_property
    def _summaries(self) -> dict[int, BuildSummary]:
        return {}
