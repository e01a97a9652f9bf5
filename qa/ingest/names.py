"""People's names as newspapers print them: in bylines, dateline brackets, credits and JSON fields.

Layout pads a two-character name to the width of three (``徐  馨``), so a lone character joins the
token after it. Role words (记者, 通讯员, 本报记者, 新华社记者...) are dropped. A line of bare names
with no role word (a commentary's byline ``姚雪青``, a signature ``徐  之文``) is only taken for names
when each starts with a common surname, so a short headline is not mistaken for a person.
"""

import re

# Common single-character surnames (the most frequent ~400: they cover nearly every Chinese name)
# and the compound ones still in use.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = set("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 端木 独孤".split())

_ORG_NAME = r"(?:本报|新华社|中新社|人民日报|[\u4e00-\u9fff]{1,8}?(?:日报|晚报|时报|报|社|网|台))"
_ORG = rf"{_ORG_NAME}(?:[·•]{_ORG_NAME})?"  # 中青报·中青网
# Who wrote or took it: 本报记者, 新华社特约记者, 本报驻东京记者, 通讯员, 实习生, 文/图.
ROLE_RE = re.compile(
    rf"^(?:(?:{_ORG})?(?:驻[\u4e00-\u9fff]{{1,8}}?)?(?:首席|特约|见习|实习|融媒体|全媒体)?"
    r"(?:摄影记者|记者|通讯员|评论员|撰稿人|撰稿|作者|编译|实习生|摄影)[:：]?"
    r"|(?:文|图|摄影|摄)(?:[/／](?:图|文)?[:：]?|[:：]))"
)
# Who they write for, and notes beside a name: 本报墨西哥分社, 新华社专特稿.
AFFILIATION_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,12}(?:分社|总社|记者站|报社|通讯社)|(?:新华社|本报)?(?:专特稿|特稿|专稿|供稿|供图|综合报道|报道|采写|编译|整理))$"
)
# 作者为本报记者, 作者系某大学教授: a note about the author, not a byline.
NOTE_RE = re.compile(r"^[（(]?(?:作者|笔者|本文作者)(?:为|系|是)")
# Han characters, the rare ones of the extensions included: names use them (陈𡈼).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_NAME = rf"[{_HAN}]{{2,4}}"
_FOREIGN_NAME = rf"[{_HAN}]{{1,8}}(?:[·•．][{_HAN}]{{1,10}}){{1,3}}"  # 埃内斯托·多明戈斯
NAME_RE = re.compile(rf"(?:{_FOREIGN_NAME}|{_CJK_NAME})")
_SEPARATORS = re.compile(r"[\s\u3000、，,；;]+")
MAX_NAMES = 12


def squeeze(text: str) -> str:
    """``text`` without any whitespace (U+3000 and NBSP included)."""
    return "".join(text.split())


def has_surname(name: str) -> bool:
    return name[:2] in COMPOUND_SURNAMES or name[0] in SURNAMES


def _tokens(text: str) -> list[str]:
    """Whitespace- or 、-separated pieces, a lone character joined to a short piece after it (``徐  馨``)."""
    pieces = [p for p in _SEPARATORS.split(text.strip()) if p]
    tokens: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if len(piece) == 1 and i + 1 < len(pieces) and len(pieces[i + 1]) <= 2:
            piece += pieces[i + 1]
            i += 1
        tokens.append(piece)
        i += 1
    return tokens


def parse_names(text: str, *, need_role: bool = False, bare_surnames: bool = True) -> tuple[list[str], bool] | None:
    """The names in ``text`` and whether a role word (记者...) was seen, or None if it holds anything else.

    ``need_role``: None unless a role word is present. ``bare_surnames``: without a role word, every
    name must start with a common surname (``姚雪青`` yes, ``图片报道`` no).
    """
    if NOTE_RE.match(text.strip()):
        return None
    names: list[str] = []
    role = False
    for token in _tokens(text):
        if AFFILIATION_RE.match(token):
            role = True
            continue
        match = ROLE_RE.match(token)
        if match and match.end() == len(token):
            role = True
            continue
        # A role glued to a name (记者张三) is split off; 记者手记 is not a reporter called 手记.
        if match and _is_name(token[match.end() :], surname=True):
            role = True
            token = token[match.end() :]
        if not _is_name(token, surname=False):
            return None
        names.append(token)
    if len(names) > MAX_NAMES or (need_role and not role):
        return None
    if not role and bare_surnames and not all(_is_name(n, surname=True) for n in names):
        return None
    return names, role


def _is_name(token: str, *, surname: bool) -> bool:
    """A name: 2-4 characters (with ``surname``, starting with a common surname), or a foreign name with ·."""
    if not NAME_RE.fullmatch(token):
        return False
    return not surname or any(dot in token for dot in "·•．") or has_surname(token)


def split_authors(text: str) -> tuple[str, ...]:
    """An author field (``曲哲涵 刘温馨``, ``记者 张三、李四``) as names; text that is not names stays whole."""
    text = text.strip()
    parsed = parse_names(text, bare_surnames=False)
    if parsed and parsed[0]:
        return tuple(parsed[0])
    return (text,) if text else ()


def unique(names: list[str]) -> tuple[str, ...]:
    """``names`` in order, each once."""
    return tuple(dict.fromkeys(names))
