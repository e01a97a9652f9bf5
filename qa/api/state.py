"""What a running app holds: made once in the lifespan, reached by routes through ``qa.api.deps``."""

from dataclasses import dataclass

from qa.api.build_queue import BuildQueue
from qa.api.reloader import IndexReloader, ServedIndex
from qa.chat.replies import Chat
from qa.embedders.protocol import Embedder
from qa.indexing.updates import IndexUpdater
from qa.settings import Settings
from qa.text.segmentation import Tokenizer


@dataclass
class AppState:
    """The loaded model, the served index version and the parts that change it, the chat settings."""

    settings: Settings
    embedder: Embedder
    tokenizer: Tokenizer
    served: ServedIndex  # swapped by ``reloader``; read once per request
    reloader: IndexReloader
    updater: IndexUpdater  # the admin API's builds
    chat: Chat
    builds: BuildQueue  # admin requests wait here for the running build, not in a worker thread each
