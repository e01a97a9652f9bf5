import pytest

from qa.eval.metrics import Outcome, article_ranking, contains_answer, percentile, strip_markers, summarize


def test_markers_are_removed_from_the_answer():
    assert strip_markers("甲是乙。[1]丙是丁。[2]") == "甲是乙。丙是丁。"
    assert strip_markers("[12]年份[1]") == "年份"


def test_chunks_are_deduplicated_to_their_article_in_rank_order():
    assert article_ranking(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_an_answer_counts_only_when_it_holds_a_gold_string_and_is_short():
    assert contains_answer("他于1988年建成。", ["1988年", "1988"])
    assert not contains_answer("他于1989年建成。", ["1988年"])
    assert not contains_answer("1988年" + "长" * 160, ["1988年"])


def outcome(rank, refused=False, hit1=False, hit3=False, chars=50, ms=10.0):
    return Outcome(rank, refused, hit1, hit3, 0 if refused else chars, ms)


def test_summary_figures():
    summary = summarize(
        [
            outcome(1, hit1=True, hit3=True, chars=40, ms=10),
            outcome(2, hit3=True, chars=60, ms=20),
            outcome(None, refused=True, ms=30),
            outcome(11, chars=80, ms=40),
        ]
    )
    assert summary.questions == 4
    assert (summary.r1, summary.r5) == (0.25, 0.5)
    assert summary.mrr10 == pytest.approx((1 + 1 / 2) / 4)
    assert (summary.hit1, summary.hit3, summary.false_refusals) == (0.25, 0.5, 0.25)
    assert summary.median_chars == 60  # refusals have no length
    assert summary.p50_ms == 25 and 38 < summary.p95_ms <= 40


def test_percentile():
    assert percentile([], 95) == 0.0
    assert percentile([7.0], 95) == 7.0
    assert percentile(list(range(101)), 95) == pytest.approx(95)


def test_nothing_to_summarise_is_an_error():
    with pytest.raises(ValueError, match="no outcomes"):
        summarize([])
