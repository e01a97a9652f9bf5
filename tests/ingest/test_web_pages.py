"""Saved news web pages (.html/.htm): one article each, with its metadata, and none of the page furniture.

The pages in web_files/ reproduce the markup of real Chinese news pages (a people.com.cn article saved
by a browser, a news.cn article, a Founder e-paper page in GB2312/GBK); their texts are made up.
"""

from pathlib import Path

import pytest

from qa.errors import IngestError
from qa.ingest import parse_file
from qa.ingest.jsonl import validate_article_id
from qa.ingest.web.charset import decode_markup
from qa.ingest.web.html import parse_html
from qa.models import Article

FILES = Path(__file__).parent / "web_files"


def read(name: str) -> Article:
    articles, problems = parse_file(FILES / name, name)
    assert problems == []
    [article] = articles
    return article


def test_a_saved_news_page_gives_its_article_with_every_field():
    article = read("people_article.html")
    assert (article.kicker, article.title, article.subtitle) == (
        "海关总署发布最新数据",
        "一季度新能源汽车出口同比增长23%",
        "船运运力紧张局面有所缓解",
    )
    assert article.authors == ("王云杉", "罗珊珊") and article.author == "王云杉、罗珊珊"
    assert article.dateline == "本报北京4月27日电"
    assert (article.date, article.paper, article.page, article.section) == ("2024-04-28", "人民日报", "3", "经济·科技")
    # The browser's "saved from" note names the page's address.
    assert article.url == "http://finance.people.com.cn/n1/2024/0428/c1004-40225871.html"
    assert article.paragraphs[0].startswith("本报北京4月27日电 （记者王云杉、罗珊珊）海关总署27日发布数据")
    assert article.paragraphs[-1] == (
        "业内人士提醒，部分市场贸易保护措施增多，企业应加快海外本地化生产布局，提升服务和品牌能力，积极应对外部环境变化。"
    )
    assert "4月20日，一批新能源汽车在江苏太仓港集中装船，准备运往欧洲。 新华社记者 季春鹏摄" in article.paragraphs
    validate_article_id(article.id)


# Text of each page's navigation, share bar, ads, related and recommended links, editor line and footer.
PAGE_FURNITURE = {
    "people_article.html": """人民网首页 强国论坛 登录 滚动 证券 人民网>> 分享到 微信 小字号 责编 杨光宇 相关新闻
        一季度我国汽车产销量同比增长超过10% 广告 扫码下载 公众号 热点推荐 24小时排行 五一假期火车票今日开售
        人民日报社概况 网站地图 举报邮箱 版权所有 Copyright 《""".split(),
    "xinhua_article.html": """扫码查看新华网移动端 关闭 首页 时政 请输入关键词 搜索 来源：新华网 字体 分享到 纠错
        责任编辑 张樵苏 相关新闻 民航五一假期预计运送旅客超900万人次 热点推荐 神舟十七号 广告 关于我们 XINHUANET
        版权所有 09:12:31""".split(),
    "epaper_gbk.html": """返回首页 往期回顾 检索 第A05版 上一版 下一版 PDF版 本版标题导航 社区食堂开到家门口
        城东菜场改造后重新开业 责任编辑 陈镕 版权所有 邮编 本报记者 通讯员""".split(),
}


@pytest.mark.parametrize("name", sorted(PAGE_FURNITURE))
def test_no_navigation_ad_or_credit_text_reaches_the_body(name):
    article = read(name)
    for text in PAGE_FURNITURE[name]:
        assert text not in article.body, f"{name}: {text!r} in the body"
    assert article.title not in article.body


def test_a_news_site_page_without_a_byline_takes_the_reporter_from_its_dateline():
    article = read("xinhua_article.html")
    assert article.title == "全国铁路五一假期预计发送旅客1.4亿人次"
    assert (article.kicker, article.subtitle) == (None, None)
    assert article.authors == ("樊曦",) and article.dateline == "新华社北京4月30日电"
    assert (article.date, article.paper, article.url) == ("2024-04-30", "新华网", None)
    assert article.paragraphs[0].startswith("新华社北京4月30日电（记者樊曦）记者30日从中国国家铁路集团有限公司获悉")
    assert article.paragraphs[-1].endswith("携带有效身份证件乘车。") and len(article.paragraphs) == 4


def test_a_gbk_e_paper_page_labelled_gb2312_is_read_right():
    data = (FILES / "epaper_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # it uses GBK characters (镕, 喆) its label does not cover, as real pages do
    article = read("epaper_gbk.html")
    assert (article.title, article.subtitle) == ("老城区42个小区完成雨污分流改造", "惠及居民1.8万户")
    assert article.authors == ("刘喆", "王镕")  # 本报记者  刘  喆  通讯员  王镕: padded two-character name joined
    assert (article.date, article.paper, article.page, article.section) == ("2024-04-28", "江南晚报", "A05", "城事")
    assert article.paragraphs[0].startswith("本报讯 记者昨天从市住建局获悉")
    assert article.paragraphs[-1].endswith("确保改造成效长期保持。") and len(article.paragraphs) == 3


def test_a_page_converted_to_utf8_that_still_declares_gb2312_is_read_as_utf8(tmp_path: Path):
    text = (FILES / "epaper_gbk.html").read_bytes().decode("gb18030")
    (tmp_path / "page.htm").write_text(text, encoding="utf-8")
    [article], _ = parse_file(tmp_path / "page.htm", "page.htm")
    assert article.title == "老城区42个小区完成雨污分流改造" and article.authors == ("刘喆", "王镕")


@pytest.mark.parametrize(
    "declaration",
    ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">'],
)
def test_a_declared_charset_decides_over_guessing(declaration):
    page = f"<html><head>{declaration}<title>朱镕基</title></head><body><p>镕</p></body></html>"
    assert decode_markup(page.encode("gbk"), "p.html") == page


def test_a_canonical_url_gives_the_same_id_as_the_feed_item_of_that_article():
    page = """<html><head><title>标题甲--本地--江南新闻网</title>
    <link rel="canonical" href="http://www.jnnews.example.cn/2024/04/30/c_5201.shtml"></head>
    <body><h1>标题甲</h1><div class="content"><p>这是正文的第一段，内容足够长，可以被识别为文章正文。</p>
    <p>这是正文的第二段。</p></div></body></html>"""
    [article], _ = parse_html(page, "a.html")
    assert article.url == "http://www.jnnews.example.cn/2024/04/30/c_5201.shtml"
    assert (article.paper, article.section, article.date) == ("江南新闻网", "本地", "2024-04-30")
    feed_articles, _ = parse_file(FILES / "news_feed.xml", "news_feed.xml")
    assert article.id == feed_articles[0].id  # https:// in the feed, http:// on the page: one article


@pytest.mark.parametrize(
    "page,reason",
    [
        ("<html><body><div>导航</div><div>首页 | 国内 | 国际</div></body></html>", "no title"),
        ("<html><head><title>空页面</title></head><body></body></html>", "no article text found"),
        ("<?xml version='1.0'?><sitemap/>", "no article text found"),
    ],
)
def test_a_page_without_an_article_is_reported_with_its_file_name(page, reason):
    with pytest.raises(IngestError, match=reason) as info:
        parse_html(page, "pages/empty.html")
    assert str(info.value).startswith("pages/empty.html: ")
