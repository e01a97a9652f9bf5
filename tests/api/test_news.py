"""Dated questions, date and paper filters, and copies of one story over HTTP (/ask, /v1, /articles).

Plumbing: the fake hash embedder (keyword search does the finding) over the real news pages and their variants.
"""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.embedders.hashing import HashEmbedder
from qa.eval.dated_corpus import build_corpus
from qa.eval.news_pages import DEFAULT_PAGES, load_pages, to_record

PAGES = Path(__file__).resolve().parents[2] / DEFAULT_PAGES
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason=f"the news pages are not at {PAGES}")
APPOINTMENT = "国务院任命谁为国家药品监督管理局局长？"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, tokenizer, index_store):
    root = tmp_path_factory.mktemp("news")
    articles, _ = build_corpus(load_pages(PAGES))
    (root / "corpus").mkdir()
    lines = [json.dumps(to_record(a), ensure_ascii=False) for a in articles]
    (root / "corpus" / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_store.build(root / "corpus", root / "index", HashEmbedder(), tokenizer)
    settings = index_store.settings(root / "index", corpus_dir=root / "corpus", model="hash-test", reload_interval=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def ask(client: TestClient, question: str, **fields) -> dict:
    response = client.post("/ask", json={"question": question, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_yesterday_is_the_day_before_the_requests_today(client):
    body = ask(client, "昨天" + APPOINTMENT, today="2026-04-30")
    assert not body["no_answer"] and "黄果" in body["answer"]
    first = body["citations"][0]
    assert first["date"] == "2026-04-30" and first["paper"] == "人民日报"


def test_a_question_about_yesterday_is_refused_when_the_only_match_is_a_year_old(client):
    body = ask(client, "昨天" + APPOINTMENT, today="2027-04-30")
    assert body["no_answer"] and body["answer"] == "" and body["citations"] == []


def test_request_dates_and_paper_keep_to_their_articles(client):
    question = "第九届数字中国建设峰会在哪里开幕？"
    body = ask(client, question, paper="新华每日电讯", date_from="2026-04-29", date_to="2026-04-30")
    assert body["citations"] and all(c["paper"] == "新华每日电讯" for c in body["citations"])
    assert all("2026-04-29" <= c["date"] <= "2026-04-30" for c in body["citations"])
    assert ask(client, question, paper="学习时报")["no_answer"]
    assert ask(client, question, date_from="2027-01-01")["no_answer"]


def test_one_citation_per_story_listing_its_other_copies(client):
    body = ask(client, "外交部发言人就东京审判开庭80周年答记者问说了什么？", today="2026-05-04")
    story = {"rmrb_20260504_03-3", "mrdx_20260504_03-3"}
    cited = [c for c in body["citations"] if c["article_id"] in story]
    assert len({c["article_id"] for c in cited}) == 1  # never both copies among the citations
    also = cited[0]["also_in"]
    assert [a["article_id"] for a in also] == list(story - {cited[0]["article_id"]})
    assert also[0]["paper"] in ("人民日报", "新华每日电讯") and also[0]["date"] == "2026-05-04"
    article = client.get(f"/articles/{cited[0]['article_id']}").json()
    assert [c["article_id"] for c in article["copies"]] == [a["article_id"] for a in also]
    assert client.get("/articles/rmrb_20260504_03-1").json()["copies"] == []  # a story printed once


def test_relative_days_in_an_answer_get_their_date(client):
    body = ask(client, "有记者问：今天是远东国际军事法庭开庭多少周年纪念日？", today="2026-05-04")
    assert "今天（5月3日）是远东国际军事法庭" in body["answer"]  # filed 5月3日, printed on the 4th


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"today": "2026-13-01"}, "today:"),
        ({"today": "昨天"}, "today:"),
        ({"today": 20260430}, "today:"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to 2026-04-01 is before date_from 2026-05-01"),
        ({"paper": "  "}, "paper:"),
    ],
)
def test_bad_dates_and_papers_are_422_naming_the_field(client, fields, message):
    for path, body in (
        ("/ask", {"question": APPOINTMENT}),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": APPOINTMENT}]}),
    ):
        response = client.post(path, json={**body, **fields})
        assert response.status_code == 422
        text = response.json().get("message") or response.json()["error"]["message"]
        assert message in text


def test_the_chat_door_takes_the_same_fields_and_names_the_source(client):
    messages = [{"role": "user", "content": "昨天" + APPOINTMENT}]
    body = client.post("/v1/chat/completions", json={"messages": messages, "today": "2026-04-30"}).json()
    assert "黄果" in body["choices"][0]["message"]["content"]
    assert body["choices"][0]["message"]["content"].endswith("（人民日报，2026年4月30日）")
    refused = client.post("/v1/chat/completions", json={"messages": messages, "today": "2027-04-30"}).json()
    assert refused["no_answer"] and refused["citations"] == []
