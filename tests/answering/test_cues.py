import pytest

from qa.answering.cues import Cues


@pytest.mark.parametrize(
    "question,number,date,unit,describe",
    [
        ("若游戏中离，则多少分钟内不得进行配对？", True, False, "分", False),
        ("蓝线裸顶鲷的体长约是多少公分？", True, False, "公分", False),
        ("北京冬奥会中国代表团获得了几枚金牌？", True, False, "枚", False),
        ("赛里木湖的面积有多少平方公里？", True, False, "平方", False),
        ("上海迪士尼乐园的门票多少钱？", True, False, None, False),
        ("微信是哪一年推出的？", False, True, None, False),
        ("尤金袋鼠为什么会被认为是害虫？", False, False, None, True),
        ("纽西兰鸡毛松有哪些用途？", False, False, None, True),
        ("荣智健担任什么职务？", False, False, None, False),
    ],
)
def test_what_a_question_asks_for(question, number, date, unit, describe):
    cues = Cues.of(question)
    assert (cues.number, cues.date, cues.unit, cues.describe) == (number, date, unit, describe)


def test_a_number_with_the_asked_unit_beats_a_number_with_another():
    cues = Cues.of("蓝线裸顶鲷的体长约是多少公分？")
    assert cues.bonus("体长可达80公分。") > cues.bonus("每年产卵3000粒。") > cues.bonus("为龙占鱼科的鱼类。")
    assert cues.bonus("为龙占鱼科的鱼类。") == 0


def test_a_date_question_prefers_dates():
    cues = Cues.of("芙蓉洞是什么时候被发现的？")
    assert cues.bonus("芙蓉洞于1993年被发现。") > cues.bonus("芙蓉洞是一个石灰岩溶洞。")
