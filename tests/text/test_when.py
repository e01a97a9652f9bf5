"""Time words of questions and articles: ranges relative to the day asked, absolute dates in answers."""

from datetime import date

import pytest

from qa.text.when import DateRange, parse_day, question_time, with_absolute_days

TODAY = date(2026, 4, 28)  # a Tuesday


@pytest.mark.parametrize(
    "question,start,end",
    [
        ("昨天国务院任免了哪些人？", "2026-04-27", "2026-04-27"),
        ("前天发生了什么？", "2026-04-26", "2026-04-26"),
        ("上周的会议讨论了什么？", "2026-04-20", "2026-04-26"),
        ("本月有哪些新规？", "2026-04-01", "2026-04-28"),
        ("上个月的降雨情况", "2026-03-01", "2026-03-31"),
        ("今年有哪些新能源政策？", "2026-01-01", "2026-04-28"),
        ("去年3月出台了什么办法？", "2025-03-01", "2025-03-31"),
        ("4月27日发布的办法是什么？", "2026-04-27", "2026-04-27"),
        ("一季度的经济数据如何？", "2026-01-01", "2026-03-31"),
        ("二〇二六年的世界杯在哪里举行？", "2026-01-01", "2026-04-28"),
        ("3天前发布的通知", "2026-04-25", "2026-04-25"),
        # No year and after the day asked: the last one, a year ago.
        ("5月3日外交部发言人说了什么？", "2025-05-03", "2025-05-03"),
        ("6月的数据", "2025-06-01", "2025-06-30"),
        # A holiday asked about as a period lasts its days, not only its first.
        ("五一期间高速公路充电量多少？", "2025-05-01", "2025-05-05"),
    ],
)
def test_time_words_become_the_days_they_name(question, start, end):
    asked = question_time(question, TODAY)
    assert asked.range == DateRange(date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize(
    "question",
    [
        "第四十二次南极考察什么时候结束？",  # asks for a date, names none
        "5月18日“雪龙2”号返抵哪里？".replace("5月18日", ""),  # 2号 is a ship's name
        "40年后，走进切尔诺贝利核禁区看到了什么？",  # history told, not a publication date
        "东京审判开庭80周年之际外交部说了什么？",
        "全国最大累计降水量出现在哪个县？",  # 出现在 is not 现在
        "天津未来5年将新增多少个口袋公园？",
    ],
)
def test_words_that_are_not_dates_filter_nothing(question):
    assert question_time(question, TODAY).range is None


def test_newest_words_ask_for_recent_news_without_a_range():
    for question in ("最新一次巡逻派出了多少人？", "最近的通报说了什么？", "近期有哪些救灾资金？"):
        asked = question_time(question, TODAY)
        assert asked.recent and asked.range is None
    assert not question_time("巡逻派出了多少人？", TODAY).recent


def test_time_words_leave_the_question_once_they_filter():
    asked = question_time("昨天国务院任命谁为局长？", TODAY)
    assert asked.without_time("昨天国务院任命谁为局长？") == "国务院任命谁为局长？"


def test_publication_days_allow_for_the_paper_printing_news_the_next_days():
    day = DateRange(date(2026, 4, 27), date(2026, 4, 27))
    assert day.published() == DateRange(date(2026, 4, 27), date(2026, 4, 29))
    quarter = DateRange(date(2026, 1, 1), date(2026, 3, 31))
    assert quarter.published().end == date(2026, 5, 15)  # a quarter's figures come out after it


def test_a_range_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="start 2026-05-01 is after end 2026-04-01"):
        DateRange(date(2026, 5, 1), date(2026, 4, 1))


def test_relative_days_in_an_article_get_their_date():
    published = date(2026, 4, 28)
    assert with_absolute_days("昨天，会议在京召开。", published) == "昨天（4月27日），会议在京召开。"
    assert with_absolute_days("前天和今日", published) == "前天（4月26日）和今日（4月28日）"
    assert with_absolute_days("今天（28日）继续", published) == "今天（28日）继续"  # dated as printed
    assert with_absolute_days("昨天下午", None) == "昨天下午"  # an undated article: nothing to add
    assert with_absolute_days("昨天", date(2026, 1, 1)) == "昨天（2025年12月31日）"


@pytest.mark.parametrize(
    "value,day",
    [
        ("2026-04-28", date(2026, 4, 28)),
        ("2026年4月28日", date(2026, 4, 28)),
        ("4月6日", None),
        (None, None),
        ("2026-02-30", None),
    ],
)
def test_publication_dates_need_a_year(value, day):
    assert parse_day(value) == day


def test_a_year_before_1000_is_read_like_any_other():
    # JioNLP writes it unpadded (475-09-01): it used to fail the request (a 500 from /ask).
    found = question_time("475年9月，长寿王讨伐了哪儿？", TODAY)
    assert found.range is not None and (found.range.start, found.range.end) == (date(475, 9, 1), date(475, 9, 30))
