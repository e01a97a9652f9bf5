"""The publish step of a build (QA_INDEX_STORE=milvus): each new version also goes to the store servers read."""

import logging
from pathlib import Path

from qa.errors import IndexStoreError
from qa.index.store import IndexData, current_version_dir, load_version, read_terms, remove_version, set_current
from qa.index.terms import TermCounts
from qa.indexing.options import Publisher

logger = logging.getLogger(__name__)


def switch(
    index_dir: Path, version_dir: Path, data: IndexData, terms: TermCounts, publisher: Publisher | None, *, full: bool
) -> str | None:
    """Publish the written version (when there is a publisher), then make it the folder's current one.

    A failed publish removes the version: the folder and the store stay on the previous one."""
    published = None
    if publisher is not None:
        try:
            published = publisher.publish(data, terms, full=full)
        except BaseException:
            remove_version(version_dir)
            raise
    set_current(index_dir, version_dir)
    return published


def catch_up(index_dir: Path, publisher: Publisher | None, model: str) -> str | None:
    """With nothing new to build: publish the folder's current version if the store serves another one (the
    store was just switched on, or the last publish failed)."""
    if publisher is None:
        return None
    version_dir = current_version_dir(index_dir)
    if publisher.published() == version_dir.name:
        return None
    terms = read_terms(version_dir)
    if terms is None:
        raise IndexStoreError(
            f"index version {version_dir.name} has no term counts (written by an older build), so it cannot be "
            "published: rebuild with `python build_index.py --full`"
        )
    data = load_version(version_dir, model)
    logger.info("publishing version %s, which the store does not serve yet", version_dir.name)
    return publisher.publish(data, terms)
