"""Chinese word segmentation for keyword search (jieba), with punctuation and function words removed."""

import logging
import re
import statistics
import sys
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

# Words that carry no topic: question words, particles, pronouns. Dropped from queries and documents.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 也 都 而 就 被 把 将 对 从 向 为 以 于 之 其 这 那 这个 那个 这些 那些 "
    "什么 多少 哪 哪里 哪个 哪些 哪一年 哪年 谁 何 何时 何地 为何 如何 怎么 怎样 怎么样 几 几个 吗 呢 吧 啊 "
    "是否 是不是 有没有 请问 请 一下 一个 有 我 你 他 她 它 我们 你们 他们 哪位 多久 多大 多长 什么样 "
    "啥 么 个 位 "
    "为什么 什么时候 时候 何处 哪儿 哪些地方 什么地方 哪家 哪张 哪种 哪部 哪国 哪天 第几 几名 几次 多远 多高 多重 多深 "
    "a an the of to in on and or is are was were what who when where which how".split()
)
_WORD_RE = re.compile(r"\w", re.UNICODE)
_RUN_RE = jieba.re_han_default  # what jieba segments on its own (see Tokenizer.tokens_of_all)
# Corpus words: runs of Chinese characters in titles, of this many characters.
CORPUS_WORD_CHARS = (2, 6)
_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
_TRAILING_NOTE_RE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


@cache
def _dictionary() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded once per process (about a second) and never changed."""
    dictionary = jieba.Tokenizer()
    dictionary.initialize()
    return dictionary


_frequencies: dict[str, int] = {}
_frequencies_lock = threading.Lock()


def _frequency(word: str) -> int:
    """The frequency jieba's ``add_word`` would give ``word`` to keep it whole, against its own dictionary
    (not against other user words: so a dictionary does not depend on the order its words were added)."""
    with _frequencies_lock:
        frequency = _frequencies.get(word)
        if frequency is None:
            frequency = _frequencies[word] = _dictionary().suggest_freq(word, False)
        return frequency


class Tokenizer:
    """A jieba tokenizer of our own (not the global one), so a user dictionary stays local to it.

    It starts from a copy of jieba's dictionary loaded once (``_dictionary``) and adds its words as
    jieba's ``add_word`` does, so a tokenizer with 30,000 corpus words costs a tenth of a second
    instead of reloading the dictionary and re-segmenting every word (seconds, on every update).
    """

    def __init__(self, user_words: Iterable[str] | None = None) -> None:
        self.user_words: tuple[str, ...] = tuple(dict.fromkeys(user_words or ()))
        self._lock = threading.Lock()
        base = _dictionary()
        self._jieba = jieba.Tokenizer()
        # jieba 0.42's dictionary is FREQ (word or prefix -> frequency) and total; nothing else is read when
        # segmenting. Without words of its own the loaded dictionary is shared (read only, never added to).
        freq = dict(base.FREQ) if self.user_words else base.FREQ
        total = base.total
        for word in self.user_words:
            frequency = _frequency(word)
            freq[word] = frequency
            total += frequency
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = freq, total, True

    def with_words(self, words: Iterable[str]) -> "Tokenizer":
        """A tokenizer that also keeps ``words`` whole; this one when it already knows them all."""
        known = set(self.user_words)
        new = [word for word in dict.fromkeys(words) if word not in known]
        return Tokenizer([*self.user_words, *new]) if new else self

    def tokens(self, text: str) -> list[str]:
        """Search-mode segmentation (words and their sub-words), lower-cased, stopwords removed."""
        # Interned: a large corpus repeats few distinct words millions of times (one string each, not millions).
        return [
            sys.intern(token)
            for token in (t.strip().lower() for t in self._jieba.lcut_for_search(text))
            if token and _WORD_RE.search(token) and token not in STOPWORDS
        ]

    def tokens_of_all(self, texts: Iterable[str]) -> list[list[str]]:
        """``tokens`` of each text, the same lists, faster for chunks that overlap.

        jieba segments each run of word characters (``jieba.re_han_default``: between punctuation and
        spaces) on its own, so a text's tokens are its runs' tokens in order. Neighbouring chunks
        repeat clauses (the overlap), and so do articles; a run seen before is looked up, not segmented.
        """
        memo: dict[str, list[str]] = {}
        result = []
        for text in texts:
            tokens: list[str] = []
            for run in _RUN_RE.split(text):
                if not run:
                    continue
                found = memo.get(run)
                if found is None:
                    if len(memo) >= CLAUSE_MEMO_SIZE:
                        memo.clear()
                    found = memo[run] = self.tokens(run)
                tokens.extend(found)
            result.append(tokens)
        return result


# Clause memo of ``Tokenizer.tokens_of_all``: cleared when it holds this many (neighbouring chunks share clauses).
CLAUSE_MEMO_SIZE = 100_000


def corpus_words(titles: Iterable[str]) -> list[str]:
    """Names to keep whole when segmenting: the short pieces of article titles.

    Titles of reference-style articles are names (松平康忠, 蒂亚戈·蒙泰罗) that jieba would split
    or glue to the next character. A trailing note in brackets is dropped; runs of Chinese
    characters of ``CORPUS_WORD_CHARS`` length are kept, so long headlines add nothing.
    """
    low, high = CORPUS_WORD_CHARS
    words: dict[str, None] = {}
    for title in titles:
        for piece in _CJK_RUN_RE.findall(_TRAILING_NOTE_RE.sub("", title)):
            if low <= len(piece) <= high:
                words[piece] = None
    return list(words)


@cache
def _background_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table, computed on a large general Chinese corpus, and its median for unknown words."""
    path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.rstrip().partition(" ")
            if value:
                table[word] = float(value)
    return table, statistics.median(table.values())


def term_weight(token: str) -> float:
    """How specific a word is in general Chinese (IDF); unknown words count as specific."""
    table, median = _background_idf()
    return table.get(token, median)


def specificity(token: str) -> float:
    """How specific a word is, in [0, 1]: its IDF over the table's highest; a word the table lacks (a name
    jieba guessed: 吕志兴, 盾柱木) counts as fully specific."""
    table, _ = _background_idf()
    return table[token] / _highest_idf() if token in table else 1.0


@cache
def _highest_idf() -> float:
    return max(_background_idf()[0].values())
