"""Question-type cues: what kind of thing a question asks for, and whether a sentence holds one.

A question asking 多少 / 几 wants a number (with the unit it names: 多少公里 -> a number of 公里),
one asking 何时 / 哪一年 a date. Sentences holding that kind of thing are likelier answers. One
asking 为什么 / 怎样 / 有哪些 / 特点 wants a description, which often takes more than one sentence.
The interrogative words themselves are removed before comparing a question with sentences.
"""

import re
from dataclasses import dataclass

_NUMERAL = r"(?:\d[\d,.]*|[一二三四五六七八九十百千万亿两半数几]+)"
_NUMBER_Q = re.compile(r"多少|几[个位名次年天岁项件种家所座条枚]?|多大|多高|多长|多重|多远|多久|多深|比例|百分之")
_NUMBER_A = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+[个位名次年天岁项件种家所座条元米人%％倍]")
_DATE_Q = re.compile(r"何时|什么时候|哪一?年|哪[一几]?天|几月|几号|哪个月|日期|时间|年代|朝代")
_DATE_A = re.compile(r"\d{1,4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|世纪|年代|昨天|今天|前天|[春夏秋冬]季|朝")
# The unit a number question names: 多少公里, 几枚, 多少平方公里. A measure word is one character.
_UNIT_Q = re.compile(r"(?:多少|几)([\u4e00-\u9fff]{1,2})")
_MEASURE_WORDS = frozenset("个位名次年天岁项件种家所座条枚张只本部辆元米克吨倍层届场首篇间台架匹头号月日秒分人亿万")
_NOT_UNITS = frozenset("的是在有了呢吗钱")
# Questions asking for a description, an explanation or a list: their answers run on for a sentence.
_DESCRIBE_Q = re.compile(r"怎样|怎么|如何|为什么|什么样|特点|特征|哪些|内容|过程|原因|外形|形状|样子|经过|影响|作用")
# Interrogative words and particles: removed before matching a question's characters with a sentence.
INTERROGATIVES = re.compile(
    r"什么样|什么时候|什么|为什么|多少|哪一年|哪些|哪一|哪个|哪里|哪儿|哪|谁|何时|何处|何地|如何|怎样|怎么样|怎么|"
    r"几|吗|呢|是否|请问"
)


@dataclass(frozen=True)
class Cues:
    """What a question asks for."""

    number: bool
    date: bool
    unit: str | None
    describe: bool = False

    @classmethod
    def of(cls, question: str) -> "Cues":
        unit = None
        if (match := _UNIT_Q.search(question)) and match.group(1)[0] not in _NOT_UNITS:
            word = match.group(1)
            unit = word[0] if word[0] in _MEASURE_WORDS or word[-1] in _NOT_UNITS else word
        return cls(
            bool(_NUMBER_Q.search(question)),
            bool(_DATE_Q.search(question)),
            unit,
            bool(_DESCRIBE_Q.search(question)),
        )

    def bonus(self, sentence: str) -> float:
        """How well ``sentence`` holds what the question asks for (0 when the question asks for nothing typed)."""
        value = 0.0
        if self.number and _NUMBER_A.search(sentence):
            value += 1.0
            if self.unit and re.search(_NUMERAL + r"\s*" + re.escape(self.unit), sentence):
                value += 1.0
        if self.date and _DATE_A.search(sentence):
            value += 1.0
        return value
