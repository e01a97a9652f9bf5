"""``python -m qa.ingest FILE...`` and ``build_index.py --check``: what the parser found, without building."""

import subprocess
import sys
from pathlib import Path

import build_index
from qa.ingest.check import main
from qa.testing.samples import ROOT, SAMPLE_PAGE

PAGE = "\n".join(
    [
        "《人民日报》（2026年04月28日 第 10 版）",
        "",
        "生态修复、绿色管护、复合经营",
        "临安山核桃  果香满山坡（美丽中国）",
        "本报记者  刘军国",
        "\u3000\u3000在浙江杭州临安区，山核桃种植历史悠久。",
        "\u3000\u3000山核桃林既是涵养水土的绿色屏障，也是群众增收的致富林。",
        "",
        "中东部大范围降雨过程持续",
        "国家防总加派工作组赴一线指导防汛救灾",
        "\u3000\u3000本报北京4月27日电\u00a0\u00a0（记者吴储岐、刘温馨）气象监测显示，多地出现暴雨。",
        "",
        "本版责编：张  晔",
    ]
)


def test_the_report_shows_each_article_and_the_furniture(tmp_path: Path, capsys):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path.as_posix()}: 2 articles, 2 furniture lines set aside" in out
    assert "1. 临安山核桃 果香满山坡（美丽中国）" in out
    assert "kicker: 生态修复、绿色管护、复合经营 | subtitle: —" in out
    assert "authors: 刘军国 | date: 2026-04-28 | dateline: — | 人民日报, 第 10 版" in out
    assert "2 paragraphs, " in out and "「在浙江杭州临安区，山核桃种植历」 … 「色屏障，也是群众增收的致富林。」" in out
    assert "subtitle: 国家防总加派工作组赴一线指导防汛救灾" in out
    assert "authors: 吴储岐、刘温馨 | date: 2026-04-28 | dateline: 本报北京4月27日电" in out
    assert "line 1: 《人民日报》（2026年04月28日 第 10 版）" in out and "line 13: 本版责编：张 晔" in out


def test_an_undated_page_says_how_to_date_it(capsys):
    assert main([str(SAMPLE_PAGE)]) == 0
    out = capsys.readouterr().out
    assert "4 articles without a date" in out and "QA_DEFAULT_DATE" in out and "date: —" in out


def test_an_unreadable_file_exits_1_saying_why(tmp_path: Path, capsys):
    good = tmp_path / "page.txt"
    good.write_text(PAGE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main([str(good), str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")]) == 1
    captured = capsys.readouterr()
    assert "empty.txt: cannot be read: file is empty" in captured.out
    assert "missing.txt: cannot be read: cannot read file: No such file or directory" in captured.out
    assert "2 articles" in captured.out  # the readable file is still reported
    assert "could not be read" in captured.err


def test_a_folder_is_checked_file_by_file(tmp_path: Path, capsys):
    (tmp_path / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"title": "标题", "body": "正文。", "date": "4月8日"}\n', encoding="utf-8")
    assert main([str(tmp_path)]) == 1  # b.jsonl has a problem
    out = capsys.readouterr().out
    assert "a.txt: 2 articles" in out
    assert "b.jsonl: 0 articles" in out and "b.jsonl:1: 'date' must be a real date with a year" in out


def test_build_index_check_reports_without_building(tmp_path: Path, capsys):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    index = tmp_path / "index"
    assert build_index.main(["--index", str(index), "--check", str(path)]) == 0
    assert "2 articles" in capsys.readouterr().out
    assert not index.exists()


def test_python_m_qa_ingest_runs(tmp_path: Path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    done = subprocess.run(
        [sys.executable, "-m", "qa.ingest", str(tmp_path / "bad.txt")], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "bad.txt: cannot be read: binary file (contains NUL bytes); expected text" in done.stdout


def test_the_example_in_docs_formats_is_what_check_prints(tmp_path: Path, capsys, monkeypatch):
    doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    blocks = doc.split("```text\n")
    page, report = blocks[1].split("```")[0], blocks[2].split("```")[0]
    (tmp_path / "rmrb_20260428_10.txt").write_text(page, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["rmrb_20260428_10.txt"]) == 0
    assert capsys.readouterr().out == report
