"""``--store milvus`` and ``--compare-stores`` of ``python -m qa.eval``: the eval index served from Milvus.

The eval builds its temporary index as always; with Milvus the build also publishes the version to a
Milvus Lite file in the work folder (as a build with QA_INDEX_STORE=milvus publishes to the configured
Milvus), and the questions are asked against the version loaded back from there (``MilvusStore.load``:
records in memory, dense and keyword search in Milvus). ``--compare-stores`` asks every question of each
retrieval mode against both stores of the one build and says how often they agree.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qa.eval.report import LABELS
from qa.eval.runner import ModeResult, with_records
from qa.index.milvus.client import connect, release
from qa.index.milvus.store import MilvusStore
from qa.index.store import IndexData
from qa.models import Article

STORES = ("faiss", "milvus")
ALIAS = "eval"
FILE = "milvus.db"


@contextmanager
def milvus_lite(workdir: Path) -> Iterator[MilvusStore]:
    """A Milvus store in a Milvus Lite file of ``workdir``, closed (its in-process server stopped) on exit."""
    uri = str(workdir / FILE)
    try:
        yield MilvusStore(connect(uri), ALIAS)
    finally:
        release(uri)


def load_served(store: MilvusStore, articles: list[Article], model: str) -> IndexData:
    """The version ``store`` serves, loaded from it, serving the evaluation's article records whole."""
    return with_records(store.load(store.current(), model), articles)


@dataclass(frozen=True)
class StoreComparison:
    """One retrieval mode asked against both stores."""

    mode: str
    faiss: ModeResult
    milvus: ModeResult
    same_top: float  # share of the answerable questions whose top-1 article is the same in both stores
    same_answer: float  # ... whose answer text is the same


def compare(
    mode: str, evaluate: Callable[[IndexData], ModeResult], faiss: IndexData, milvus: IndexData
) -> StoreComparison:
    """``evaluate`` (every question through a service over one version) on both stores, one after the other."""
    results = {"faiss": evaluate(faiss), "milvus": evaluate(milvus)}
    answerable = {name: [r for r in result.records if "id" in r] for name, result in results.items()}
    pairs = list(zip(answerable["faiss"], answerable["milvus"], strict=True))
    if any(a["id"] != b["id"] for a, b in pairs):
        raise ValueError("the stores were asked different questions")
    n = max(len(pairs), 1)
    return StoreComparison(
        mode,
        results["faiss"],
        results["milvus"],
        sum(a["top"] == b["top"] for a, b in pairs) / n,
        sum(a["answer"] == b["answer"] for a, b in pairs) / n,
    )


def comparison_records(comparisons: Sequence[StoreComparison]) -> list[dict]:
    """Every question's outcome in each store (``--dump``), with the store named."""
    return [
        {"store": store, **record}
        for c in comparisons
        for store, result in (("faiss", c.faiss), ("milvus", c.milvus))
        for record in result.records
    ]


HEADER = (
    "| retrieval | store | passage R@1 | MRR@10 | answer hit@1 | hit@3 | false refusals | p50 ms | p95 ms "
    "| top-1 article same | answer same |"
)


def render_comparison(comparisons: Sequence[StoreComparison]) -> str:
    lines = [HEADER, "|" + " --- |" * (HEADER.count("|") - 1)]
    for c in comparisons:
        for store, result in (("faiss", c.faiss), ("milvus", c.milvus)):
            s = result.summary
            agreement = f"{c.same_top:.3f} | {c.same_answer:.3f}" if store == "milvus" else "- | -"
            lines.append(
                f"| {LABELS.get(c.mode, c.mode)} | {store} | {s.r1:.3f} | {s.mrr10:.3f} | {s.hit1:.3f} | {s.hit3:.3f} "
                f"| {s.false_refusals:.3f} | {s.p50_ms:.1f} | {s.p95_ms:.1f} | {agreement} |"
            )
    return "\n".join(lines)
