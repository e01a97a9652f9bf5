"""The answer phrase: ``4000万元`` for 给人民医院捐了多少, inside the sentence that answers.

Given only when the question asks for a typed fact (a number, amount, date, time, person,
organisation or place; ``qa.answering.slots``) and the first answer sentence holds one span that fits
and stands where the question puts its blank. "No short answer is better than a wrong one", so:

- the first sentence must name the places, organisations, titles and periods the question names (a
  sentence on the 比利时大奖赛 does not say the place at the 美国大奖赛);
- a name (person, organisation, place) must sit right next to the words around the question's
  interrogative (谁统治辽东: 姚里氏统治辽东; 作者是谁: 作者潘佩珠) and be whole: not glued to a middle dot or
  Latin letters (巴里·尼尔逊 tagged as 尼尔逊), since the tagger cuts and guesses names; a name it misses is
  taken where the question's own words frame it (被谁所杀: 被耶律金山所杀);
- of several spans, the one whose neighbourhood repeats most of the question, the words next to the
  interrogative counting most (多少运动员: 运动员23人, not 共计40人), and only when it stands out.
"""

import re

from qa.answering.compose import Answer, Draft, ShortAnswer
from qa.answering.features import Evidence
from qa.answering.scoring import question_grams
from qa.answering.slots import NAME_KINDS, NO_SHORT_KINDS, Slot, focus_pairs, named_things, period_share
from qa.text.entities import EntityTagger

# How far either side of a span its neighbourhood reaches, in characters.
WINDOW = 10
# Characters either side of the interrogative whose pairs are its anchors, and how much more they weigh.
ANCHOR_REACH = 3
ANCHOR_WEIGHT = 3.0
# How far from a name an anchor may be (characters between them: 的作者潘佩珠 -> 0).
ANCHOR_GAP = 1
# Of several spans, the best must score this many times the next to be chosen.
STANDS_OUT = 1.25
# A pair beyond a clause break counts this much (追踪距离20km，距离精度±10m: 距离精度 is 10m's).
ACROSS_CLAUSE = 0.5
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_CLAUSE_BREAK = re.compile(r"[，,、：:（）()]")
_NAME_GLUE = re.compile(r"[·•‧・A-Za-z\-‐－]")
# 被谁所杀: the question's words either side of 谁 frame the name in the sentence (``framed_span``).
_WHO = re.compile(r"谁|哪一?位|何人")
FRAME_CHARS = 2
_CASE_MARKS = frozenset("被由给向让叫把对跟")
_PRONOUNS = frozenset("其他她它该此这那本")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A bracketed aside: a name's original spelling (保罗·塞里诺（Paul Sereno）), a note.
_ASIDE = re.compile(r"[（(][^（）()]{1,40}[）)]")
# Questions asking for several facts at once (分别是多少, 身高体重): one phrase cannot answer them.
_MEASURES = r"(?:身高|体重|长度|宽度|高度|深度|重量|面积|人口|年龄|直径|周长|排水量|速度|长|宽|高)"
_SEVERAL = re.compile(
    r"分别|各自|各是|各有|哪几|哪些|经纬度|(?:多少|几)[\u4e00-\u9fff]{1,4}(?:和|及|与|以及)"
    rf"|{_MEASURES}(?:和|与|及|、)?{_MEASURES}(?:[是为有各]|分别|多少)"
)
# Names joined into a list (韩简子和原寿过): one of them is not the answer.
_LISTED = re.compile(r"[和与及、]|以及")
# Questions asking for a size (多大, 多长): a count of things (六片) does not answer them.
_SIZE_CHAR = re.compile(r"多([长高深宽重远厚])")
_SIZE_Q = re.compile(r"多大|多长|多高|多远|多重|多深|多宽|多厚|面积|长度|高度|距离|重量")
_SIZE_UNIT = re.compile(
    r"(?:米|公里|千米|里|英里|海里|英尺|尺|寸|亩|公顷|平方\S*|吨|克|公斤|千克|斤|岁|%|％|度|(?i:km|cm|mm|kg)|m|哩|吋|呎"
    r"|年|个月|天|周|小时|分钟|秒|级)$"
)
_NUMBER_NAMING = re.compile(r"\d[\d.]*\s*[\u4e00-\u9fff]?([\u4e00-\u9fff]{2})")
# A date that is only part of one: a month after its year's aside (1510年）十月), a year of an era (天正16年).
_PART_DATE = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月.*")
_ERA_YEAR = re.compile(r"\d{1,2}\s*年")


def closeness(question: str, text: str, span: tuple[int, int]) -> float:
    """How much of ``question`` the neighbourhood of ``span`` in ``text`` repeats, nearer pairs counting more."""
    start, end = span
    pairs, _ = question_grams(question)
    anchors = focus_pairs(question.lower(), ANCHOR_REACH)
    lowered = text.lower()
    inside = lowered[start:end]
    left_bound = max((m.end() for m in _SENTENCE_END.finditer(lowered, 0, start)), default=0)
    left_bound = max(left_bound, start - WINDOW)
    after = _SENTENCE_END.search(lowered, end)
    right_bound = min(after.start() if after else len(lowered), end + WINDOW)
    left, right = lowered[left_bound:start], lowered[end:right_bound]
    # 有多长 / 多深: the span the measure names right before it (长702米，深80米).
    size = _SIZE_CHAR.search(question)
    total = ANCHOR_WEIGHT if size and lowered[:start].rstrip("约达为有近逾超过").endswith(size.group(1)) else 0.0
    for pair in pairs:
        if pair in inside:
            continue
        weights = []
        at = left.rfind(pair)
        if at >= 0:
            between = left[at + 2 :]
            weights.append((ACROSS_CLAUSE if _CLAUSE_BREAK.search(between) else 1.0) / (1 + len(between)))
        at = right.find(pair)
        if at >= 0:
            between = right[:at]
            weights.append((ACROSS_CLAUSE if _CLAUSE_BREAK.search(between) else 1.0) / (1 + len(between)))
        if weights:
            total += (ANCHOR_WEIGHT if pair in anchors else 1.0) * max(weights)
    return total


def _past_aside(text: str, end: int) -> int:
    """Where ``text`` goes on after a bracketed aside right at ``end`` (保罗·塞里诺（Paul Sereno）提出: at 提出)."""
    aside = _ASIDE.match(text, end)
    return aside.end() if aside else end


def anchored(question: str, text: str, span: tuple[int, int]) -> bool:
    """Whether a pair next to the question's interrogative sits right beside ``span`` (作者 in 的作者潘佩珠), or
    right after the name's original spelling in brackets."""
    start, end = span
    anchors = focus_pairs(question.lower(), ANCHOR_REACH)
    lowered = text.lower()
    end = _past_aside(lowered, end)
    left = lowered[max(0, start - 2 - ANCHOR_GAP) : start]
    right = lowered[end : end + 2 + ANCHOR_GAP]
    return any(pair in left or pair in right for pair in anchors)


def _whole_name(text: str, span: tuple[int, int]) -> bool:
    """Not glued to a middle dot or Latin letters (巴里·尼尔逊 tagged as 尼尔逊; 伊夫林·比阿特丽斯 cut short), not the
    first of a list."""
    start, end = span
    before = text[start - 1] if start > 0 else " "
    resume = _past_aside(text, end)
    after = "" if resume > end else text[end : end + 3]  # its original spelling in brackets: whole
    if _NAME_GLUE.fullmatch(before) or _NAME_GLUE.search(after):
        return False
    return not _LISTED.match(text, resume)  # 韩简子和原寿过: the next name may be one the tagger missed


def framed_span(question: str, text: str, tagger: EntityTagger) -> tuple[int, int] | None:
    """The name standing where the question puts 谁, between the question's own words either side of it
    (被谁所杀 -> 被耶律金山所杀, 拥立谁称帝 -> 拥立朱泚称帝): for names the tagger does not know. Only when both sides
    are found next to it, once, the name is whole words (not 遣圣甲虫去 out of 派遣圣甲虫去给, framed by 派 and 给),
    and no list, pronoun or thing the question names."""
    asked = _WHO.search(question)
    if asked is None or _SEVERAL.search(question):
        return None
    before, after = question[: asked.start()], question[asked.end() :]
    left = before[-1:] if before[-1:] in _CASE_MARKS else before[-FRAME_CHARS:]
    right = after[:FRAME_CHARS]
    if not (_HAN_RUN.fullmatch(left) and len(right) == FRAME_CHARS and _HAN_RUN.fullmatch(right)):
        return None
    pattern = re.compile(re.escape(left) + r"([\u4e00-\u9fff·]{2,12}?)" + re.escape(right))
    found = {m.span(1) for m in pattern.finditer(text)}
    if len(found) != 1:
        return None
    start, end = found.pop()
    name = text[start:end]
    if _LISTED.search(name) or name in question or name[0] in _PRONOUNS:  # 被其下所杀: no name
        return None
    bounds = tagger.word_bounds(text)
    return (start, end) if start in bounds and end in bounds else None


def _listed(text: str, span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    start, end = span
    return any(_LISTED.fullmatch(text[end:s]) or _LISTED.fullmatch(text[e:start]) for s, e in spans if (s, e) != span)


def _part_date(text: str, span: tuple[int, int]) -> bool:
    start, end = span
    value = text[start:end]
    if _ERA_YEAR.fullmatch(value):
        return True
    return bool(_PART_DATE.fullmatch(value)) and text[max(0, start - 2) : start].rstrip("）) ").endswith("年")


def pick_span(
    question: str, text: str, spans: list[tuple[int, int]], kind: str | None = None
) -> tuple[int, int] | None:
    """The one span of ``text`` that answers, or None when none stands where the question puts its blank."""
    if _SEVERAL.search(question):
        return None
    # Spans listed together (2008年8月15日及8月16日, 韩简子和原寿过): one of them is not the answer, nor another.
    if any(_listed(text, s, spans) for s in spans):
        return None
    if kind in NAME_KINDS:
        spans = [s for s in spans if _whole_name(text, s) and anchored(question, text, s)]
    elif kind == "date":
        spans = [s for s in spans if not _part_date(text, s)]
    elif kind == "number" and _SIZE_Q.search(question):
        spans = [s for s in spans if _SIZE_UNIT.search(text[s[0] : s[1]])]
    # 4x100米自由式 asked, 50米自由式 in the sentence: a number naming a thing like the question's, not the answer.
    named = {m.group(1) for m in _NUMBER_NAMING.finditer(question)}
    spans = [s for s in spans if text[s[1] : s[1] + 2] not in named]
    if len(spans) == 1:
        return spans[0]
    if not spans:
        return None
    scored = sorted(((closeness(question, text, s), s) for s in spans), reverse=True)
    best, runner_up = scored[0][0], scored[1][0]
    if best <= 0 or best < STANDS_OUT * runner_up:
        return None  # no span stands out
    return scored[0][1]


def _same_things(draft: Draft, text: str, found: Evidence, tagger: EntityTagger | None) -> bool:
    """Whether the sentence is about what the question names: a period, place, organisation or title the question
    names and the sentence does not, while it names another (比利时大奖赛 for 美国大奖赛, 2024年 for 2025年), says
    it is about something else. A sentence naming none (机场有三条跑道) leaves its subject to the article."""
    question = draft.query.text
    lowered = text.lower()
    if period_share(found.slot, text) < 1.0 and Slot.of(text).periods:
        return False
    asked = {name.lower() for name in named_things(question, tagger, people=False)}
    if all(name in lowered for name in asked):
        return True
    return not any(name.lower() not in asked for name in named_things(text, tagger, people=False))


def short_answer(
    draft: Draft, found: Evidence, answer: Answer, tagger: EntityTagger | None = None
) -> ShortAnswer | None:
    """The phrase of ``answer``'s first sentence that fills the question's slot, with offsets into its article."""
    if answer.no_answer or not draft.chosen or found.slot.kind is None or found.slot.kind in NO_SHORT_KINDS:
        return None
    first = draft.chosen[0]
    if not _same_things(draft, first.text, found, tagger):
        return None
    span = pick_span(draft.query.text, first.text, found.spans, found.slot.kind)
    if span is None and found.slot.kind == "person" and tagger is not None:  # a name the tagger missed or cut
        span = framed_span(draft.query.text, first.text, tagger)
    if span is None:
        return None
    start, end = first.start + span[0], first.start + span[1]
    for citation in answer.citations:
        if citation.article.id == first.article_id and citation.start == first.start and citation.end == first.end:
            return ShortAnswer(citation.article.body[start:end], start, end, citation.n, found.slot.kind)
    return None
