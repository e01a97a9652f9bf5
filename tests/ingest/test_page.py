import shutil
from pathlib import Path

from qa.ingest import parse_file
from qa.ingest.defaults import FileDefaults
from qa.ingest.page import parse_page
from qa.testing.samples import SAMPLE_PAGE
from qa.text.sentences import ends_sentence

EXPECTED = [
    ("赓续荣光更好为家乡发展助力添彩", "杜小刚与荣智健一行会谈", "惠晓婧"),
    ("我市召开产改第五次联席会议暨工作推进会", None, "夏昊森"),
    ("市政府召开集成电路产业集群建设工作推进会 加快建设具有国际影响力的 集成电路地标产业集群", None, "陈菁菁"),
    ("无锡市召开 “三城同创”工作推进会", None, "刘娟"),
]


def parse_sample(defaults: FileDefaults | None = None):
    return parse_page(SAMPLE_PAGE.read_text(encoding="utf-8"), SAMPLE_PAGE.name, defaults)


def test_sample_page_has_exactly_its_four_articles():
    articles, problems = parse_sample()
    assert problems == []
    assert [(a.title, a.subtitle, a.author) for a in articles] == EXPECTED
    assert [a.authors for a in articles] == [(author,) for _, _, author in EXPECTED]
    assert all(a.source == SAMPLE_PAGE.name for a in articles)
    assert len({a.id for a in articles}) == 4


def test_sample_page_prints_no_year_so_its_articles_are_undated_unless_a_date_is_given(tmp_path: Path):
    articles, _ = parse_sample()
    assert [a.date for a in articles] == [None] * 4  # 4月6日 and 昨天 in the text are not publication dates
    dated, _ = parse_sample(FileDefaults(date="2023-04-08"))
    assert [a.date for a in dated] == ["2023-04-08"] * 4
    page = tmp_path / SAMPLE_PAGE.name
    shutil.copy(SAMPLE_PAGE, page)
    by_setting, _ = parse_file(page, page.name, default_date="2023-04-08")
    assert [a.date for a in by_setting] == ["2023-04-08"] * 4


def test_paragraphs_broken_by_the_layout_are_joined():
    articles, _ = parse_sample()
    bodies = "\n".join(a.body for a in articles)
    for whole in [
        "全国人民实现‘两个一百年’奋斗目标",
        "多在家乡投资兴业",
        "爱国爱乡优良传统",
        "会议在充分肯定去年以来我市产改工作",
        "要聚焦“急难愁盼”",
        "积极谋划集成电路产业重大综合性峰会,探索组织“锡芯会客厅”",
    ]:
        assert whole in bodies
    for article in articles:
        for paragraph in article.paragraphs:
            assert ends_sentence(paragraph), f"broken paragraph in {article.title}: ...{paragraph[-20:]}"


def test_author_is_removed_from_the_body():
    articles, _ = parse_sample()
    for article in articles:
        assert f"({article.author})" not in article.body
        assert "(" + article.author not in article.body
    assert articles[0].paragraphs[-1].endswith("在全社会形成了良好反响。")


def test_ids_are_stable_across_parses():
    first, _ = parse_sample()
    second, _ = parse_page(SAMPLE_PAGE.read_text(encoding="utf-8"), "elsewhere.txt")
    assert [a.id for a in first] == [a.id for a in second]


def test_headline_variants_full_width_author_and_kicker():
    page = "\n".join(
        [
            "引题在这里",
            "",
            "主标题",
            "",
            "副标题说明",
            "",
            "本报讯 2023年5月1日，某市举行活动。活动很成功。",
            "",
            "第二段写到一半，被版面",
            "",
            "截断了。（记者 张三 通讯员 李四）",
            "",
            "另一篇文章",
            "",
            "新华社北京电 昨天发生了一件事。",
            "(王五)",
        ]
    )
    articles, problems = parse_page(page, "p.txt")
    assert problems == []
    first, second = articles
    assert (first.kicker, first.title, first.subtitle) == ("引题在这里", "主标题", "副标题说明")
    assert first.authors == ("张三", "李四") and first.author == "张三、李四"
    assert first.date is None  # the event's date in the text is not the publication date
    assert first.paragraphs[-1] == "第二段写到一半，被版面截断了。"
    assert (second.title, second.authors, second.dateline) == ("另一篇文章", ("王五",), "新华社北京电")


def test_headline_without_text_is_reported_with_its_line():
    articles, problems = parse_page("标题一\n\n本报讯 正文。\n(李甲)\n\n孤零零的标题\n", "p.txt")
    assert [a.title for a in articles] == ["标题一"]
    assert len(problems) == 1 and problems[0].line == 6 and "孤零零的标题" in str(problems[0])
