"""Copies of one story in a version: the same wire story printed by several papers, grouped at build time.

Two optional parts of a version (versions written before them have neither and group nothing):

- ``copies.json``: the groups, each a list of article ids, its primary copy (earliest, then longest) first.
- ``copies.npz``: each article's MinHash signature and shingle count, read only by the next build, which
  signs only new and changed articles (``qa/indexing/copies.py``).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

GROUPS = "copies.json"
SIGNATURES = "copies.npz"


@dataclass
class Signatures:
    """One MinHash signature per article: row ``i`` of ``matrix`` and ``sizes`` is article ``ids[i]``."""

    ids: list[str]
    matrix: np.ndarray  # (articles, permutations) uint32
    sizes: np.ndarray  # distinct shingles per article, int64

    def __post_init__(self) -> None:
        if not len(self.ids) == len(self.matrix) == len(self.sizes):
            raise ValueError(
                f"signatures disagree: {len(self.ids)} ids, {len(self.matrix)} rows, {len(self.sizes)} sizes"
            )

    def rows(self) -> dict[str, int]:
        return {article_id: row for row, article_id in enumerate(self.ids)}

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:  # np.savez would add ".npz" to a name lacking it
            np.savez(handle, ids=np.array(self.ids, dtype=object).astype(str), matrix=self.matrix, sizes=self.sizes)

    @classmethod
    def load(cls, path: Path) -> "Signatures":
        with np.load(path) as data:
            return cls(data["ids"].tolist(), data["matrix"].astype(np.uint32), data["sizes"].astype(np.int64))


@dataclass
class StoryCopies:
    """The groups of copies; an article in no group has no copy."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    signatures: Signatures | None = None  # written with the version, read only by the next build

    def __post_init__(self) -> None:
        self._group = {article_id: group for group in self.groups for article_id in group}

    def group(self, article_id: str) -> tuple[str, ...]:
        """Every copy of the story ``article_id`` carries, primary first; empty when it has no copy."""
        return self._group.get(article_id, ())

    def others(self, article_id: str) -> tuple[str, ...]:
        return tuple(other for other in self.group(article_id) if other != article_id)

    def save(self, folder: Path) -> None:
        (folder / GROUPS).write_text(json.dumps([list(g) for g in self.groups], ensure_ascii=False), encoding="utf-8")
        if self.signatures is not None:
            self.signatures.save(folder / SIGNATURES)

    @classmethod
    def load(cls, folder: Path, signatures: bool = False) -> "StoryCopies | None":
        """The groups of a version folder (and with ``signatures`` its signatures), or None when it has none."""
        path = folder / GROUPS
        if not path.exists():
            return None
        groups = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(groups, list) or not all(
            isinstance(g, list) and all(isinstance(i, str) for i in g) for g in groups
        ):
            raise ValueError("expected a list of lists of article ids")
        signed = Signatures.load(folder / SIGNATURES) if signatures and (folder / SIGNATURES).exists() else None
        return cls([tuple(g) for g in groups], signed)
