"""Find the copies of one story among a build's articles: the same wire story in several papers, lightly edited,
under another headline, trimmed or with paragraphs reordered.

Each article body is cut into character shingles (``SHINGLE_CHARS`` characters, whitespace removed) and signed
with a MinHash (datasketch). Articles whose signatures agree on a whole band of rows are candidates, banded as
datasketch's ``MinHashLSH`` bands for ``CANDIDATE_JACCARD``. The banding is done on the signature matrix with
numpy (sorted band keys): inserting 28,000 stored signatures into a ``MinHashLSH`` one by one takes 0.5 ms each,
14 s, where an update has 2 s in all. A candidate pair is a copy when

- most of the shorter text is in the longer (``MIN_SHARED``, estimated from the signatures and shingle counts),
  and a good part of the longer in the shorter (``MIN_JACCARD``): a follow-up quoting the whole of a short
  preview as background is another story,
- the shorter's numbers all appear in the longer (editions of a recurring report share nearly all their text
  but not their figures: 第一百六十五次 / 第一百六十六次, 3000万元 / 6000万元), and
- both are published within ``MAX_DAYS_APART`` days (when both are dated).

Groups are the connected pairs; the primary copy is the earliest, then the longest. An update takes the
signatures of unchanged articles from the previous version (``copies.npz``) and its groups (``copies.json``): it
signs only new and changed articles, looks for candidates only among the pairs they make, and re-checks a previous
group only when one of its members changed or left. Its groups equal a full build's.
"""

import logging
import re
import zlib
from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from qa.index.copies import Signatures, StoryCopies
from qa.models import Article
from qa.text.when import parse_day

logger = logging.getLogger(__name__)

SHINGLE_CHARS = 5
PERMUTATIONS = 128
SEED = 17
CANDIDATE_JACCARD = 0.3
MIN_SHARED = 0.7
MIN_JACCARD = 0.4
MAX_DAYS_APART = 3
# Band runs larger than this (boilerplate shared by very many articles) are joined only to their neighbours.
MAX_RUN = 64
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|[〇零一二三四五六七八九十百千万亿两]{2,}")


def _bands() -> tuple[int, int]:
    """Bands and rows per band, as datasketch tunes them for ``CANDIDATE_JACCARD`` (missing a copy costs more
    than checking a false candidate, hence the weights)."""
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=PERMUTATIONS, weights=(0.2, 0.8))
    return lsh.b, lsh.r


def shingles(body: str) -> set[bytes]:
    text = _SPACE.sub("", body)
    return {text[i : i + SHINGLE_CHARS].encode("utf-8") for i in range(max(1, len(text) - SHINGLE_CHARS + 1))}


def sign(bodies: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures and shingle counts. CRC-32 hashes the shingles: datasketch's default SHA-1 per shingle
    is five times slower, and 32 bits are what its permutations use anyway."""
    rows, sizes = [], []
    for body in bodies:
        grams = shingles(body)
        minhash = MinHash(num_perm=PERMUTATIONS, seed=SEED, hashfunc=zlib.crc32)
        minhash.update_batch(list(grams))
        rows.append(minhash.hashvalues.astype(np.uint32))
        sizes.append(len(grams))
    matrix = np.vstack(rows) if rows else np.zeros((0, PERMUTATIONS), dtype=np.uint32)
    return matrix, np.asarray(sizes, dtype=np.int64)


def signatures(articles: Sequence[Article], previous: Signatures | None, same: Sequence[bool]) -> Signatures:
    """Every article's signature: the previous version's for unchanged articles, computed for the others."""
    old = previous.rows() if previous is not None and previous.matrix.shape[1:] == (PERMUTATIONS,) else {}
    reuse = [i for i, a in enumerate(articles) if same[i] and a.id in old]
    todo = sorted(set(range(len(articles))) - set(reuse))
    matrix = np.zeros((len(articles), PERMUTATIONS), dtype=np.uint32)
    sizes = np.zeros(len(articles), dtype=np.int64)
    if reuse:
        rows = [old[articles[i].id] for i in reuse]
        matrix[reuse], sizes[reuse] = previous.matrix[rows], previous.sizes[rows]  # type: ignore[union-attr]
    if todo:
        matrix[todo], sizes[todo] = sign(articles[i].body for i in todo)
    logger.info("MinHash signatures: %d computed, %d reused", len(todo), len(reuse))
    return Signatures([a.id for a in articles], matrix, sizes)


def _band_keys(matrix: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One 64-bit key per article for a band of ``rows`` signature values (equal values, equal keys)."""
    block = matrix[:, band * rows : (band + 1) * rows].astype(np.uint64)
    keys = np.zeros(len(matrix), dtype=np.uint64)
    for column in block.T:  # wraps around on overflow, as a hash may
        keys = keys * np.uint64(0x9E3779B97F4A7C15) + column
    return keys


def candidate_pairs(matrix: np.ndarray, among: Sequence[int] | None = None) -> np.ndarray:
    """Pairs of rows (an array of ``(a, b)``, a < b) whose signatures agree on at least one whole band; with
    ``among``, only pairs holding one of those rows (an update's new articles)."""
    bands, rows = _bands()
    found: list[tuple[int, int]] = []
    for band in range(bands):
        keys = _band_keys(matrix, band, rows)
        if among is not None:  # a few new rows: compare their keys with every row's, no sort needed
            wanted = keys[np.asarray(among, dtype=np.int64)]
            matched = np.flatnonzero(np.isin(keys, wanted))
            keys, order = keys[matched], matched
        else:
            order = np.arange(len(keys))
        order = order[np.argsort(keys, kind="stable")]
        ordered = np.sort(keys, kind="stable")
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else np.zeros(0, int)
        ends = np.r_[starts[1:], len(ordered)]
        runs = [(a, b) for a, b in zip(starts.tolist(), ends.tolist()) if b - a > 1]
        for a, b in runs:
            members = sorted(order[a:b].tolist())
            if len(members) > MAX_RUN:
                found += zip(members, members[1:])
            else:
                found += ((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    pairs = np.unique(np.asarray(found, dtype=np.int64).reshape(-1, 2), axis=0)
    if among is not None and len(pairs):
        wanted_rows = np.zeros(len(matrix), dtype=bool)
        wanted_rows[np.asarray(among, dtype=np.int64)] = True
        pairs = pairs[wanted_rows[pairs[:, 0]] | wanted_rows[pairs[:, 1]]]
    return pairs


def overlap(matrix: np.ndarray, sizes: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of rows: the estimated Jaccard similarity of their shingles, and the share of the shorter's
    shingles the longer holds."""
    if not len(pairs):
        return np.zeros(0), np.zeros(0)
    a, b = pairs[:, 0], pairs[:, 1]
    jaccard = (matrix[a] == matrix[b]).mean(axis=1)
    both = jaccard * (sizes[a] + sizes[b]) / (1 + jaccard)
    return jaccard, both / np.maximum(1, np.minimum(sizes[a], sizes[b]))


class _Checker:
    """Which candidate pairs carry one story (``MIN_SHARED``, ``MIN_JACCARD``, dates, numbers)."""

    def __init__(self, articles: Sequence[Article], signed: Signatures) -> None:
        self.articles, self.signed = articles, signed
        self.days = np.array([(d.toordinal() if (d := parse_day(a.date)) else -1) for a in articles], dtype=np.int64)
        self._numbers: dict[int, set[str]] = {}

    def numbers(self, row: int) -> set[str]:
        if row not in self._numbers:
            self._numbers[row] = set(_NUMBER.findall(_SPACE.sub("", self.articles[row].body)))
        return self._numbers[row]

    def copies(self, pairs: np.ndarray) -> list[tuple[int, int]]:
        jaccard, shared = overlap(self.signed.matrix, self.signed.sizes, pairs)
        keep = (shared >= MIN_SHARED) & (jaccard >= MIN_JACCARD)
        if len(pairs):
            da, db = self.days[pairs[:, 0]], self.days[pairs[:, 1]]
            keep &= (da < 0) | (db < 0) | (np.abs(da - db) <= MAX_DAYS_APART)
        out = []
        for a, b in pairs[keep].tolist():
            # Editions of a recurring report share nearly all their text but not their figures.
            shorter, longer = sorted((a, b), key=lambda row: len(self.articles[row].body))
            if self.numbers(shorter) <= self.numbers(longer):
                out.append((a, b))
        return out


def _primary_order(article: Article) -> tuple:
    day = parse_day(article.date)
    return (day is None, day, -len(article.body), article.id)


def _groups(articles: Sequence[Article], edges: Iterable[tuple[int, int]]) -> list[tuple[str, ...]]:
    """The connected rows of ``edges`` as groups of article ids, each in primary order."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        parent[root(a)] = root(b)
    members: dict[int, list[Article]] = {}
    for i in list(parent):
        members.setdefault(root(i), []).append(articles[i])
    return [tuple(a.id for a in sorted(group, key=_primary_order)) for group in members.values() if len(group) > 1]


def group_copies(articles: Sequence[Article], signed: Signatures) -> StoryCopies:
    """The groups of copies among ``articles`` (signed in the same order), all pairs considered."""
    edges = _Checker(articles, signed).copies(candidate_pairs(signed.matrix))
    groups = sorted(_groups(articles, edges))
    logger.info("%d stories printed more than once, %d copies", len(groups), sum(len(g) for g in groups))
    return StoryCopies(groups, signed)


def regroup(
    articles: Sequence[Article], signed: Signatures, previous: StoryCopies, kept: Sequence[bool]
) -> StoryCopies:
    """The groups after an update: the previous groups of the ``kept`` (unchanged) articles, re-checked only where
    a member left, joined by the pairs a new or changed article makes."""
    row = {a.id: i for i, a in enumerate(articles)}
    checker = _Checker(articles, signed)
    untouched: dict[int, tuple[str, ...]] = {}  # first row -> a previous group none of whose members changed
    group_of: dict[int, int] = {}
    edges: list[tuple[int, int]] = []
    for group in previous.groups:
        rows = [row[i] for i in group if i in row and kept[row[i]]]
        if len(rows) == len(group):  # untouched: still one story, in the same order
            untouched[rows[0]] = group
            group_of.update((r, rows[0]) for r in rows)
        elif len(rows) > 1:  # a copy left: the others may have been held together only through it
            pairs = np.array([(a, b) for n, a in enumerate(rows) for b in rows[n + 1 :]], dtype=np.int64)
            edges += checker.copies(pairs)
    fresh = [i for i, keep in enumerate(kept) if not keep]
    if fresh:
        edges += checker.copies(candidate_pairs(signed.matrix, fresh))
    # An untouched group a new article joins is regrouped with it.
    for first in {group_of[r] for pair in edges for r in pair if r in group_of}:
        members = [row[i] for i in untouched.pop(first)]
        edges += zip(members, members[1:])
    groups = sorted([*untouched.values(), *_groups(articles, edges)])
    logger.info("%d stories printed more than once (%d articles re-checked)", len(groups), len(fresh))
    return StoryCopies(groups, signed)


def find_copies(articles: Sequence[Article], previous: StoryCopies | None, same: Sequence[bool]) -> StoryCopies:
    """Sign (or reuse the signatures of) ``articles`` and group their copies: all pairs when there is no previous
    version with signatures, else only what changed."""
    signed = signatures(articles, previous.signatures if previous is not None else None, same)
    if previous is None or previous.signatures is None:
        return group_copies(articles, signed)
    old = previous.signatures.rows()
    kept = [bool(same[i]) and a.id in old for i, a in enumerate(articles)]
    return regroup(articles, signed, previous, kept)
