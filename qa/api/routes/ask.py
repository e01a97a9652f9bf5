"""POST /ask: a question in, an answer with citations out."""

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from qa.api.deps import ServiceDep
from qa.api.schemas import AskRequest, AskResponse, ErrorOut

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=AskResponse, responses={503: {"model": ErrorOut}})
async def ask(request: AskRequest, service: ServiceDep) -> AskResponse:
    """Answer a question from the corpus, citing the passages the answer comes from."""
    result = await run_in_threadpool(service.ask, request.question, request.top_k)
    return AskResponse.of(result.answer, result.took_ms)
