"""Names in a sentence: people, places and organisations, tagged by jieba's part-of-speech segmenter.

Used on one answer sentence at a time (about 0.7 ms), only when a question asks for a name. The tag
table (jieba's dictionary with its tags) is read once per process (about a second), like the
dictionary itself (``qa.text.segmentation``).
"""

import threading
from functools import cache
from itertools import accumulate
from typing import Literal

import jieba
import jieba.posseg

from qa.text.segmentation import _dictionary

EntityKind = Literal["person", "place", "org"]
_DOTS = frozenset("·•‧・")
# jieba's tags: nr person name, ns place name, nt organisation name; nrt / nrfg are names too.
_KINDS: dict[str, EntityKind] = {"nr": "person", "nrt": "person", "nrfg": "person", "ns": "place", "nt": "org"}


@cache
def _tags() -> dict[str, str]:
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    return tagger.word_tag_tab


class EntityTagger:
    """Finds person, place and organisation names with their character offsets."""

    def __init__(self) -> None:
        self._tagger = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        self._tagger.tokenizer = _dictionary()  # shared and read only: names are not corpus words
        self._tagger.word_tag_tab = _tags()
        self._lock = threading.Lock()  # jieba initialises its dictionary on first use
        self._last: tuple[str, list[tuple[EntityKind, int, int]]] = ("", [])  # a question is tagged twice in a row

    def warm(self) -> None:
        """Read the tag table and the dictionary now rather than on the first question asking for a name."""
        self.entities("预热")

    def known(self, word: str) -> bool:
        """Whether ``word`` is a name in jieba's dictionary (not one guessed by its HMM from the context)."""
        return self._tagger.word_tag_tab.get(word) in _KINDS

    def word_bounds(self, text: str) -> frozenset[int]:
        """The offsets where jieba's words of ``text`` start and end (派遣圣甲虫: none between 派 and 遣)."""
        with self._lock:
            words = [pair.word for pair in self._tagger.cut(text)]
        return frozenset(accumulate((len(word) for word in words), initial=0))

    def entities(self, text: str, guess: bool = True) -> list[tuple[EntityKind, int, int]]:
        """``(kind, start, end)`` of each name in ``text``, in order; neighbouring parts of one name joined, and
        transliterated names (保罗·皮尔斯: the words either side of a middle dot) taken as people. ``guess=False``
        skips jieba's HMM for words outside its dictionary: four times faster, dictionary names only."""
        last_text, last_found = self._last
        if text == last_text and guess:
            return list(last_found)
        found: list[tuple[EntityKind, int, int]] = []
        position = 0
        with self._lock:
            pairs = list(self._tagger.cut(text, HMM=guess))
        for i, pair in enumerate(pairs):
            start, end = position, position + len(pair.word)
            position = end
            joinable = i + 1 < len(pairs) and pairs[i + 1].flag != "ns" and (not found or found[-1][0] == "person")
            if pair.word in _DOTS and found and found[-1][2] == start and joinable:
                found[-1] = ("person", found[-1][1], end + len(pairs[i + 1].word))
                continue
            if found and found[-1][2] > start:
                continue  # the word after a middle dot, already part of the name
            kind = _KINDS.get(pair.flag)
            if kind is None and i + 2 < len(pairs) and pairs[i + 1].word in _DOTS and pairs[i + 2].flag != "ns":
                kind = "person"
            if kind is None:
                continue
            if found and found[-1][0] == kind and found[-1][2] == start:
                found[-1] = (kind, found[-1][1], end)
            else:
                found.append((kind, start, end))
        if guess:
            self._last = (text, list(found))
        return found
