"""The part-of-speech tagger gives jieba's tags, at a bounded cost per character."""

import random
import re
import time

import jieba
import jieba.posseg
import pytest
from jieba.posseg.char_state_tab import P as CHAR_STATES

from qa.testing.samples import SAMPLE_PAGE
from qa.testing.worst_case import RARE
from qa.text.tagging import Tagger, viterbi

# Characters jieba's model allows the most states for, and characters it has emission odds for but no
# list of states (so all 256 are tried).
CROWDED = sorted(CHAR_STATES, key=lambda char: -len(CHAR_STATES[char]))[:40]
QUESTIONS = [
    "2024年荣氏家族给江南大学捐了多少钱？",
    "他们给人民医院捐了多少？",
    "阿閦佛又称之为什么？",  # 閦: a character the model has never seen
    "在蒙古军支援下，耶律留哥在哪儿撃破金兵？",
    "对T-92 40毫米快砲的定位是怎样的？",
]


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger()


@pytest.fixture(scope="module")
def jieba_tagger() -> jieba.posseg.POSTokenizer:
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tagger.initialize()
    return tagger


def jieba_tokens(tagger: jieba.posseg.POSTokenizer, text: str) -> list[tuple[str, str]]:
    return [(pair.word, pair.flag) for pair in tagger.lcut(text)]


def our_tokens(tagger: Tagger, text: str) -> list[tuple[str, str]]:
    tokens = tagger.tokens(text)
    assert "".join(t.word for t in tokens) == text
    assert all(text[t.start : t.start + len(t.word)] == t.word for t in tokens)
    return [(t.word, t.tag) for t in tokens]


def random_texts(count: int) -> list[str]:
    rng = random.Random(15)
    pools = [RARE, CROWDED, RARE + CROWDED, list(CHAR_STATES), list(CHAR_STATES) + RARE + list("，。 1a")]
    texts = []
    for _ in range(count):
        pool = rng.choice(pools)
        texts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 12))))
    return texts


def test_the_tags_are_jiebas_on_news_and_questions(tagger, jieba_tagger):
    sentences = re.split(r"(?<=[。！？\n])", SAMPLE_PAGE.read_text(encoding="utf-8"))[:400]
    for text in QUESTIONS + [s for s in sentences if s.strip()]:
        assert our_tokens(tagger, text) == jieba_tokens(jieba_tagger, text), text


def test_the_tags_are_jiebas_on_rare_and_crowded_characters(tagger, jieba_tagger):
    for text in random_texts(120):
        assert our_tokens(tagger, text) == jieba_tokens(jieba_tagger, text), text


def test_the_viterbi_states_are_jiebas():
    from jieba.posseg.prob_emit import P as emit
    from jieba.posseg.prob_start import P as start
    from jieba.posseg.prob_trans import P as trans
    from jieba.posseg.viterbi import viterbi as jieba_viterbi

    for text in random_texts(60):
        assert viterbi(text) == jieba_viterbi(text, CHAR_STATES, start, trans, emit)[1], text
    with pytest.raises(ValueError, match="empty"):
        viterbi("")


def test_rare_characters_cost_a_bounded_time(tagger):
    text = "".join(random.Random(3).choice(RARE) for _ in range(300))
    started = time.process_time()
    tagger.tokens(text)
    # About 15 ms (45 us a character) on a loaded 2-core machine; jieba's own tagger takes 2-8 s.
    assert time.process_time() - started < 1.0
