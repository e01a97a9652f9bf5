"""GET /health: is an index loaded, and which."""

import os

from fastapi import APIRouter

from qa.api.deps import StateDep
from qa.api.schemas.ask import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(state: StateDep) -> HealthOut:
    """Status, counts and version of the index being served."""
    service = state.served.service
    settings = state.settings
    problem = state.served.problem
    if service is None:
        return HealthOut(
            status="no_index",
            articles=0,
            chunks=0,
            model=settings.model,
            built_at=None,
            version=None,
            store=settings.index_store,
            worker_pid=os.getpid(),
            problem=problem,
        )
    manifest = service.data.manifest
    return HealthOut(
        status="ok",
        articles=len(service.data.articles),
        chunks=len(service.data.chunks),
        model=manifest.get("model", settings.model),
        built_at=manifest.get("built_at"),
        version=manifest.get("version"),
        store=settings.index_store,
        worker_pid=os.getpid(),
        problem=problem,
    )
