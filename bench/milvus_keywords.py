"""``python -m bench.milvus_keywords``: which keyword search in Milvus agrees better with our bm25s one.

The CMRC trial passages are indexed as ``python -m qa.eval`` indexes them (same chunks; the model-free
``hash-test`` embedder, since only the keyword side is compared) and the version is published to a Milvus
Lite file. Every CMRC question then goes to bm25s (``SparseIndex``, the FAISS store: the reference) and to
these keyword searches in Milvus:

- ``ours``: the sparse vectors the build computes (bm25s's weights of our jieba tokens, with the corpus words),
  searched by inner product with the question's token counts (``MilvusSparse``, what QA_INDEX_STORE=milvus
  ships);
- ``jieba``: Milvus's BM25 function over its jieba analyzer (``{"tokenizer": "jieba"}``), the chunk text in a
  VARCHAR field with ``enable_analyzer``, the question text as the query;
- ``jieba+words``: the same analyzer given our corpus words (its ``dict``) and our stopwords (a ``stop``
  filter): as close to our tokenizer as its parameters go;
- ``jieba+words, N segments``: the same, the rows flushed in N parts: Milvus Lite keeps BM25 statistics per
  segment (its README), as an index updated N times would have them.

Reported for each: the top-1 chunk and top-1 article the same as bm25s's, overlap@10 (share of bm25s's top 10
also in its top 10), the question's own passage first (R@1, keyword search alone), the median search time, and
how many of the corpus words (``corpus_words``: names from the titles) found in the chunks are kept whole by
its tokenizer. jieba keeps one global dictionary per process and Milvus Lite's analyzer adds its ``dict`` words
to it, so the plain ``jieba`` run goes first.
"""

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedders.hashing import HashEmbedder
from qa.eval.runner import build_eval_index
from qa.eval.squad import load_squad
from qa.eval.stores import FILE, load_served, milvus_lite
from qa.index.store import IndexData
from qa.settings import Settings
from qa.text.segmentation import STOPWORDS, Tokenizer

DEFAULT_SQUAD = Path("../shared/eval/cmrc2018_trial.json")
K = 10
Ranking = tuple[list[int], float]  # rows best first, milliseconds


def jieba_params(words: list[str] | None, stop: set[str] = frozenset()) -> dict[str, Any]:
    """Milvus analyzer parameters: its jieba (search mode), with our corpus words and stopwords (and ``stop``)
    when given."""
    if words is None:
        return {"tokenizer": "jieba"}
    return {
        "tokenizer": {"type": "jieba", "mode": "search", "dict": words},
        "filter": [{"type": "stop", "stop_words": sorted(STOPWORDS | stop)}],
    }


def punctuation(texts: list[str]) -> set[str]:
    """Tokens Milvus's jieba makes of ``texts`` that hold no word character (our tokenizer drops them). Its plain
    analyzer: one given a ``dict`` would add the words to jieba's global dictionary before the plain run."""
    from milvus_lite.analyzer.factory import create_analyzer

    analyzer = create_analyzer(jieba_params(None))
    return {t for text in texts for t in analyzer.tokenize(text) if not re.search(r"\w", t)}


def segment_files(db: Path, collection: str) -> int:
    """Data files (sealed segments) Milvus Lite holds for ``collection`` (its folder layout, 3.2.2)."""
    return len(list((db / "collections" / collection).glob("partitions/*/data/*.parquet")))


def bm25_collection(client: Any, name: str, texts: list[str], params: dict[str, Any], segments: int) -> None:
    """A collection of ``texts`` (primary key = chunk position) with Milvus's BM25 function, in ``segments``."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("row", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, analyzer_params=params)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function("bm25", FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]))
    index = client.prepare_index_params()
    index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
    bounds = np.linspace(0, len(texts), segments + 1).astype(int)
    for start, end in zip(bounds[:-1], bounds[1:]):
        for first in range(start, end, 1000):
            rows = range(first, min(first + 1000, end))
            client.insert(name, [{"row": i, "text": texts[i]} for i in rows])
        client.flush(name)  # an immutable segment, with its own BM25 statistics
    client.load_collection(name)


def timed(search: Callable[[Any], list[int]], queries: list[Any]) -> list[Ranking]:
    results = []
    for query in queries:
        started = time.perf_counter()
        rows = search(query)
        results.append((rows, (time.perf_counter() - started) * 1000))
    return results


def kept_whole(words: list[str], texts: list[str], tokenize: Callable[[str], list[str]]) -> str:
    """Of the corpus words found in ``texts``: how many ``tokenize`` emits whole in the first text holding them."""
    found = kept = 0
    for word in words:
        text = next((t for t in texts if word in t), None)
        if text is None:
            continue
        found += 1
        kept += word.lower() in tokenize(text)
    return f"{kept} of {found}"


def figures(
    name: str, rankings: list[Ranking], reference: list[Ranking], data: IndexData, owners: list[str], words: str
) -> str:
    article = [c.article_id for c in data.chunks]
    asked = [(r[0], own, ref[0]) for r, own, ref in zip(rankings, owners, reference, strict=True) if ref[0]]
    n = len(asked)
    same_chunk = sum(bool(rows) and rows[0] == ref[0] for rows, _, ref in asked) / n
    same_article = sum(bool(rows) and article[rows[0]] == article[ref[0]] for rows, _, ref in asked) / n
    overlap = statistics.mean(len(set(rows[:K]) & set(ref[:K])) / len(ref[:K]) for rows, _, ref in asked)
    r1 = sum(bool(r[0]) and article[r[0][0]] == own for r, own in zip(rankings, owners)) / len(rankings)
    ms = statistics.median(r[1] for r in rankings)
    return f"| {name} | {same_chunk:.3f} | {same_article:.3f} | {overlap:.3f} | {r1:.3f} | {ms:.2f} | {words} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.milvus_keywords", description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, default=DEFAULT_SQUAD, help="SQuAD-style file (default: %(default)s)")
    parser.add_argument(
        "--segments", type=int, default=3, help="segments of the last run; 4 are merged into one (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    from milvus_lite.analyzer.factory import create_analyzer  # what the Milvus Lite server runs, in this process

    evalset = load_squad(args.squad)
    settings = Settings()
    embedder, tokenizer = HashEmbedder(), Tokenizer()
    with tempfile.TemporaryDirectory(prefix="bench-milvus-") as folder, milvus_lite(Path(folder)) as store:
        data = build_eval_index(
            evalset, embedder, tokenizer, settings.chunk_size, settings.chunk_overlap, Path(folder), publisher=store
        )
        served = load_served(store, evalset.articles, embedder.name)
        words, texts = data.words, [c.text for c in data.chunks]
        ours = tokenizer.with_words(words)
        questions = [q.question for q in evalset.questions]
        owners = [q.article_id for q in evalset.questions]
        tokens = [ours.tokens(q) for q in questions]
        print(
            f"{args.squad}: {len(evalset.articles)} passages, {len(texts)} chunks, {len(questions)} questions, "
            f"{len(words)} corpus words"
        )
        print()
        print(
            "| keyword search | top-1 chunk as bm25s | top-1 article as bm25s | overlap@10 | passage R@1 "
            "| median ms | corpus words kept whole |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        reference = timed(lambda t: data.sparse.search(t, K)[0].tolist(), tokens)
        whole = kept_whole(words, texts, ours.tokens)
        print(figures("bm25s (FAISS store, reference)", reference, reference, data, owners, whole))
        rankings = timed(lambda t: served.sparse.search(t, K)[0].tolist(), tokens)
        print(figures("ours: build's sparse vectors (MilvusSparse)", rankings, reference, data, owners, whole))

        def search(collection: str) -> Callable[[str], list[int]]:
            def run(question: str) -> list[int]:
                hits = store.client.search(collection, data=[question], anns_field="sparse", limit=K)[0]
                return [int(hit.id) for hit in hits]

            return run

        plain = jieba_params(words)
        stopped = jieba_params(words, punctuation(texts))
        runs = [
            ("jieba", jieba_params(None), 1),
            ("jieba+words", plain, 1),
            ("jieba+words+punctuation", stopped, 1),
            ("jieba+words+punctuation", stopped, args.segments),
        ]
        for number, (name, params, segments) in enumerate(runs):
            collection = f"bm25_{number}"
            bm25_collection(store.client, collection, texts, params, segments)
            whole = kept_whole(words, texts, create_analyzer(params).tokenize)
            sealed = segment_files(Path(folder) / FILE, collection)
            rankings = timed(search(collection), questions)
            label = f"Milvus BM25 function, {name}, {sealed} segment{'s' if sealed > 1 else ''}"
            print(figures(label, rankings, reference, data, owners, whole))


if __name__ == "__main__":
    main()
