"""Conversation fuzzing with real language: each question of the CMRC 2018 trial set asked as a follow-up
to the other questions of its passage and to random others, through /ask and /v1/chat/completions (plain
and streamed). Shared by tests/chat/test_conversation_fuzz.py (a sample, in-process) and
bench/fuzz_conversations.py (all of them, against the real server).
"""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from qa.testing.samples import ROOT

TRIAL_SET = ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json"
DOORS = ("ask", "chat", "chat-stream")
ANSWER = "（回答）"  # the assistant turn between the two questions: the resolver reads user turns only


@dataclass(frozen=True)
class Pair:
    earlier: str  # the first user turn
    question: str  # asked after it


@dataclass(frozen=True)
class Passage:
    id: str
    title: str
    context: str
    questions: tuple[str, ...]


def load_passages(path: Path = TRIAL_SET) -> list[Passage]:
    """Every passage of a SQuAD-style file with its non-empty questions."""
    passages = []
    for i, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))["data"]):
        for j, paragraph in enumerate(entry["paragraphs"]):
            questions = tuple(q["question"].strip() for q in paragraph["qas"] if q["question"].strip())
            passages.append(
                Passage(str(paragraph.get("id") or f"{i}-{j}"), entry["title"], paragraph["context"], questions)
            )
    return passages


def write_corpus(passages: list[Passage], corpus: Path) -> Path:
    """The passages as one JSON Lines file of articles in ``corpus``."""
    corpus.mkdir(parents=True, exist_ok=True)
    records = [{"id": p.id, "title": p.title, "paragraphs": [p.context]} for p in passages]
    path = corpus / "cmrc.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def pairs(passages: list[Passage], others: int = 200, seed: int = 15) -> list[Pair]:
    """Each question after every other question of its passage, and after ``others`` random questions."""
    everything = [q for p in passages for q in p.questions]
    rng = random.Random(seed)
    result = []
    for passage in passages:
        for k, question in enumerate(passage.questions):
            result += [Pair(earlier, question) for m, earlier in enumerate(passage.questions) if m != k]
            result += [Pair(earlier, question) for earlier in rng.sample(everything, others)]
    return result


def request(door: str, pair: Pair) -> tuple[str, dict[str, Any]]:
    """The path and JSON body that ask ``pair.question`` after ``pair.earlier`` through ``door``."""
    history = [{"role": "user", "content": pair.earlier}, {"role": "assistant", "content": ANSWER}]
    if door == "ask":
        return "/ask", {"question": pair.question, "history": history}
    messages = [*history, {"role": "user", "content": pair.question}]
    return "/v1/chat/completions", {"messages": messages, "stream": door == "chat-stream"}


def problem(client: httpx.Client, door: str, pair: Pair) -> str | None:
    """What went wrong asking ``pair`` through ``door`` (None: a 200 with a complete answer)."""
    path, body = request(door, pair)
    if door != "chat-stream":
        response = client.post(path, json=body)
        if response.status_code != 200:
            return f"{response.status_code} {response.text[:200]}"
        return None
    with client.stream("POST", path, json=body) as response:
        if response.status_code != 200:
            return f"{response.status_code} {response.read()[:200]!r}"
        events = list(_events(response.iter_lines()))
    if not events or events[-1] != "[DONE]":
        return f"stream ended without [DONE]: {events[-2:]}"
    if any('"error"' in event for event in events):
        return f"error event: {[e for e in events if 'error' in e][:1]}"
    return None


def _events(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.startswith("data: "):
            yield line[len("data: ") :]
