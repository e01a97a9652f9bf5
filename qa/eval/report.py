"""The evaluation figures as a Markdown table."""

from collections.abc import Sequence

from qa.eval.runner import ModeResult

LABELS = {"bm25": "BM25 only", "dense": "dense only", "hybrid": "full pipeline"}
HEADER = (
    "| retrieval | passage R@1 | R@5 | MRR@10 | answer hit@1 | hit@3 | median answer chars "
    "| false refusals | out-of-corpus refused | p50 ms | p95 ms | answering p50 / p95 ms |"
)


def _refusals(rates: dict[str, float]) -> str:
    return ", ".join(f"{rate:.2f} ({kind})" for kind, rate in sorted(rates.items())) or "-"


def render_table(results: Sequence[ModeResult]) -> str:
    lines = [HEADER, "|" + " --- |" * (HEADER.count("|") - 1)]
    for result in results:
        s = result.summary
        lines.append(
            f"| {LABELS.get(result.mode, result.mode)} | {s.r1:.3f} | {s.r5:.3f} | {s.mrr10:.3f} "
            f"| {s.hit1:.3f} | {s.hit3:.3f} | {s.median_chars:.0f} | {s.false_refusals:.3f} "
            f"| {_refusals(result.refused_by_kind)} | {s.p50_ms:.1f} | {s.p95_ms:.1f} "
            f"| {s.answer_p50_ms:.1f} / {s.answer_p95_ms:.1f} |"
        )
    return "\n".join(lines)
