"""Generated news-like articles for index lifecycle tests: many, distinct, several chunks each."""

import json
from pathlib import Path
from typing import Any

CITIES = "北京 上海 广州 深圳 杭州 南京 成都 武汉 西安 重庆 天津 苏州 长沙 郑州 青岛 厦门 昆明 大连 沈阳 济南".split()
TOPICS = "地铁线路 图书馆 体育馆 湿地公园 科技园区 海水淡化厂 博物馆 跨江大桥 医院分院 物流中心".split()


def article(number: int, version: int = 1) -> dict[str, Any]:
    """Article ``number``: its facts (city, project, amount, year) are unique to the number."""
    city = CITIES[number % len(CITIES)]
    topic = TOPICS[(number // len(CITIES)) % len(TOPICS)]
    amount = 100 + number * 7 + version
    year = 2000 + number % 25
    paragraphs = [
        f"{city}市政府日前宣布，第{number}号{topic}项目正式开工，总投资{amount}亿元，预计{year + 3}年建成投用。",
        f"该项目由{city}城市建设集团负责实施，规划建设周期三年，项目编号为{city}-{number}-{version}。"
        f"据介绍，项目建成后将服务周边约{number + 20}万居民，进一步完善城市公共服务功能。",
        f"项目负责人表示，施工期间将采取多项措施减少对周边交通和居民生活的影响，"
        f"并定期向社会公布工程进展情况。{city}市有关部门将加强质量安全监管。",
        f"此前，{city}已于{year}年完成项目选址和可行性研究，相关审批手续已全部办结。"
        f"第{number}号项目是今年{city}重点建设工程之一。",
    ]
    return {
        "id": f"gen-{number:05d}",
        "title": f"{city}第{number}号{topic}项目开工",
        "paragraphs": paragraphs,
        "date": f"{year}-05-01",
        "author": "新华社",
    }


def question(number: int) -> str:
    """A question only article ``number`` answers."""
    record = article(number)
    city = record["title"].split("第")[0]
    return f"{city}第{number}号项目总投资多少亿元？"


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
