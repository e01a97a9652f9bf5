import codecs
import json
from pathlib import Path

import pytest

from qa.errors import IngestError
from qa.ingest.decode import decode_bytes
from qa.ingest.incremental import read_corpus
from qa.testing.samples import SAMPLE_PAGE

PAGE = SAMPLE_PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_sample_page_in_other_encodings_decodes_to_the_same_text(encoding):
    assert decode_bytes(PAGE.encode(encoding), "page.txt") == PAGE


def test_short_gbk_jsonl_and_big5_are_detected():
    record = json.dumps({"title": "新闻", "body": "内容很短。"}, ensure_ascii=False)
    assert decode_bytes(record.encode("gb18030"), "a.jsonl") == record
    assert decode_bytes("繁體中文新聞內容。".encode("big5"), "b.txt") == "繁體中文新聞內容。"


def test_crlf_and_bom_are_normalised():
    assert decode_bytes(codecs.BOM_UTF8 + "标题\r\n\r\n正文。\r\n".encode(), "c.txt") == "标题\n\n正文。\n"


@pytest.mark.parametrize(
    "data,message",
    [(b"", "file is empty"), (b"  \n ", "file is empty"), (b"\x7fELF\x00\x00\x01", "binary file")],
)
def test_unusable_bytes_get_a_clear_reason(data, message):
    with pytest.raises(IngestError, match=message) as info:
        decode_bytes(data, "bad.txt")
    assert str(info.value).startswith("bad.txt: ")


def test_gbk_page_in_a_corpus_parses_like_the_utf8_one(tmp_path: Path):
    (tmp_path / "gbk.txt").write_bytes(PAGE.encode("gbk").replace(b"\n", b"\r\n"))
    report = read_corpus(tmp_path)
    assert report.problems == []
    assert [a.author for a in report.articles] == ["惠晓婧", "夏昊森", "陈菁菁", "刘娟"]
