"""What a build did: counts of articles added, changed, removed and reused, chunks embedded, files read."""

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class BuildSummary:
    articles: int
    chunks: int
    files: int
    seconds: float
    version_dir: Path
    skipped: list[str] = field(default_factory=list)
    full: bool = True
    added: int = 0
    changed: int = 0
    removed: int = 0
    reused: int = 0  # unchanged articles (taken over from the previous version unless full)
    embedded: int = 0  # chunk texts sent to the embedder by this build
    parsed_files: int = 0
    deleted: int = 0  # articles left out because they are listed in corpus/.deleted
    up_to_date: bool = False  # nothing changed: no new version was written
    removed_versions: list[str] = field(default_factory=list)
    published: str | None = None  # QA_INDEX_STORE=milvus: how the version went to Milvus ("full", "incremental")

    @property
    def version(self) -> str:
        return self.version_dir.name

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "version_dir": str(self.version_dir), "version": self.version}

    def render(self) -> str:
        kind, kept = ("full rebuild", "unchanged") if self.full else ("update", "reused")
        lines = [
            f"{kind}: {self.added} added, {self.changed} changed, {self.removed} removed, {self.reused} {kept} "
            f"articles; embedded {self.embedded} of {self.chunks} chunks; "
            f"read {self.parsed_files} of {self.files} files",
        ]
        if self.up_to_date:
            lines.append(f"index is up to date ({self.articles} articles): still {self.version_dir}")
        else:
            lines.append(
                f"indexed {self.articles} articles ({self.chunks} chunks) from {self.files} files "
                f"in {self.seconds:.2f} s -> {self.version_dir}"
            )
        if self.published:
            lines.append(f"published to Milvus ({self.published})")
        if self.deleted:
            lines.append(f"left out {self.deleted} articles listed in the corpus's .deleted file")
        if self.removed_versions:
            lines.append(f"removed old versions: {', '.join(self.removed_versions)}")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines.extend(f"  {problem}" for problem in self.skipped)
        return "\n".join(lines)
