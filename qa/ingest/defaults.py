"""What a corpus file may not print about itself: its date, paper, page and section, from elsewhere.

Each field is taken from the first of these that gives it:

1. the file itself: a page's folio or metadata line, a JSON record's field (the parsers apply these);
2. a sidecar file named after it plus ``.json`` (``rmrb-p10.txt.json`` for ``rmrb-p10.txt``)::

       {"date": "2026-04-28", "paper": "人民日报", "page": "10", "section": "要闻"}

3. a date in the file's name or a folder's name (``rmrb_20260428_10.txt``, ``2026-04-28/page3.txt``);
4. the ``QA_DEFAULT_DATE`` setting (the date only).

A sidecar that cannot be used is reported and left out; the file is still read.
"""

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from qa.errors import IngestError
from qa.ingest.dates import date_from_name, iso_date

SIDECAR_SUFFIX = ".json"
# Bumped when the parsers read the same bytes differently: files read by an older parser are read again.
PARSE_VERSION = "2"
MAX_SIDECAR_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileDefaults:
    """Values for the articles of one file that do not print their own."""

    date: str | None = None  # ISO YYYY-MM-DD
    paper: str | None = None
    page: str | None = None
    section: str | None = None

    def under(self, other: "FileDefaults") -> "FileDefaults":
        """These values, each missing one taken from ``other``."""
        return FileDefaults(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})


def page_label(value: str) -> str:
    """A page as printed (``第 09 版``, ``09``, ``A3``) as its label: ``9``, ``9``, ``A3``."""
    text = re.sub(r"^第|版$", "", "".join(value.split()))
    return str(int(text)) if text.isdigit() else text


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path, suffixes: Collection[str]) -> bool:
    """True for ``page.txt.json`` when ``page.txt`` is there: a sidecar is read with its file, not on its own."""
    if not path.name.endswith(SIDECAR_SUFFIX):
        return False
    owner = path.with_name(path.name[: -len(SIDECAR_SUFFIX)])
    return owner.suffix.lower() in suffixes and owner.exists()


def _field(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if name == "page" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"'{name}' must be a string, got {type(value).__name__}")
    if not value.strip():
        return None
    if name == "date":
        return iso_date(value)
    return page_label(value) if name == "page" else value.strip()


def read_sidecar(path: Path, source: str) -> FileDefaults:
    """The values in ``path``'s sidecar (none when there is none). Raises ``IngestError`` saying what is wrong."""
    sidecar = sidecar_of(path)
    where = source + SIDECAR_SUFFIX
    if not sidecar.is_file():
        return FileDefaults()
    try:
        if sidecar.stat().st_size > MAX_SIDECAR_BYTES:
            raise IngestError(where, f"sidecar is larger than {MAX_SIDECAR_BYTES // 1024} KiB; left out")
        data = json.loads(sidecar.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(where, f"cannot read sidecar ({exc}); left out") from None
    if not isinstance(data, dict):
        raise IngestError(where, f"sidecar must be a JSON object, got {type(data).__name__}; left out")
    known = {f.name for f in fields(FileDefaults)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise IngestError(where, f"unknown sidecar field(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")
    try:
        return FileDefaults(**{name: _field(name, value) for name, value in data.items()})
    except ValueError as exc:
        raise IngestError(where, f"{exc}; sidecar left out") from None


def file_defaults(path: Path, source: str, default_date: str | None = None) -> tuple[FileDefaults, list[IngestError]]:
    """The defaults for the file at ``path`` (see the module docstring) and the sidecar's problem, if any."""
    problems: list[IngestError] = []
    try:
        sidecar = read_sidecar(path, source)
    except IngestError as exc:
        sidecar, problems = FileDefaults(), [exc]
    named = FileDefaults(date=date_from_name(source))
    return sidecar.under(named).under(FileDefaults(date=default_date)), problems


def read_stamp(path: Path, default_date: str | None) -> str:
    """What besides the file's own bytes its articles depend on: a change means the file is read again."""
    try:
        stat = sidecar_of(path).stat()
        sidecar = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        sidecar = "-"
    return f"parser {PARSE_VERSION}; default date {default_date or '-'}; sidecar {sidecar}"
