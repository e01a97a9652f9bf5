"""What kind of fact a question asks for (its slot), for which period, and the spans of a sentence that fit.

A slot is a typed blank: 给人民医院捐了多少 asks for an amount (a number with a currency), 多少公里 for
a number of 公里, 哪一年 for a date, 谁 for a person, 哪家公司 for an organisation, 在哪里 for a place.
``fitting_spans`` finds the spans of a sentence that could fill it (numbers with the asked unit by
pattern, names by jieba's part-of-speech tags), leaving out what the question itself already says.
The answerability features (``qa.answering.features``) ask whether the chosen sentence holds such a
span at all; the short answer (``qa.answering.short_answer``) is given only when it holds exactly one.

Periods are the years, months, quarters and holidays a question names (2025年, 一季度, 全年, 五一):
an answer about another period answers another question.
"""

import re
from dataclasses import dataclass
from typing import Literal

from qa.answering.cues import Cues
from qa.text.entities import EntityTagger

SlotKind = Literal["number", "amount", "date", "time", "person", "org", "place", "post"]
NAME_KINDS: frozenset[str] = frozenset({"person", "org", "place"})
# Kinds the judge checks but no short answer is given for: a post is a phrase of varying length (董事局主席,
# 中共天津市大港区委副书记), not one span to cut out.
NO_SHORT_KINDS: frozenset[str] = frozenset({"post"})

_NUMERAL = r"(?:\d+(?:[.,]\d+)*|[零〇一二三四五六七八九十百千两]+(?:点[零〇一二三四五六七八九]+)?)"
_NUMBER = _NUMERAL + r"(?:多|余)?(?:万|亿|万亿)?"
_CURRENCY = r"(?:元|美元|美金|欧元|英镑|日元|港元|港币|韩元|卢布|人民币|块钱|块)"
_AMOUNT = re.compile(_NUMBER + r"\s*(?:多|余)?(?:万|亿)?" + _CURRENCY)
_MEASURE = (
    r"(?:%|％|‰|平方公里|平方米|公里|千米|厘米|毫米|公分|公斤|千克|公顷|千瓦时|千瓦|立方米|摄氏度|海里|英里|英尺|"
    r"人次|辆次|架次|吉瓦|兆瓦|光年|小时|分钟|周年|个月|美元|欧元|英镑|日元|"
    r"[个位名次年天岁项件种家所座条枚张只本部辆元米克吨层届场首篇间台架匹头号月日秒分人户株棵亩度股支"
    r"册级发粒颗片根艘门栋口期集章节季轮局盘杯瓶袋箱斤尺寸里周倍成类区]"
    r"|公尺|英寸|呎|吋|哩|\s?(?:GHz|MHz|Hz|kWh|kW|MW|GW|mAh|TB|GB|MB|KB)|(?i:km|cm|mm|kg)(?![A-Za-z])|m(?![A-Za-z]))"
)
_MEASURE_CHARS = frozenset(
    "个位名次年天岁项件种家所座条枚张只本部辆元米克吨倍层届场首篇间台架匹头号月日秒分人户株棵亩度股支份类区"
)
# The same unit written in Latin letters (多少厘米: 2cm).
_LATIN_UNITS = {"公里": "km", "千米": "km", "厘米": "cm", "毫米": "mm", "公斤": "kg", "千克": "kg", "米": "m"}
# Units of more than one character a question can name after 多少 (多少公里): kept whole.
_UNIT_WORDS = frozenset(
    "公里 平方 公顷 千瓦 立方 毫米 厘米 公分 公斤 千克 摄氏 海里 "
    "英里 英尺 人次 辆次 架次 万人 亿人 吉瓦 兆瓦 光年".split()
)
_ANY_NUMBER = re.compile(r"\d+\s*[：:比]\s*\d+|" + _NUMBER + r"\s*" + _MEASURE + "?")  # a ratio, or a count
_LONE_ONE = re.compile(r"一[\u4e00-\u9fff]?")
_NOT_A_COUNT = re.compile(r"\d{3,4}\s*年.*|\d{1,2}\s*[月日号]|[零〇一二三四五六七八九十百千两]+")  # 2003年, 3日: dates
_SCORE_Q = "比分"
_SCORE = re.compile(r"\d+\s*[:：比\-–—]\s*\d+")
_ORDINAL = re.compile(r"第\s*" + _NUMERAL + r"\s*" + _MEASURE + "?")
# Two spans joined by one of these are one answer: 2009年9月27日-10月9日, 5至10公里.
_RANGE = re.compile(r"\s*(?:-|—|–|~|～|起?至|起?到)\s*(?:翌年|次年)?\s*")
_YEAR = r"(?:公元前?)?(?:\d{2,4}|[零〇一二三四五六七八九]{4})\s*年"
_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
_DATE = re.compile(
    rf"\d{{2,4}}\s*年代|(?:\d{{1,2}}|[一二三四五六七八九十]{{1,2}})\s*(?:-|—|–|~|～|至|到)\s*{_MONTH}|{_YEAR}(?:\s*(?:[（(][^（）()]{{1,12}}[）)]\s*)?{_MONTH}(?:\s*{_DAY})?)?(?:初|底|末|中旬|上旬|下旬)?|{_MONTH}\s*{_DAY}|{_MONTH}(?:初|底|末|中旬|上旬|下旬)?"
    r"|(?<!年)[春夏秋冬]季|\d{4}-\d{1,2}-\d{1,2}|(?:\d{1,2}|[一二三四五六七八九十]{1,3})世纪(?:\d{2}年代)?(?:初期?|末期?|中叶|中期)?"
)
_TIME = re.compile(
    r"(?:凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|夜间|当晚|当天)?\s*(?:\d{1,2}[:：]\d{2}"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[时点](?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*分|半|许)?)"
)

_AMOUNT_Q = re.compile(
    r"多少钱|多少(?:万|亿)?(?:元|美元|欧元|英镑|日元|港元)|多少资金|(?:金额|价格|售价|票价|造价|成本|预算|投资|耗资|花费|收入|营收|"
    r"利润|票房|工资|薪资|奖金|罚款|赔偿|补贴|捐款|费用?|收费|捐资了?|出资了?|捐赠?了?|拨付了?|筹集了?|融资了?)(?:是|为|有|达|共|总共|一共)?多少"
)
_YEAR_Q = re.compile(r"哪一?年(?!级)|何年|哪个年代|哪几年|年份")
_YEAR_SAID = re.compile(r"年|世纪")
_TIME_Q = re.compile(r"几点|几时|几点钟")
_DATE_Q = re.compile(r"何时|什么时候|哪一?年|哪天|哪[一几]天|几月|几号|哪个月|什么日子|哪个年代|日期|何年|哪一日")
# 担任什么职务, 什么职位, 官职, 头衔: a post (董事局主席), not a person.
_POST_Q = re.compile(r"职务|职位|官职|头衔|什么职|任什么官")
_PERSON_Q = re.compile(r"谁|哪位|哪一位|什么人|何人|哪个人|叫什么名字|名字是什么|哪名|哪几位|作者是")
_ORG_Q = re.compile(
    r"(?:哪|哪一|哪个|什么)(?:家|个)?(?:公司|机构|组织|部门|单位|企业|银行|大学|学校|高校|媒体|报纸|球队|俱乐部|"
    r"集团|医院|协会|政党|党派|团体|部委|厂商|平台)"
)
_PLACE_Q = re.compile(
    r"哪里|哪儿|在哪|何地|何处|什么地方|哪个地方|(?:哪|哪一|哪个|什么)(?:个)?(?:国家|城市|省份?|地区|地方|县|市|区|镇|村|"
    r"州|岛|港口|口岸|机场|车站|景区|地点)"
)
# The periods a question can name, and the words that name the same period in a sentence.
_PERIOD = re.compile(
    r"\d{4}\s*年(?:度)?|(?:今|去|前|明)年|上半年|下半年|全年|(?:第?[一二三四1-4])季度|\d{1,2}\s*月份?|"
    r"五一|国庆|春节|元旦|中秋|端午|清明|假期|周末|上周|本周|今天|昨天|前天"
)


# The words that name the kind asked for (担任什么职务, 什么时间, 什么地方): a sentence answers them with a post, a
# date, a place (董事局主席), seldom with the word itself.
_KIND_WORDS: dict[str, frozenset[str]] = {
    "post": frozenset({"职务", "职位", "官职", "头衔"}),
    "date": frozenset({"时间", "日期", "年份", "时候"}),
    "time": frozenset({"时间", "时候"}),
    "place": frozenset({"地方", "地点", "位置"}),
    "person": frozenset({"名字", "姓名"}),
}


# The present (今年多少岁: 现年31岁): the article's own time, said in many ways; not a period to find in it.
_PRESENT = frozenset({"今年", "今天", "本周"})


@dataclass(frozen=True)
class Slot:
    """What a question asks for: ``kind`` (None for an untyped question), the unit it names, its periods."""

    kind: SlotKind | None
    unit: str | None = None
    periods: tuple[str, ...] = ()
    question_text: str = ""

    @property
    def strict(self) -> bool:
        """Whether a sentence answering it surely holds a span of a set form: money (多少亿元), a number with the unit
        named (多少名), a score (比分)."""
        return (
            self.kind == "amount" or self.unit is not None or (self.kind == "number" and _SCORE_Q in self.question_text)
        )

    def names_kind(self, word: str) -> bool:
        """Whether ``word`` of the question names the kind asked for (职务 in 担任什么职务)."""
        return word in _KIND_WORDS.get(self.kind or "", ())

    @classmethod
    def of(cls, question: str, cues: Cues | None = None) -> "Slot":
        cues = cues or Cues.of(question)
        found = (re.sub(r"\s+", "", p) for p in _PERIOD.findall(question))
        periods = tuple(dict.fromkeys(p for p in found if p not in _PRESENT))
        unit = cues.unit if cues.unit and (cues.unit[0] in _MEASURE_CHARS or cues.unit in _UNIT_WORDS) else None
        return cls(_kind(question, cues), unit, periods, question)


def _kind(question: str, cues: Cues) -> SlotKind | None:
    # 捐了多少 asks for money, 捐了多少台电脑 for a count of 台.
    if _AMOUNT_Q.search(question) and (cues.unit is None or cues.unit[0] in "元万亿美欧英日港"):
        return "amount"
    if _TIME_Q.search(question):
        return "time"
    if cues.date and _DATE_Q.search(question):
        return "date"
    if _ORG_Q.search(question):
        return "org"
    if _PLACE_Q.search(question):
        return "place"
    if _PERSON_Q.search(question):
        return "person"
    if cues.number:  # 身兼几家骑士团的大团长职位: a count
        return "number"
    if _POST_Q.search(question):
        return "post"
    return None


def _pattern_spans(slot: Slot, text: str) -> list[tuple[int, int]]:
    if slot.kind == "post":
        return [m.span() for m in _ANY_POST.finditer(text)]
    if slot.kind == "amount":
        return [m.span() for m in _AMOUNT.finditer(text)]
    if slot.kind == "date":
        spans = [m.span() for m in _DATE.finditer(text)]
        if _YEAR_Q.search(slot.question_text):  # 哪一年 asks for a year: 4月6日 does not say one
            return [(s, e) for s, e in spans if _YEAR_SAID.search(text[s:e])]
        return spans
    if slot.kind == "time":
        return [m.span() for m in _TIME.finditer(text) if re.search(r"\d|[一二三四五六七八九十]", m.group())]
    if _SCORE_Q in slot.question_text:  # a score: 3:2, 2比1
        return [m.span() for m in _SCORE.finditer(text)]
    if "第几" in slot.question_text:  # an ordinal: 第3名, 第二位
        return [m.span() for m in _ORDINAL.finditer(text)]
    if slot.unit:
        latin = _LATIN_UNITS.get(slot.unit)
        unit = re.compile(
            r"(?:"
            + _NUMERAL
            + r"\s*(?:-|—|–|~|～|至|到)\s*)?"  # a range: 70-80公里
            + _NUMBER
            + r"\s*(?:多|余)?(?:"
            + re.escape(slot.unit)
            + r"[\u4e00-\u9fff]?"
            + (rf"|{latin}(?![A-Za-z])" if latin else "")
            + ")"
        )
        spans = []
        for m in unit.finditer(text):
            if m.group().startswith("一") and m.group()[1:].lstrip().startswith(slot.unit):
                continue  # 在一家公司工作: an article's word, not a count
            if m.start() > 0 and text[m.start() - 1] == "第":
                continue  # 第二条: an ordinal, not a count
            # 多少公里 asks for 公里: keep the unit word whole (平方公里 stays whole when asked as 平方).
            whole = text[m.start() : m.end()]
            end = m.end() - 1 if not (whole.endswith(slot.unit) or latin and whole.endswith(latin)) else m.end()
            spans.append((m.start(), _extend_unit(text, end, slot.unit)))
        return spans
    # 一种, 一个: an article's word, not a count, unless the question names that unit; 2003年: a date; 三: a word;
    # AGG01: a name.
    return [
        m.span()
        for m in _ANY_NUMBER.finditer(text)
        if not _is_date_part(text, m.end())
        and not _LONE_ONE.fullmatch(m.group())
        and not _NOT_A_COUNT.fullmatch(m.group())
        and not (m.start() > 0 and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha())
        and not (m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalpha())  # 4x200米
    ]


def _join_ranges(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring spans joined by a range connector (至, -, ~) become one."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _RANGE.fullmatch(text[joined[-1][1] : start]):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _extend_unit(text: str, end: int, unit: str) -> int:
    """The end of a unit word that goes on past the asked unit (平方 -> 平方公里; 人 -> 人次)."""
    follow = re.match(r"[公千厘毫]?[米里克顷方]|次|民币", text[end : end + 2])
    return end + len(follow.group()) if follow and len(unit) < 3 else end


def _is_date_part(text: str, end: int) -> bool:
    return end < len(text) and text[end] in "年月日号"


def fitting_spans(slot: Slot, text: str, question: str, tagger: EntityTagger | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` that could fill ``slot``, without those the question already names. Names need ``tagger``."""
    if slot.kind is None:
        return []
    if slot.kind in NAME_KINDS:
        if tagger is None:
            return []
        spans = [(s, e) for kind, s, e in tagger.entities(text) if kind == slot.kind and e - s >= 2]
    else:
        spans = _join_ranges(text, _pattern_spans(slot, text))
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        value = text[start:end].strip()
        if value and value not in question and not _digits_in(value, question):
            kept.append((start, start + len(value)))
    return kept


def _digits_in(value: str, question: str) -> bool:
    """A number the question itself names (2008年, 3号线) is what it asks about, not the answer."""
    numbers = re.findall(r"\d+", value)
    return bool(numbers) and all(n in re.findall(r"\d+", question) for n in numbers)


# What the words next to the interrogative are: the asked thing itself (产值是多少, 多少人死亡, 多少名科考队员).
FOCUS_CHARS = 6
_FOCUS_STOP = frozenset("的了是在有为和与及或也都就被把将对从向以于之其这那个么呢吗啊吧共约达总一")
_ASKING = re.compile(
    r"多少|几|谁|哪一?[年天个位家些里儿种国座条部]?|什么(?:时候|地方|样)?|何时|何地|何处|如何|怎样|怎么|为什么"
)
_UNIT_PREFIX = re.compile(
    r"^(?:[个位名次年天岁项件种家所座条枚张只本部辆元米克吨层届场首篇间台架匹头号月日秒分人户份]"
    r"|万|亿|美元|欧元|英镑|亿元|万元|平方公里|公里|千瓦时|立方米|公顷|毫米|摄氏度)+"
)


def focus_pairs(question: str, reach: int = FOCUS_CHARS) -> frozenset[str]:
    """Character pairs of the ``reach`` characters just before and after the question's interrogative: what it
    asks about."""
    match = _ASKING.search(question)
    if match is None:
        return frozenset()
    before = re.split(r"[^\u4e00-\u9fffA-Za-z0-9]", question[: match.start()])[-1][-reach:]
    after = _UNIT_PREFIX.sub("", question[match.end() :])
    after = re.split(r"[^\u4e00-\u9fffA-Za-z0-9]", after)[0][:reach]
    pairs = set()
    for side in (before, after):
        for i in range(len(side) - 1):
            pair = side[i : i + 2]
            if not (set(pair) & _FOCUS_STOP) and not _ASKING.match(pair):
                pairs.add(pair)
    return frozenset(pairs)


_NOT_ORDINALS = frozenset({"第一次", "第一个", "第一位"})  # "the first time": plain words, not a named ordinal
_QUOTED = re.compile(r"《([^》]{1,30})》|“([^”]{1,20})”|第[\d一二三四五六七八九十百]+[次届期批轮号]")


def named_things(question: str, tagger: EntityTagger | None, people: bool = True) -> list[str]:
    """What a question names: people, places and organisations (tagged), titles and quotations, ordinals (第七次).
    ``people=False`` keeps only titles, ordinals and the places and organisations of jieba's dictionary: what is
    surely a name (people's names are written several ways, and guessed names are often plain words: 叶有). Names
    are the dictionary's (no guessing from context: it costs a millisecond a question)."""
    found = [m.group(1) or m.group(2) or m.group(0) for m in _QUOTED.finditer(question)]
    found = [name for name in found if name not in _NOT_ORDINALS]
    if tagger is not None:
        for kind, s, e in tagger.entities(question, guess=False):
            name = question[s:e]
            if e - s >= 2 and (people or (kind != "person" and tagger.known(name))):
                found.append(name)
    return list(dict.fromkeys(found))


# Posts a question may ask who holds (谁被任命为民政部部长). 副部长 is another post than 部长: the deputy, not the head.
_POSTS = (
    "部长|局长|厅长|司长|署长|处长|科长|主任|主席|书记|省长|市长|区长|县长|镇长|乡长|总理|总统|总裁|总经理|"
    "董事长|理事长|秘书长|会长|院长|校长|行长|社长|台长|馆长|所长|审计长|总监|主编|队长|团长|军长|司令员?"
)
_HEAD_POST = re.compile(rf"(?<![副代])(?:{_POSTS})")
# Any post a sentence may hold (副书记, 常委, 委员, 大使...): the slot of 担任什么职务.
_ANY_POST = re.compile(
    rf"(?:董事局|董事会|理事会|委员会|常委会)?(?:副|代|常务|执行|名誉|首席)?(?:{_POSTS}|常委|委员|大使|领事|参赞|顾问|经理|总编辑|编辑|教授|主持人|议员|法官|"
    r"检察长|代表|干事|专员|助理|首相|国王|皇帝|皇后|太子|将军|统领|都督|巡抚|总督|知府|知县|刺史|太守|尚书|侍郎|宰相|丞相|"
    r"大臣|总管|指挥官|教练|领队|队员|会员|成员|创办人|创始人|董事|监事|合伙人|负责人|发言人|代言人|大团长|团长)"
)


def head_posts(question: str) -> list[str]:
    """The posts the question names as heads (部长 in 谁被任命为民政部部长; not 副部长)."""
    return list(dict.fromkeys(m.group(0) for m in _HEAD_POST.finditer(question)))


def names_post(text: str, post: str) -> bool:
    """Whether ``text`` names ``post`` as a head: 副部长 and 代市长 do not count as 部长, 市长."""
    return re.search(rf"(?<![副代]){re.escape(post)}", text) is not None


def period_share(slot: Slot, text: str) -> float:
    """Share of the question's periods ``text`` names (1.0 when the question names none)."""
    if not slot.periods:
        return 1.0
    compact = re.sub(r"\s+", "", text)
    return sum(1 for period in slot.periods if period in compact) / len(slot.periods)
