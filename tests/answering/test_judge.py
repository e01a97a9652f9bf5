"""The answerability judge: fact checks, the fitted model file, reasons. No embedding model."""

import json

import numpy as np
import pytest

from qa.answering.compose import MIN_PASSAGE_COVERAGE, Composer
from qa.answering.features import FEATURES
from qa.answering.judge import (
    _FACT_FEATURES,
    _TOPIC_FEATURES,
    FACT_CHECKS,
    MODEL_FILE,
    WEIGHED_COVERAGE,
    ConfidenceModel,
    Judge,
    failed_check,
)
from qa.answering.retrieval import Hit, Query
from qa.answering.short_answer import pick_span, short_answer
from qa.indexing.chunking import chunk_article
from qa.models import Article
from qa.text.entities import EntityTagger
from qa.text.segmentation import Tokenizer, term_weight

RIVER = Article(
    id="river",
    title="中东部大范围降雨过程持续",
    paragraphs=(
        "本报北京5月18日电\u00a0\u00a0（记者蒋雪鸿）气象监测显示，5月18日白天，山东、湖南等地出现暴雨。"
        "24小时内全国共有40个气象站出现特大暴雨。",
        "全国最大累计降水量出现在湖北省鹤峰县，达458.8毫米。",
    ),
    source="test",
)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge(term_weight, ConfidenceModel.load(), 0.0, EntityTagger())


def draft(tokenizer: Tokenizer, question: str, article: Article = RIVER):
    chunks = chunk_article(article, 240, 0)
    hits = [Hit(c, i, 1 / (60 + i), 0.8, 5.0, i + 1, i + 1) for i, c in enumerate(chunks)]
    query = Query(question, tokenizer.tokens(question), np.zeros(4, dtype=np.float32))
    return Composer(term_weight, {article.id: chunks}).draft(query, hits, {article.id: article})


def test_the_bundled_model_has_every_feature_and_calibrated_output():
    model = ConfidenceModel.load()
    assert set(model.features) == set(FEATURES)
    assert list(model.calibration_x) == sorted(model.calibration_x)
    assert all(0.0 <= y <= 1.0 for y in model.calibration_y)
    trained = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["trained_on"]
    assert trained["answers"] > trained["right"] > 0


def test_a_model_file_with_an_unknown_feature_is_refused_by_name(tmp_path):
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"][0] = "astrology"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="astrology"):
        ConfidenceModel.load(path)


def test_min_confidence_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="1.5"):
        Judge(term_weight, None, 1.5)


def test_the_asked_fact_answered_with_its_phrase(tokenizer, judge):
    question = "全国最大累计降水量达多少毫米？"
    d = draft(tokenizer, question)
    verdict = judge.decide(d, {RIVER.id: RIVER})
    assert not verdict.refuse and verdict.reason is None and 0.0 < verdict.confidence <= 1.0
    answer = Composer(term_weight).cite(d, {RIVER.id: RIVER})
    short = short_answer(d, verdict.evidence, answer)
    assert short is not None and short.text == "458.8毫米" and short.kind == "number"
    assert RIVER.body[short.start : short.end] == "458.8毫米"
    cited = answer.citations[short.citation - 1]
    assert cited.start <= short.start and short.end <= cited.end


@pytest.mark.parametrize(
    "question,check",
    [
        ("5月18日山东暴雨造成多少人死亡？", "slot_unfilled"),  # a count of 人 asked, none given, 死亡 not named
        ("2024年全国有多少个气象站出现特大暴雨？", None),  # the composer's own rule: a year the article lacks
        ("上海的最大累计降水量是多少毫米？", "names_absent"),  # 上海 is not in the article
    ],
)
def test_a_fact_the_article_does_not_hold_is_refused_as_no_matching_fact(tokenizer, judge, question, check):
    d = draft(tokenizer, question)
    verdict = judge.decide(d, {RIVER.id: RIVER})
    assert verdict.refuse and verdict.reason == "no_matching_fact"
    assert verdict.failed_check == check


def test_each_fact_check_names_what_it_checks():
    values = dict.fromkeys(FEATURES, 1.0)
    values.update(slot_missing=0.0, slot_unit=0.0, period_named=0.0)
    assert failed_check(values) is None
    assert failed_check({**values, "slot_missing": 1.0, "focus_sentence": 0.0}) == "slot_unfilled"
    assert failed_check({**values, "slot_missing": 1.0, "focus_sentence": 1.0}) is None  # names what is asked
    # 多少名科考队员 asked, no count of 名 given: naming part of the thing asked (科考) is not enough.
    assert failed_check({**values, "slot_unit": 1.0, "slot_missing": 1.0, "focus_sentence": 0.5}) == "slot_unfilled"
    # 进口农产品多少亿美元 asked, a figure of 亿美元 given for a sentence not naming 农产品: another quantity.
    assert failed_check({**values, "slot_unit": 1.0, "focus_sentence": 0.0}) == "quantity_elsewhere"
    assert failed_check({**values, "period_named": 1.0, "period_article": 0.5}) == "period_absent"
    assert failed_check({**values, "places_article": 0.0}) == "names_absent"
    assert failed_check({**values, "named_article": 0.0}) is None  # people: left to the confidence
    assert failed_check({**values, "post_article": 0.0}) == "post_absent"
    assert set(FACT_CHECKS) == {"slot_unfilled", "quantity_elsewhere", "period_absent", "names_absent", "post_absent"}


APPOINTMENTS = Article(
    id="appointments",
    title="国务院任免国家工作人员",
    paragraphs=("任命宋友春为住房和城乡建设部副部长；免去刘振国的民政部副部长职务。",),
    source="test",
)


def test_a_head_asked_of_an_article_naming_only_deputies_is_refused(tokenizer, judge):
    # 部长 asked, only 副部长 reported: the article names the deputies, not who heads the ministry.
    d = draft(tokenizer, "谁被任命为民政部部长？", APPOINTMENTS)
    verdict = judge.decide(d, {APPOINTMENTS.id: APPOINTMENTS})
    assert verdict.refuse and verdict.reason == "no_matching_fact" and verdict.failed_check == "post_absent"
    # Asked for the deputy, it is not refused for the post.
    d = draft(tokenizer, "谁被免去民政部副部长职务？", APPOINTMENTS)
    assert judge.decide(d, {APPOINTMENTS.id: APPOINTMENTS}).failed_check != "post_absent"


def test_a_draft_covering_little_of_the_question_is_left_to_the_model(tokenizer, judge):
    d = draft(tokenizer, "特大暴雨后的救灾物资如何调配？")
    assert d.reason == "not_found" and WEIGHED_COVERAGE <= d.relevance < MIN_PASSAGE_COVERAGE
    assert judge.rule(d) is None  # the model decides, with a confidence
    doubted = judge.decide(d, {RIVER.id: RIVER}).confidence
    supported = judge.decide(draft(tokenizer, "全国最大累计降水量达多少毫米？"), {RIVER.id: RIVER}).confidence
    assert doubted < 0.5 < supported  # relief is not in the article: the model doubts it
    served = Judge(term_weight, judge.model, 0.5, judge.tagger)
    verdict = served.decide(d, {RIVER.id: RIVER})
    assert verdict.refuse and verdict.reason in {"not_found", "no_matching_fact", "low_confidence"}
    rules_only = Judge(term_weight, None, 0.0, EntityTagger())
    assert rules_only.rule(d) == "not_found"  # without a model the composer's floor stands
    verdict = rules_only.decide(d, {RIVER.id: RIVER})
    assert verdict.refuse and verdict.reason == "not_found"


def test_below_the_refusal_point_the_answer_is_refused_with_a_reason(tokenizer):
    d = draft(tokenizer, "全国最大累计降水量出现在哪个县？")
    strict = Judge(term_weight, ConfidenceModel.load(), 1.0, EntityTagger())
    verdict = strict.decide(d, {RIVER.id: RIVER})
    assert verdict.refuse and verdict.reason in {"not_found", "no_matching_fact", "low_confidence"}


def test_an_answer_never_starts_with_the_dateline_or_byline(tokenizer):
    d = draft(tokenizer, "5月18日白天哪些地方出现暴雨？")
    first = d.chosen[0]
    assert first.text.startswith("气象监测显示")
    assert RIVER.body[first.start : first.end] == first.text


def test_the_clause_most_like_the_question_decides_between_two_numbers():
    text = "正德五年（1510年）十月，刘六、刘七在霸州起义，起义军于1511年失败。"
    spans = [(text.index("1510年"), text.index("1510年") + 5), (text.index("1511年"), text.index("1511年") + 5)]
    assert pick_span("起义军是何时失败的？", text, spans) == spans[1]
    assert pick_span("这件事是何时的事？", text, spans) is None  # no clause is more like the question than another
    assert pick_span("何时？", text, spans[:1]) == spans[0]  # the only one


def test_a_post_asked_is_checked_but_given_no_short_answer(tokenizer, judge):
    visit = Article(
        id="visit",
        title="杜小刚与荣智健一行会谈",
        paragraphs=("4月6日，香港隆源控股有限公司董事局主席、香港无锡商会赞助人荣智健回锡探亲。",),
        source="test",
    )
    d = draft(tokenizer, "荣智健担任什么职务？", visit)
    verdict = judge.decide(d, {visit.id: visit})
    assert verdict.evidence.slot.kind == "post" and verdict.evidence.values["slot_missing"] == 0.0
    answer = Composer(term_weight).cite(d, {visit.id: visit})
    assert short_answer(d, verdict.evidence, answer) is None  # 董事局主席 or the company's too: no span to cut


def test_every_feature_the_trees_weigh_against_an_answer_maps_to_a_reason():
    # A refusal names why: the article lacks the fact (no_matching_fact) or the corpus lacks the topic (not_found).
    assert not _FACT_FEATURES & _TOPIC_FEATURES
    newer = {"subject_repeated", "subject_specific", "title_question", "post_article"}
    assert newer <= _FACT_FEATURES | _TOPIC_FEATURES
