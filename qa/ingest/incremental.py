"""Read the corpus again after a build, parsing only the files that changed since.

Each version records, per corpus file, its size, modification time, the article ids it held and the
problems it had (``FileRecord``). A file whose size and mtime are unchanged is not read again: its
articles come from the previous version. It is read again when what else its articles depend on
changed: its sidecar, ``QA_DEFAULT_DATE`` or the parser (``FileRecord.inputs``). Rules applied to
every file, read or reused:

- files under ``api/`` (articles added through the admin API) come first, so an article posted with
  the id of an article in another file replaces it;
- otherwise the first file (in path order) holding an id wins, later ones are reported as duplicates;
- ids listed in the deleted-articles file (``corpus/.deleted``) are left out.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import IngestError
from qa.ingest import check_path, corpus_files, parse_file
from qa.ingest.defaults import read_stamp
from qa.models import Article

logger = logging.getLogger(__name__)

API_DIR = "api"


@dataclass
class FileRecord:
    """What one corpus file held when it was last read."""

    size: int
    mtime_ns: int
    ids: list[str]  # every article id parsed from the file, in order
    kept: list[str]  # the ids whose article this file contributed to the version
    problems: list[str] = field(default_factory=list)
    inputs: str = ""  # what else the articles were read from (qa.ingest.defaults.read_stamp); "" before it existed

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)  # shallow: written as JSON at once (asdict deep-copies every list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FileRecord":
        return cls(**data)


@dataclass
class CorpusRead:
    """The corpus as of this read: articles in index order, per-file records, what was skipped."""

    articles: list[Article] = field(default_factory=list)
    records: dict[str, FileRecord] = field(default_factory=dict)
    files: int = 0
    parsed: int = 0  # files actually read this time
    problems: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # ids left out because they are marked deleted


def _order(corpus_dir: Path, paths: list[Path]) -> list[tuple[Path, str]]:
    sources = [(path, path.relative_to(corpus_dir).as_posix()) for path in paths]
    return sorted(sources, key=lambda item: (not item[1].startswith(API_DIR + "/"), item[1]))


Entries = tuple[list[tuple[str, Article | None]], list[str]]


def _reuse(
    record: FileRecord | None,
    size: int,
    mtime_ns: int,
    inputs: str,
    previous_articles: dict[str, Article],
    seen: dict[str, str],
    deleted: set[str] | frozenset[str],
) -> Entries | None:
    """The (id, article) pairs and problems of an unchanged file without reading it, or None to read it.

    Reusable only if every article the file must contribute now was contributed by it last time
    (an id shadowed by another file then has no stored article of this file's).
    """
    if record is None or (record.size, record.mtime_ns, record.inputs) != (size, mtime_ns, inputs):
        return None
    kept = set(record.kept)
    wanted = {i for i in record.ids if i not in seen and i not in deleted}
    if not wanted <= kept or not all(i in previous_articles for i in wanted):
        return None
    return [(i, previous_articles.get(i) if i in kept else None) for i in record.ids], list(record.problems)


def _kept_from_before(
    record: FileRecord | None, articles: dict[str, Article], now: set[str]
) -> list[tuple[str, Article]]:
    """The articles ``record``'s file contributed last time that it no longer yields (ids not in ``now``)."""
    if record is None:
        return []
    return [(i, articles[i]) for i in record.kept if i not in now and i in articles]


def read_corpus(
    corpus_dir: Path,
    previous: dict[str, FileRecord] | None = None,
    previous_articles: dict[str, Article] | None = None,
    deleted: set[str] | frozenset[str] = frozenset(),
    *,
    fallback: dict[str, FileRecord] | None = None,
    fallback_articles: dict[str, Article] | None = None,
    default_date: str | None = None,
) -> CorpusRead:
    """Articles of every corpus file; files unchanged since ``previous`` are taken from ``previous_articles``.

    A file that fails never takes articles away: when it cannot be read at all (unreadable, binary,
    undecodable, emptied, too large) or has lines that cannot be read, the articles it contributed to
    the version the build starts from (``fallback``, default ``previous``; a full rebuild passes the
    current version here and nothing in ``previous``) are kept, and the report says so. Deleting the
    file, or fixing it, removes them. ``default_date`` (``QA_DEFAULT_DATE``) dates what nothing else dates.
    """
    previous = previous or {}
    previous_articles = previous_articles or {}
    fallback = previous if fallback is None else fallback
    fallback_articles = previous_articles if fallback_articles is None else fallback_articles
    result = CorpusRead()
    seen: dict[str, str] = {}
    for path, source in _order(corpus_dir, corpus_files(corpus_dir)):
        result.files += 1
        try:
            check_path(corpus_dir, path, source)
        except IngestError as exc:
            result.problems.append(str(exc))
            continue
        size, mtime_ns = -1, -1  # a record that never matches: the file is read again next time
        inputs = read_stamp(path, default_date)
        try:
            stat = path.stat()  # before reading: a change after this is seen by the next build
            size, mtime_ns = stat.st_size, stat.st_mtime_ns
            entries = _reuse(previous.get(source), size, mtime_ns, inputs, previous_articles, seen, deleted)
            if entries is None:
                result.parsed += 1
                entries = _parse(path, source, default_date, fallback.get(source), fallback_articles)
        except (IngestError, OSError) as exc:
            problem = str(exc) if isinstance(exc, IngestError) else f"{source}: cannot read file: {exc.strerror}"
            kept = _kept_from_before(fallback.get(source), fallback_articles, set())
            if not kept:
                result.problems.append(problem)  # not recorded: retried by the next build
                continue
            size, mtime_ns = -1, -1
            entries = (list(kept), [problem, _kept_note(source, kept, "file cannot be read")])
        result.records[source] = _add(result, source, entries, seen, deleted, (size, mtime_ns, inputs))
    for problem in result.problems:
        logger.warning("skipped %s", problem)
    return result


def _parse(
    path: Path, source: str, default_date: str | None, record: FileRecord | None, fallback_articles: dict[str, Article]
) -> Entries:
    """The file's articles and problems; a line that cannot be read may be an article that was there: the
    articles the file contributed before (``record``) and no longer names are kept."""
    articles, errors = parse_file(path, source, default_date)
    entries: Entries = ([(a.id, a) for a in articles], [str(e) for e in errors])
    if errors:
        kept = _kept_from_before(record, fallback_articles, {a.id for a in articles})
        if kept:
            entries[0].extend(kept)
            entries[1].append(_kept_note(source, kept, "lines above cannot be read"))
    return entries


def _add(
    result: CorpusRead,
    source: str,
    entries: Entries,
    seen: dict[str, str],
    deleted: set[str] | frozenset[str],
    stat: tuple[int, int, str],
) -> FileRecord:
    """Add a file's articles to ``result`` (deleted ones left out, a duplicate id kept only the first time); the
    file's record (``stat``: its size, mtime and inputs when read)."""
    pairs, problems = entries
    result.problems.extend(problems)
    kept_ids: list[str] = []
    for article_id, article in pairs:
        if article_id in deleted:
            result.deleted.append(article_id)
        elif article_id in seen:
            result.problems.append(
                f"{source}: duplicate article id {article_id!r} (first in {seen[article_id]}); kept the first"
            )
        elif article is not None:
            seen[article_id] = source
            kept_ids.append(article_id)
            result.articles.append(article)
    ids = [article_id for article_id, _ in pairs]
    size, mtime_ns, inputs = stat
    return FileRecord(size, mtime_ns, ids, kept_ids, problems, inputs)


def _kept_note(source: str, kept: list[tuple[str, Article]], why: str) -> str:
    ids = ", ".join(i for i, _ in kept[:5]) + (f" and {len(kept) - 5} more" if len(kept) > 5 else "")
    return (
        f"{source}: kept {len(kept)} articles from the previous version because the {why} ({ids}); "
        "fix the file, or delete it to remove them"
    )
