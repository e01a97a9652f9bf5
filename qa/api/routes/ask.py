"""POST /ask: a question (and optionally the conversation so far) in, an answer with citations out."""

from fastapi import APIRouter

from qa.api.deps import ChatDep, ServiceDep, SettingsDep
from qa.api.schemas.ask import BODY_ERRORS, ERROR, AskRequest, AskResponse

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=AskResponse, responses={**BODY_ERRORS, 503: ERROR})
async def ask(request: AskRequest, service: ServiceDep, chat: ChatDep, settings: SettingsDep) -> AskResponse:
    """Answer a question from the corpus, citing the passages the answer comes from."""
    history = [m.message() for m in request.history]
    scope = request.scope(settings.today())
    prepared = await chat.prepare_in_turn(service, request.question, history, request.top_k, scope)
    reply = await chat.reply(prepared)
    resolved = reply.query if prepared.resolution.is_follow_up else None
    return AskResponse.of(reply.as_answer(), reply.took_ms, resolved)
