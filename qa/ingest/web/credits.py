"""Credits and page furniture in the text of a news web page or feed item.

The extractor gives the article's text lines; Chinese news pages mix into them lines that are not body
text. This module sorts them out:

- bylines (``本报记者  朱  隽``, ``新华社记者`` with the names on the next line, ``文/张三``) at the top, and a
  closing credit that only names people (``（记者施雨岑 王鹏）``, ``（李吉莲）``): their names become the
  authors and the line leaves the body;
- the dateline opening the text (``本报北京4月27日电  （记者王云杉、罗珊珊）``, ``新华社北京4月30日电``) or
  closing it: kept in the body (it is part of the printed text), recorded as ``dateline``, and the
  reporters in its bracket become the authors when no byline named any;
- folio and metadata lines (``《人民日报》（2024年04月28日 第 03 版）``, ``（ 2026-05-03 ） 稿件来源：新华每日电讯
  要闻``, ``第A05版：城事``): they give paper, date, page and section and leave the body;
- a related-stories list (``相关阅读：`` and what follows), editor and production credits (``责任编辑：…``,
  ``(责编：…)``, ``【责任编辑:…】``, ``本版邮箱：…``) and short site furniture (``【纠错】``, ``分享到：``, a
  QR-code caption, a copyright line): they leave the body.
"""

import re
from dataclasses import dataclass, field

from qa.ingest.web.dates import iso_date
from qa.ingest.web.names import split_names

_SPACE = r"[\s\u3000\u00a0]"
FOLIO = re.compile(
    rf"^《{_SPACE}*(?P<paper>[^》]{{2,16}}?){_SPACE}*》{_SPACE}*[（(]{_SPACE}*(?P<date>\d{{4}}年\d{{1,2}}月\d{{1,2}}日)"
    rf"{_SPACE}*(?:第?{_SPACE}*(?P<page>[A-Za-z]?\d{{1,3}}){_SPACE}*版)?{_SPACE}*[）)]$"
)
FOLIO_AT_END = re.compile(FOLIO.pattern[1:])
METADATA = re.compile(
    rf"^[（(]{_SPACE}*(?P<date>\d{{4}}-\d{{1,2}}-\d{{1,2}}){_SPACE}*[）)]{_SPACE}*稿件来源[：:]{_SPACE}*"
    rf"(?P<paper>[^\s\u3000\u00a0]+)(?:{_SPACE}+(?P<section>[^\s\u3000\u00a0]+))?$"
)
PAGE_LINE = re.compile(
    rf"^第{_SPACE}*(?P<page>[A-Za-z]?\d{{1,3}}){_SPACE}*版{_SPACE}*[：:]{_SPACE}*(?P<section>\S{{1,12}})$"
)
EDITOR = re.compile(
    r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|本版责编|[一二三四五六七八九十]版责编|版式设计|美术编辑|视觉设计|校对|审核|审校|"
    r"监制|终审|值班编辑|本版邮箱|统筹|制图)\s*[：:]"
)
# Short lines that are page chrome, not text: only lines shorter than SITE_FURNITURE_MAX that do not end a
# sentence are tested, so a paragraph that mentions a 客户端 or 二维码 stays.
SITE_FURNITURE = re.compile(
    r"分享到|【?纠错】?|打印本页|关闭窗口|扫码|二维码|公众号|下载.*客户端|版权所有|copyright|all rights reserved|"
    r"举报电话|^字号|^来源[：:]|^原标题[：:]|^\[?(?:上一篇|下一篇|返回顶部|返回首页)",
    re.IGNORECASE,
)
SITE_FURNITURE_MAX = 40
SENTENCE_ENDS = ("。", "！", "？", "”", "!", "?")
MAX_NAMES_LINE = 16  # a line of names only, continuing a byline
MAX_CREDIT_CHARS = 60
# A heading over a list of links to other stories: it and everything after it are not this article.
RELATED = re.compile(
    r"^[【\[]?(?:相关阅读|相关新闻|相关链接|相关报道|延伸阅读|推荐阅读|更多阅读|往期回顾)[】\]]?[：:]?$"
)
BYLINE = re.compile(
    r"^(?:本报记者|本报特约记者|本报通讯员|新华社记者|中新社记者|中新网记者|特约记者|见习记者|记者|通讯员|"
    r"文[/／]|作者[：:]|撰文[：:])"
)
COLLECTIVE_BYLINE = re.compile(r"^(?:本报|新华社|人民日报|新华每日电讯)?(?:特约)?评论员$")
_DATELINE = (
    r"(?P<dateline>(?:据)?[\u4e00-\u9fff]{0,6}?(?:本报|新华社|中新社|中新网|社|网|台|报)?"
    r"[\u4e00-\u9fff、/／·]{1,24}?\d{1,2}月\d{1,2}日(?:专)?电)"
)
_REPORTERS = rf"{_SPACE}*[（(](?P<reporters>[^（）()]{{1,60}})[）)]"
OPENING_DATELINE = re.compile(rf"^{_DATELINE}(?:{_REPORTERS})?")
OPENING_NEWS = re.compile(rf"^(?:本报讯|本网讯|本台讯|[\u4e00-\u9fff]{{2,6}}讯){_REPORTERS}")
CLOSING_DATELINE = re.compile(rf"{_DATELINE}$")
CLOSING_CREDIT = re.compile(r"^[（(](?P<names>[^（）()]{1,60})[）)]$")
NOT_NAMES = {"待续", "未完待续", "全文完", "续完", "完", "上", "中", "下"}
HEADER_LINES = 4  # bylines and metadata are looked for among the first lines only


@dataclass
class Credits:
    """What the lines of one article hold besides its body."""

    body: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    paper: str | None = None
    date: str | None = None
    page: str | None = None
    section: str | None = None
    furniture: list[str] = field(default_factory=list)


def page_number(text: str) -> str:
    """``03`` -> ``3``; ``A05`` stays (a lettered section's page is named with its letter)."""
    return str(int(text)) if text.isdigit() else text.upper()


def _metadata(line: str, credits: Credits) -> bool:
    """Read a folio, metadata or page line into ``credits``; False if ``line`` is none of them."""
    if match := FOLIO.match(line):
        credits.paper = credits.paper or match["paper"].strip()
        credits.date = credits.date or iso_date(match["date"])
        if match["page"]:
            credits.page = credits.page or page_number(match["page"])
    elif match := METADATA.match(line):
        credits.date = credits.date or iso_date(match["date"])
        credits.paper = credits.paper or match["paper"]
        credits.section = credits.section or match["section"]
    elif match := PAGE_LINE.match(line):
        credits.page = credits.page or page_number(match["page"])
        credits.section = credits.section or match["section"]
    else:
        return False
    return True


def is_furniture(line: str) -> bool:
    if EDITOR.match(line):
        return True
    short = len(line) < SITE_FURNITURE_MAX and not line.endswith(SENTENCE_ENDS)
    return short and bool(SITE_FURNITURE.search(line))


def _byline(lines: list[str], at: int) -> tuple[list[str], int] | None:
    """The names of a byline starting at ``lines[at]`` and how many lines it takes, or None."""
    line = lines[at]
    if COLLECTIVE_BYLINE.match(line):
        return [line], 1
    if not BYLINE.match(line) or len(line) > SITE_FURNITURE_MAX:
        return None
    names = split_names(line)
    if names is None:
        return None
    # The names may go on over the next line (新华社记者 / 刘芳, or a list wrapped in the page source).
    if at + 1 < len(lines) and len(lines[at + 1]) <= MAX_NAMES_LINE and (following := split_names(lines[at + 1])):
        return names + following, 2
    return names, 1


def _names(text: str) -> list[str]:
    names = split_names(text)
    return [] if names is None or text.strip() in NOT_NAMES else names


def _rejoin_brackets(lines: list[str]) -> list[str]:
    """Join a short bracket broken over two lines by the page source (``（记者施雨岑`` / ``王鹏 王明玉）``)."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        unclosed = previous.count("（") + previous.count("(") > previous.count("）") + previous.count(")")
        if unclosed and len(previous) + len(line) <= MAX_CREDIT_CHARS and re.search(r"[）)]", line):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def _split_folio(line: str) -> list[str]:
    """``本报记者  彭  波 《人民日报》（2024年04月30日 第 04 版）`` (one block on e-paper pages) as two lines."""
    match = FOLIO_AT_END.search(line)
    if match is None or match.start() == 0 or match.start() > SITE_FURNITURE_MAX:
        return [line]
    return [line[: match.start()].strip(), line[match.start() :]]


def read_credits(lines: list[str], known_authors: list[str] | None = None) -> Credits:
    """Sort ``lines`` (stripped, non-empty) into body, authors, dateline and page metadata.

    ``known_authors`` (from the page's or feed's metadata) win over names found in the text.
    """
    credits = Credits()
    lines = [part for line in _rejoin_brackets(lines) for part in _split_folio(line)]
    byline: list[str] = []
    kept: list[str] = []
    at = 0
    while at < len(lines):
        line = lines[at]
        if kept and RELATED.match(line):
            credits.furniture.extend(lines[at:])
            break
        if _metadata(line, credits) or is_furniture(line):
            credits.furniture.append(line)
            at += 1
            continue
        found = _byline(lines, at) if len(kept) < HEADER_LINES and not byline else None
        if found is not None:
            byline, taken = found
            credits.furniture.extend(lines[at : at + taken])
            at += taken
            continue
        kept.append(line)
        at += 1
    closing: list[str] = []
    # A closing credit is the last line, or the one before a closing dateline.
    for position in range(len(kept) - 1, max(len(kept) - 3, 0) - 1, -1):
        if (match := CLOSING_CREDIT.match(kept[position])) and (closing := _names(match["names"])):
            credits.furniture.append(kept.pop(position))
            break
    reporters = _dateline(kept, credits)
    credits.body = kept
    credits.authors = list(known_authors or []) or byline or reporters or closing
    return credits


def _dateline(body: list[str], credits: Credits) -> list[str]:
    """Record the dateline of ``body`` (opening, else closing) and return the reporters its bracket names."""
    if body and (match := OPENING_DATELINE.match(body[0])):
        credits.dateline = match["dateline"]
        return _names(match["reporters"]) if match["reporters"] else []
    if body and (match := OPENING_NEWS.match(body[0])):
        return _names(match["reporters"])
    if body and (match := CLOSING_DATELINE.search(body[-1])):
        credits.dateline = match["dateline"]
    return []
