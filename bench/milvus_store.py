"""The Milvus store against the FAISS store: publishing, loading and answering, on Milvus Lite.

    python -m bench.milvus_store                  # 3,000 and 20,000 chunks (about 4 minutes on 2 cores)
    python -m bench.milvus_store --sizes 3000 --questions 50

Real text (the CMRC trial passages, then recombined ones: ``bench.corpus``) and the model-free
``hash-test`` vectors (the store is measured, not the model). Per size: a full build into the index
folder, then the same version published to a Milvus Lite file as a new generation; a version loaded
by a server from each store; an incremental update of 10 new articles (the folder's build, then its
publish: only the new rows) and a server's reload of it (only those rows read); and the CMRC
questions asked in-process through ``QAService`` against each store (median and p95 of the whole
ask: retrieval, composing, judging). Milvus Lite is a pure Python engine behind gRPC in this
process: a Milvus server or cluster searches in C++ (docs/scaling.md).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.corpus import articles_for, load_pool, new_articles, write_corpus
from qa.answering.service import QAService
from qa.embedders.hashing import HashEmbedder
from qa.index.milvus.client import connect
from qa.index.milvus.store import MilvusStore
from qa.index.stores import FaissStore
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.indexing.publish import catch_up
from qa.text.segmentation import Tokenizer

MODEL = "hash-test"


def measure(work: Path, chunks: int, questions: list[str], pool) -> dict[str, float]:
    corpus, index = work / "corpus", work / "index"
    write_corpus(corpus, articles_for(pool, chunks))
    embedder, tokenizer = HashEmbedder(), Tokenizer()
    started = time.perf_counter()
    built = build_index(corpus, index, embedder, tokenizer)
    row: dict[str, float] = {"chunks": built.chunks, "faiss build s": time.perf_counter() - started}
    store = MilvusStore(connect(str(work / "milvus.db")), "bench", keep=3)
    started = time.perf_counter()
    catch_up(index, store, MODEL)
    row["publish full s"] = time.perf_counter() - started
    services = {}
    for name, source in (("faiss", FaissStore(index, mmap=True)), ("milvus", store)):
        started = time.perf_counter()
        data = source.load(built.version, MODEL)
        row[f"{name} load s"] = time.perf_counter() - started
        services[name] = QAService(data, embedder, tokenizer, 30)
    write_corpus(work / "corpus" / "new", new_articles(pool, 10, seed=1))
    started = time.perf_counter()
    update = build_index(corpus, index, embedder, tokenizer, BuildOptions(publisher=store))
    row["update + publish s"] = time.perf_counter() - started
    row["published"] = update.published  # type: ignore[assignment]
    started = time.perf_counter()
    store.load(update.version, MODEL)  # a server's reload: only the rows the update wrote
    row["milvus reload s"] = time.perf_counter() - started
    for name, service in services.items():
        service.ask(questions[0], 5)  # warm
        times = []
        for question in questions:
            started = time.perf_counter()
            service.ask(question, 5)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        row[f"{name} ask p50 ms"] = statistics.median(times)
        row[f"{name} ask p95 ms"] = times[int(0.95 * (len(times) - 1))]
    row["ask p50 ratio"] = row["milvus ask p50 ms"] / row["faiss ask p50 ms"]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.milvus_store", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 20_000], help="chunks per index")
    parser.add_argument("--questions", type=int, default=200, help="CMRC questions asked per store")
    args = parser.parse_args(argv)
    pool = load_pool()
    questions = pool.questions[: args.questions]
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-milvus-") as work:
            rows.append(measure(Path(work), size, questions, pool))
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("| " + " | ".join("---:" for _ in columns) + " |")
    for row in rows:
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
