"""RSS and Atom feeds: each item one article; a bad item or a broken feed is reported, never a crash.

The feeds in web_files/ reproduce real structures: a news portal's RSS 2.0 feed of 20 items (CDATA,
content:encoded, dc:creator), full-text e-paper feeds of two national dailies (the article page's HTML
escaped in <description>, ``[04版：要闻]`` title prefixes), and a site's Atom feed; their texts are made up.
"""

from pathlib import Path

import pytest

from qa.errors import IngestError
from qa.ingest import parse_file
from qa.ingest.jsonl import validate_article_id
from qa.ingest.web.feeds import parse_feed
from qa.models import Article

FILES = Path(__file__).parent / "web_files"
NEWS_FEED = (FILES / "news_feed.xml").read_text(encoding="utf-8")


def read(name: str) -> tuple[list[Article], list[str]]:
    articles, problems = parse_file(FILES / name, name)
    return articles, [str(p) for p in problems]


def by_title(articles: list[Article]) -> dict[str, Article]:
    return {a.title: a for a in articles}


def test_a_news_feed_of_20_items_gives_19_articles_and_reports_the_photo_item_without_text():
    articles, problems = read("news_feed.xml")
    assert problems == ["news_feed.xml: item 9 (组图：春日花海游人如织): no article text; skipped"]
    assert len(articles) == 19 and len({a.id for a in articles}) == 19
    for article in articles:
        validate_article_id(article.id)
        assert article.paper == "江南新闻网" and article.url.startswith("https://www.jnnews.example.cn/2024/")
    titles = by_title(articles)
    flood = titles["省政府常务会议研究部署防汛工作"]
    assert (flood.section, flood.date, flood.authors) == ("时政", "2024-04-30", ("周明",))  # 本报讯（记者 周明）
    assert flood.paragraphs[0].startswith("本报讯（记者 周明）4月29日，省政府召开常务会议")
    assert flood.paragraphs[-1] == "会议还研究了其他事项。"
    assert titles["一季度全省外贸进出口增长8.6%"].authors == ("陈佳", "赵磊")  # byline line, correspondent too
    assert titles["本地团队研发的农业无人机通过验收"].author == "李强、刘洋"  # dc:creator
    assert titles["老旧小区加装电梯今年将再增300部"].authors == ("王芳",)
    assert titles["国际能源署：全球可再生能源装机增长加快"].authors == ()
    wire = titles["联合国粮农组织发布最新粮食价格指数"]
    assert (wire.dateline, wire.authors) == ("新华社罗马4月29日电", ("王小明",))


def test_feed_dates_are_the_day_in_the_feeds_own_time_zone():
    titles = by_title(read("news_feed.xml")[0])
    # Wed, 01 May 2024 00:30:00 +0800 is still 30 April in UTC.
    assert titles["新修订的物业管理条例今起施行"].date == "2024-05-01"
    assert titles["足球联赛：主队主场2比1取胜"].date == "2024-04-30"


def test_no_share_bar_related_links_or_editor_line_reaches_an_item_body():
    articles, _ = read("news_feed.xml")
    for article in articles:
        for text in "分享到 微信 QQ空间 相关阅读 五一假期火车票开售 景区门票预约指南 责任编辑 责编".split():
            assert text not in article.body, f"{article.title}: {text!r}"
        assert not article.paragraphs[0].startswith(("本报记者", "记者 "))
    crowds = by_title(articles)["五一假期首日客流高峰时段提示"]
    assert crowds.paragraphs[-1] == "地铁运营时间将延长至次日凌晨1时，市民可通过官方应用查询实时客流。"


def test_an_item_with_only_a_summary_uses_it_as_the_text():
    marathon = by_title(read("news_feed.xml")[0])["城市马拉松报名人数创新高"]
    assert marathon.paragraphs == (
        "今年城市马拉松报名通道昨天关闭，报名人数达到8.6万人，创历史新高，最终参赛名额将通过抽签产生。",
        "组委会介绍，赛事将于10月举行，全程马拉松、半程马拉松和健康跑共设名额3万个。",
    )


def test_item_ids_are_stable_across_reads_and_follow_the_guid():
    first = [a.id for a in read("news_feed.xml")[0]]
    edited = NEWS_FEED.replace("会议还研究了其他事项。", "会议还研究了人事任免事项。")
    assert [a.id for a in parse_feed(edited, "news_feed.xml")[0]] == first
    assert first[0].startswith("c_5201-shtml-")


def test_an_e_paper_feed_gives_kicker_subtitle_byline_page_and_paper():
    articles, problems = read("rmrb_epaper_feed.xml")
    assert problems == [] and len(articles) == 3
    lead, comment, wire = articles
    assert (lead.kicker, lead.title, lead.subtitle) == (
        "聚焦高质量发展——",
        "县域商业体系建设取得新进展",
        "今年已新建改造乡镇商贸中心1200余个",
    )
    assert lead.authors == ("彭波",)  # 本报记者  彭  波
    assert (lead.paper, lead.page, lead.section, lead.date) == ("人民日报", "4", "要闻", "2024-04-30")
    assert lead.dateline == "本报北京4月29日电"
    assert lead.paragraphs[0].startswith("本报北京4月29日电 商务部29日召开新闻发布会介绍")
    assert comment.authors == ("本报评论员",) and comment.kicker is None and comment.subtitle is None
    assert comment.paragraphs[0].startswith("城市交通是否便利")
    assert wire.authors == ("田建川", "马晓澄") and wire.dateline == "新华社广州4月29日电"
    for article in articles:
        assert "《人民日报》" not in article.body and article.title not in article.paragraphs


def test_a_wire_e_paper_feed_splits_title_and_subtitle_and_reads_wrapped_bylines():
    articles, problems = read("mrdx_epaper_feed.xml")
    assert problems == []
    river, tourism = articles
    assert (river.title, river.subtitle) == ("长江流域禁渔成效持续显现", "——江豚出现频次明显增加")
    assert river.authors == ("王自宸", "刘芳")  # 新华社记者 王自宸 / 刘芳, over two lines of the source
    assert (river.paper, river.page, river.section, river.date) == ("新华每日电讯", "2", "要闻", "2024-04-30")
    assert river.dateline == "新华社武汉4月29日电" and river.paragraphs[-1] == "新华社武汉4月29日电"
    assert river.paragraphs[0].startswith("长江十年禁渔实施以来")
    assert not any("稿件来源" in p or "（记者王自宸" in p for p in river.paragraphs)
    assert tourism.authors == () and tourism.paragraphs[0].startswith("五一假期临近")  # 新华社记者 names nobody
    assert tourism.dateline == "新华社北京4月29日电"


def test_an_atom_feed_gives_authors_categories_and_local_dates():
    articles, problems = read("tech_atom.xml")
    assert problems == []
    satellite, quantum, standard = articles
    assert satellite.authors == ("赵文", "钱进") and satellite.section == "航天" and satellite.date == "2024-04-30"
    assert satellite.paper == "科技日报快讯"
    assert satellite.url == "https://tech.example.cn/news/2024/04/fy3f-operational/"
    assert satellite.paragraphs[0].startswith("中国气象局30日宣布") and "编辑" not in satellite.body
    assert satellite.paragraphs[-1].endswith("对台风路径预报和暴雨预警具有重要作用。")
    assert quantum.date == "2024-05-01"  # published 00:30 +08:00
    assert quantum.paragraphs == (
        "科研团队研制的超导量子计算原型机将量子比特数量提升到504个，相干时间明显延长。",
        "研究成果已发表在国际学术期刊上。",
    )
    assert standard.date == "2024-04-29" and standard.authors == ()  # only <updated>, no author


def test_a_gb2312_feed_with_gbk_characters_is_read_right(tmp_path: Path):
    text = NEWS_FEED.replace('encoding="utf-8"', 'encoding="gb2312"').replace("王芳", "王镕")
    (tmp_path / "gbk.rss").write_bytes(text.encode("gbk"))
    articles, problems = parse_file(tmp_path / "gbk.rss", "gbk.rss")
    assert len(articles) == 19 and by_title(articles)["社区食堂推出助老套餐"].authors == ("王镕",)


def test_items_without_title_or_text_are_reported_by_number_and_the_rest_kept():
    items = NEWS_FEED.split("<item>")
    items[3] = items[3].replace("<title><![CDATA[老旧小区加装电梯今年将再增300部]]></title>", "")
    articles, problems = parse_feed("<item>".join(items), "feeds/city.xml")
    assert [str(p) for p in problems] == [
        "feeds/city.xml: item 3: no title; skipped",
        "feeds/city.xml: item 9 (组图：春日花海游人如织): no article text; skipped",
    ]
    assert len(articles) == 18


def test_a_broken_feed_is_reported_with_the_file_and_line_and_the_items_before_are_kept(tmp_path: Path):
    cut = NEWS_FEED[: NEWS_FEED.index("c_5206.shtml</link>")]
    (tmp_path / "broken.xml").write_text(cut, encoding="utf-8")
    articles, problems = parse_file(tmp_path / "broken.xml", "feeds/broken.xml")
    assert str(problems[0]).startswith("feeds/broken.xml: malformed XML at line ")
    assert len(articles) == 5 and articles[-1].title == "城市马拉松报名人数创新高"


@pytest.mark.parametrize(
    "text,reason",
    [
        ("<?xml version='1.0'?><urlset><url><loc>http://a.example/</loc></url></urlset>", "not an RSS or Atom feed"),
        ("这不是XML", "not an RSS or Atom feed"),
        ("<rss version='2.0'><channel><title>空</title></channel></rss>", "the feed has no items"),
    ],
)
def test_a_file_that_is_no_feed_is_reported_whole(text, reason):
    with pytest.raises(IngestError, match=reason) as info:
        parse_feed(text, "feeds/x.xml")
    assert str(info.value).startswith("feeds/x.xml: ")
