"""Turn corpus files into ``Article`` records: newspaper pages (.txt) and JSON Lines (.jsonl)."""

import logging
from collections.abc import Callable
from pathlib import Path

from qa.errors import IngestError
from qa.ingest.decode import decode_bytes
from qa.ingest.jsonl import parse_jsonl
from qa.ingest.page import parse_page
from qa.models import Article

logger = logging.getLogger(__name__)

Parser = Callable[[str, str], tuple[list[Article], list[IngestError]]]
PARSERS: dict[str, Parser] = {".txt": parse_page, ".jsonl": parse_jsonl}


# A file is read whole into memory (and decoded, and parsed): larger ones are refused with a report.
MAX_FILE_BYTES = 128 * 1024 * 1024


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Article files under ``corpus_dir`` in a stable order; hidden files and folders are left out.

    Symbolic links are listed too (links to folders are not followed): ``check_path`` decides on them.
    """
    if not corpus_dir.is_dir():
        raise IngestError(str(corpus_dir), "corpus folder does not exist")
    return sorted(
        path
        for path in corpus_dir.rglob("*")
        if (path.is_file() or path.is_symlink())
        and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)
    )


def display_name(source: str) -> str:
    """``source`` fit for a report: bytes of a file name that are not UTF-8 shown as U+FFFD."""
    return source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def check_path(corpus_dir: Path, path: Path, source: str) -> None:
    """Raise ``IngestError`` for a corpus entry that must not be read.

    A build reads only inside the corpus folder: a symbolic link that leads outside it (or to a
    folder, or nowhere) is skipped, and so is a file whose name is not UTF-8 (it could not be recorded).
    """
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise IngestError(display_name(source), "file name is not valid UTF-8; rename the file") from None
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise IngestError(source, "broken symbolic link; skipped") from None
    if not target.is_relative_to(corpus_dir.resolve()):
        raise IngestError(source, "symbolic link pointing outside the corpus folder; skipped")
    if target.is_dir():
        raise IngestError(source, "symbolic link to a folder (links to folders are not followed); skipped")
    if not target.is_file():
        raise IngestError(source, "symbolic link to something that is not a regular file; skipped")


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count / 2**10:.1f} KiB"


def parse_file(path: Path, source: str) -> tuple[list[Article], list[IngestError]]:
    """Read and parse one file. Raises ``IngestError`` when the whole file is unusable."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise IngestError(source, f"unsupported file type {path.suffix or '(none)'!r}; expected .txt or .jsonl")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise IngestError(
                source,
                f"file is too large ({_size(size)}, the limit is {_size(MAX_FILE_BYTES)}): split it into smaller files",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(source, f"cannot read file: {exc.strerror or exc}") from exc
    return parser(decode_bytes(data, source), source)
