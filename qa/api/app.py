"""The FastAPI application: heavy parts loaded once at startup and kept on ``app.state``."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qa.api import errors, middleware
from qa.api.reloader import IndexReloader
from qa.api.routes import admin, articles, ask, health, openai, web
from qa.chat.replies import create_chat
from qa.embedding import Embedder, load_embedder
from qa.query_cache import QuestionCache
from qa.runtime import limit_threads
from qa.settings import Settings
from qa.tokenize import Tokenizer
from qa.updates import IndexUpdater

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """Build the app. ``embedder`` may be passed in (tests); otherwise the configured model is loaded."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limit_threads(settings.serve_threads)
        app.state.embedder = embedder or load_embedder(
            settings.model, settings.batch_size, settings.quantize, settings.backend, settings.serve_threads
        )
        app.state.tokenizer = Tokenizer()
        app.state.service = None
        app.state.index_problem = None
        app.state.reloader = IndexReloader(
            app.state,
            settings.index_dir,
            QuestionCache(app.state.embedder, settings.query_cache),
            app.state.tokenizer,
            settings.candidates,
            mmap=settings.mmap_index,
            nprobe=settings.dense_nprobe,
        )
        app.state.updater = IndexUpdater(
            settings.corpus_dir,
            settings.index_dir,
            app.state.embedder,
            app.state.tokenizer,
            settings.chunk_size,
            settings.chunk_overlap,
            settings.keep_versions,
            settings.build_lock_timeout,
            settings.dense_config(),
        )
        await app.state.reloader.reload()
        watcher = None
        if settings.reload_interval > 0:
            watcher = asyncio.create_task(app.state.reloader.watch(settings.reload_interval))
        app.state.chat = create_chat(settings)
        yield
        if app.state.chat.generator is not None:
            await app.state.chat.generator.aclose()
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    app = FastAPI(
        title="Chinese news QA",
        description="Ask questions in Chinese; answers cite the news articles they come from.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    middleware.install(app, settings)
    for module in (ask, articles, health, admin, openai, web):
        app.include_router(module.router)
    return app
