"""The FastAPI application: heavy parts loaded once at startup, kept as one ``AppState`` on ``app.state.qa``."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qa.answering.judge import Judge
from qa.api import errors, middleware
from qa.api.build_queue import BuildQueue
from qa.api.reloader import IndexReloader, ServedIndex
from qa.api.routes import admin, articles, ask, health, openai, web
from qa.api.runtime import limit_threads
from qa.api.state import AppState
from qa.chat.replies import create_chat
from qa.embedders.cached import QuestionCache
from qa.embedders.factory import embedder_from_settings
from qa.embedders.protocol import Embedder
from qa.index.stores import open_store
from qa.indexing.options import BuildOptions
from qa.indexing.updates import IndexUpdater
from qa.settings import Settings
from qa.text import when
from qa.text.segmentation import Tokenizer, term_weight

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """Build the app. ``embedder`` may be passed in (tests); otherwise the configured model is loaded."""
    settings = settings or Settings()
    problem = admin.token_problem(settings)
    if problem is not None:
        raise ValueError(problem)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = _start(settings, embedder)
        await state.reloader.reload()
        watcher = None
        if settings.reload_interval > 0:
            watcher = asyncio.create_task(state.reloader.watch(settings.reload_interval))
        app.state.qa = state
        yield
        if state.chat.generator is not None:
            await state.chat.generator.aclose()
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    app = FastAPI(
        title="Chinese news QA",
        description="Ask questions in Chinese; answers cite the news articles they come from.",
        version="1.0.0",
        lifespan=lifespan,
        # The interactive pages load their scripts and styles from a CDN: only when asked for (QA_DOCS).
        docs_url="/docs" if settings.docs else None,
        redoc_url="/redoc" if settings.docs else None,
    )
    errors.install(app)
    middleware.install(app, settings)
    for module in (ask, articles, health, admin, openai, web):
        app.include_router(module.router)
    return app


def _start(settings: Settings, embedder: Embedder | None) -> AppState:
    """Load the model and make the parts that serve and change the index (the index itself: ``reload``)."""
    limit_threads(settings.serve_threads)
    embedder = embedder or embedder_from_settings(settings, threads=settings.serve_threads)
    tokenizer = Tokenizer()
    when.warm_up()  # the time parser's first question costs 2 s: not a user's
    served = ServedIndex()
    store = open_store(settings)
    reloader = IndexReloader(
        served,
        store,
        QuestionCache(embedder, settings.query_cache),
        tokenizer,
        candidates=settings.candidates,
        nprobe=settings.dense_nprobe,
        # The answerability model and name tagger, loaded once and shared by every index version served.
        judge=Judge.bundled(term_weight, settings.min_confidence),
    )
    # With QA_INDEX_STORE=milvus the admin API's builds publish to the store this server answers from.
    publisher = store if settings.index_store == "milvus" else None
    options = BuildOptions.from_settings(settings, publisher=publisher)
    updater = IndexUpdater(settings.corpus_dir, settings.index_dir, embedder, tokenizer, options)
    builds = BuildQueue(settings.admin_max_waiting, settings.build_lock_timeout)
    return AppState(settings, embedder, tokenizer, served, reloader, updater, create_chat(settings), builds)
