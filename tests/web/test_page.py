"""The chat page in a real headless Chromium against the real server, as a person would use it.

Each test saves a screenshot of what it saw in test-artifacts/.
"""

import re

import httpx
import pytest

from qa.testing.samples import RONG_TITLE
from tests.conftest import ASTRAL_ARTICLE
from tests.web.chat_page import DESKTOP, PHONE, ChatPage

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.browser]

RONG_QUESTION = "荣氏家族向江南大学捐资多少？"
FOLLOW_UP = "给人民医院呢？"
NO_ANSWER_QUESTION = "巴黎奥运会中国队获得多少金牌？"
ASTRAL_QUESTION = "快餐店开业首周套餐打几折？"


def api_reply(server: str, *questions_and_answers: str) -> dict:
    """The service's own (non-streamed) reply to a conversation: user, assistant, ..., user."""
    roles = ["user", "assistant"]
    messages = [{"role": roles[i % 2], "content": text} for i, text in enumerate(questions_and_answers)]
    response = httpx.post(f"{server}/v1/chat/completions", json={"messages": messages}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def content(reply: dict) -> str:
    return reply["choices"][0]["message"]["content"]


def as_shown(text: str) -> str:
    """An answer's text as the page shows it: the [n] markers as buttons labelled n."""
    return re.sub(r"\[(\d+)\]", r"\1", text)


def article(server: str, article_id: str) -> dict:
    return httpx.get(f"{server}/articles/{article_id}", timeout=10).json()


def check_citation_shown(page: ChatPage, server: str, citation: dict) -> None:
    """The open article is the cited one, with its details, and exactly the cited text is highlighted, in view."""
    body = article(server, citation["article_id"])["body"]
    assert body[citation["start"] : citation["end"]] == citation["text"]
    assert page.highlighted() == citation["text"]
    assert page.mark_offsets() == (citation["start"], citation["end"])
    assert page.article_field(".article-title") == citation["title"]
    meta = page.article_meta()
    assert meta["来源"] == citation["source"]
    assert meta.get("作者") == citation["author"] and meta.get("日期") == citation["date"]
    assert page.in_view("#article mark.cited") and page.in_view("#article .article-title")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=lambda v: v.name)
def test_ask_follow_up_and_start_again(chromium, server, artifacts, viewport):
    page = ChatPage(chromium, server, viewport)
    expected = api_reply(server, RONG_QUESTION)

    # The answer streams in, with a clickable [1] that opens the cited article at the cited passage.
    first = page.ask(RONG_QUESTION)
    assert first.get_attribute("data-state") == "done"
    assert "1.1亿元" in page.answer_text(first)
    assert page.answer_text(first) == as_shown(content(expected))
    markers = page.markers(first)
    assert [m.text for m in markers] == ["1"]
    citations = {c["n"]: c for c in expected["citations"]}
    assert citations[1]["title"] == RONG_TITLE
    panel = page.open_citation(markers[0], 1)
    check_citation_shown(page, server, citations[1])
    # The phrase that answers is marked in the answer and, inside the highlighted sentence, in the article.
    short = expected["short_answer"]
    assert short["text"] == "1.1亿元" and short["citation"] == 1
    assert page.find(".answer-text mark.short-answer", first).text == "1.1亿元"
    inner = page.find("#article mark.cited mark.short")
    assert inner.text == "1.1亿元"
    assert (int(inner.get_attribute("data-start")), int(inner.get_attribute("data-end"))) == (
        short["start"],
        short["end"],
    )
    assert not page.find_all(".low-confidence", first)  # a confident answer carries no warning
    answer_box, panel_box = page.rect(page.find(".bubble.assistant", first)), page.rect(panel)
    if viewport.mobile:  # below the answer, inside the conversation
        assert panel_box["top"] >= answer_box["bottom"] - 1 and page.find("#article", first) == panel
    else:  # beside the answer
        assert panel_box["left"] >= answer_box["right"] and panel_box["top"] < answer_box["bottom"]
    assert not page.overflows_sideways()
    page.screenshot(artifacts, "answer-with-citation")

    # Every other passage found opens too, highlighted exactly, also one that runs across paragraphs.
    assert any("\n" in c["text"] for c in citations.values())
    for n, citation in citations.items():
        page.open_citation(page.source(first, n), n)
        check_citation_shown(page, server, citation)

    # A follow-up is understood from the conversation: 4000万元 from the same article, not the other
    # hospital articles that the follow-up alone would find.
    alone = api_reply(server, FOLLOW_UP)
    assert "4000万元" not in content(alone)
    second = page.ask(FOLLOW_UP)
    follow_up = api_reply(server, RONG_QUESTION, content(expected), FOLLOW_UP)
    assert "4000万元" in page.answer_text(second)
    assert page.answer_text(second) == as_shown(content(follow_up))
    cited = {c["n"]: c for c in follow_up["citations"]}
    page.open_citation(page.markers(second)[0], 1)
    assert cited[1]["title"] == RONG_TITLE
    check_citation_shown(page, server, cited[1])
    page.screenshot(artifacts, "follow-up")

    # A new conversation forgets the old one: the same words are now a question on their own.
    page.new_conversation()
    assert page.turns() == [] and not page.find("#article").is_displayed()
    assert page.find("#intro").is_displayed()
    fresh = page.ask(FOLLOW_UP)
    assert page.answer_text(fresh) == as_shown(content(alone))
    page.screenshot(artifacts, "new-conversation")

    assert all(url.startswith(f"{server}/") for url in page.requested_urls())
    assert page.console_errors() == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=lambda v: v.name)
def test_no_answer_is_said_plainly_with_the_closest_passages(chromium, server, artifacts, viewport):
    page = ChatPage(chromium, server, viewport)
    expected = api_reply(server, NO_ANSWER_QUESTION)
    assert expected["no_answer"]
    turn = page.ask(NO_ANSWER_QUESTION)
    bubble = page.find(".bubble.assistant", turn)
    assert "no-answer" in bubble.get_attribute("class")
    assert page.find(".no-answer-title", turn).text == "没有找到答案"
    assert page.find(".no-answer-text", turn).text == content(expected)
    # Why there is no answer, in words.
    assert page.find(".no-answer-reason", turn).get_attribute("data-reason") == expected["reason"]
    assert page.markers(turn) == []
    closest = page.find_all(".sources-closest .source", turn)
    assert [int(s.get_attribute("data-n")) for s in closest] == [c["n"] for c in expected["citations"][:3]]
    page.open_citation(closest[0], 1)
    check_citation_shown(page, server, expected["citations"][0])
    page.screenshot(artifacts, "no-answer")


def test_offsets_count_characters_outside_the_basic_plane(chromium, server, artifacts):
    """𠮷 is one character for the server and two UTF-16 units for JavaScript: the highlight must not shift."""
    expected = api_reply(server, ASTRAL_QUESTION)
    citations = {c["n"]: c for c in expected["citations"]}
    assert citations[1]["article_id"] == ASTRAL_ARTICLE["id"]
    body = article(server, ASTRAL_ARTICLE["id"])["body"]
    assert any(ord(ch) > 0xFFFF for ch in body[: citations[1]["start"]])
    page = ChatPage(chromium, server, DESKTOP)
    turn = page.ask(ASTRAL_QUESTION)
    page.open_citation(page.markers(turn)[0], 1)
    check_citation_shown(page, server, citations[1])
    page.screenshot(artifacts, "rare-characters")
    across = [c for c in expected["citations"] if c["article_id"] == ASTRAL_ARTICLE["id"] and "\n" in c["text"]]
    for citation in across:  # the whole article as one passage: astral characters and a paragraph break
        page.open_citation(page.source(turn, citation["n"]), citation["n"])
        check_citation_shown(page, server, citation)


def test_a_rejected_question_shows_the_servers_message(chromium, server, artifacts):
    too_long = "荣氏家族" * 251  # 1004 characters: the API takes at most 1000
    response = httpx.post(
        f"{server}/v1/chat/completions", json={"messages": [{"role": "user", "content": too_long}]}, timeout=30
    )
    assert response.status_code == 422
    page = ChatPage(chromium, server, PHONE)
    # The box stops typing at 1000 characters; a pasted-in longer text still reaches the server.
    page.driver.execute_script("document.getElementById('question').removeAttribute('maxlength')")
    page.driver.execute_script("arguments[0].value = arguments[1]", page.question_box, too_long)
    page.send_button.click()
    turn = page.wait_settled(1)
    assert turn.get_attribute("data-state") == "failed"
    error = page.find(".error", turn).text
    assert "HTTP 422" in error and response.json()["error"]["message"] in error
    assert not page.overflows_sideways()
    # Sending it again unchanged would fail again: no retry button, the question is back to be edited.
    assert page.find_all(".error .retry", turn) == []
    assert page.question_box.get_attribute("value") == too_long
    assert page.send_button.is_enabled()
    page.screenshot(artifacts, "rejected-question")


def test_server_errors_and_a_stopped_server_are_shown(chromium, no_index_server, artifacts):
    base = no_index_server.base
    response = httpx.post(f"{base}/v1/chat/completions", json={"messages": [{"role": "user", "content": "你好"}]})
    assert response.status_code == 503
    page = ChatPage(chromium, base, DESKTOP)

    turn = page.ask(RONG_QUESTION)
    error = page.find(".error", turn).text
    assert "HTTP 503" in error and response.json()["error"]["message"] in error
    page.screenshot(artifacts, "server-error")

    no_index_server.stop()
    page.find(".error .retry", turn).click()  # the same question again, now with no server at all
    turn = page.wait_settled(1)
    assert "无法连接到服务器" in page.find(".error", turn).text
    assert len(page.turns()) == 1 and page.send_button.is_enabled()
    page.screenshot(artifacts, "server-down")


def test_stop_while_the_answer_streams_and_carry_on(chromium, llm_server, upstream, artifacts):
    """Nothing freezes: while an answer streams, send waits and stop works; afterwards the page answers again."""
    upstream.mode, upstream.delay = "cutoff", 30  # a few characters, then nothing for 30 s
    page = ChatPage(chromium, llm_server, DESKTOP)
    page.type_question(RONG_QUESTION)
    page.send_button.click()
    turn = page.turns()[0]
    page.wait(lambda d: len(page.answer_text(turn)) >= 3, 30)  # the first pieces are shown as they arrive
    assert turn.get_attribute("data-state") is None
    assert not page.send_button.is_enabled() and page.stop_button.is_displayed()
    page.type_question(FOLLOW_UP)  # typing goes on while it streams
    page.stop_button.click()
    page.wait(lambda d: turn.get_attribute("data-state") == "stopped", 5)
    assert "已停止" in page.find(".status", turn).text
    assert page.send_button.is_enabled() and not page.stop_button.is_displayed()
    page.screenshot(artifacts, "stopped")

    upstream.mode = "answer"
    page.send_button.click()
    second = page.wait_settled(2)
    assert second.get_attribute("data-state") == "done"
    assert "4000万元" in page.answer_text(second)
