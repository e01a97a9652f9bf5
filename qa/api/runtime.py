"""Process-wide compute settings of a server process: how many threads torch and FAISS use.

A question is one short sequence through a small model and one probe of an index: splitting that
over threads costs more in hand-offs than it saves, and when the cores are busy (several workers,
other processes) threads that spin waiting for each other make it many times slower (measured
here: 12 ms with one thread, 290 ms with two on a loaded 2-core machine). Workers, not threads,
use the cores.
"""

import logging

logger = logging.getLogger(__name__)


def limit_threads(threads: int) -> None:
    """Use ``threads`` compute threads in torch and FAISS in this process (0: leave their defaults)."""
    if threads < 0:
        raise ValueError(f"threads must be >= 0, got {threads}")
    if threads == 0:
        return
    import faiss
    import torch

    torch.set_num_threads(threads)
    faiss.omp_set_num_threads(threads)
    logger.info("compute threads per process: %d", threads)
