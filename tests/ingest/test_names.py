"""Names as papers print them: padded, glued to a role, beside notes; and what is not a name."""

import pytest

from qa.ingest.names import parse_names, split_authors


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("本报记者  禹丽敏  莽九晨  徐  馨", ["禹丽敏", "莽九晨", "徐馨"]),
        ("本报记者  崔  寅  洪秋婷", ["崔寅", "洪秋婷"]),
        ("新华社记者 刘赞\u3000陈泽安\u3000丁汀", ["刘赞", "陈泽安", "丁汀"]),
        ("新华社记者", []),
        ("记者齐中熙、高亢", ["齐中熙", "高亢"]),
        ("记者 张三 通讯员 李四", ["张三", "李四"]),
        ("本报记者 王五 实习生 赵六", ["王五", "赵六"]),
        ("本报驻东京记者 刘军国", ["刘军国"]),
        ("本报记者 张三 李四 报道", ["张三", "李四"]),
        ("文/图 张三", ["张三"]),
        ("陈立希 新华社专特稿", ["陈立希"]),
        ("本报墨西哥分社  埃内斯托·多明戈斯", ["埃内斯托·多明戈斯"]),
        ("徐  之文", ["徐之文"]),
        ("欧阳修", ["欧阳修"]),
    ],
)
def test_names_are_read_from_bylines_and_credits(text, names):
    parsed = parse_names(text)
    assert parsed is not None and parsed[0] == names


@pytest.mark.parametrize(
    "text",
    ["图片报道", "环球扫描", "记者手记", "作者为本报江苏分社记者", "本报华沙、首尔、柏林6月23日电", "有何目的", "待续"],
)
def test_headlines_notes_and_datelines_are_not_names(text):
    assert parse_names(text) is None


def test_an_author_field_is_split_into_names_or_kept_whole():
    assert split_authors("曲哲涵 刘温馨") == ("曲哲涵", "刘温馨")
    assert split_authors("记者 张三、李四") == ("张三", "李四")
    assert split_authors("陈𡈼") == ("陈𡈼",)  # a rare character of an extension block
    assert split_authors("Reuters staff") == ("Reuters staff",)
    assert split_authors("  ") == ()
