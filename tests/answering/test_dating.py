"""Dates in answers and replies: relative days of the cited article made absolute, the source's paper and day."""

from datetime import date

from qa.answering.compose import Answer, Citation
from qa.answering.dating import reference_day, source_note, with_dates
from qa.models import Article


def article(date_: str | None, body: str, dateline: str | None = None, source: str = "rmrb.txt", paper=None) -> Article:
    return Article("a", "标题", (body,), source, date=date_, dateline=dateline, paper=paper)


def answer(text: str, *articles: Article) -> Answer:
    citations = [Citation(n, a, "c", a.body, 0, len(a.body), 1.0) for n, a in enumerate(articles, start=1)]
    return Answer("问题", text, False, citations)


def test_relative_days_in_the_answer_get_the_date_of_their_article():
    first = article("2026-04-28", "昨天，会议在京召开。")
    second = article("2026-05-19", "今日，雪龙2号返回上海。")
    text = "昨天，会议在京召开。[1]今日，雪龙2号返回上海。[2]"
    assert (
        with_dates(answer(text, first, second))
        == "昨天（4月27日），会议在京召开。[1]今日（5月19日），雪龙2号返回上海。[2]"
    )


def test_a_dateline_sets_the_day_relative_days_count_from():
    # The paper of 4 May prints a report filed on 3 May: its 今天 is the 3rd.
    report = article("2026-05-04", "新华社北京5月3日电  有记者问：今天是东京审判开庭80周年纪念日。")
    assert reference_day(report) == date(2026, 5, 3)
    assert with_dates(answer("有记者问：今天是东京审判开庭80周年纪念日。[1]", report)).startswith(
        "有记者问：今天（5月3日）"
    )
    assert reference_day(article("2027-01-01", "正文", dateline="新华社北京12月31日电")) == date(2026, 12, 31)
    assert reference_day(article("2026-04-28", "没有电头的评论。")) == date(2026, 4, 28)
    assert reference_day(article("4月28日", "昨天")) is None  # no year: no date to give


def test_the_source_note_names_paper_and_day():
    assert source_note(article("2026-04-28", "正文", paper="人民日报")) == "（人民日报，2026年4月28日）"
    # JSON Lines records name their paper as source; a file name is not a paper.
    assert source_note(article("2026-04-28", "正文", source="新华每日电讯")) == "（新华每日电讯，2026年4月28日）"
    assert source_note(article("2026-04-28", "正文")) == "（2026年4月28日）"
    assert source_note(article(None, "正文")) == ""
