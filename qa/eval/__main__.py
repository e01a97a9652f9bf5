"""``python -m qa.eval --squad FILE``: passage recall, answer hits, refusals and latency, per retrieval mode.
``python -m qa.eval --dated``: dated questions and copies of one story on the real news pages (``qa.eval.dated``).

First, the parse table (``qa/eval/pages.py``): how the parsers read the real newspaper pages of
``--pages-dir`` against their ``expected.json``; ``--pages`` prints only that (no model, a second).
Then builds a temporary index of the file's passages (one article each) with the configured model and
chunking settings (``QA_CHUNK_SIZE`` etc.), and asks every question three ways: BM25 only, dense
only and the full hybrid pipeline. Chunk vectors are cached between runs (``--cache-dir``).
``--store milvus`` asks them against the version published to Milvus Lite and loaded back from there;
``--compare-stores`` against both stores of one build (``qa.eval.stores``).
"""

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from qa.answering.judge import Judge
from qa.answering.retrieval import RETRIEVAL_MODES
from qa.answering.service import QAService
from qa.embedders.cached import DiskCachedEmbedder
from qa.embedders.factory import embedder_from_settings
from qa.embedders.protocol import Embedder
from qa.eval import dated
from qa.eval.answerability import EvalCorpus, collect, full_corpus, half_corpora, news_corpus, redacted_corpus
from qa.eval.judge_report import report_answerability
from qa.eval.pages import DEFAULT_PAGES, render_parse_table, score_pages
from qa.eval.report import render_table
from qa.eval.runner import ModeResult, build_eval_index, evaluate
from qa.eval.squad import DEFAULT_OUT_OF_CORPUS, EvalSet, load_out_of_corpus, load_squad
from qa.eval.stores import STORES, compare, comparison_records, load_served, milvus_lite, render_comparison
from qa.index.store import IndexData
from qa.settings import Settings
from qa.text.segmentation import Tokenizer, term_weight

DEFAULT_SQUAD = Path("../shared/eval/cmrc2018_trial.json")
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsqa" / "eval"
MODE_ORDER = ("bm25", "dense", "hybrid")


def _modes(value: str) -> list[str]:
    modes = [m.strip() for m in value.split(",") if m.strip()]
    bad = [m for m in modes if m not in RETRIEVAL_MODES]
    if bad or not modes:
        raise argparse.ArgumentTypeError(f"modes must be among {', '.join(RETRIEVAL_MODES)}, got {value!r}")
    return modes


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, default=DEFAULT_SQUAD, help="SQuAD-style file (default: %(default)s)")
    parser.add_argument(
        "--out-of-corpus",
        type=Path,
        default=DEFAULT_OUT_OF_CORPUS,
        help="JSON Lines of questions the file does not answer (default: the CMRC trial set's)",
    )
    parser.add_argument("--modes", type=_modes, default=list(MODE_ORDER), help="comma-separated: bm25,dense,hybrid")
    parser.add_argument("--limit", type=int, default=None, help="only the first N passages and their questions")
    parser.add_argument("--top-k", type=int, default=5, help="passages per answer, as POST /ask (default: 5)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="chunk vector cache (%(default)s)")
    parser.add_argument("--no-cache", action="store_true", help="embed every chunk afresh")
    parser.add_argument(
        "--store",
        choices=STORES,
        default=None,
        help="where the questions are searched: faiss (the index folder, the default) or milvus (the version "
        "published to a Milvus Lite file and loaded back, qa/eval/stores.py)",
    )
    parser.add_argument(
        "--compare-stores",
        action="store_true",
        help="ask every question against both stores of one build: figures and agreement per mode",
    )
    parser.add_argument(
        "--dated", action="store_true", help="dated questions and copies on the news pages instead (qa/eval/dated.py)"
    )
    parser.add_argument("--dump", type=Path, help="write every question's outcome to this JSON Lines file")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads for embedding questions (default: torch's own)"
    )
    parser.add_argument("--pages", action="store_true", help="only the parse table of --pages-dir (no model)")
    parser.add_argument(
        "--pages-dir", type=Path, default=DEFAULT_PAGES, help="news pages and their expected.json (%(default)s)"
    )
    parser.add_argument("--no-pages", action="store_true", help="leave the parse table out")
    parser.add_argument(
        "--no-answerability",
        action="store_true",
        help="skip the answerability figures (SQuAD 2.0-style split, near misses, reliability, short answers)",
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m qa.eval") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    if args.pages or not args.no_pages:
        status = parse_table(args.pages_dir, required=args.pages)
        if args.pages or status:
            return status
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit must be at least 1, got {args.limit}")
    if args.compare_stores and args.store:
        parser.error("--compare-stores asks both stores: leave --store out")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if args.threads is not None:
        import torch  # only to pin the thread count; the model loads it anyway

        torch.set_num_threads(args.threads)
    settings = Settings()
    if args.dated:
        started = time.perf_counter()
        embedder = embedder_from_settings(settings)
        builder = embedder if args.no_cache else DiskCachedEmbedder(embedder, args.cache_dir)
        print(dated.run(args.pages_dir, builder, embedder, settings.candidates, args.dump))
        print(f"\n({time.perf_counter() - started:.0f} s)")
        return 0
    try:
        evalset = load_squad(args.squad)
        out_of_corpus = load_out_of_corpus(args.out_of_corpus) if args.out_of_corpus else []
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.limit is not None:
        evalset.articles = evalset.articles[: args.limit]
        kept = {article.id for article in evalset.articles}
        evalset.questions = [q for q in evalset.questions if q.article_id in kept]

    started = time.perf_counter()
    embedder = embedder_from_settings(settings)
    tokenizer = Tokenizer()
    builder = embedder if args.no_cache else DiskCachedEmbedder(embedder, args.cache_dir)
    modes = sorted(args.modes, key=MODE_ORDER.index)

    def ask(data: IndexData, mode: str) -> ModeResult:
        service = QAService(data, embedder, tokenizer, settings.candidates, mode)
        return evaluate(service, evalset.questions, out_of_corpus, args.top_k)

    with ExitStack() as stack:  # the Milvus Lite file lives in the work folder while questions are asked
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-eval-")))
        milvus = stack.enter_context(milvus_lite(workdir)) if args.store == "milvus" or args.compare_stores else None
        data = build_eval_index(
            evalset, builder, tokenizer, settings.chunk_size, settings.chunk_overlap, workdir, publisher=milvus
        )
        served = load_served(milvus, evalset.articles, builder.name) if milvus is not None else data
        if args.compare_stores:
            comparisons = [compare(mode, lambda d, m=mode: ask(d, m), data, served) for mode in modes]
        else:
            results = [ask(served, mode) for mode in modes]

    kinds = {q.kind: sum(1 for o in out_of_corpus if o.kind == q.kind) for q in out_of_corpus}
    print(
        f"{args.squad}: {len(evalset.articles)} passages, {len(data.chunks)} chunks, {len(evalset.questions)} "
        f"questions; out-of-corpus: {', '.join(f'{n} {k}' for k, n in kinds.items()) or 'none'}; "
        f"model {settings.model}, chunk size {settings.chunk_size}, overlap {settings.chunk_overlap}, "
        f"top_k {args.top_k}" + ("; store milvus (Milvus Lite)" if args.store == "milvus" else "")
    )
    print()
    if args.compare_stores:
        print(render_comparison(comparisons))
        print(f"\n({time.perf_counter() - started:.0f} s)")
        if args.dump:
            _dump(args.dump, comparison_records(comparisons))
        return 0
    print(render_table(results))
    print()
    records = [record for result in results for record in result.records]
    if not args.no_answerability:
        answerability = _answerability(args, evalset, builder, embedder, tokenizer, settings)
        print()
        print(report_answerability(answerability, settings.min_confidence))
        if args.store == "milvus":
            print("\n(the answerability corpora are searched in their index folders: FAISS and bm25s)")
        records.extend({"mode": "answerability", **record} for record in answerability)
    print()
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.dump:
        _dump(args.dump, records)
    return 0


def _dump(path: Path, records: list[dict]) -> None:
    """Every question's outcome, one JSON object per line."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def parse_table(folder: Path, required: bool) -> int:
    """Print the parse table of ``folder``; without the folder, say so (an error only when ``required``)."""
    if not folder.is_dir():
        print(f"no news pages at {folder}: parse table left out", file=sys.stderr)
        return 2 if required else 0
    try:
        scores = score_pages(folder)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{folder}: parse table ({len(scores)} files)")
    print()
    print(render_parse_table(scores))
    print()
    return 0


def _answerability(
    args: argparse.Namespace,
    evalset: EvalSet,
    builder: Embedder,
    embedder: Embedder,
    tokenizer: Tokenizer,
    settings: Settings,
) -> list[dict]:
    """The test questions of ``qa.eval.answerability`` through the service as configured (QA_MIN_CONFIDENCE)."""
    corpora = [*half_corpora(evalset), redacted_corpus(evalset), full_corpus(evalset)]
    if args.pages_dir.is_dir():
        corpora.append(news_corpus(args.pages_dir))
    corpora = [EvalCorpus(c.name, c.articles, [p for p in c.probes if p.split == "test"]) for c in corpora]
    judge = Judge.bundled(term_weight, settings.min_confidence)
    return collect(
        corpora,
        builder,
        tokenizer,
        settings.chunk_size,
        settings.chunk_overlap,
        lambda data: QAService(data, embedder, tokenizer, settings.candidates, judge=judge),
        args.top_k,
    )


if __name__ == "__main__":
    sys.exit(main())
