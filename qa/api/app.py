"""The FastAPI application: heavy parts loaded once at startup and kept on ``app.state``."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qa.api import errors
from qa.api.routes import articles, ask, health, openai, web
from qa.chat.replies import create_chat
from qa.embedding import Embedder, load_embedder
from qa.errors import IndexStoreError
from qa.index.store import load_index
from qa.service import QAService
from qa.settings import Settings
from qa.tokenize import Tokenizer

logger = logging.getLogger(__name__)


def load_service(settings: Settings, embedder: Embedder, tokenizer: Tokenizer) -> QAService:
    data = load_index(settings.index_dir, embedder.name)
    logger.info(
        "serving index %s: %d articles, %d chunks",
        data.version,
        len(data.articles),
        len(data.chunks),
    )
    return QAService(data, embedder, tokenizer, settings.candidates)


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """Build the app. ``embedder`` may be passed in (tests); otherwise the configured model is loaded."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.embedder = embedder or load_embedder(settings.model, settings.batch_size)
        app.state.tokenizer = Tokenizer()
        app.state.service = None
        app.state.index_problem = None
        try:
            app.state.service = load_service(settings, app.state.embedder, app.state.tokenizer)
        except IndexStoreError as exc:
            app.state.index_problem = str(exc)
            logger.error("not serving answers: %s", exc)
        app.state.chat = create_chat(settings)
        yield
        if app.state.chat.generator is not None:
            await app.state.chat.generator.aclose()

    app = FastAPI(
        title="Chinese news QA",
        description="Ask questions in Chinese; answers cite the news articles they come from.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    for module in (ask, articles, health, openai, web):
        app.include_router(module.router)
    return app
