"""Update the index from the corpus: ``python build_index.py [--full] [--corpus DIR] [--index DIR]``."""

import argparse
import logging
import sys
from pathlib import Path

from qa.build import build_index
from qa.embedding import load_embedder
from qa.errors import QAError
from qa.settings import Settings
from qa.tokenize import Tokenizer


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=settings.corpus_dir, help="article files (default: %(default)s)")
    parser.add_argument("--index", type=Path, default=settings.index_dir, help="index folder (default: %(default)s)")
    parser.add_argument("--full", action="store_true", help="rebuild everything instead of updating what changed")
    parser.add_argument(
        "--wait",
        type=float,
        default=settings.build_lock_timeout,
        metavar="SECONDS",
        help="how long to wait for another running build (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        summary = build_index(
            args.corpus,
            args.index,
            load_embedder(settings.model, settings.batch_size),
            Tokenizer(),
            settings.chunk_size,
            settings.chunk_overlap,
            show_progress=True,
            full=args.full,
            keep_versions=settings.keep_versions,
            lock_timeout=args.wait,
        )
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(summary.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
