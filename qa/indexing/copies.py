"""Find the copies of one story among a build's articles: the same wire story in several papers, lightly edited,
under another headline, trimmed or with paragraphs reordered.

Each article body is cut into character shingles (``SHINGLE_CHARS`` characters, whitespace removed) and signed
with a MinHash (datasketch). Articles whose signatures agree on a whole band of rows are candidates, banded as
datasketch's ``MinHashLSH`` bands for ``CANDIDATE_JACCARD``; the banding is done on the signature matrix with
numpy, so that an update re-bands the stored signatures of every article in milliseconds where inserting them
into a ``MinHashLSH`` one by one costs 0.5 ms each (14 s at 28,000 articles). A candidate pair is a copy when

- most of the shorter text is in the longer (``MIN_SHARED``, estimated from the signatures and shingle counts),
  and a good part of the longer in the shorter (``MIN_JACCARD``): a follow-up quoting the whole of a short
  preview as background is another story,
- the shorter's numbers all appear in the longer (editions of a recurring report share nearly all their text
  but not their figures: 第一百六十五次 / 第一百六十六次, 3000万元 / 6000万元), and
- both are published within ``MAX_DAYS_APART`` days (when both are dated).

Groups are the connected pairs; the primary copy is the earliest, then the longest. Signatures of unchanged
articles come from the previous version (``copies.npz``), so an update signs only new and changed articles and
its groups equal a full build's.
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


def candidate_pairs(matrix: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of rows whose signatures agree on at least one whole band."""
    bands, rows = _bands()
    pairs: set[tuple[int, int]] = set()
    n = len(matrix)
    for band in range(bands):
        block = np.ascontiguousarray(matrix[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        boundaries = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
        for run in np.split(order, boundaries) if n else []:
            if len(run) < 2:
                continue
            members = sorted(run.tolist())
            if len(members) > MAX_RUN:
                pairs.update(zip(members, members[1:]))
            else:
                pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def overlap(matrix: np.ndarray, sizes: np.ndarray, a: int, b: int) -> tuple[float, float]:
    """Estimated Jaccard similarity of two articles' shingles, and the share of the shorter's the longer holds."""
    jaccard = float(np.mean(matrix[a] == matrix[b]))
    both = jaccard * (sizes[a] + sizes[b]) / (1 + jaccard)
    return jaccard, float(both / max(1, min(sizes[a], sizes[b])))


def _numbers(article: Article) -> set[str]:
    return set(_NUMBER.findall(_SPACE.sub("", article.body)))


def is_copy(first: Article, second: Article, similarity: tuple[float, float]) -> bool:
    """Whether two candidate articles carry one story, given their ``overlap``."""
    jaccard, shared = similarity
    if shared < MIN_SHARED or jaccard < MIN_JACCARD:
        return False
    days = parse_day(first.date), parse_day(second.date)
    if days[0] and days[1] and abs((days[0] - days[1]).days) > MAX_DAYS_APART:
        return False
    shorter, longer = sorted((first, second), key=lambda a: len(a.body))
    return _numbers(shorter) <= _numbers(longer)


def _primary_order(article: Article) -> tuple:
    day = parse_day(article.date)
    return (day is None, day, -len(article.body), article.id)


def group_copies(articles: Sequence[Article], signed: Signatures) -> StoryCopies:
    """The groups of copies among ``articles`` (signed in the same order)."""
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in sorted(candidate_pairs(signed.matrix)):
        if root(a) != root(b) and is_copy(articles[a], articles[b], overlap(signed.matrix, signed.sizes, a, b)):
            parent[root(a)] = root(b)
    members: dict[int, list[Article]] = {}
    for i, article in enumerate(articles):
        members.setdefault(root(i), []).append(article)
    groups = [tuple(a.id for a in sorted(group, key=_primary_order)) for group in members.values() if len(group) > 1]
    groups.sort()
    logger.info("%d stories printed more than once, %d copies", len(groups), sum(len(g) for g in groups))
    return StoryCopies(groups, signed)


def find_copies(articles: Sequence[Article], previous: Signatures | None, same: Sequence[bool]) -> StoryCopies:
    """Sign (or reuse the signatures of) ``articles`` and group their copies."""
    return group_copies(articles, signatures(articles, previous, same))
