"""Extractive answers: pick the sentence(s) of the retrieved passages that answer the question.

No language model. Candidates are the sentences of the retrieved passages, plus the rest of the
best passage's surroundings in its article. Each is scored by how much of the question it repeats
(``qa.answering.scoring``: words and character pairs, weighted by how rare they are among the candidates and
discounted when the article's title already holds them), by the rank of its passage, and by
whether it holds the kind of thing the question asks for (``qa.answering.cues``: a number with the asked
unit, a date). The best one or two sentences, at most ``MAX_ANSWER_CHARS``, become the answer,
each followed by a ``[n]`` marker naming its citation: a consequence (因此...) comes with its cause,
and a question asking for a description gets the next sentence too. Questions the passages do not
address, or naming a number (a year) the answering article never mentions, are refused rather
than answered with the least bad sentence.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from qa.answering.cues import Cues
from qa.answering.retrieval import Hit, Query
from qa.answering.scoring import Scorer, best_window
from qa.models import Article, Chunk
from qa.text.sentences import sentence_spans

MAX_ANSWER_CHARS = 160
# Why a question is refused (the ``reason`` of a refusal in /ask and chat replies).
REASON_NOT_FOUND = "not_found"  # no retrieved passage covers the question
REASON_NO_MATCHING_FACT = "no_matching_fact"  # passages on the topic, but none holds the fact asked (year, kind)
REASON_LOW_CONFIDENCE = "low_confidence"  # an answer was found, but it is too likely wrong (QA_MIN_CONFIDENCE)
# Answers are split into sentences on these; semicolons join the clauses of one sentence.
ANSWER_SENTENCE_END = "。！？!?…"
# Refuse when no top passage (with its title) holds this share of the question's weighted words.
MIN_PASSAGE_COVERAGE = 0.45
PASSAGES_FOR_RELEVANCE = 3
# The best passage is read this many characters before and after, for a fact just outside it.
CONTEXT_CHARS = 1000
# Score = coverage (qa.answering.scoring) + rank prior + type cues.
RANK_PRIOR = 0.6
CUE_WEIGHT = 0.3
SECOND_SENTENCE_RATIO = 0.8
# A sentence opening with one of these states a consequence: its cause, the sentence before, goes with it.
_CONSEQUENCE = re.compile(r"(?:因此|所以|于是|因而|故而|由此|从此|在此背景下|结果)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Furniture that opens a report's first paragraph: the dateline (本报北京4月27日电, 新华社开罗5月3日电, 本报讯) and
# the byline bracket after it (（记者吴储岐）). An answer starts after it: it says who filed, not what happened.
_FURNITURE = re.compile(
    r"[\s\u3000\xa0]*(?:(?:据)?(?:本报|新华社|中新社|人民网|新华网|央视网|光明日报)[^，。！？；\n]{0,24}?(?:电|讯)"
    r"[\s\u3000\xa0]*(?:[（(](?:记者|通讯员|本报记者)?[^（）()]{0,40}[）)])?|[（(](?:记者|本报记者)[^（）()]{1,40}[）)])"
    r"[\s\u3000\xa0]*"
)


@dataclass(frozen=True)
class Sentence:
    """A candidate answer sentence, with offsets into its article's body."""

    article_id: str
    chunk_id: str
    start: int
    end: int
    text: str
    rank: int
    score: float
    coverage: float


@dataclass(frozen=True)
class Citation:
    n: int
    article: Article
    chunk_id: str
    text: str
    start: int
    end: int
    score: float
    also_in: tuple[Article, ...] = ()  # the other copies of the cited story (qa.index.copies), primary first


@dataclass(frozen=True)
class ShortAnswer:
    """The phrase that answers (4000万元), inside the sentence cited as ``citation``: ``body[start:end]``."""

    text: str
    start: int
    end: int
    citation: int  # the ``n`` of the citation whose sentence holds it
    kind: str  # the slot it fills: number, amount, date, time, person, org, place


@dataclass
class Answer:
    question: str
    text: str
    no_answer: bool
    citations: list[Citation]
    sentences: list[Sentence] = field(default_factory=list)  # ranked candidates, best first
    confidence: float | None = None  # estimated chance the answer is right (qa.answering.judge)
    reason: str | None = None  # why it was refused: not_found, no_matching_fact, low_confidence
    short_answer: ShortAnswer | None = None
    evidence: dict[str, float] = field(default_factory=dict)  # the judge's features (qa.answering.features)


@dataclass
class Draft:
    """What would be answered, before the decision to answer: the chosen sentences and the evidence."""

    query: Query
    hits: list[Hit]
    cues: Cues
    ranked: list[Sentence]  # candidate sentences, best first (those of articles lacking a named number dropped)
    chosen: list[Sentence]  # the sentence(s) the answer would be
    relevance: float  # best share of the question's weighted words one top article covers
    reason: str | None  # why the rules refuse it (None: they do not)


@dataclass(frozen=True)
class _Span:
    chunk: Chunk  # the retrieved chunk the sentence was found through
    start: int
    end: int
    rank: int


class Composer:
    """Turns retrieved passages into an answer with citations."""

    def __init__(
        self,
        weight: Callable[[str], float],
        chunks_by_article: Mapping[str, Sequence[Chunk]] | None = None,
    ) -> None:
        self.weight = weight
        # Lets a sentence found beside a retrieved passage be cited with the chunk that holds it.
        self.chunks_by_article = chunks_by_article or {}

    def _coverage(self, query: Query) -> Callable[[str], float]:
        """Share of the question's words, weighted by how specific each word is, that a text contains."""
        weights = {token: self.weight(token) for token in set(query.tokens)}
        total = math.fsum(weights.values()) or 1.0  # fsum: the same in every process, whatever the set's order
        return lambda text: math.fsum(w for token, w in weights.items() if token in text) / total

    def _relevance(self, query: Query, spans: list[_Span], articles: dict[str, Article]) -> float:
        coverage = self._coverage(query)
        texts: dict[str, list[str]] = {}
        for span in spans:
            if span.rank < PASSAGES_FOR_RELEVANCE:
                article = articles[span.chunk.article_id]
                texts.setdefault(article.id, [article.title]).append(article.body[span.start : span.end])
        return max((coverage("\n".join(parts).lower()) for parts in texts.values()), default=0.0)

    def _chunk_holding(self, article_id: str, preferred: str, start: int, end: int) -> str:
        """The chunk to cite for ``[start, end)``: ``preferred`` if it holds it all, else the one holding most."""
        chunks = self.chunks_by_article.get(article_id, ())
        if not chunks or any(c.id == preferred and c.start <= start and end <= c.end for c in chunks):
            return preferred
        return max(chunks, key=lambda c: min(c.end, end) - max(c.start, start)).id

    def _spans(self, hits: list[Hit], articles: dict[str, Article]) -> list[_Span]:
        """Candidate sentences: those of every hit, and those around the best hit in its article."""
        spans: list[_Span] = []
        seen: set[tuple[str, int]] = set()
        for rank, hit in enumerate(hits):
            body = articles[hit.chunk.article_id].body
            lo, hi = hit.chunk.start, hit.chunk.end
            if rank == 0 and self.chunks_by_article:
                lo, hi = max(0, lo - CONTEXT_CHARS), min(len(body), hi + CONTEXT_CHARS)
            for s, e in sentence_spans(body[lo:hi], ANSWER_SENTENCE_END):
                start, end = lo + s, lo + e
                if (hit.chunk.article_id, start) in seen:
                    continue
                seen.add((hit.chunk.article_id, start))
                spans.append(_Span(hit.chunk, start, end, rank))
        return spans

    def _rank(self, query: Query, spans: list[_Span], articles: dict[str, Article], cues: Cues) -> list[Sentence]:
        texts = [articles[s.chunk.article_id].body[s.start : s.end].lower() for s in spans]
        scorer = Scorer(query, texts, self.weight)
        ranked: list[Sentence] = []
        for span in spans:
            article = articles[span.chunk.article_id]
            coverage = scorer.for_title(article.title)
            start, end = best_window(article.body, span.start, span.end, coverage, MAX_ANSWER_CHARS)
            text = article.body[start:end]
            cov = coverage(text)
            score = cov + RANK_PRIOR / (1 + span.rank) + CUE_WEIGHT * cues.bonus(text)
            start = _after_furniture(article.body, _with_cause(article.body, start, end), end)
            chunk_id = span.chunk.id
            if not span.chunk.start <= start < end <= span.chunk.end:
                chunk_id = self._chunk_holding(article.id, chunk_id, start, end)
            ranked.append(Sentence(article.id, chunk_id, start, end, article.body[start:end], span.rank, score, cov))
        ranked.sort(key=lambda sentence: -sentence.score)
        return ranked

    def draft(self, query: Query, hits: list[Hit], articles: dict[str, Article]) -> Draft:
        """The best sentence(s) for ``query``, and why the rules would refuse them (``reason``), before any
        answerability judgement: the judge (``qa.answering.judge``) sees what would be answered."""
        spans = self._spans(hits, articles)
        cues = Cues.of(query.text)
        ranked = self._rank(query, spans, articles, cues)
        reason = None if ranked else REASON_NOT_FOUND
        # A number the question names (a year, a count) must be in the article that answers it.
        if ranked and (numbers := _NUMBER.findall(query.text)):
            texts = {s.article_id: _article_text(articles[s.article_id]) for s in ranked}
            ranked = [s for s in ranked if all(n in texts[s.article_id] for n in numbers)]
            reason = None if ranked else REASON_NO_MATCHING_FACT
        relevance = self._relevance(query, spans, articles) if spans else 0.0
        if reason is None and relevance < MIN_PASSAGE_COVERAGE:
            reason = REASON_NOT_FOUND
        chosen: list[Sentence] = []
        if ranked:
            chosen.append(ranked[0])
            for other in ranked[1:3]:
                fits = len(ranked[0].text) + len(other.text) <= MAX_ANSWER_CHARS
                best = ranked[0]
                overlaps = other.article_id == best.article_id and other.start < best.end and best.start < other.end
                if fits and not overlaps and other.score >= SECOND_SENTENCE_RATIO * ranked[0].score:
                    chosen.append(other)
                    break
            if len(chosen) == 1 and cues.describe:
                chosen[0] = self._run_on(chosen[0], articles[chosen[0].article_id])
        return Draft(query, hits, cues, ranked, chosen, relevance, reason)

    def compose(self, query: Query, hits: list[Hit], articles: dict[str, Article]) -> Answer:
        """The answer the rules alone give: the draft, refused when a rule refuses it."""
        draft = self.draft(query, hits, articles)
        return self.cite(draft, articles, refuse=draft.reason is not None)

    def _run_on(self, sentence: Sentence, article: Article) -> Sentence:
        """The sentence and the next one of its paragraph, when both fit the answer limit."""
        body = article.body
        paragraph_end = body.find("\n", sentence.end)
        rest = body[sentence.end : paragraph_end if paragraph_end >= 0 else len(body)]
        following = sentence_spans(rest, ANSWER_SENTENCE_END)
        end = sentence.end + following[0][1] if following else sentence.end
        if end == sentence.end or end - sentence.start > MAX_ANSWER_CHARS:
            return sentence
        chunk_id = self._chunk_holding(article.id, sentence.chunk_id, sentence.start, end)
        return replace(sentence, chunk_id=chunk_id, end=end, text=body[sentence.start : end])

    def cite(self, draft: Draft, articles: dict[str, Article], refuse: bool = False) -> Answer:
        """The answer text with ``[n]`` markers and its citations: the chosen sentences, then the other passages.
        Refused: no text, and every retrieved passage cited as the closest the corpus has."""
        chosen = [] if refuse else draft.chosen
        hits = draft.hits
        citations: list[Citation] = []
        parts: list[str] = []
        score_by_article = {}
        for hit in reversed(hits):
            score_by_article[hit.chunk.article_id] = hit.score
        # Keep the chosen sentences in reading order when they come from the same article.
        for sentence in sorted(chosen, key=lambda s: (s.rank, s.start)):
            n = len(citations) + 1
            citations.append(
                Citation(
                    n,
                    articles[sentence.article_id],
                    sentence.chunk_id,
                    sentence.text,
                    sentence.start,
                    sentence.end,
                    score_by_article[sentence.article_id],
                )
            )
            parts.append(f"{sentence.text}[{n}]")
        cited_chunks = {c.chunk_id for c in citations}
        for hit in hits:
            if hit.chunk.id not in cited_chunks:
                citations.append(
                    Citation(
                        len(citations) + 1,
                        articles[hit.chunk.article_id],
                        hit.chunk.id,
                        hit.chunk.text,
                        hit.chunk.start,
                        hit.chunk.end,
                        hit.score,
                    )
                )
        answer = Answer(draft.query.text, "".join(parts), not chosen, citations, draft.ranked)
        answer.reason = draft.reason if refuse else None
        return answer


def _article_text(article: Article) -> str:
    return article.title + "\n" + article.body


def _after_furniture(body: str, start: int, end: int) -> int:
    """Where the sentence's own words start: after a dateline and byline opening it, when words are left."""
    match = _FURNITURE.match(body, start, end)
    return match.end() if match and match.end() < end - 1 else start


def _with_cause(body: str, start: int, end: int) -> int:
    """Where the answer starts: earlier by one sentence when this one opens with 因此 / 所以 and both fit."""
    if not _CONSEQUENCE.match(body, start):
        return start
    paragraph = body.rfind("\n", 0, start) + 1
    before = sentence_spans(body[paragraph:start], ANSWER_SENTENCE_END)
    if before and end - (paragraph + before[-1][0]) <= MAX_ANSWER_CHARS:
        return paragraph + before[-1][0]
    return start
