"""Domain errors. Only the HTTP layer maps these to status codes."""


class QAError(Exception):
    """Base class for every error this package raises on purpose."""


class InvalidInput(QAError, ValueError):
    """Input from a client breaks a rule (the HTTP layer answers 422); the message names the field."""


class IngestError(QAError):
    """A corpus file or one of its records could not be turned into articles."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class IndexStoreError(QAError):
    """The index on disk is missing, incomplete or incompatible."""


class IndexNotReady(IndexStoreError):
    """No usable index has been built yet."""


class IndexIncompatible(IndexStoreError):
    """The index was built with another model or format version."""


class ArticleNotFound(QAError):
    """No article with the requested id is indexed."""

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        super().__init__(f"no article with id {article_id!r}")


class BuildInProgress(QAError):
    """Another build holds the index's build lock."""


class TooManyWaiting(BuildInProgress):
    """So many admin requests already wait for the running build that this one is refused at once."""


class StorageFull(QAError):
    """The disk (or quota) holding the index or the corpus is full: nothing was changed."""


class EmbeddingFailed(QAError):
    """The embedding stage could not finish (e.g. distributed workers failed beyond their retries)."""


class MissingExtra(QAError):
    """An optional feature was asked for but its extra dependencies are not installed."""
