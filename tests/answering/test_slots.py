"""What a question asks for, and which spans of a sentence could fill it. No model."""

import pytest

from qa.answering.slots import Slot, fitting_spans, focus_pairs, head_posts, named_things, names_post, period_share
from qa.text.entities import EntityTagger


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    return EntityTagger()


@pytest.mark.parametrize(
    "question,kind",
    [
        ("给人民医院捐了多少？", "amount"),
        ("苏伊士湾风电项目总投资多少亿美元？", "amount"),
        ("横琴口岸一共通关了多少人次？", "number"),
        ("微信是哪一年推出的？", "date"),
        ("比赛几点开始？", "time"),
        ("谁主持召开了会商会？", "person"),
        ("会议在哪里召开？", "place"),
        ("该项目由哪家企业承建？", "org"),
        ("荣智健担任什么职务？", "post"),  # a post, not a person
        ("林则徐被撤职后，怡良担任过什么职位？", "post"),
        ("卡洛身兼几家骑士团的大团长职位？", "number"),  # a count of posts
        ("谁担任该校校长职务？", "person"),
        ("尤金袋鼠为什么会被认为是害虫？", None),
    ],
)
def test_the_kind_of_fact_a_question_asks_for(question, kind):
    assert Slot.of(question).kind == kind


@pytest.mark.parametrize(
    "question,sentence,spans",
    [
        ("给人民医院捐了多少？", "荣智健向无锡市人民医院捐赠4000万元，用于建设新院区。", ["4000万元"]),
        ("赛里木湖的面积有多少平方公里？", "赛里木湖面积约458平方公里，湖面海拔2071米。", ["458平方公里"]),
        ("横琴口岸2025年全年一共通关了多少人次？", "2025年一季度，横琴口岸通关旅客达450万人次。", ["450万人次"]),
        ("印度野驴最高每小时可跑多少公里？", "最高时速可达70-80公里。", ["70-80公里"]),
        ("第二届比赛什么时候举行的？", "第二届比赛于2009年9月27日-10月9日举行。", ["2009年9月27日-10月9日"]),
        ("蒙泰罗获得第几名？", "他获得第3名，车队获得8名积分。", ["第3名"]),
        ("北京冬奥会中国代表团获得了几枚金牌？", "中国代表团获得9枚金牌、4枚银牌。", ["9枚", "4枚"]),
        ("谁获得本年总决赛的最有价值球员奖？", "最终保罗·皮尔斯获得本年总决赛的最有价值球员奖。", ["保罗·皮尔斯"]),
        ("会议在哪里召开？", "水利部部长李国英在武汉主持召开会商会。", ["武汉"]),
        ("荣智健担任什么职务？", "香港隆源控股有限公司董事局主席荣智健回锡探亲。", ["董事局主席"]),
        ("王家瑞担任什么职务？", "1973年12月，任天津市无线电元件三厂工人、车间党支部副书记。", ["副书记"]),
        ("揭幕战的比分是多少？", "南昌队以3:1战胜赣州队，6万多人到场。", ["3:1"]),  # a score, not any number
        ("锦地罗的全长是多少厘米？", "全长通常只有2cm（0.79英尺）。", ["2cm"]),  # the unit in Latin letters
        ("以色列决定向加沙增派多少兵力？", "内塔尼亚胡将于3日召开安全内阁会议。", []),  # 3日 is a date, not a count
        # 哪一年 asks for a year: a day of the month does not say which.
        ("荣智健是哪一年出生的？", "4月6日，荣智健及荣氏亲属回锡探亲。", []),
        ("潘嘉丽于哪一年的2月14日发行了第一张个人专辑？", "她于2004年2月14日发行首张专辑。", ["2004年2月14日"]),
        ("荣智健是哪天回锡的？", "4月6日，荣智健及荣氏亲属回锡探亲。", ["4月6日"]),
        # A number the question itself names is what it asks about, not its answer.
        ("25名甲级战犯中有多少人被判绞刑？", "25名甲级战犯中，7人被判绞刑。", ["7人"]),
    ],
)
def test_spans_that_fill_the_slot(tagger, question, sentence, spans):
    slot = Slot.of(question)
    assert [sentence[a:b] for a, b in fitting_spans(slot, sentence, question, tagger)] == spans


def test_a_number_of_another_kind_does_not_fill_an_amount():
    question = "苏伊士湾风电项目总投资多少亿美元？"
    sentence = "项目共安装138台风电机组，建成投运后预计年发电量超过43亿千瓦时。"
    assert fitting_spans(Slot.of(question), sentence, question) == []


def test_periods_and_names_a_question_is_about(tagger):
    slot = Slot.of("横琴口岸2025年全年一共通关了多少人次？")
    assert slot.periods == ("2025年", "全年")
    assert period_share(slot, "2025年一季度，横琴口岸通关旅客达450万人次。") == 0.5
    assert period_share(Slot.of("横琴口岸通关了多少人次？"), "任何句子") == 1.0
    assert "北京" in named_things("北京未来5年将新增多少个口袋公园？", tagger)
    assert named_things("第165次湄公河联合巡逻派出多少人？", None) == ["第165次"]
    assert {"产值"} <= focus_pairs("临安山核桃每年的产值是多少亿元？")
    assert "死亡" in focus_pairs("中东部这轮强降雨造成多少人死亡？")


def test_a_head_post_is_not_its_deputy():
    assert head_posts("谁被任命为民政部部长？") == ["部长"]
    assert head_posts("谁被任命为民政部副部长？") == []  # asks for a deputy: no head named
    assert not names_post("免去刘振国的民政部副部长职务", "部长")
    assert names_post("任命李明为民政部部长", "部长")
    assert head_posts("谁是该公司的总经理？") == ["总经理"] and not names_post("副总经理张三", "总经理")
