"""Per-question outcomes and the figures summarising them. Pure functions, no model or index."""

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering.compose import MAX_ANSWER_CHARS

_MARKER = re.compile(r"\[\d+\]")


def strip_markers(text: str) -> str:
    """The answer as a reader reads it: without the ``[n]`` citation markers."""
    return _MARKER.sub("", text)


def article_ranking(article_ids: Sequence[str]) -> list[str]:
    """Articles in the rank order of their first chunk (chunks deduplicated to their article)."""
    return list(dict.fromkeys(article_ids))


def contains_answer(text: str, answers: Sequence[str], limit: int = MAX_ANSWER_CHARS) -> bool:
    """A gold answer string is in ``text``, and ``text`` is short enough to count as an answer."""
    return len(text) <= limit and any(answer in text for answer in answers)


@dataclass(frozen=True)
class Outcome:
    """What one answerable question got: where its article ranked, whether the answer holds the answer."""

    rank: int | None  # 1-based rank of the question's own article, None when not retrieved
    refused: bool
    hit1: bool  # gold answer in the answer shown
    hit3: bool  # gold answer in the answer or one of the top 3 candidate sentences
    answer_chars: int  # answer length without markers (0 when refused)
    ms: float
    answer_ms: float = 0.0  # of ``ms``, the time spent composing the answer from the hits


@dataclass(frozen=True)
class Summary:
    questions: int
    r1: float
    r5: float
    mrr10: float
    hit1: float
    hit3: float
    median_chars: float
    false_refusals: float
    p50_ms: float
    p95_ms: float
    answer_p50_ms: float = 0.0
    answer_p95_ms: float = 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between closest ranks; 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[min(max(round(q), 1), 99) - 1]


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    if not outcomes:
        raise ValueError("no outcomes to summarise")
    n = len(outcomes)

    def share(flags: list[bool]) -> float:
        return sum(flags) / n

    answered = [o.answer_chars for o in outcomes if not o.refused]
    times = [o.ms for o in outcomes]
    return Summary(
        questions=n,
        r1=share([o.rank == 1 for o in outcomes]),
        r5=share([o.rank is not None and o.rank <= 5 for o in outcomes]),
        mrr10=sum(1 / o.rank for o in outcomes if o.rank is not None and o.rank <= 10) / n,
        hit1=share([o.hit1 for o in outcomes]),
        hit3=share([o.hit3 for o in outcomes]),
        median_chars=statistics.median(answered) if answered else 0.0,
        false_refusals=share([o.refused for o in outcomes]),
        p50_ms=statistics.median(times),
        p95_ms=percentile(times, 95),
        answer_p50_ms=statistics.median(o.answer_ms for o in outcomes),
        answer_p95_ms=percentile([o.answer_ms for o in outcomes], 95),
    )
