"""Time in Chinese text: the dates a question names (昨天, 上周, 去年3月, 一季度, 五一期间, 二〇二六年) as a range
relative to a reference day, whether it asks for the newest news (最新, 最近, 近期), and the absolute date of a
day an article names relative to its own publication (昨天 in an article of 2026-04-28 is 2026-04-27).

The parsing is JioNLP's time parser (``jionlp.ner.extract_time``). Of the 50 dated test questions that name days
(``qa/eval/dated_questions.jsonl``), JioNLP alone reads 41 right and dateparser 13 (it gives points, not ranges,
misreads 4月27日 and misses 一季度, 五一 and Chinese numerals); cn2an only converts numerals. With what is added
here, all 50 (``python -m bench.time_words``): month words (本月, 上个月, a bare 6月), the length of a holiday
asked about as a period (五一期间 is five days, not 5月1日), a date without a year that would lie after the
reference day (in a news question, last year's), and words JioNLP reads as times that name no publication day
(雪龙2号, 40年后, 80周年, 出现在, 未来5年).
"""

import contextlib
import functools
import io
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

logger = logging.getLogger(__name__)

# A newspaper prints a day's news the next day, a weekly some days later: a question about a day matches articles
# published from that day to this many days after it.
PUBLICATION_LAG_DAYS = 2
RECENT = re.compile(r"最新|最近|近期|近日|日前|近来|新近")
# Holidays asked about as a period (五一期间, 国庆假期): how many days the holiday lasts from its first day.
HOLIDAY_DAYS = {"五一": 5, "劳动节": 5, "国庆": 7, "国庆节": 7, "春节": 8, "元旦": 3, "清明": 3, "端午": 3, "中秋": 3}
_PERIOD = re.compile(r"期间|假期|长假|黄金周|小长假")
_NUMERALS = "〇零一二三四五六七八九十"
_MONTH = re.compile(
    rf"(本月|这个月|当月|这月|上个月|上月"
    rf"|(?<![\d{_NUMERALS}])(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?(?![\d{_NUMERALS}]*[日号]))"
)
# Day words an article uses relative to its own date, with their offset in days.
RELATIVE_DAYS = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
_RELATIVE_DAY = re.compile("|".join(RELATIVE_DAYS))
# What JioNLP reads as a time but a news question means otherwise: 雪龙2号 (a name, not the 2nd), 40年后 / 80年前 /
# 3年来 (history the article tells, not when it was published).
_NAME_NUMBER = re.compile(r"[\d一二三四五六七八九十]+号")
_HISTORY = re.compile(r"[\d两三四五六七八九十百]+年[前后来]|周年")
# The present and the future narrow nothing down (and 现在 is also the end of 出现在, 体现在).
_NOT_A_FILTER = re.compile(r"^(?:现在|目前|当前|如今|当下|此时|今后|以后|将来)$|未来")
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11}


@dataclass(frozen=True)
class DateRange:
    """Days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"start {self.start.isoformat()} is after end {self.end.isoformat()}")

    def intersect(self, other: "DateRange") -> "DateRange | None":
        start, end = max(self.start, other.start), min(self.end, other.end)
        return DateRange(start, end) if start <= end else None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def published(self, lag: int = PUBLICATION_LAG_DAYS) -> "DateRange":
        """The days articles about this range are published on: from its first day to ``lag`` days after its last,
        or for a longer period up to half its length after (a quarter's figures come out the month after it)."""
        return DateRange(self.start, self.end + timedelta(days=max(lag, self.days // 2)))

    def __str__(self) -> str:
        return self.start.isoformat() if self.start == self.end else f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True)
class QuestionTime:
    """What a question says about time."""

    range: DateRange | None  # the days it names (None: none)
    recent: bool  # it asks for the newest news (最新, 最近, 近期)
    spans: tuple[tuple[int, int], ...] = ()  # where the time expressions stand in the question

    def without_time(self, question: str) -> str:
        """The question without its time expressions (once they filter by date, their words only mislead search)."""
        for start, end in sorted(self.spans, reverse=True):
            question = question[:start] + question[end:]
        return question.strip() or question


@functools.cache
def _extractor() -> Any:
    """JioNLP's time extractor, imported on first use (about 1.5 s); its import prints a banner, kept off stdout."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    return jionlp.ner.extract_time


def warm_up() -> None:
    """Import and initialise the parser (2 s) now rather than in the first request."""
    question_time("昨天", date.today())


_ISO_DAY = re.compile(r"\s*(\d{1,4})-(\d{1,2})-(\d{1,2})")


def _day(text: str) -> date | None:
    """The day of JioNLP's ``2026-05-03 00:00:00``; years before 1000 come unpadded (``515-01-01``); None if invalid."""
    match = _ISO_DAY.match(text)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None
    except ValueError:  # year 0, 30 February
        return None


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _jionlp_ranges(question: str, today: date) -> list[tuple[int, int, DateRange]]:
    """Time points and spans JioNLP finds in ``question`` (intervals such as 三天 and repeating times left out)."""
    base = datetime(today.year, today.month, today.day)
    try:
        found = _extractor()(question, time_base=base, with_parsing=True)
    except Exception as exc:  # the parser fails on some unusual texts: the question is then read without dates
        logger.warning("time expressions of %r could not be parsed: %s", question, exc)
        return []
    ranges = []
    for item in found:
        detail = item.get("detail") or {}
        bounds = detail.get("time")
        if item.get("type") not in ("time_point", "time_span") or not isinstance(bounds, list) or len(bounds) != 2:
            continue
        start = today if bounds[0] == "inf" else _day(bounds[0])
        end = today if bounds[1] == "inf" else _day(bounds[1])
        if start is None or end is None:
            continue
        first, last = item["offset"]
        text = item["text"]
        named = _NAME_NUMBER.fullmatch(text) and first > 0 and question[first - 1].isalnum()
        if named or _HISTORY.search(text) or _NOT_A_FILTER.search(text):
            continue
        if _PERIOD.match(question, last) and text in HOLIDAY_DAYS:
            end = start + timedelta(days=HOLIDAY_DAYS[text] - 1)
            last = _PERIOD.match(question, last).end()
        if start > today and "年" not in text:  # 5月3日 asked on 2026-04-28: the last one, 2025's
            start, end = _shift_year(start, -1), _shift_year(end, -1)
        if start <= end:
            ranges.append((first, last, DateRange(start, end)))
    return ranges


def _month(word: str, today: date) -> DateRange:
    first = today.replace(day=1)
    if word in ("上个月", "上月"):
        first = (first - timedelta(days=1)).replace(day=1)
    elif word not in ("本月", "这个月", "当月", "这月"):
        number = word.rstrip("份").rstrip("月")
        month = int(number) if number.isdigit() else _CN_MONTH.get(number, 12)
        first = date(today.year - (month > today.month), month, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return DateRange(first, following - timedelta(days=1))


def question_time(question: str, today: date) -> QuestionTime:
    """The days ``question`` names relative to ``today`` (their union when it names several), and whether it asks
    for the newest news. Days after ``today`` are left out: no article is published in the future."""
    ranges = _jionlp_ranges(question, today)
    for match in _MONTH.finditer(question):
        if not any(s < match.end() and match.start() < e for s, e, _ in ranges):
            ranges.append((match.start(), match.end(), _month(match.group(1), today)))
    ranges = [(s, e, r) for s, e, r in ranges if r.start <= today]
    recent = bool(RECENT.search(question))
    if not ranges:
        return QuestionTime(None, recent)
    union = DateRange(min(r.start for _, _, r in ranges), min(max(r.end for _, _, r in ranges), today))
    return QuestionTime(union, recent, tuple((s, e) for s, e, _ in ranges))


def relative_days(text: str, published: date) -> list[tuple[int, int, date]]:
    """The day words of an article's text that count from its publication day (昨天, 今日, 前天), with their date."""
    return [
        (m.start(), m.end(), published + timedelta(days=RELATIVE_DAYS[m.group()])) for m in _RELATIVE_DAY.finditer(text)
    ]


def with_absolute_days(text: str, published: date | None) -> str:
    """``text`` with the date after each relative day word: 昨天 -> 昨天（4月27日） in an article of 2026-04-28."""
    if published is None:
        return text
    out, last = [], 0
    for _, end, day in relative_days(text, published):
        if text.startswith("（", end):  # already dated as printed: 昨天（27日）
            continue
        label = f"{day.month}月{day.day}日" if day.year == published.year else f"{day.year}年{day.month}月{day.day}日"
        out += [text[last:end], f"（{label}）"]
        last = end
    return "".join(out) + text[last:]


def parse_day(value: str | None) -> date | None:
    """An article's publication date: ISO (2026-04-28) or 2026年4月28日; None when it has none or no year."""
    if not value:
        return None
    match = re.match(r"\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
