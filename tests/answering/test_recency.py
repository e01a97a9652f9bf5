"""The recency prior and the retrieval plan: newer among comparable matches, never past a clearly better one."""

from datetime import date

import pytest

from qa.answering.retrieval import RRF_K, has_editions, reciprocal_rank_fusion, with_recency
from qa.answering.scope import NO_DAY, Scope, read_scope
from qa.text.when import DateRange

APRIL, MARCH, FEBRUARY = (date(2026, m, 27).toordinal() for m in (4, 3, 2))


def test_the_newest_of_equally_good_matches_comes_first():
    fused = [(0, 0.0328), (1, 0.0323), (2, 0.0317)]  # three editions of one report, the oldest first
    ranked = with_recency(fused, [FEBRUARY, MARCH, APRIL])
    assert [row for row, _ in ranked] == [2, 1, 0]


def test_a_clearly_better_match_is_never_passed():
    best = 2 / (RRF_K + 1)  # ranked first by both retrievers
    fused = [(0, best), (1, 0.85 * best)]  # a newer article, ranked well by one retriever only
    ranked = with_recency(fused, [FEBRUARY, APRIL])
    assert ranked[0][0] == 0 and ranked[1][1] == fused[1][1]  # below the window: no bonus at all


def test_age_counts_from_the_newest_comparable_match_not_a_weak_newer_one():
    fused = [(0, 0.0328), (1, 0.0320), (2, 0.0200)]
    far_newer = date(2026, 8, 19).toordinal()
    ranked = with_recency(fused, [MARCH, APRIL, far_newer])
    assert [row for row, _ in ranked][:2] == [1, 0]
    assert ranked[0][1] - 0.0320 == pytest.approx(0.5 / (RRF_K + 1))  # the newest comparable one: full bonus


def test_undated_rows_and_no_weight_change_nothing():
    fused = reciprocal_rank_fusion([[3, 1, 2], [1, 3, 2]])
    assert with_recency(fused, [NO_DAY] * 3) == fused
    assert with_recency(fused, [FEBRUARY, MARCH, APRIL], weight=0) == fused


def test_editions_are_titles_equal_but_for_their_numbers_on_other_days():
    titles = ["第一百六十五次中老缅泰湄公河联合巡逻执法行动启动", "第一百六十六次中老缅泰湄公河联合巡逻执法行动启动"]
    assert has_editions(titles, [MARCH, APRIL])
    assert not has_editions(titles, [APRIL, APRIL])  # the same day: copies or one page, not editions
    assert not has_editions(["甘肃出台方案", "天津新增口袋公园"], [MARCH, APRIL])


def test_the_plan_reads_the_question_against_the_request():
    scope = Scope(date(2026, 4, 30))
    plan = read_scope("昨天国务院任命谁为局长？", scope)
    assert plan.query == "国务院任命谁为局长？" and plan.published == DateRange(date(2026, 4, 29), date(2026, 5, 1))
    assert read_scope("最新一次巡逻派出了多少人？", scope).recent
    assert read_scope("巡逻派出了多少人？", scope).recurring
    assert not read_scope("第一百六十六次巡逻派出了多少人？", scope).recurring  # names the edition it means
    within = Scope(date(2026, 4, 30), date(2026, 4, 1), date(2026, 4, 30), "人民日报")
    plan = read_scope("巡逻派出了多少人？", within)
    assert plan.published == DateRange(date(2026, 4, 1), date(2026, 4, 30)) and plan.paper == "人民日报"
    # The question's day and the request's range share no day: nothing can answer it.
    assert read_scope("5月18日雪龙号返抵哪里？", within).nothing


def test_a_scope_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="date_from 2026-05-01 is after date_to 2026-04-01"):
        Scope(date(2026, 5, 2), date(2026, 5, 1), date(2026, 4, 1))
