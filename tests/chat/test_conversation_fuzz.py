"""A sample of the conversation fuzzing of bench/fuzz_conversations.py: CMRC questions asked as follow-ups
to one another through /ask and /v1/chat/completions (plain and streamed), in-process with the fake
``hash-test`` model. No server error, no error event, no refusal of a valid conversation."""

import random

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.embedders.hashing import HashEmbedder
from qa.indexing.build import build_index
from qa.settings import Settings
from qa.testing.conversations import DOORS, TRIAL_SET, Pair, load_passages, pairs, problem, write_corpus

SAMPLE = 240
# The conversations of issue 15 that broke (an IndexError, a 500) before the fix.
BROKEN = [Pair(earlier, "谁负责？") for earlier in ("2024年发展怎么样？", "三项发展是什么？", "两个研究是什么？")]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, tokenizer):
    if not TRIAL_SET.is_file():
        pytest.skip(f"{TRIAL_SET} is not there (it ships beside the repository in ../shared)")
    root = tmp_path_factory.mktemp("cmrc")
    write_corpus(load_passages(), root / "corpus")
    build_index(root / "corpus", root / "index", HashEmbedder(), tokenizer)
    settings = Settings(index_dir=root / "index", corpus_dir=root / "corpus", model="hash-test", reload_interval=0)
    with TestClient(create_app(settings, embedder=HashEmbedder())) as client:
        yield client


@pytest.mark.parametrize("door", DOORS)
def test_the_conversations_that_broke_are_answered(client, door):
    assert [problem(client, door, pair) for pair in BROKEN] == [None] * len(BROKEN)


def test_cmrc_questions_as_follow_ups_to_one_another(client):
    sample = random.Random(15).sample(pairs(load_passages()), SAMPLE)
    problems = {}
    for n, pair in enumerate(sample):
        door = DOORS[n % len(DOORS)]
        found = problem(client, door, pair)
        if found:
            problems[(door, pair.earlier, pair.question)] = found
    assert problems == {}
