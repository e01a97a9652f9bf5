"""Dependencies shared by the routes: the loaded service, reached through ``app.state``."""

from typing import Annotated

from fastapi import Depends, Request

from qa.chat.replies import Chat
from qa.errors import IndexNotReady
from qa.service import QAService
from qa.settings import Settings


def get_service(request: Request) -> QAService:
    service = getattr(request.app.state, "service", None)
    if service is None:
        problem = getattr(request.app.state, "index_problem", None) or "no index loaded"
        raise IndexNotReady(problem)
    return service


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_chat(request: Request) -> Chat:
    return request.app.state.chat


ServiceDep = Annotated[QAService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ChatDep = Annotated[Chat, Depends(get_chat)]
