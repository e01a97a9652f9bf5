"""Each page convention on its own, as a small page laid out the way national papers print them."""

import pytest

from qa.ingest.page import read_page
from qa.ingest.page.headline import split_headline

IND = "\u3000\u3000"  # paragraph indentation
NBSP2 = "\u00a0\u00a0"


def page(*lines: str) -> str:
    return "\n".join(lines)


def read(text: str, source: str = "page.txt"):
    result = read_page(text, source)
    assert result.problems == []
    return result


# --- furniture ---------------------------------------------------------------------------------


def test_folio_and_credit_lines_are_page_furniture_kept_as_metadata():
    result = read(
        page(
            "《人民日报》（2026年04月28日 第 10 版）",
            "",
            "黄河流域生态保护持续加强",
            "本报记者  朱  隽",
            f"{IND}本报郑州4月27日电{NBSP2}（记者朱隽）记者从水利部黄河水利委员会获悉：今年以来，黄河流域水土保持率稳步提升。",
            f"{IND}黄委有关负责人表示，将继续推进淤地坝建设。",
            "",
            "本版责编：李  明  王小红",
            f"{IND}版式设计：张芳",
        )
    )
    [article] = result.articles
    assert (article.paper, article.date, article.page) == ("人民日报", "2026-04-28", "10")
    assert [text for _, text in result.furniture] == [
        "《人民日报》（2026年04月28日 第 10 版）",
        "本版责编：李 明 王小红",
        "版式设计：张芳",
    ]
    assert [number for number, _ in result.furniture] == [1, 8, 9]
    assert article.paragraphs[-1] == "黄委有关负责人表示，将继续推进淤地坝建设。"


def test_a_metadata_line_under_each_headline_dates_that_article():
    result = read(
        page(
            "多地推出夜间文旅新玩法",
            "（ 2026-04-28 ） 稿件来源：新华每日电讯 要闻",
            f"{IND}新华社长沙4月27日电（记者张三）入夜，长沙橘子洲头游人如织。",
            "",
            "春耕备耕有序推进",
            "（ 2026-04-29 ） 稿件来源：新华每日电讯 综合",
            f"{IND}新华社合肥4月28日电（记者李四 王五）眼下，安徽各地春耕备耕有序推进。",
        )
    )
    first, second = result.articles
    assert (first.date, first.paper, first.section, first.authors) == ("2026-04-28", "新华每日电讯", "要闻", ("张三",))
    assert (second.date, second.section, second.authors) == ("2026-04-29", "综合", ("李四", "王五"))
    assert all("稿件来源" not in a.body for a in result.articles)


def test_a_word_count_line_names_the_author_and_is_not_text():
    result = read(
        page(
            "读懂乡村振兴的时代答卷",
            "——写在某某书出版之际",
            "段培华 陈学科 字数: 1468字",
            "《 学习时报 》（ 2026年05月01日  第 09 版 ）",
            "乡村振兴是一篇大文章。近年来，各地立足实际，走出了各具特色的发展路子。",
            "（作者系某大学教授）",
        )
    )
    [article] = result.articles
    assert (article.title, article.subtitle) == ("读懂乡村振兴的时代答卷", "——写在某某书出版之际")
    assert article.authors == ("段培华", "陈学科")
    assert (article.paper, article.date, article.page) == ("学习时报", "2026-05-01", "9")
    assert article.paragraphs == (
        "乡村振兴是一篇大文章。近年来，各地立足实际，走出了各具特色的发展路子。",
        "（作者系某大学教授）",
    )


# --- headlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["“雪龙2”号返抵上海——", "第四十二次南极考察圆满结束"],
            ("“雪龙2”号返抵上海——", "第四十二次南极考察圆满结束", None),
        ),
        (["听取意见：", "城市更新让老街区焕发新活力"], ("听取意见：", "城市更新让老街区焕发新活力", None)),
        (
            ["赵乐际同全国人大常委会会议列席代表座谈时强调", "依法履行职责发挥代表作用"],
            ("赵乐际同全国人大常委会会议列席代表座谈时强调", "依法履行职责发挥代表作用", None),
        ),
        (
            ["为非洲经济发展注入动力", "——访加纳非中政策与咨询中心执行主任"],
            (None, "为非洲经济发展注入动力", "——访加纳非中政策与咨询中心执行主任"),
        ),
        (
            ["生态修复、绿色管护、复合经营", "临安山核桃  果香满山坡（美丽中国）"],
            ("生态修复、绿色管护、复合经营", "临安山核桃  果香满山坡（美丽中国）", None),
        ),
        (
            ["白宫晚宴发生安全事件　一名嫌疑人被拘捕", "消息人士：嫌疑人目标为政府官员"],
            (None, "白宫晚宴发生安全事件　一名嫌疑人被拘捕", "消息人士：嫌疑人目标为政府官员"),
        ),
        (
            ["31项世界第一", "中国矿产的全球产业链主导地位持续巩固"],
            (None, "31项世界第一 中国矿产的全球产业链主导地位持续巩固", None),
        ),
        (
            ["青岛—南京天然气管道与江苏沿海管道互联互通项目投产", "长三角地区新增供气通道"],
            ("青岛—南京天然气管道与江苏沿海管道互联互通项目投产", "长三角地区新增供气通道", None),
        ),
        (
            ["中东部大范围降雨过程持续", "国家防总加派工作组赴一线指导防汛救灾"],
            (None, "中东部大范围降雨过程持续", "国家防总加派工作组赴一线指导防汛救灾"),
        ),
        (["引题说明背景", "主标题", "副题补充说明"], ("引题说明背景", "主标题", "副题补充说明")),
        (
            ["引题说明背景——", "主标题上半句", "主标题下半句更长一些", "——副题"],
            ("引题说明背景——", "主标题上半句 主标题下半句更长一些", "——副题"),
        ),
    ],
)
def test_headline_lines_become_kicker_title_and_subtitle(lines, expected):
    assert split_headline(lines) == expected


def test_a_headline_of_three_lines_and_a_byline_on_a_page():
    result = read(
        page(
            "中企承建的风电项目进入施工高峰阶段——",
            "红海畔，又添中国“大风车”（第一现场）",
            "——探访苏伊士湾风电项目",
            "本报记者  沈小晓",
            f"{IND}苏伊士湾风电项目现场，工作人员正在进行风机吊装作业。",
        )
    )
    [article] = result.articles
    assert (article.kicker, article.title, article.subtitle) == (
        "中企承建的风电项目进入施工高峰阶段——",
        "红海畔，又添中国“大风车”（第一现场）",
        "——探访苏伊士湾风电项目",
    )
    assert article.authors == ("沈小晓",)


# --- bylines -----------------------------------------------------------------------------------


def test_byline_with_names_on_the_next_line_and_several_authors():
    result = read(
        page(
            "方案成形 能否管住海峡",
            "新华社记者",
            "刘赞　陈泽安　丁汀",
            f"{IND}据当地媒体25日报道，一份综合方案已经成形。",
        )
    )
    assert result.articles[0].authors == ("刘赞", "陈泽安", "丁汀")
    assert result.articles[0].paragraphs == ("据当地媒体25日报道，一份综合方案已经成形。",)


def test_a_byline_naming_nobody_leaves_the_intertitle_below_it_in_the_text():
    result = read(
        page(
            "方案成形 能否管住海峡",
            "新华社记者",
            f"{IND}据当地媒体25日报道，一份综合方案已经成形。",
            "有何目的",
            f"{IND}分析人士认为，该方案透露出多重目的。据新华社北京/德黑兰4月26日电",
        )
    )
    [article] = result.articles
    assert article.authors == ()
    assert article.paragraphs[1] == "有何目的"
    assert article.dateline == "据新华社北京/德黑兰4月26日电"


@pytest.mark.parametrize(
    ("lead", "dateline", "authors"),
    [
        (f"本报北京4月27日电{NBSP2}（记者吴储岐）", "本报北京4月27日电", ("吴储岐",)),
        ("新华社北京4月30日电（记者赵怡宁）", "新华社北京4月30日电", ("赵怡宁",)),
        ("新华社福州4月29日电  （记者齐中熙、高亢）", "新华社福州4月29日电", ("齐中熙", "高亢")),
        ("本报讯（记者 张三 通讯员 李四）", None, ("张三", "李四")),
        ("新华社开罗5月3日电据中国驻埃及使馆3日消息，", "新华社开罗5月3日电", ()),
    ],
)
def test_reporters_named_in_the_dateline(lead, dateline, authors):
    result = read(page("纪念碑在开罗揭幕", f"{IND}{lead}纪念碑揭幕仪式3日在开罗举行。"))
    [article] = result.articles
    assert (article.dateline, article.authors) == (dateline, authors)
    assert article.paragraphs[0].startswith(lead.replace(NBSP2, " ").replace("  ", " ")[:6])


def test_closing_credits_in_full_and_half_width_brackets_are_authors_and_leave_the_text():
    result = read(
        page(
            "我市召开产改工作推进会",
            "",
            "本报讯 4月7日，我市召开产业工人队伍建设改革工作推进会。",
            "",
            "（李吉莲）",
            "",
            "市区新增口袋公园",
            "",
            "本报讯 今年以来，市区新建口袋公园12个。(惠晓婧)",
            "",
            "环城绿道全线贯通",
            "",
            "本报讯 环城绿道昨天全线贯通。",
            "",
            "（陈立希 新华社专特稿）",
        )
    )
    assert [a.authors for a in result.articles] == [("李吉莲",), ("惠晓婧",), ("陈立希",)]
    assert [a.paragraphs[-1] for a in result.articles] == [
        "本报讯 4月7日，我市召开产业工人队伍建设改革工作推进会。",
        "本报讯 今年以来，市区新建口袋公园12个。",
        "本报讯 环城绿道昨天全线贯通。",
    ]


def test_a_note_about_the_author_is_text_and_names_nobody():
    result = read(
        page("三个岗位话动能（现场评论）", "姚雪青", f"{IND}工业游为何成新宠？", f"{IND}（作者为本报江苏分社记者）")
    )
    [article] = result.articles
    assert article.authors == ("姚雪青",)
    assert article.paragraphs[-1] == "（作者为本报江苏分社记者）"


def test_photo_items_credit_the_photographer_and_keep_the_credit_in_the_text():
    result = read(
        page(
            "图片报道",
            f"{IND}江西宜丰县，芳溪镇中心小学的学生在爱国主义教育基地参观研学。",
            f"{IND}潘帅摄（影像中国）",
            "",
            "双层观光巴士亮相雄安新区",
            f"{IND}巴士工作人员为游客提供配乐讲解服务。",
            f"{IND}以上图片均为本报记者张武军摄",
        )
    )
    first, second = result.articles
    assert (first.authors, first.paragraphs[-1]) == (("潘帅",), "潘帅摄（影像中国）")
    assert second.authors == ("张武军",)


def test_a_byline_wins_over_the_photo_credit_and_a_signature_over_the_photographer():
    result = read(
        page(
            "推广回收妙招 助力绿色发展",
            "本报记者  禹丽敏  莽九晨  徐  馨",
            f"{IND}市民在二手百货商店挑选商品。",
            f"{IND}本报记者  徐  馨摄",
            f"{IND}押金返还制度推动了垃圾分类。",
            "",
            "图片报道",
            f"{IND}学生在教育基地参观研学。",
            f"{IND}周  亮摄（影像中国）",
            f"{IND}峥嵘来时路，",
            f"{IND}初心誓不忘。",
            f"{IND}徐  之文",
        )
    )
    first, second = result.articles
    assert first.authors == ("禹丽敏", "莽九晨", "徐馨")
    assert "本报记者 徐 馨摄" in first.paragraphs
    assert second.authors == ("徐之文",)
    assert second.paragraphs[-1] == "初心誓不忘。"


# --- paragraphs --------------------------------------------------------------------------------


def test_indented_paragraphs_with_unindented_intertitles_stay_one_article():
    result = read(
        page(
            "破解新能源车主“里程焦虑”",
            "（ 2026-05-03 ） 稿件来源：新华每日电讯 综合",
            "新华社记者 贾云鹏 何磊静",
            f"{IND}“五一”假期期间，全国高速公路新能源车流量创新高。",
            "大功率充电桩显身手",
            f"{IND}江苏宿迁在8个高速服务区建设快充桩98台。",
            "移动充电车为绿色出行提速",
            f"{IND}多地在高速服务区部署移动充电车。",
            f"{IND * 3}新华社北京5月2日电",
        )
    )
    [article] = result.articles
    assert article.paragraphs[1] == "大功率充电桩显身手"
    assert len(article.paragraphs) == 6
    assert article.dateline == "新华社北京5月2日电"


def test_paragraphs_as_blank_line_separated_blocks_are_joined_where_the_layout_broke_them():
    result = read(
        page(
            "市政府召开集成电路产业推进会",
            "",
            "本报讯 为落实产业集群工作专班季推进、月调度机",
            "制，市政府昨天召开集成电路产业集群建设工作推进会。",
            "",
            "会议要求，积极谋划集成电路产业重大综合性峰会，",
            "",
            "探索组织沙龙活动。",
            "",
            "（陈菁菁）",
        )
    )
    [article] = result.articles
    assert article.paragraphs == (
        "本报讯 为落实产业集群工作专班季推进、月调度机制，市政府昨天召开集成电路产业集群建设工作推进会。",
        "会议要求，积极谋划集成电路产业重大综合性峰会，探索组织沙龙活动。",
    )
    assert article.authors == ("陈菁菁",)


def test_paragraphs_without_indentation_one_per_line():
    result = read(
        page(
            "一条河与一座城的相守",
            "李诚 字数: 1452字",
            "兰州的夏天来得干脆，阳光一烈，整座城就骤然热了起来。",
            "我在兰州生活了20多年，平日里忙于工作和写作。",
            "",
            "布谷声里麦浪黄",
            "刘峰 字数: 1376字",
            "麦黄时节，举目故乡，只剩下三种纯净的色彩。",
        )
    )
    assert [(a.title, a.authors, len(a.paragraphs)) for a in result.articles] == [
        ("一条河与一座城的相守", ("李诚",), 2),
        ("布谷声里麦浪黄", ("刘峰",), 1),
    ]


def test_a_line_broken_inside_a_book_title_is_joined():
    result = read(
        page(
            "培厚乡村阅读氛围",
            f"{IND}前不久，三部门联合印发《推进农家书屋",
            "提质增效实施方案》，提出一系列举措。",
            f"{IND}乡村需要阅读。",
        )
    )
    assert result.articles[0].paragraphs == (
        "前不久，三部门联合印发《推进农家书屋提质增效实施方案》，提出一系列举措。",
        "乡村需要阅读。",
    )


def test_nbsp_and_odd_spaces_are_spaces_and_zero_width_characters_vanish():
    result = read(
        page(
            "中国记协举办新闻茶座\u00a0\u00a0聚焦中国道路",
            "\u00a0\u00a0本报北京6月23日电\u2002（记者龚\u200b鸣）中国记协6月23日在京举办新闻茶座。",
            "\u00a0\u00a0谢茂松回答了记者提问。",
        )
    )
    [article] = result.articles
    assert article.title == "中国记协举办新闻茶座 聚焦中国道路"
    assert article.paragraphs[0] == "本报北京6月23日电 （记者龚鸣）中国记协6月23日在京举办新闻茶座。"
    assert article.authors == ("龚鸣",)


def test_articles_without_empty_lines_between_them_are_told_apart_by_their_bylines_and_datelines():
    result = read(
        page(
            "北京绿电交易规模首次超过火电",
            f"{IND}本报北京5月18日电{NBSP2}（记者潘俊强）今年1月—4月，北京市绿电交易同比增长82%。",
            "青藏高原生物种质资源库开放数据共享",
            f"{IND}本报西宁5月18日电{NBSP2}（记者江萌）资源库已累计保存种质资源超10万份。",
            "看得远、干得实、走得稳（人民论坛）",
            "段伟利",
            f"{IND}公园里，家长教孩子骑自行车。",
        )
    )
    assert [(a.title, a.authors) for a in result.articles] == [
        ("北京绿电交易规模首次超过火电", ("潘俊强",)),
        ("青藏高原生物种质资源库开放数据共享", ("江萌",)),
        ("看得远、干得实、走得稳（人民论坛）", ("段伟利",)),
    ]


def test_hard_wrapped_lines_are_joined_and_a_short_wrapped_piece_is_no_headline():
    result = read(
        page(
            "北京绿电交易规模首次超过火电",
            "本报北京5月18日电 （记者潘俊强）记者从首都电力交易中心获悉：",
            "今年1月—4月，北京市绿电市场化直接",
            "交易共达成188亿千瓦时，同比增长82%。",
            "今年以来，首都电力交易中心不断优化绿电交易",
            "机制，扩大绿电用户规模。",
            "青藏高原生物种质资源库开放数据共享",
            "本报西宁5月18日电 （记者江萌）资源库已累计保存种",
            "质资源超10万份。",
        )
    )
    assert [(a.title, a.authors, len(a.paragraphs)) for a in result.articles] == [
        ("北京绿电交易规模首次超过火电", ("潘俊强",), 2),
        ("青藏高原生物种质资源库开放数据共享", ("江萌",), 1),
    ]
    assert result.articles[0].paragraphs[0].endswith("北京市绿电市场化直接交易共达成188亿千瓦时，同比增长82%。")


@pytest.mark.parametrize(
    ("folio", "expected"),
    [
        ("《人民日报》（2026年05月19日 第 15 版）", ("人民日报", "2026-05-19", "15", None)),
        ("《 学习时报 》（ 2026年06月26日  第 12 版 ）", ("学习时报", "2026-06-26", "12", None)),
        ("光明日报（2026年05月19日 01版）", ("光明日报", "2026-05-19", "1", None)),
        ("经济日报 2026-05-19 第 05 版：国际", ("经济日报", "2026-05-19", "5", "国际")),
        ("《人民日报》（2026年05月19日）", ("人民日报", "2026-05-19", None, None)),
        ("2026年5月19日 星期二 农历四月初三", (None, "2026-05-19", None, None)),
        ("第 05 版：国际", (None, None, "5", "国际")),
    ],
)
def test_folio_variants_give_paper_date_page_and_section(folio, expected):
    result = read(page(folio, "", "中方在开罗建立纪念碑", f"{IND}新华社开罗5月18日电 纪念碑揭幕仪式18日举行。"))
    [article] = result.articles
    assert (article.paper, article.date, article.page, article.section) == expected
    assert [text for _, text in result.furniture] == [" ".join(folio.split())]


def test_other_papers_datelines_and_bracketed_photo_credits():
    result = read(
        page(
            "青年志愿者走进社区",
            f"{IND}中国青年报客户端北京5月18日电（中青报·中青网记者 王晓明）近日，志愿者走进社区。",
            f"{IND}志愿者为居民提供义诊服务。（新华社记者 张三 摄）",
        )
    )
    [article] = result.articles
    assert (article.dateline, article.authors) == ("中国青年报客户端北京5月18日电", ("王晓明",))
    assert article.paragraphs[-1] == "志愿者为居民提供义诊服务。（新华社记者 张三 摄）"  # a photo credit stays


def test_a_short_last_line_before_the_credits_stays_in_the_last_article():
    result = read(
        page(
            "图片报道",
            "学生在爱国主义教育基地参观研学。",
            "峥嵘来时路，",
            "赓续焕荣光",
            "本版责编：陈  凌",
        )
    )
    [article] = result.articles
    assert article.paragraphs[-1].endswith("赓续焕荣光")
