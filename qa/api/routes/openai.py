"""The OpenAI-compatible door: POST /v1/chat/completions (plain or streamed) and GET /v1/models.

Streaming follows OpenAI's server-sent events: ``data: {chat.completion.chunk}`` events, the first with
the assistant role, then content deltas, then a last chunk with ``finish_reason: "stop"`` that also
carries ``citations``, ``no_answer``, ``confidence``, ``reason`` and ``short_answer``, then
``data: [DONE]``. An error after the stream has started comes as one ``data: {"error": {...}}`` event before ``[DONE]``.
"""

import json
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import Response
from sse_starlette import EventSourceResponse

from qa.api.deps import ChatDep, ServiceDep, SettingsDep
from qa.api.openai_errors import OpenAIRoute, openai_error
from qa.api.schemas.ask import CitationOut, ShortAnswerOut
from qa.api.schemas.openai import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    ErrorResponse,
    Model,
    ModelList,
    Stream,
    error_body,
    new_id,
)
from qa.chat.generator import GenerationOptions
from qa.chat.replies import Chat, Prepared, Reply

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["openai"], route_class=OpenAIRoute)
ERRORS = {code: {"model": ErrorResponse} for code in (413, 415, 422, 503)}
OWNER = "newsqa"


def _model(settings: SettingsDep) -> Model:
    return Model(id=settings.chat_model_name, created=0, owned_by=OWNER)


@router.get("/models", response_model=ModelList)
def list_models(settings: SettingsDep) -> ModelList:
    """The one model this service answers as."""
    return ModelList(data=[_model(settings)])


@router.get("/models/{model_id}", response_model=Model, responses={404: {"model": ErrorResponse}})
def get_model(model_id: str, settings: SettingsDep) -> Model | Response:
    if model_id != settings.chat_model_name:
        return openai_error(
            404,
            f"no model {model_id!r}; this service is {settings.chat_model_name!r}",
            "invalid_request_error",
            "model",
            "model_not_found",
        )
    return _model(settings)


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "chat.completion, or chunks"}},
)
async def chat_completions(
    body: ChatCompletionRequest, service: ServiceDep, chat: ChatDep, settings: SettingsDep
) -> ChatCompletion | EventSourceResponse:
    """Answer the last user message from the corpus, understanding it in the light of the earlier ones."""
    scope = body.scope(settings.today())
    prepared = await chat.prepare_in_turn(service, body.question(), body.history(), body.top_k, scope)
    options = GenerationOptions(body.temperature, body.max_output_tokens)
    if body.stream:
        stream = Stream(settings.chat_model_name)
        return EventSourceResponse(_events(chat, prepared, options, stream), sep="\n")
    reply = await chat.reply(prepared, options)
    return ChatCompletion(
        id=new_id(),
        created=Stream(settings.chat_model_name).created,
        model=settings.chat_model_name,
        choices=[Choice(message=AssistantMessage(content=reply.message))],
        citations=[CitationOut.of(c) for c in reply.citations],
        no_answer=reply.no_answer,
        confidence=reply.confidence,
        reason=reply.reason,
        short_answer=ShortAnswerOut.of(reply.short_answer),
    )


async def _events(chat: Chat, prepared: Prepared, options: GenerationOptions, stream: Stream) -> AsyncIterator[str]:
    def event(payload: dict) -> str:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    yield event(stream.role())
    try:
        async for item in chat.stream(prepared, options):
            if isinstance(item, Reply):
                citations = [CitationOut.of(c) for c in item.citations]
                short = ShortAnswerOut.of(item.short_answer)
                yield event(stream.final(citations, item.no_answer, item.confidence, item.reason, short))
            else:
                yield event(stream.content(item))
    except Exception:
        logger.exception("chat stream %s failed", stream.id)
        yield event(error_body("the answer could not be completed", "server_error"))
    yield "[DONE]"
