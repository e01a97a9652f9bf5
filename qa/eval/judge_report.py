"""The answerability figures of ``make eval`` as Markdown tables: refusals against ``QA_MIN_CONFIDENCE`` (a curve),
the reliability of the confidence, and the short answers. Pure functions over ``qa.eval.answerability`` records."""

import re
from collections.abc import Sequence
from typing import Any

from qa.answering.slots import NAME_KINDS, NO_SHORT_KINDS, Slot, fitting_spans
from qa.text.entities import EntityTagger

Record = dict[str, Any]

# -1: the composer's rules alone (before issue 16); 0: the rules and the fact checks; above: the confidence too.
THRESHOLDS = (-1.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001)
_PUNCTUATION = re.compile(r"[\s，。、：；,.:;\"“”‘’（）()《》「」]")
# A short answer may differ from a gold answer by this many characters (约, 多, 元) and still count as right.
SHORT_SLACK = 2


def refused(record: Record, threshold: float) -> bool:
    """Whether the service refuses this question when ``QA_MIN_CONFIDENCE`` is ``threshold``."""
    if threshold < 0:  # the rules alone, as before the judge: no fact checks, no confidence
        return record.get("composer", record["rule"]) is not None
    return record["rule"] is not None or bool(record.get("check")) or (record["confidence"] or 0.0) < threshold


def _share(flags: Sequence[bool]) -> str:
    return f"{sum(flags) / len(flags):.3f}" if flags else "-"


def _pick(records: Sequence[Record], corpus: Sequence[str], kind: str, split: str = "test") -> list[Record]:
    return [r for r in records if r["corpus"] in corpus and r["kind"] == kind and r["split"] == split]


def curve_table(records: Sequence[Record], thresholds: Sequence[float] = THRESHOLDS, current: float = -2.0) -> str:
    """Per refusal point: answered right, false refusals and refusals of unanswerable questions, per question set."""
    half = ("half-a", "half-b")
    sets = {
        "cmrc_ans": _pick(records, half, "answerable"),
        "cmrc_absent": _pick(records, half, "absent"),
        "redacted": _pick(records, ("redacted",), "near_miss"),
        "full": [r for r in records if r["corpus"] == "full"],
        "news_ans": _pick(records, ("news",), "answerable"),
        "news_near": _pick(records, ("news",), "near_miss"),
    }
    counts = {name: len(rows) for name, rows in sets.items()}
    lines = [
        "| QA_MIN_CONFIDENCE | CMRC half: answerable hit@1 | false refusals | absent refused "
        "| CMRC redacted: near miss refused | CMRC full: hit@1 | false refusals "
        "| news B: answerable hit@1 | false refusals | near miss refused |",
        "| --- |" + " --- |" * 9,
        f"| (questions) | {counts['cmrc_ans']} | | {counts['cmrc_absent']} | {counts['redacted']} | {counts['full']} "
        f"| | {counts['news_ans']} | | {counts['news_near']} |",
    ]
    for t in thresholds:

        def hit(rows: list[Record], t: float = t) -> str:
            return _share([r["right"] and not refused(r, t) for r in rows])

        def ref(rows: list[Record], t: float = t) -> str:
            return _share([refused(r, t) for r in rows])

        label = "rules only" if t < 0 else f"{t:.2f}"
        label = f"**{label}** (set)" if t == current else label
        lines.append(
            f"| {label} | {hit(sets['cmrc_ans'])} | {ref(sets['cmrc_ans'])} | {ref(sets['cmrc_absent'])} "
            f"| {ref(sets['redacted'])} | {hit(sets['full'])} | {ref(sets['full'])} "
            f"| {hit(sets['news_ans'])} | {ref(sets['news_ans'])} | {ref(sets['news_near'])} |"
        )
    return "\n".join(lines)


def reliability_table(records: Sequence[Record], bins: Sequence[float] = BINS) -> str:
    """Of the test answers the rules let through, grouped by confidence: how many, and the share that is right."""
    rows = [
        r
        for r in records
        if r["split"] == "test" and r["rule"] is None and not r.get("check") and r["confidence"] is not None
    ]
    lines = ["| confidence | answers | mean confidence | right |", "| --- | --- | --- | --- |"]
    for low, high in zip(bins, bins[1:]):
        group = [r for r in rows if low <= r["confidence"] < high]
        if not group:
            continue
        mean = sum(r["confidence"] for r in group) / len(group)
        label = f"{low:.1f}-{min(high, 1.0):.1f}"
        lines.append(f"| {label} | {len(group)} | {mean:.2f} | {_share([r['right'] for r in group])} |")
    return "\n".join(lines)


def _norm(text: str) -> str:
    return _PUNCTUATION.sub("", text)


def short_exact(short: str, answers: Sequence[str]) -> bool:
    return any(_norm(short) == _norm(a) for a in answers)


def gold_phrase(question: str, answer: str, tagger: EntityTagger | None) -> str | None:
    """The one phrase of the asked kind in a gold answer written as a clause (越南革命家潘佩珠 -> 潘佩珠, for 作者是谁),
    found as the service finds spans (``fitting_spans``: the question's own names left out); None when the answer
    holds none or several (共计15人，其中运动员9人: which one the annotator meant is not for the report to guess), or
    the name is not where the clause ends."""
    slot = Slot.of(question)
    spans = fitting_spans(slot, answer, question, tagger)
    if len(spans) != 1:
        return None
    start, end = spans[0]
    # A tagged name counts only where the clause ends with it or a mark follows (熊谷元 in 熊谷元直 is cut short).
    if slot.kind in NAME_KINDS and end < len(answer) and not _PUNCTUATION.match(answer, end):
        return None
    return answer[start:end]


def short_right(
    short: str, answers: Sequence[str], question: str | None = None, tagger: EntityTagger | None = None
) -> bool:
    """Exact; or one holds the other and they differ by at most ``SHORT_SLACK`` characters (4000万 / 4000万元); or
    a gold answer written as a phrase holds it with all the phrase's numbers (2010年 in 2010年法国网球公开赛后); or,
    given the ``question``, it is the gold answer's one phrase of the asked kind (``gold_phrase``)."""
    s = _norm(short)
    if question is not None and any(_norm(gold_phrase(question, a, tagger) or "\0") == s for a in answers):
        return True
    for answer in answers:
        a = _norm(answer)
        if not a or not s or not (a in s or s in a):
            continue
        numbers = re.findall(r"\d+(?:\.\d+)?", a)
        if abs(len(a) - len(s)) <= SHORT_SLACK or (numbers and all(n in s for n in numbers)):
            return True
    return False


def short_answer_table(records: Sequence[Record], tagger: EntityTagger | None = None) -> str:
    """Per slot kind, over answerable questions of the full corpus that ask for one: given, exact, precision
    (within 2 characters, or by the gold answer's phrase: ``short_right`` with the question; names need ``tagger``)."""
    rows = [r for r in records if r["corpus"] == "full" and r.get("slot") and r["slot"] not in NO_SHORT_KINDS]
    kinds = sorted({r["slot"] for r in rows})
    asked = [r for r in rows if r["slot"] in ("number", "amount", "date", "time", "person")]
    lines = [
        "| question asks for | questions | short answer given | exact match (of all) | precision (exact) "
        "| precision (within 2 characters) | precision (or the gold answer's phrase) | inside a gold answer |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind in [*kinds, "number, date, person", "all"]:
        group = asked if kind.startswith("number,") else [r for r in rows if kind == "all" or r["slot"] == kind]
        given = [r for r in group if r["short"]]
        exact = [short_exact(r["short"], r["answers"]) for r in given]
        right = [short_right(r["short"], r["answers"]) for r in given]
        phrase = [short_right(r["short"], r["answers"], r["question"], tagger) for r in given]
        inside = [any(_norm(r["short"]) in _norm(a) for a in r["answers"]) for r in given]
        lines.append(
            f"| {kind} | {len(group)} | {len(given)} ({len(given) / max(len(group), 1):.0%}) "
            f"| {sum(exact) / max(len(group), 1):.3f} | {_share(exact)} | {_share(right)} | {_share(phrase)} "
            f"| {_share(inside)} |"
        )
    return "\n".join(lines)


def report_answerability(records: Sequence[Record], min_confidence: float) -> str:
    """The three tables with their headings, as ``python -m qa.eval`` prints them."""
    test = [r for r in records if r["split"] == "test"]
    return "\n\n".join(
        [
            f"Answerability (test questions; the service refuses below QA_MIN_CONFIDENCE = {min_confidence}):",
            curve_table(test, current=min_confidence),
            "Reliability of the confidence (test answers the rules and fact checks let through):",
            reliability_table(test),
            "Short answers (full corpus, test questions asking for a typed fact):",
            short_answer_table(test, EntityTagger()),
        ]
    )
