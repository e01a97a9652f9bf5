"""``python -m bench.copies``: what finding copies of one story costs a build at 100k chunks.

On the real-text benchmark corpus (``bench.corpus``: about 28,000 articles for 100,000 chunks), times the parts
``qa.indexing.copies`` adds to a build: signing every article (a full build), banding and checking the
candidates, signing 10 new articles and re-grouping (an update, which reuses the stored signatures), and
writing and reading ``copies.npz``. A full build of that corpus embeds 100,000 chunks, about 1,700 s at the
~60 chunks/s of ``make bench``; an update takes about 2 s (docs/BENCHMARKS.md).
"""

import argparse
import tempfile
import time
from pathlib import Path

from bench.corpus import articles_for, load_pool, new_articles, to_article
from qa.index.copies import StoryCopies
from qa.indexing.copies import find_copies, group_copies, signatures

FULL_BUILD_CHUNKS_PER_S = 60.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.copies", description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    args = parser.parse_args(argv)
    pool = load_pool()
    articles = [to_article(r) for r in articles_for(pool, args.chunks)]
    started = time.perf_counter()
    signed = signatures(articles, None, [False] * len(articles))
    sign_s = time.perf_counter() - started
    started = time.perf_counter()
    stories = group_copies(articles, signed)
    group_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        stories.save(Path(folder))
        StoryCopies.load(Path(folder), signatures=True)
        io_s = time.perf_counter() - started
    fresh = [to_article(r) for r in new_articles(pool, 10, seed=7)]
    started = time.perf_counter()
    find_copies(articles + fresh, stories, [True] * len(articles) + [False] * len(fresh))
    update_s = time.perf_counter() - started
    full_build = args.chunks / FULL_BUILD_CHUNKS_PER_S
    print(f"{len(articles):,} articles for {args.chunks:,} chunks; {len(stories.groups)} groups of copies")
    print("| step | seconds |\n| --- | ---: |")
    print(f"| sign every article (full build) | {sign_s:.1f} ({sign_s * 1000 / len(articles):.2f} ms per article) |")
    print(f"| band and check candidates | {group_s:.2f} |")
    print(f"| write and read copies.json / copies.npz | {io_s:.2f} |")
    print(f"| update: sign 10 new articles and re-group | {update_s:.2f} |")
    total = sign_s + group_s + io_s
    print(f"full build: {total:.1f} s of about {full_build:.0f} s ({100 * total / full_build:.1f}%)")


if __name__ == "__main__":
    main()
