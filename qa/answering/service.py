"""The question-answering service over one loaded index version: retrieve, then compose."""

import time
from dataclasses import dataclass, field, replace

from qa.answering.compose import Answer, Citation, Composer
from qa.answering.dating import with_dates
from qa.answering.retrieval import Hit, RetrievalMode, Retriever
from qa.answering.scope import Scope, read_scope
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


class QAService:
    """Answers questions from one index version; a new version means a new service object."""

    def __init__(
        self,
        data: IndexData,
        embedder: Embedder,
        tokenizer: Tokenizer,
        candidates: int = 30,
        mode: RetrievalMode = "hybrid",
    ) -> None:
        self.data = data
        # Queries are segmented with the corpus words the keyword index was built with.
        self.retriever = Retriever(data, embedder, tokenizer.with_words(data.words), candidates, mode)
        self.composer = Composer(term_weight, chunks_by_article(data.chunks))

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
        answer = self.composer.compose(query, hits[:top_k], self.data.articles)
        answer.question = question.strip()
        answer.citations = [self.with_copies(c) for c in answer.citations]
        answer.text = with_dates(answer)
        done = time.perf_counter()
        return TimedAnswer(answer, (done - started) * 1000, hits, (done - composing) * 1000)

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
