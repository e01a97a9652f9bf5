"""Which phrase of an answer sentence is given as the short answer, and when none is. No model."""

import pytest

from qa.answering.short_answer import framed_span, pick_span
from qa.answering.slots import Slot, fitting_spans
from qa.text.entities import EntityTagger


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    return EntityTagger()


def short(question: str, sentence: str, tagger: EntityTagger) -> str | None:
    slot = Slot.of(question)
    span = pick_span(question, sentence, fitting_spans(slot, sentence, question, tagger), slot.kind)
    return sentence[span[0] : span[1]] if span else None


@pytest.mark.parametrize(
    "question,sentence,expected",
    [
        # Of several numbers, the one next to what the question counts.
        (
            "参加奥运会的中国皮划艇队有多少运动员？",
            "中国皮划艇队共计40人，其中运动员23人，官员与工作人员17人。",
            "23人",
        ),
        ("帕特纳赫峡谷有多长？", "帕特纳赫峡谷是一座长702米，深80米的峡谷。", "702米"),
        (
            "奇穆人在什么时候形成了自己的文明？",
            "约公元700年以来，奇穆人形成了自己的文明，直到1476年才为印加人所灭。",
            "公元700年",
        ),
        ("锦地罗的全长是多少厘米？", "该种是一个小小的毛毡苔，全长通常只有2cm（0.79英尺）。", "2cm"),
        (
            "《台视周日卡通》是何时停播的？",
            "1993年（民国82年）1月24日起，《台视周日卡通》停播。",
            "1993年（民国82年）1月24日",
        ),
        ("香港何时成为英国的殖民地？", "香港自十九世纪以来即为英国殖民地，至1997年才结束。", "十九世纪"),
        # A name right where the question puts its blank.
        ("《越南亡国史》的作者是谁？", "《越南亡国史》的作者潘佩珠，为越南革命家。", "潘佩珠"),
        ("耶律留哥死后，谁统治辽东？", "1220年，耶律留哥死后，其妻姚里氏统治辽东。", "姚里氏"),
        # The name's original spelling in brackets does not glue it to Latin letters, nor part it from 提出.
        ("鸟兽脚类的概念是由谁提出来的？", "在1988年，保罗·塞里诺（Paul Sereno）提出鸟兽脚类的概念。", "保罗·塞里诺"),
    ],
)
def test_the_phrase_where_the_question_puts_its_blank(tagger, question, sentence, expected):
    assert short(question, sentence, tagger) == expected


@pytest.mark.parametrize(
    "question,sentence",
    [
        ("在支援中，毛利元就首先击杀了谁？", "首先击杀了武田家的先锋熊谷元直，武田元繁大怒。"),  # not next to 击杀
        ("李忠臣拥立谁称帝？", "大历十四年，李忠臣被李希烈驱逐，783年，拥立朱泚称帝。"),  # 李希烈 is not who was raised
        ("《赌城谍血》的主角是谁？", "1954年的电视电影，主角巴里·尼尔逊（Barry Nelson）。"),  # a name cut at its dot
        ("魏舒把筑修城墙的事交给了谁？", "魏舒把筑修城墙的事交给韩简子和原寿过。"),  # one of a list
        ("男子100米跑赛事什么时候举行？", "比赛于2008年8月15日及8月16日举行。"),  # two dates
        ("在2005年，西班牙人的语言使用比例分别是多少？", "在2005年，89%的西班牙人的母语是西班牙语，9%是加泰罗尼亚语。"),
        ("核心保护区有多大？", "“六片”指主入口管理区、古渔村景区。"),  # a count does not say a size
        ("兰比尔的身高体重是多少？", "兰比尔身高2米11，体重118公斤。"),  # two facts asked
        ("卡洛身兼几家骑士团的大团长职位？", "夏尔在曼哈顿一家公关公司工作过三年。"),  # 一家: a word, not a count
        (
            "在4x100米自由式接力赛中，创造的新世界纪录是多少？",
            "她在50米自由式中夺冠。",
        ),  # names an event like the question's
        ("这件事是何时的事？", "正德五年（1510年）十月，刘六、刘七起义，起义军于1511年失败。"),  # nothing tells which
    ],
)
def test_no_short_answer_rather_than_a_wrong_one(tagger, question, sentence):
    assert short(question, sentence, tagger) is None


@pytest.mark.parametrize(
    "question,sentence,expected",
    [
        ("耶律乞奴被谁所杀？", "耶律乞奴战败，东渡鸭绿江，被耶律金山所杀。", "耶律金山"),
        ("李忠臣拥立谁称帝？", "783年，李忠臣拥立朱泚称帝，784年朱泚败后被处死。", "朱泚"),
        ("名义上加拿大总理一职由谁委任？", "名义上总理一职由加拿大总督委任，但须获得下议院信任。", "加拿大总督"),
        ("《GOTH 断掌事件》是日本小说家谁的小说？", "《GOTH 断掌事件》是日本小说家乙一的小说。", "乙一"),
        # None: a pronoun (其下), two names framed alike, a list, a question for several, a frame the sentence lacks.
        ("耶律厮不被谁所杀？", "后来不久，耶律厮不被其下所杀，丞相耶律乞奴监国。", None),
        ("耶律乞奴被谁所杀？", "耶律乞奴被耶律金山所杀，其弟被耶律留哥所杀。", None),
        ("这一职务由谁委任？", "这一职务由总督和总理委任。", None),
        ("哪些人被谁所杀？", "耶律乞奴被耶律金山所杀。", None),
        ("耶律乞奴被谁所杀？", "耶律金山杀死了耶律乞奴。", None),
        ("谁统治辽东？", "其妻姚里氏统治辽东。", None),  # nothing before 谁 to frame it
        ("泰德死前派谁给惊奇队长送信？", "泰德死前派遣圣甲虫去给惊奇队长送信。", None),  # 派|遣 would cut a word
    ],
)
def test_a_name_the_tagger_missed_is_found_between_the_words_around_who(tagger, question, sentence, expected):
    span = framed_span(question, sentence, tagger)
    assert (sentence[span[0] : span[1]] if span else None) == expected
