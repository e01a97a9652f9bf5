"""``python -m qa.eval --store milvus`` and ``--compare-stores``: the eval index served from Milvus Lite.

The model-free ``hash-test`` embedder on the first 20 CMRC trial passages: both stores search exactly
(FAISS flat, Milvus FLAT), so they must rank the same articles first and give the same answers.
"""

from pathlib import Path

import pytest

from qa.eval.__main__ import main
from qa.testing.samples import ROOT

TRIAL_SET = ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json"


@pytest.fixture
def argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if not TRIAL_SET.is_file():
        pytest.skip(f"{TRIAL_SET} is not there (it ships beside the repository in ../shared)")
    monkeypatch.setenv("QA_MODEL", "hash-test")
    return ["--squad", str(TRIAL_SET), "--limit", "20", "--no-pages", "--cache-dir", str(tmp_path / "cache")]


def _rows(out: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")[1:-1]] for line in out.splitlines() if line.startswith("| ")]


def test_compare_stores_reports_both_stores_and_their_agreement(argv: list[str], capsys):
    assert main([*argv, "--compare-stores", "--modes", "bm25,hybrid"]) == 0
    rows = _rows(capsys.readouterr().out)
    header, figures = rows[0], {(row[0], row[1]): row for row in rows[2:]}
    assert set(figures) == {(mode, store) for mode in ("BM25 only", "full pipeline") for store in ("faiss", "milvus")}
    same_top = header.index("top-1 article same")
    for mode in ("BM25 only", "full pipeline"):
        faiss, milvus = figures[(mode, "faiss")], figures[(mode, "milvus")]
        assert float(milvus[same_top]) >= 0.98
        r1, hit1 = header.index("passage R@1"), header.index("answer hit@1")
        assert abs(float(faiss[r1]) - float(milvus[r1])) <= 0.01
        assert abs(float(faiss[hit1]) - float(milvus[hit1])) <= 0.01
        assert faiss[same_top] == "-"


def test_store_milvus_prints_the_usual_table_from_milvus(argv: list[str], capsys):
    assert main([*argv, "--store", "milvus", "--modes", "hybrid", "--no-answerability"]) == 0
    out = capsys.readouterr().out
    assert "20 passages" in out and "store milvus (Milvus Lite)" in out
    rows = {row[0]: row for row in _rows(out)}
    assert set(rows) == {"retrieval", "---", "full pipeline"}
    assert float(rows["full pipeline"][1]) > 0.5  # passage R@1: the hashed vectors and BM25 still find most


def test_compare_stores_and_store_exclude_each_other(argv: list[str], capsys):
    with pytest.raises(SystemExit):
        main([*argv, "--compare-stores", "--store", "milvus"])
    assert "--compare-stores asks both stores" in capsys.readouterr().err
