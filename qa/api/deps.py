"""Dependencies shared by the routes: the app's ``AppState`` and the parts of it a route needs."""

from typing import Annotated

from fastapi import Depends, Request

from qa.answering.service import QAService
from qa.api.build_queue import BuildQueue
from qa.api.reloader import IndexReloader
from qa.api.state import AppState
from qa.chat.replies import Chat
from qa.errors import IndexNotReady
from qa.indexing.updates import IndexUpdater
from qa.settings import Settings


def get_state(request: Request) -> AppState:
    state: AppState | None = getattr(request.app.state, "qa", None)
    if state is None:  # only between the app's creation and the end of its start-up
        raise IndexNotReady("the server is starting")
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_service(state: StateDep) -> QAService:
    service = state.served.service  # read once: the whole request uses this version
    if service is None:
        raise IndexNotReady(state.served.problem or "no index loaded")
    return service


def get_app_settings(state: StateDep) -> Settings:
    return state.settings


def get_chat(state: StateDep) -> Chat:
    return state.chat


def get_updater(state: StateDep) -> IndexUpdater:
    return state.updater


def get_reloader(state: StateDep) -> IndexReloader:
    return state.reloader


def get_builds(state: StateDep) -> BuildQueue:
    return state.builds


ServiceDep = Annotated[QAService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ChatDep = Annotated[Chat, Depends(get_chat)]
UpdaterDep = Annotated[IndexUpdater, Depends(get_updater)]
ReloaderDep = Annotated[IndexReloader, Depends(get_reloader)]
BuildQueueDep = Annotated[BuildQueue, Depends(get_builds)]
