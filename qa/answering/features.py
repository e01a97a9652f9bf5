"""Evidence that a drafted answer answers its question: the features the answerability judge weighs.

Each feature is a number in about [0, 1] that a person can check by reading the question, the answer
sentence and its article:

- coverage: how much of the question (weighted words, character pairs) the sentence repeats, and
  its article; whether the article names the question's subject (the heaviest of its first words:
  杨昊 in 杨昊为什么加盟贵州人和); the heaviest question word the article lacks (a near miss often lacks just one: 伤亡
  in an article on prices after a quake);
- retrieval: the dense similarity of the question with the best passage and with the answer's,
  how high each retriever (dense, BM25) put the answer's article (agreement), the passage rank,
  the score margin over the next candidate;
- focus: the character pairs of the words next to the interrogative (产值 in 产值是多少, 死亡 in
  多少人死亡), the thing asked about: does the sentence, does the article, name it?
- names: the people, places, organisations, titles and ordinals (第七次) the question names: are
  they in the sentence, in the article? (北京 asked, 天津 reported: another entity); the posts it
  names as heads (部长 in 谁被任命为民政部部长): does the article name them, not only their deputies (副部长)?
- slots (``qa.answering.slots``): the question asks for a typed fact (a number with its unit, a date,
  a person...) and the sentence holds none of that kind (``slot_unit``: it names the unit, money or a
  score, 多少名, 多少亿元, 比分, so a sentence without one surely lacks it); the question names a period (2025年, 全年,
  一季度) and the sentence or its article does not.

Computing them reads the chosen sentences and one article: well under a millisecond, plus about
0.7 ms of part-of-speech tagging when the question asks for a name.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from qa.answering.compose import Draft
from qa.answering.scoring import question_grams
from qa.answering.slots import (
    NAME_KINDS,
    Slot,
    fitting_spans,
    focus_pairs,
    head_posts,
    named_things,
    names_post,
    period_share,
)
from qa.models import Article
from qa.text.entities import EntityTagger
from qa.text.segmentation import specificity

FEATURES: tuple[str, ...] = (
    "relevance",
    "sentence_words",
    "sentence_pairs",
    "article_words",
    "article_pairs",
    "missing_word",
    "subject_article",
    "subject_repeated",
    "subject_specific",
    "title_question",
    "dense_top",
    "dense_answer",
    "dense_rank",
    "bm25_rank",
    "answer_rank",
    "margin",
    "focus_sentence",
    "focus_article",
    "named_sentence",
    "named_article",
    "places_article",
    "post_article",
    "slot_typed",
    "slot_unit",
    "slot_missing",
    "name_missing",
    "slot_unique",
    "period_named",
    "period_sentence",
    "period_article",
    "describe",
)


@dataclass(frozen=True)
class Evidence:
    """The features of one draft, and the spans of its first sentence that fit the question's slot."""

    values: dict[str, float]
    slot: Slot
    spans: list[tuple[int, int]]  # offsets into the first chosen sentence's text

    def vector(self) -> list[float]:
        return [self.values[name] for name in FEATURES]


def _share(weights: dict[str, float], text: str, glued: bool = False) -> float:
    """The weighted share of ``weights``' terms ``text`` holds (``glued``: a word jieba glued to a particle too)."""
    # fsum: exact whatever the order, and a set's order changes between processes (hash seeds).
    total = math.fsum(weights.values())
    held = (w for term, w in weights.items() if (_holds(term, text) if glued else term in text))
    return math.fsum(held) / total if total > 0 else 0.0


def _reciprocal(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


# The question's subject is most often named first (杨昊为什么加盟…, 锦地罗生长的…): the heaviest of its first words.
SUBJECT_WORDS = 3


# An article about the question's subject names it at least this often.
SUBJECT_REPEATS = 3


def _title_share(title: str, question: str) -> float:
    """The share of the title's character pairs the question repeats."""
    pairs = {piece[i : i + 2] for piece in re.split(r"[\W_]+", title) for i in range(len(piece) - 1)}
    return sum(1 for pair in pairs if pair in question) / len(pairs) if pairs else 0.0


# jieba glues a particle to a name it does not know (刘七是怎么死的: 刘七是; 以兆康苑总站为…: 以兆康苑).
GLUED = frozenset("是以在的由将被把为和与从对向于")


def forms(word: str) -> list[str]:
    """``word``, and without a particle jieba may have glued to its head or tail (刘七是 -> 刘七)."""
    found = [word]
    if len(word) >= 3 and word[0] in GLUED:
        found.append(word[1:])
    if len(word) >= 3 and word[-1] in GLUED:
        found.append(word[:-1])
    return found


def _holds(word: str, text: str) -> bool:
    """Whether ``text`` names ``word`` in one of its ``forms``."""
    return any(form in text for form in forms(word))


def _named_in(word: str, text: str) -> int:
    """How often ``text`` names ``word`` (in the form it names most)."""
    return max(text.count(form) for form in forms(word))


def _subject(tokens: list[str], weight: Callable[[str], float]) -> str | None:
    words = [t for t in tokens if len(t) >= 2 and not t.isdigit()][:SUBJECT_WORDS]
    return max(words, key=weight) if words else None


def evidence(
    draft: Draft, articles: dict[str, Article], weight: Callable[[str], float], tagger: EntityTagger | None = None
) -> Evidence:
    """The features of ``draft`` (all zero when it has no sentence to answer with)."""
    slot = Slot.of(draft.query.text, draft.cues)
    values = dict.fromkeys(FEATURES, 0.0)
    values["relevance"] = draft.relevance
    values["slot_typed"] = float(slot.kind is not None)
    values["slot_unit"] = float(slot.strict)
    values["period_named"] = float(bool(slot.periods))
    values["describe"] = float(draft.cues.describe)
    if draft.hits:
        values["dense_top"] = draft.hits[0].dense_score
    if not draft.chosen:
        return Evidence(values, slot, [])
    first = draft.chosen[0]
    article = articles[first.article_id]
    sentence = "".join(s.text for s in draft.chosen).lower()
    whole = (article.title + "\n" + article.body).lower()
    # 职务 in 荣智健担任什么职务 is answered by 董事局主席: the words naming the kind asked for are not looked for.
    words = {token: weight(token) for token in set(draft.query.tokens) if not slot.names_kind(token)}
    pairs, _ = question_grams(draft.query.text)
    pair_weights = dict.fromkeys(pairs, 1.0)
    values["sentence_words"] = _share(words, sentence, glued=True)
    values["sentence_pairs"] = _share(pair_weights, sentence)
    values["article_words"] = _share(words, whole, glued=True)
    values["article_pairs"] = _share(pair_weights, whole)
    heaviest = max(words.values(), default=0.0)
    missing = [w for token, w in words.items() if not _holds(token, whole)]
    values["missing_word"] = max(missing) / heaviest if missing and heaviest > 0 else 0.0
    subject = _subject(draft.query.tokens, weight)
    mentions = _named_in(subject, whole) if subject else SUBJECT_REPEATS
    values["subject_article"] = float(mentions > 0)
    # An article about the subject names it again and again; one that mentions it in passing, once.
    values["subject_repeated"] = min(mentions, SUBJECT_REPEATS) / SUBJECT_REPEATS
    # A name jieba had to guess (吕志兴) missing from the article says more than a common word (奥运) missing.
    values["subject_specific"] = specificity(subject) if subject else 0.0
    # The question names what the article is about (泡泡战士 in 泡泡战士的…, the headline's words).
    values["title_question"] = _title_share(article.title.lower(), draft.query.text.lower())
    own = [hit for hit in draft.hits if hit.chunk.article_id == first.article_id]
    if own:
        values["dense_answer"] = max(hit.dense_score for hit in own)
        values["dense_rank"] = max(_reciprocal(hit.dense_rank) for hit in own)
        values["bm25_rank"] = max(_reciprocal(hit.bm25_rank) for hit in own)
    values["answer_rank"] = 1.0 / (1 + first.rank)
    others = [s.score for s in draft.ranked if s is not first and s.start != first.start]
    if others and first.score > 0:
        values["margin"] = max(0.0, (first.score - max(others)) / first.score)
    spans = fitting_spans(slot, first.text, draft.query.text, tagger) if slot.kind else []
    if slot.kind is not None:
        # Missing when no chosen sentence of the article holds one (the answer can follow the one naming the topic).
        missing = not spans and not any(
            fitting_spans(slot, s.text, draft.query.text, tagger)
            for s in draft.chosen[1:]
            if s.article_id == first.article_id
        )
        # Numbers and dates are found by pattern, reliably; names by tagging, less so: weighed apart.
        values["name_missing" if slot.kind in NAME_KINDS else "slot_missing"] = float(missing)
        values["slot_unique"] = float(len(spans) == 1)
    focus = dict.fromkeys(focus_pairs(draft.query.text.lower()), 1.0)
    values["focus_sentence"] = _share(focus, sentence) if focus else 1.0
    values["focus_article"] = _share(focus, whole) if focus else 1.0
    named = dict.fromkeys((n.lower() for n in named_things(draft.query.text, tagger)), 1.0)
    values["named_sentence"] = _share(named, sentence) if named else 1.0
    values["named_article"] = _share(named, whole) if named else 1.0
    places = dict.fromkeys((n.lower() for n in named_things(draft.query.text, tagger, people=False)), 1.0)
    values["places_article"] = float(all(p in whole for p in places))
    values["post_article"] = float(all(names_post(whole, post) for post in head_posts(draft.query.text)))
    # A period said once at the head of a paragraph (2025年，…；…) holds for the sentences after it.
    paragraph_start = article.body.rfind("\n", 0, first.start) + 1
    values["period_sentence"] = period_share(slot, article.body[paragraph_start : first.start].lower() + sentence)
    values["period_article"] = period_share(slot, whole)
    return Evidence(values, slot, spans)
