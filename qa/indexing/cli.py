"""Update the index from the corpus: ``newsqa build`` / ``python build_index.py [--full] [--corpus DIR] [--index DIR]
[--ray [ADDR]]``.

``--check FILE...`` only shows what the parser finds in those files (qa/ingest/check.py), as ``newsqa check``."""

import argparse
import logging
import sys
from pathlib import Path

from qa.embedders.factory import embedder_from_settings
from qa.embedders.protocol import ClosableEmbedder, Embedder
from qa.embedders.ray import RayEmbedder
from qa.errors import QAError
from qa.index.stores import publisher_for
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.ingest.check import run as check_files
from qa.settings import Settings
from qa.text.segmentation import Tokenizer


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
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
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="embed on Ray actors: a local Ray instance, or the cluster at ADDRESS (ray://host:10001 or host:6379)",
    )
    parser.add_argument(
        "--actors",
        type=int,
        default=settings.ray_actors,
        metavar="N",
        help="Ray embedding actors (default: %(default)s = one per available CPU)",
    )
    parser.add_argument(
        "--check",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="show what the parser finds in these files or folders (articles, furniture, problems); no build",
    )
    args = parser.parse_args(argv)
    if args.check:
        return check_files(args.check)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    embedder: Embedder | None = None
    try:
        publisher = publisher_for(settings)  # connect first: a wrong QA_MILVUS_URI fails before any work
        embedder = make_embedder(settings, args)
        options = BuildOptions.from_settings(settings, lock_timeout=args.wait, show_progress=True, publisher=publisher)
        summary = build_index(args.corpus, args.index, embedder, Tokenizer(), options, full=args.full)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if isinstance(embedder, ClosableEmbedder):
            embedder.close()
    print(summary.render())
    if isinstance(embedder, RayEmbedder):
        print(embedder.describe())
    return 0


def make_embedder(settings: Settings, args: argparse.Namespace) -> Embedder:
    if args.ray is None:
        return embedder_from_settings(settings)
    return RayEmbedder(
        settings.model,
        batch_size=settings.batch_size,
        quantize=settings.quantize,
        backend=settings.backend,
        address=args.ray or None,
        actors=args.actors,
        cpus_per_actor=settings.ray_cpus_per_actor,
    )
