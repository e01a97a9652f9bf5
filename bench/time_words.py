"""``python -m bench.time_words``: which library reads the time words of the dated questions best.

Every question of ``qa/eval/dated_questions.jsonl`` that names days (the explicit, relative and refused ones
with a time word) is read by JioNLP (through ``qa.text.when``, as the service reads it) and by dateparser
(``search_dates`` for Chinese, relative to the same day), and the day or range each gives is compared with the
days the question names, written here by hand. cn2an is not in the race: it converts numerals, not dates.
"""

from datetime import date, datetime

from qa.eval.dated import load_questions
from qa.text.when import _extractor, question_time

# The days each question's time words name, by question id (what a reader understands).
NAMED = {
    "d01": "2026-05-18", "d02": "2026-05-18", "d03": "2026-05-18", "d04": "2026-05-18", "d05": "2026-06-22",
    "d06": "2026-05-25", "d07": "2026-04-20", "d08": "2026-06-23", "d09": "2026-06-23", "d10": "2026-04-29",
    "d11": "2026-04-29", "d12": "2026-04-29", "d13": "2026-04-29", "d14": "2026-04-29", "d15": "2026-04-29",
    "d16": "2026-05-03", "d17": "2026-05-03", "d18": "2026-04-25", "d19": "2026-03-28", "d20": "2026-08-18",
    "d21": "2026-07-22", "d22": "2026-08-18", "d23": "2026-05-02", "d24": "2026-05-03", "d25": "2026-04-29",
    "d26": "2026-04-29", "d27": "2026-04-29", "d28": "2026-04-29", "d29": "2026-05-18", "d30": "2026-05-18",
    "d31": "2026-05-19", "d32": "2026-05-04..2026-05-10", "d33": "2026-05-04..2026-05-10",
    "d34": "2026-05-01..2026-05-20", "d35": "2026-05-01..2026-05-05", "d36": "2026-05-01..2026-05-05",
    "d37": "2026-06-01..2026-06-30", "d38": "2026-01-01..2026-03-31", "d39": "2026-04-01..2026-04-30",
    "d40": "2026-08-18", "d41": "2026-05-03", "d42": "2026-08-01..2026-08-31", "d53": "2027-04-29",
    "d54": "2027-05-18", "d55": "2025-05-18", "d56": "2026-06-08..2026-06-14", "d57": "2025-04-01..2025-04-30",
    "d58": "2026-02-01..2026-02-28", "d59": "2026-09-28", "d60": "2026-05-01..2026-05-05",
}  # fmt: skip


def _range(text: str) -> tuple[date, date]:
    start, _, end = text.partition("..")
    return date.fromisoformat(start), date.fromisoformat(end or start)


def _dateparser(question: str, today: date) -> tuple[date, date] | None:
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    found = search_dates(
        question, languages=["zh"], settings={"RELATIVE_BASE": datetime(today.year, today.month, today.day)}
    )
    if not found:
        return None
    days = [moment.date() for _, moment in found]
    return min(days), max(days)


def _jionlp_alone(question: str, today: date) -> tuple[date, date] | None:
    found = _extractor()(question, time_base=datetime(today.year, today.month, today.day), with_parsing=True)
    days = [
        (date.fromisoformat(t[0][:10]), date.fromisoformat(t[1][:10]) if t[1] != "inf" else today)
        for item in found
        if item["type"] in ("time_point", "time_span") and isinstance(t := item["detail"]["time"], list)
    ]
    return (min(d[0] for d in days), max(d[1] for d in days)) if days else None


def main() -> None:
    questions = [q for q in load_questions() if q.id in NAMED]
    right = {"qa.text.when (JioNLP and its additions)": 0, "JioNLP alone": 0, "dateparser": 0}
    for q in questions:
        want = _range(NAMED[q.id])
        read = question_time(q.question, q.scope.today).range
        capped = (want[0], min(want[1], q.scope.today))
        right["qa.text.when (JioNLP and its additions)"] += read is not None and (read.start, read.end) == capped
        alone = _jionlp_alone(q.question, q.scope.today)
        right["JioNLP alone"] += alone is not None and (alone[0], min(alone[1], q.scope.today)) == capped
        right["dateparser"] += _dateparser(q.question, q.scope.today) == want
    print(f"{len(questions)} questions naming days; read right: " + ", ".join(f"{k} {v}" for k, v in right.items()))


if __name__ == "__main__":
    main()
