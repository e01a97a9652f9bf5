"""``python -m qa.eval --pages``: the parse table, counting what the parser gets right and what it misses."""

import json
from pathlib import Path

from qa.eval.__main__ import main
from qa.eval.pages import score_pages

PAGE = "\n".join(
    [
        "《人民日报》（2026年04月28日 第 10 版）",
        "",
        "中东部大范围降雨过程持续",
        "国家防总加派工作组赴一线指导防汛救灾",
        "\u3000\u3000本报北京4月27日电\u00a0\u00a0（记者吴储岐）气象监测显示，多地出现暴雨。",
        "",
        "图片报道",
        "\u3000\u3000江西宜丰县，学生在教育基地参观研学。",
        "\u3000\u3000潘帅摄",
        "",
        "本版责编：张  晔",
    ]
)
RAIN = {
    "kicker": None,
    "title": "中东部大范围降雨过程持续",
    "subtitle": "国家防总加派工作组赴一线指导防汛救灾",
    "authors": ["吴储岐"],
    "date": "2026-04-28",
    "dateline": "本报北京4月27日电",
    "first": "本报北京4月27日电\u00a0\u00a0（记者",
    "last": "气象监测显示，多地出现暴雨。",
}
PHOTO = {**RAIN, "title": "图片报道", "subtitle": None, "authors": ["潘帅"], "dateline": None}
PHOTO.update(first="江西宜丰县，学生在教育基地参", last="潘帅摄")


def write_pages(folder: Path, articles: list[dict], furniture: list[str]) -> Path:
    folder.mkdir()
    (folder / "rmrb_20260428_10.txt").write_text(PAGE, encoding="utf-8")
    entry = {"paper": "人民日报", "date": "2026-04-28", "furniture": furniture, "articles": articles}
    (folder / "expected.json").write_text(json.dumps({"rmrb_20260428_10.txt": entry, "copies": []}), encoding="utf-8")
    return folder


def test_a_page_read_right_scores_every_field(tmp_path: Path, capsys):
    furniture = ["《人民日报》（2026年04月28日 第 10 版）", "本版责编：张  晔"]
    folder = write_pages(tmp_path / "pages", [RAIN, PHOTO], furniture)
    assert main(["--pages", "--pages-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "| rmrb_20260428_10.txt | 2/2 (2) | 2/2 | 2/2 | 2/2 | 2/2 | 2/2 | 2/2 | 2/2 | 2/2 | 0 |" in out
    assert "2 of 2 expected articles found in page order (2 parsed); 14 of 14 fields of the found ones exact" in out


def test_misses_wrong_fields_and_furniture_in_text_are_counted(tmp_path: Path):
    wrong = {**RAIN, "authors": ["别人"], "date": "2026-04-27"}
    missing = {**PHOTO, "title": "另一篇"}
    # "图片报道" is expected as furniture here: it is in an article's headline, so it counts as a leak.
    folder = write_pages(tmp_path / "pages", [wrong, missing], ["图片报道"])
    [score] = score_pages(folder)
    assert (score.expected, score.parsed, score.found, score.complete, score.leaks) == (2, 2, 1, 0, 1)
    assert score.exact == {
        "kicker": 1,
        "subtitle": 1,
        "authors": 0,
        "date": 0,
        "dateline": 1,
        "first": 1,
        "last": 1,
    }


def test_articles_out_of_page_order_are_not_found(tmp_path: Path):
    folder = write_pages(tmp_path / "pages", [PHOTO, RAIN], [])
    [score] = score_pages(folder)
    assert score.found == 1


def test_without_the_folder_only_pages_is_an_error(tmp_path: Path, capsys):
    assert main(["--pages", "--pages-dir", str(tmp_path / "none")]) == 2
    assert "no news pages at" in capsys.readouterr().err
