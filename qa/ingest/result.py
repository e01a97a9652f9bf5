"""What reading one corpus file gives: its articles, its page furniture and its problems."""

from dataclasses import dataclass, field

from qa.errors import IngestError
from qa.models import Article


@dataclass
class FileRead:
    """The articles of one file, the lines set aside as page furniture, and the problems found."""

    articles: list[Article] = field(default_factory=list)
    furniture: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)
    problems: list[IngestError] = field(default_factory=list)
