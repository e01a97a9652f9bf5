"""``python -m qa.eval``: the command that produces docs/EVAL.md, on a tiny SQuAD file."""

import json
from pathlib import Path

import pytest

from qa.eval.__main__ import main
from qa.settings import DEFAULT_MIN_CONFIDENCE

PASSAGES = [
    (
        "尤金袋鼠",
        "尤金袋鼠是一种小型袋鼠。尤金袋鼠分布在澳洲南部及西部沿岸。它们的体重约为6至10公斤。",
        "尤金袋鼠分布在哪里？",
        "澳洲南部",
    ),
    (
        "芙蓉洞",
        "芙蓉洞是一个石灰岩溶洞，位于重庆市武隆区。芙蓉洞于1993年被发现，全长2700米。",
        "芙蓉洞是哪一年被发现的？",
        "1993年",
    ),
    (
        "赛里木湖",
        "赛里木湖位于新疆博乐市境内。湖面海拔2071.9米，面积453平方公里。",
        "赛里木湖的面积有多大？",
        "453平方公里",
    ),
]


def write_squad(path: Path) -> Path:
    data = [
        {
            "title": title,
            "paragraphs": [
                {"id": f"P{i}", "context": context, "qas": [{"id": f"Q{i}", "question": q, "answers": [{"text": a}]}]}
            ],
        }
        for i, (title, context, q, a) in enumerate(PASSAGES)
    ]
    path.write_text(json.dumps({"data": data}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_malformed_file_is_reported_with_the_element_and_exit_code_2(tmp_path: Path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [{"qas": []}]}]}), encoding="utf-8")
    assert main(["--squad", str(bad)]) == 2
    assert "data[0].paragraphs[0]: missing 'context'" in capsys.readouterr().err


def test_bad_arguments_are_refused(tmp_path: Path, capsys):
    with pytest.raises(SystemExit):
        main(["--squad", str(write_squad(tmp_path / "s.json")), "--modes", "bm25,magic"])
    assert "modes must be among hybrid, dense, bm25" in capsys.readouterr().err


@pytest.mark.model
def test_prints_the_table_for_every_retrieval_mode(tmp_path: Path, capsys):
    ooc = tmp_path / "ooc.jsonl"
    ooc.write_text(
        json.dumps({"question": "特斯拉公司的首席执行官是谁？"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    dump = tmp_path / "dump.jsonl"
    argv = ["--squad", str(write_squad(tmp_path / "s.json")), "--out-of-corpus", str(ooc), "--no-pages"]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, *cache, "--dump", str(dump), "--no-answerability"]) == 0
    out = capsys.readouterr().out
    assert "3 passages" in out and "3 questions" in out and "1 absent" in out
    rows = {line.split("|")[1].strip(): line.split("|")[2:-1] for line in out.splitlines() if line.startswith("| ")}
    assert set(rows) == {"retrieval", "---", "BM25 only", "dense only", "full pipeline"}
    full = [cell.strip() for cell in rows["full pipeline"]]
    assert full[0] == "1.000" and full[3] == "1.000"  # passage R@1 and answer hit@1
    assert full[6] == "0.000" and full[7] == "1.00 (absent)"  # no false refusal, the outsider refused
    records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3 * (3 + 1)
    assert {r["mode"] for r in records} == {"bm25", "dense", "hybrid"}
    assert list((tmp_path / "cache").glob("*.npz"))


def test_the_answerability_tables_follow_the_main_one(tmp_path: Path, capsys):
    argv = ["--squad", str(write_squad(tmp_path / "s.json")), "--modes", "hybrid"]
    no_pages = ["--no-pages", "--pages-dir", str(tmp_path / "no-pages")]  # the news pages are not needed to run it
    assert main([*argv, *no_pages, "--cache-dir", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    default = DEFAULT_MIN_CONFIDENCE
    assert f"Answerability (test questions; the service refuses below QA_MIN_CONFIDENCE = {default})" in out
    rows = [line.split("|")[1].strip() for line in out.splitlines() if line.startswith("| ")]
    assert "rules only" in rows and f"**{default:.2f}** (set)" in rows  # the curve, the configured point marked
    assert "confidence" in rows and "number, date, person" in rows  # the reliability and short-answer tables
