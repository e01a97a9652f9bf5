"""The corpus of the dated evaluation: the real news pages plus generated dated variants.

- Editions of recurring reports: an earlier 中老缅泰湄公河联合巡逻, 救灾资金 and 德国民调 report, made from the
  printed one by changing its ordinal, dates and figures, so that 最新 questions have an old edition to avoid.
- Edited copies of printed stories, as other papers print a wire story: another headline, trimmed (the last
  paragraphs cut), paragraphs reordered, light wording edits and another dateline.
- Follow-ups: a story announced on one day and reported the next, sharing a paragraph of background; a follow-up
  is a different story, not a copy.

``true_groups`` says which articles carry one story: the copies of ``expected.json`` and every edited copy with
its source. The copy finder is scored against it (``qa.eval.dated``).
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from qa.eval.news_pages import PageSet
from qa.models import Article


@dataclass(frozen=True)
class Edition:
    source: str  # article id of the printed edition
    id: str
    date: str
    edits: tuple[tuple[str, str], ...]  # (printed, this edition's) text replacements, title and body


EDITIONS = (
    Edition(
        "rmrb_20260624_16-4",
        "edition-mekong-164",
        "2026-04-22",
        (
            ("一百六十六", "一百六十四"),
            ("166次", "164次"),
            ("6月23日", "4月21日"),
            ("6月22日", "4月20日"),
            ("执法艇6艘", "执法艇5艘"),
            ("执法人员106名", "执法人员98名"),
            ("53107艇", "53105艇"),
        ),
    ),
    Edition(
        "rmrb_20260624_16-4",
        "edition-mekong-165",
        "2026-05-27",
        (
            ("一百六十六", "一百六十五"),
            ("166次", "165次"),
            ("6月23日", "5月26日"),
            ("6月22日", "5月25日"),
            ("执法艇6艘", "执法艇7艘"),
            ("执法人员106名", "执法人员115名"),
            ("53107艇", "53106艇"),
        ),
    ),
    Edition(
        "rmrb-20260819-14-30175839",
        "edition-relief-july",
        "2026-07-23",
        (
            ("6000万元", "5000万元"),
            ("4000万元", "2000万元"),
            ("8月18日", "7月22日"),
            ("河南", "湖南"),
            ("“白海豚”", "“蝴蝶”"),
        ),
    ),
    Edition(
        "mrdx_20260427_08-5",
        "edition-afd-march",
        "2026-03-30",
        (("4月26日", "3月29日"), ("25日", "28日"), ("28%", "26%"), ("24%", "25%"), ("14%", "15%")),
    ),
    Edition(
        "mrdx_20260427_08-5",
        "edition-afd-february",
        "2026-02-23",
        (("4月26日", "2月22日"), ("25日", "21日"), ("28%", "25%"), ("24%", "26%"), ("14%", "16%")),
    ),
)

# (source, new id, paper, days later, kind): how other papers print the same story.
COPIES = (
    ("rmrb_20260519_15-2", "copy-rain-headline", "光明日报", 0, "headline"),
    ("rmrb_20260519_15-2", "copy-rain-trimmed", "经济日报", 1, "trimmed"),
    ("rmrb_20260519_15-4", "copy-seedbank-reordered", "中国科学报", 0, "reordered"),
    ("rmrb_20260519_15-5", "copy-greenpower-edited", "北京日报", 0, "edited"),
    ("rmrb_20260519_15-6", "copy-gas-trimmed", "中国能源报", 1, "trimmed"),
    ("rmrb_20260624_16-5", "copy-teahouse-headline", "光明日报", 0, "headline"),
    ("rmrb_20260430_04-4", "copy-appointments-edited", "光明日报", 0, "edited"),
    ("rmrb_20260430_04-8", "copy-hanzheng-reordered", "光明日报", 0, "reordered"),
    ("mrdx_20260427_08-3", "copy-whca-headline", "参考消息", 0, "headline"),
    ("mrdx_20260504_03-5", "copy-israel-trimmed", "参考消息", 1, "trimmed"),
    ("mrdx_20260503_04-3", "copy-tidal-edited", "南方日报", 0, "edited"),
    ("rmrb-20260819-14-30175838", "copy-gansu-reordered", "甘肃日报", 0, "reordered"),
    ("rmrb-20260819-14-30175837", "copy-tianjin-headline", "天津日报", 0, "headline"),
    ("rmrb_20260504_03-7", "copy-uzbek-edited", "光明日报", 0, "edited"),
    ("rmrb_20260430_04-3", "copy-workers-trimmed", "工人日报", 1, "trimmed"),
)

# Follow-ups: (the printed story's id, the other story's id, its date, title, paragraphs). Each repeats the printed
# story's last paragraph as background, as follow-ups do (a preview before the event, a report after it); the rest
# is new.
FOLLOW_UPS = (
    (
        "rmrb_20260430_04-7",
        "preview-digital-summit",
        "2026-04-28",
        "第九届数字中国建设峰会明日在福州开幕",
        (
            "第九届数字中国建设峰会将于4月29日至30日在福建福州举行，峰会以数智化发展为主题，"
            "设置开幕式、主论坛、分论坛和成果展览等环节。",
            "记者从峰会组委会获悉，本届峰会将发布一批数字中国建设成果，多个重点项目将集中签约。",
        ),
    ),
    (
        "rmrb_20260504_03-7",
        "followup-uzbek-talks",
        "2026-05-08",
        "中乌政府间合作委员会第八次会议在京举行",
        (
            "5月7日，国务院副总理刘国中在北京同乌兹别克斯坦总理阿里波夫共同主持召开中乌政府间合作委员会第八次会议。",
            "双方回顾了委员会第七次会议以来各领域合作进展，一致同意深化经贸、互联互通、能源和人文等领域合作，"
            "会后签署了多份合作文件。",
        ),
    ),
    (
        "rmrb_20260624_16-4",
        "followup-mekong-ends",
        "2026-06-28",
        "第一百六十六次中老缅泰湄公河联合巡逻执法行动结束",
        (
            "6月27日，第166次中老缅泰湄公河联合巡逻执法行动顺利结束，四国执法艇安全返回各自港口。",
            "行动期间，四国执法部门共检查船舶40余艘，开展禁毒宣传10场次，向沿岸群众发放宣传资料3000余份。",
        ),
    ),
)


def _edited(article: Article, edits: tuple[tuple[str, str], ...], **fields: object) -> Article:
    def apply(text: str) -> str:
        for old, new in edits:
            text = text.replace(old, new)
        return text

    return replace(
        article, title=apply(article.title), paragraphs=tuple(apply(p) for p in article.paragraphs), **fields
    )


def _copy(article: Article, new_id: str, paper: str, days: int, kind: str) -> Article:
    day = (date.fromisoformat(article.date or "") + timedelta(days=days)).isoformat()
    paragraphs = article.paragraphs
    title = article.title
    if kind == "headline":
        title = f"{paper}关注：{article.title[: max(4, len(article.title) // 2)]}"
    elif kind == "trimmed":
        keep = max(1, (len(paragraphs) * 2 + 2) // 3)
        paragraphs = paragraphs[:keep]
    elif kind == "reordered" and len(paragraphs) > 2:
        paragraphs = (paragraphs[1], paragraphs[0], *paragraphs[2:])
    elif kind == "edited":
        edits = (("作出", "做出"), ("本报", "新华社"), ("\u00a0", ""), ("  ", ""), ("。”", "”。"))
        return _edited(article, edits, id=new_id, paper=paper, source=paper, date=day)
    return replace(article, id=new_id, title=title, paragraphs=paragraphs, paper=paper, source=paper, date=day)


def build_corpus(pages: PageSet) -> tuple[list[Article], list[list[str]]]:
    """The dated corpus and its true groups of copies (article ids)."""
    by_id = {a.id: a for a in pages.articles}
    articles = list(pages.articles)
    for edition in EDITIONS:
        articles.append(_edited(by_id[edition.source], edition.edits, id=edition.id, date=edition.date))
    groups = {a.id: [a.id] for a in pages.articles}
    for members in pages.copies:
        for member in members:
            groups[member] = groups[members[0]]
        groups[members[0]][:] = list(members)
    for source, new_id, paper, days, kind in COPIES:
        articles.append(_copy(by_id[source], new_id, paper, days, kind))
        groups[source].append(new_id)
    for source, new_id, day, title, paragraphs in FOLLOW_UPS:
        background = by_id[source].paragraphs[-1]
        articles.append(replace(by_id[source], id=new_id, date=day, title=title, paragraphs=(*paragraphs, background)))
    true_groups = sorted({tuple(g) for g in groups.values() if len(g) > 1})
    return articles, [list(g) for g in true_groups]
