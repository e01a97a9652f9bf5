"""People's names in Chinese credits: ``本报记者  朱  隽``, ``（记者王云杉、罗珊珊）``, ``张三 李四``.

A name is 2-4 Chinese characters (a middle dot allowed, for transliterated names), or a Latin-script name.
Two-character names are often padded to the width of three (``徐  馨``): consecutive one-character tokens
are joined in pairs, since a single Chinese character is never a whole name.
"""

import re

# Words that say what a credited person did, not who they are; longest first so 本报记者 wins over 记者.
ROLES = sorted(
    {
        "本报记者",
        "本报特约记者",
        "本报通讯员",
        "本报实习生",
        "新华社记者",
        "中新社记者",
        "中新网记者",
        "特约记者",
        "见习记者",
        "实习记者",
        "记者",
        "通讯员",
        "实习生",
        "摄影",
        "文/",
        "文／",
        "图/",
        "图／",
        "作者：",
        "作者:",
        "撰文：",
    },
    key=len,
    reverse=True,
)
_ROLE_RE = re.compile("|".join(re.escape(role) for role in ROLES))
_LIST_SEPARATORS = re.compile(r"[、，,；;/／|]+")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff·•]{1,5}$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z.'\-]*(?: [A-Za-z][A-Za-z.'\-]*){0,3}$")
_ONE_CJK = re.compile(r"^[\u4e00-\u9fff]$")


def _join_padded(tokens: list[str]) -> list[str]:
    names: list[str] = []
    pending = ""
    for token in tokens:
        if _ONE_CJK.match(token):
            if pending:
                names.append(pending + token)
                pending = ""
            else:
                pending = token
            continue
        if pending:
            names.append(pending)  # a lone character: left for the validation to refuse
            pending = ""
        names.append(token)
    if pending:
        names.append(pending)
    return names


def is_name(text: str) -> bool:
    cjk = _CJK_NAME.match(text)
    return bool(cjk and len(text.replace("·", "").replace("•", "")) <= 4) or bool(_LATIN_NAME.match(text))


def split_names(text: str) -> list[str] | None:
    """The names in a credit, in order, or None when anything in it is not a name (then it is not a credit).

    Role words are dropped (``本报记者 张三 通讯员 李四`` -> 张三, 李四); an empty credit gives ``[]``.
    """
    tokens: list[str] = []
    for piece in _LIST_SEPARATORS.split(_ROLE_RE.sub("、", text)):
        piece = piece.strip(" \t\n\u3000\u00a0")
        if _HAS_CJK.search(piece):
            tokens.extend(t for t in _SPACES.split(piece) if t)
        elif piece:
            tokens.append(" ".join(piece.split()))  # a Latin name keeps its inner spaces
    names = _join_padded(tokens)
    if not all(is_name(name) for name in names):
        return None
    return list(dict.fromkeys(names))
