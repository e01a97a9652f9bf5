"""Bylines, datelines and furniture lines in the text of web pages and feed items."""

import pytest

from qa.ingest.web.credits import read_credits
from qa.ingest.web.names import split_names

BODY = "记者从有关部门获悉，这项工程已经全部完工。"


@pytest.mark.parametrize(
    "lines,authors,dateline",
    [
        (["本报记者  朱  隽", BODY], ["朱隽"], None),
        (["本报记者 张三 李四", BODY], ["张三", "李四"], None),
        (["新华社记者", "刘赞　陈泽安　丁汀", BODY], ["刘赞", "陈泽安", "丁汀"], None),
        (["文/王五", BODY], ["王五"], None),
        (["本报北京4月27日电  （记者吴储岐）" + BODY], ["吴储岐"], "本报北京4月27日电"),
        (["新华社北京4月30日电（记者赵怡宁、高亢）" + BODY], ["赵怡宁", "高亢"], "新华社北京4月30日电"),
        (["据新华社北京/德黑兰4月26日电 " + BODY], [], "据新华社北京/德黑兰4月26日电"),
        (["本报讯（记者 李四）" + BODY], ["李四"], None),
        ([BODY, "（记者施雨岑 王鹏）", "新华社北京5月2日电"], ["施雨岑", "王鹏"], "新华社北京5月2日电"),
        ([BODY, "（李吉莲）"], ["李吉莲"], None),
        (
            [BODY, "（记者施雨岑", "王鹏 王明玉 胡梦雪）", "新华社北京5月2日电"],
            ["施雨岑", "王鹏", "王明玉", "胡梦雪"],
            "新华社北京5月2日电",
        ),
        ([BODY, "（待续）"], [], None),
    ],
)
def test_authors_and_dateline_come_from_bylines_datelines_and_closing_credits(lines, authors, dateline):
    credits = read_credits(lines)
    assert credits.authors == authors and credits.dateline == dateline
    assert any(BODY in line for line in credits.body)
    assert not any(line.startswith(("本报记者", "新华社记者", "文/", "（记者", "（李吉莲")) for line in credits.body)


@pytest.mark.parametrize(
    "line",
    ["责任编辑：张三", "(责编：杨光宇、高雷)", "【责任编辑:张樵苏】", "（编辑：孙一）", "本版责编：张  晔"]
    + ["分享到：", "【纠错】"],
)
def test_editor_credits_and_share_bars_are_not_body_text(line):
    credits = read_credits([BODY, line])
    assert credits.body == [BODY] and credits.furniture == [line] and credits.authors == []


def test_a_sentence_that_mentions_an_editor_or_an_app_stays_in_the_body():
    sentences = [
        "记者张三在采访中了解到，当地将新建两所学校。",
        "市民可以通过政务服务客户端办理业务，也可以扫码预约，编辑部收到了很多读者来信。",
    ]
    assert read_credits(sentences).body == sentences


def test_folio_and_metadata_lines_give_paper_date_page_and_section():
    credits = read_credits(["本报评论员 《人民日报》（2024年04月30日 第 04 版）", BODY])
    assert (credits.paper, credits.date, credits.page) == ("人民日报", "2024-04-30", "4")
    assert credits.authors == ["本报评论员"]
    credits = read_credits(["（ 2026-05-03 ） 稿件来源：新华每日电讯 要闻", BODY])
    assert (credits.paper, credits.date, credits.section) == ("新华每日电讯", "2026-05-03", "要闻")
    assert credits.body == [BODY]


def test_known_authors_from_the_markup_win():
    assert read_credits(["本报记者 张三", BODY], ["王芳"]).authors == ["王芳"]


@pytest.mark.parametrize("text", ["104731", "人民网－人民日报", "海关总署27日发布数据", "据新华社电"])
def test_text_that_is_not_names_is_not_taken_for_authors(text):
    assert split_names(text) is None
