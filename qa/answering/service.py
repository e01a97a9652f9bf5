"""The question-answering service over one loaded index version: retrieve, then compose."""

import time
from dataclasses import dataclass, field, replace

from qa.answering.compose import Answer, Citation, Composer, Draft
from qa.answering.dating import with_dates
from qa.answering.judge import Judge
from qa.answering.metadata import compose_metadata, metadata_answer
from qa.answering.retrieval import Hit, RetrievalMode, Retriever
from qa.answering.scope import Scope, read_scope
from qa.answering.short_answer import short_answer
from qa.embedders.protocol import Embedder
from qa.errors import ArticleNotFound
from qa.index.store import IndexData
from qa.models import Article, chunks_by_article
from qa.text.segmentation import Tokenizer, term_weight


@dataclass
class TimedAnswer:
    answer: Answer
    took_ms: float
    hits: list[Hit] = field(default_factory=list)  # the retrieved passages, best first
    compose_ms: float = 0.0  # the part of ``took_ms`` spent composing the answer from the hits
    draft: Draft | None = None  # what would have been answered, refused or not (for the evaluation)
    failed_check: str | None = None  # the judge's fact check that refused it (qa.answering.judge.FACT_CHECKS)


class QAService:
    """Answers questions from one index version; a new version means a new service object."""

    def __init__(
        self,
        data: IndexData,
        embedder: Embedder,
        tokenizer: Tokenizer,
        candidates: int = 30,
        mode: RetrievalMode = "hybrid",
        judge: Judge | None = None,
    ) -> None:
        self.data = data
        # Queries are segmented with the corpus words the keyword index was built with.
        self.retriever = Retriever(data, embedder, tokenizer.with_words(data.words), candidates, mode)
        self.composer = Composer(term_weight, chunks_by_article(data.chunks))
        # The judge holds the fitted model and the name tagger: made once by the app and passed to every version.
        self.judge = judge or Judge.bundled(term_weight)

    def ask(
        self,
        question: str,
        top_k: int = 5,
        retrieval_query: str | None = None,
        *,
        search_depth: int = 0,
        scope: Scope | None = None,
    ) -> TimedAnswer:
        """Answer ``question`` from its ``top_k`` best passages. ``retrieval_query``, when given, is searched and
        answered instead (a follow-up rewritten from its conversation); the answer still shows ``question``.
        ``search_depth`` retrieves that many passages (``hits``) for ranking figures; the answer is composed from
        the first ``top_k``, exactly those a search for ``top_k`` returns. ``scope`` gives the day relative dates
        count from and the request's filters; without it, dates in the question are not understood."""
        if not question.strip():
            raise ValueError("question is empty")
        if not 1 <= top_k <= 100:
            raise ValueError(f"top_k must be between 1 and 100, got {top_k}")
        started = time.perf_counter()
        plan = read_scope((retrieval_query or question).strip(), scope)
        query = self.retriever.prepare(plan.query)
        hits = self.retriever.search(query, max(top_k, search_depth), plan)
        composing = time.perf_counter()
        draft = self.composer.draft(query, hits[:top_k], self.data.articles)
        verdict = self.judge.decide(draft, self.data.articles)
        meta = metadata_answer(draft, self.data.articles) if draft.reason is None else None
        if meta is not None:  # 谁写的, 哪天发表: the record answers, not a sentence of the story
            answer = compose_metadata(meta, draft, self.data.articles, question.strip())
            verdict = replace(verdict, refuse=False, reason=None, failed_check=None)
        else:
            answer = self.composer.cite(draft, self.data.articles, refuse=verdict.refuse)
            answer.short_answer = short_answer(draft, verdict.evidence, answer, self.judge.tagger)
        answer.question = question.strip()
        answer.citations = [self.with_copies(c) for c in answer.citations]
        answer.text = with_dates(answer)
        answer.confidence = round(verdict.confidence, 4)
        answer.reason = verdict.reason
        answer.evidence = verdict.evidence.values
        done = time.perf_counter()
        took = (done - started) * 1000
        return TimedAnswer(answer, took, hits, (done - composing) * 1000, draft, verdict.failed_check)

    def copies(self, article_id: str) -> list[Article]:
        """The other copies of the story ``article_id`` carries (printed by other papers), primary first."""
        others = self.data.stories.others(article_id) if self.data.stories is not None else ()
        return [self.data.articles[other] for other in others if other in self.data.articles]

    def with_copies(self, citation: Citation) -> Citation:
        return replace(citation, also_in=tuple(self.copies(citation.article.id)))

    def article(self, article_id: str) -> Article:
        try:
            return self.data.articles[article_id]
        except KeyError:
            raise ArticleNotFound(article_id) from None
