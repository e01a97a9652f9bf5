"""Changes the admin API makes to the corpus folder, and the list of deleted articles.

- An article added through the API is one JSON Lines file, ``corpus/api/<id>.jsonl``, written
  atomically and durably (temporary file, fsync, rename, fsync of the folder; ``qa.index.durable``).
  Adding it again replaces it.
- Deleting removes that file. An article that lives in another file (a newspaper page, a JSON Lines
  file the operator dropped in) is not edited: its id goes into ``corpus/.deleted`` (one id per line,
  ``#`` comments allowed), which every build honours, so it stays deleted across rebuilds until the
  line is removed or the article is added again through the API.

Paths are built only from validated article ids and checked to stay inside ``corpus/api``.
"""

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from qa.errors import InvalidInput
from qa.index import durable
from qa.ingest.incremental import API_DIR
from qa.ingest.jsonl import article_from_record, validate_article_id
from qa.models import Article

logger = logging.getLogger(__name__)

DELETED_FILE = ".deleted"
MAX_ARTICLES_PER_REQUEST = 1000


def atomic_write(path: Path, data: bytes | None) -> None:
    """Replace ``path`` with ``data`` in one step (or remove it when ``data`` is None), durably: on disk,
    folder entry included, before this returns (the API acknowledges an edit only after that)."""
    if data is None:
        durable.remove(path)
    else:
        durable.write_atomic(path, data)


def read_deleted(corpus_dir: Path) -> set[str]:
    """Ids listed in ``corpus/.deleted``; lines that are not article ids are ignored with a warning."""
    path = corpus_dir / DELETED_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return set()
    ids: set[str] = set()
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            ids.add(validate_article_id(text))
        except ValueError as exc:
            logger.warning("%s:%d ignored: %s", path, number, exc)
    return ids


def write_deleted(corpus_dir: Path, ids: set[str]) -> None:
    header = "# Article ids left out of the index (written by DELETE /articles/{id}); one per line.\n"
    atomic_write(corpus_dir / DELETED_FILE, (header + "".join(f"{i}\n" for i in sorted(ids))).encode("utf-8"))


def api_source(article_id: str) -> str:
    """The corpus-relative name of the file holding an article added through the API."""
    return f"{API_DIR}/{validate_article_id(article_id)}.jsonl"


def api_path(corpus_dir: Path, article_id: str) -> Path:
    """``corpus/api/<id>.jsonl``, refusing anything that would land elsewhere."""
    folder = (corpus_dir / API_DIR).resolve()
    path = (corpus_dir / api_source(article_id)).resolve()
    if path.parent != folder:
        raise InvalidInput(f"article id {article_id!r} does not name a file inside corpus/{API_DIR}")
    return path


def parse_records(payload: Any) -> list[tuple[Article, dict[str, Any]]]:
    """Validate one article record or a list of them (the JSON Lines fields).

    Returns each article with the record to store. Raises ``ValueError`` naming the item and field;
    nothing is stored unless every item is valid.
    """
    single = isinstance(payload, dict)
    records = [payload] if single else payload
    if not isinstance(records, list) or not records:
        raise InvalidInput("expected an article object or a non-empty list of them")
    if len(records) > MAX_ARTICLES_PER_REQUEST:
        raise InvalidInput(f"at most {MAX_ARTICLES_PER_REQUEST} articles per request, got {len(records)}")
    parsed: list[tuple[Article, dict[str, Any]]] = []
    seen: set[str] = set()
    for number, record in enumerate(records):
        where = "" if single else f"articles[{number}]: "
        try:
            article = article_from_record(record, source="")
        except ValueError as exc:
            raise InvalidInput(f"{where}{exc}") from None
        if article.id in seen:
            raise InvalidInput(f"{where}duplicate id {article.id!r} in this request")
        seen.add(article.id)
        if not article.source:
            article = replace(article, source=api_source(article.id))
        parsed.append((article, _stored_record(article, record)))
    return parsed


def _stored_record(article: Article, record: dict[str, Any]) -> dict[str, Any]:
    """The normalised record written to disk; reading it back gives ``article`` again."""
    stored: dict[str, Any] = {"id": article.id, "title": article.title, "paragraphs": list(article.paragraphs)}
    for name in ("subtitle", "date", "url", "dateline", "paper", "page", "section"):
        if getattr(article, name) is not None:
            stored[name] = getattr(article, name)
    if article.authors:
        stored["authors"] = list(article.authors)
    if isinstance(record.get("source"), str) and record["source"].strip():
        stored["source"] = article.source
    return stored


def encode_record(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    """The current bytes of ``paths`` (None: absent), to put back if the index update fails."""
    return {path: path.read_bytes() if path.exists() else None for path in paths}


def restore(saved: dict[Path, bytes | None]) -> None:
    for path, data in saved.items():
        try:
            atomic_write(path, data)
        except OSError:
            logger.exception("could not restore %s", path)
