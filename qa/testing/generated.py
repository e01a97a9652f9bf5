"""Generated news-like articles for index lifecycle tests and benchmarks: many, distinct, several chunks each.

Each article's facts are unique to its number, so ``question(n)`` is answered by article ``n`` alone;
``DISTINCT`` holds three hand-written articles on subjects the generated ones never mention.
"""

import json
from pathlib import Path
from typing import Any

CITIES = "北京 上海 广州 深圳 杭州 南京 成都 武汉 西安 重庆 天津 苏州 长沙 郑州 青岛 厦门 昆明 大连 沈阳 济南".split()
# One word per digit and position: an article's project name shares no word with most others.
NAME_WORDS = [
    "青松 白鹭 金桥 银河 紫荆 翠竹 红枫 玉兰 星辰 海棠".split(),
    "东湖 西岭 南山 北塔 中原 长江 黄河 珠江 泰山 华山".split(),
    "春晖 夏荷 秋实 冬雪 晨曦 暮霭 朝阳 晚霞 明月 清风".split(),
    "骏马 雄鹰 白鹤 锦鲤 麒麟 凤凰 飞龙 猛虎 灵鹿 仙鹤".split(),
]
TOPICS = "地铁线路 图书馆 体育馆 湿地公园 科技园区 海水淡化厂 博物馆 跨江大桥 医院分院 物流中心".split()


def project_name(number: int) -> str:
    return "".join(words[int(d)] for words, d in zip(NAME_WORDS, f"{number:04d}"))


def article(number: int, version: int = 1) -> dict[str, Any]:
    """Article ``number``: its facts (city, project, amount, year) are unique to the number."""
    city = CITIES[number % len(CITIES)]
    topic = TOPICS[(number // len(CITIES)) % len(TOPICS)]
    amount = 100 + number * 7 + version
    year = 2000 + number % 25
    name = project_name(number)
    paragraphs = [
        f"{city}市政府日前宣布，“{name}”{topic}项目（第{number}号）正式开工，"
        f"总投资{amount}亿元，预计{year + 3}年建成投用。",
        f"“{name}”项目由{city}城市建设集团负责实施，规划建设周期三年，项目编号为{city}-{number}-{version}。"
        f"据介绍，项目建成后将服务周边约{number + 20}万居民，进一步完善城市公共服务功能。",
        f"项目负责人表示，施工期间将采取多项措施减少对周边交通和居民生活的影响，"
        f"并定期向社会公布工程进展情况。{city}市有关部门将加强质量安全监管。",
        f"此前，{city}已于{year}年完成项目选址和可行性研究，相关审批手续已全部办结。"
        f"“{name}”项目是今年{city}重点建设工程之一。",
    ]
    return {
        "id": f"gen-{number:05d}",
        "title": f"{city}“{name}”{topic}项目开工",
        "paragraphs": paragraphs,
        "date": f"{year}-05-01",
        "author": "新华社",
    }


def question(number: int) -> str:
    """A question only article ``number`` answers."""
    return f"“{project_name(number)}”项目总投资多少亿元？"


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_corpus(corpus_dir: Path, count: int, per_file: int = 50, start: int = 0) -> list[Path]:
    """``count`` generated articles in JSON Lines files of ``per_file`` each."""
    files = []
    for first in range(start, start + count, per_file):
        numbers = range(first, min(first + per_file, start + count))
        files.append(write_jsonl(corpus_dir / f"gen-{first:05d}.jsonl", [article(n) for n in numbers]))
    return files


# Hand-written articles on subjects the generated ones never mention: (record, question, answer text).
DISTINCT = [
    (
        {
            "id": "mars-landing",
            "title": "天问三号探测器成功着陆火星",
            "body": "国家航天局宣布，天问三号探测器当天在火星乌托邦平原南部预选区域成功着陆。\n"
            "着陆器重约1.3吨，携带了六台科学仪器。",
        },
        "天问三号探测器在火星哪里着陆？",
        "乌托邦平原",
    ),
    (
        {
            "id": "panda-twins",
            "title": "大熊猫基地迎来一对双胞胎",
            "body": "大熊猫繁育研究基地的雌性大熊猫“晶晶”顺利产下一对双胞胎幼崽。\n"
            "两只幼崽出生体重分别为一百六十克和一百二十克，目前状况良好。",
        },
        "晶晶的两只幼崽出生体重分别为多少克？",
        "一百六十克",
    ),
    (
        {
            "id": "dragon-boat",
            "title": "汨罗江龙舟邀请赛落幕",
            "body": "端午节当天，汨罗江国际龙舟邀请赛落下帷幕，共有三十二支队伍参赛。\n"
            "岳阳湘阴队以两分零八秒的成绩夺得五百米直道赛冠军。",
        },
        "汨罗江龙舟邀请赛五百米直道赛冠军是哪支队伍？",
        "湘阴队",
    ),
]
