"""Real-text benchmark corpora: the CMRC passages, the sample page, and recombinations of their sentences.

The real articles come first; larger corpora add articles made of sentences drawn at random from
all of them (lengths drawn from the real articles' lengths), so every chunk is real Chinese text with
realistic vocabulary, and the corpus reaches any size. Generation is deterministic for a seed.

Vectors and tokens of large corpora are *composed* rather than computed: every pool sentence is
tokenised once and embedded once by the real model, and a chunk gets the concatenation of its
sentences' tokens (jieba segments sentences independently: they are separated by punctuation) and
the normalised sum of its sentences' vectors (what mean pooling over a passage approximates). That
seeds a large index with text, BM25 tokens and vectors that behave like real ones, without hours of
embedding; questions are still embedded by the real model.
"""

import hashlib
import json
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.indexing.chunking import chunk_article
from qa.ingest import parse_file
from qa.models import Article, Chunk
from qa.text.sentences import sentence_spans

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CMRC = ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json"
SAMPLE_PAGE = ROOT / "corpus" / "000_fc626205f77621de.txt"
PER_FILE = 1000
OWN_SHARE = 0.85  # of a recombined article's sentences, those from the article it retells


@dataclass
class Pool:
    """The real articles, their sentences, and real questions (for latency runs)."""

    articles: list[dict]  # JSON Lines records
    article_sentences: list[list[str]]  # the sentences of each article
    sentences: list[str]  # all distinct sentences
    lengths: list[int]  # characters per real article
    questions: list[str]
    answers: list[tuple[str, list[str]]]  # per question: the id of the article answering it, gold answers


def load_pool(cmrc: Path = CMRC, page: Path = SAMPLE_PAGE) -> Pool:
    data = json.loads(cmrc.read_text(encoding="utf-8"))
    records: list[dict] = []
    questions: list[str] = []
    answers: list[tuple[str, list[str]]] = []
    for doc in data["data"]:
        for n, paragraph in enumerate(doc["paragraphs"]):
            records.append({"id": f"cmrc-{doc['id']}-{n}", "title": doc["title"], "body": paragraph["context"]})
            for qa in paragraph["qas"]:
                if not qa["question"].strip():
                    continue
                questions.append(qa["question"])
                answers.append((records[-1]["id"], [a["text"] for a in qa["answers"]]))
    articles, _ = parse_file(page, page.name)
    for article in articles:
        records.append({"id": f"page-{article.id}", "title": article.title, "paragraphs": list(article.paragraphs)})
    per_article: list[list[str]] = []
    seen: dict[str, None] = {}
    for record in records:
        own = []
        for paragraph in record.get("paragraphs") or record["body"].splitlines():
            own.extend(paragraph[s:e] for s, e in sentence_spans(paragraph) if e - s >= 4)
        per_article.append(own)
        seen.update(dict.fromkeys(own))
    lengths = [len("".join(r.get("paragraphs") or [r["body"]])) for r in records]
    return Pool(records, per_article, list(seen), lengths, questions, answers)


def recombined(pool: Pool, number: int, rng: random.Random) -> dict:
    """Article ``number``: another telling of a random real article's story.

    Most sentences come from that article (in random order), some from other articles, and its length
    is drawn from the real articles' lengths: topics cluster as in a news corpus, where many articles
    report the same story, instead of every passage mixing unrelated ones.
    """
    source = rng.randrange(len(pool.articles))
    own = pool.article_sentences[source]
    target = rng.choice(pool.lengths)
    paragraphs: list[str] = []
    paragraph: list[str] = []
    size = 0
    while size < target:
        sentence = rng.choice(own) if own and rng.random() < OWN_SHARE else rng.choice(pool.sentences)
        paragraph.append(sentence)
        size += len(sentence)
        if rng.random() < 0.25:
            paragraphs.append("".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append("".join(paragraph))
    title = f"{pool.articles[source]['title']}（{number}）"
    return {"id": f"mix-{number:07d}", "title": title, "paragraphs": paragraphs}


def articles_for(pool: Pool, chunks: int, seed: int = 0, chunk_size: int = 240, overlap: int = 60) -> list[dict]:
    """Records of the real articles, then recombined ones, until they make at least ``chunks`` chunks."""
    rng = random.Random(seed)
    records: list[dict] = []
    total = 0
    number = 0
    real = iter(pool.articles)
    while total < chunks:
        record = next(real, None)
        if record is None:
            record = recombined(pool, number, rng)
            number += 1
        records.append(record)
        total += len(chunk_article(to_article(record), chunk_size, overlap))
    return records


def new_articles(pool: Pool, count: int, seed: int) -> list[dict]:
    """``count`` recombined articles with ids no corpus from ``articles_for`` uses."""
    rng = random.Random(seed)
    return [{**recombined(pool, n, rng), "id": f"new-{seed}-{n:04d}"} for n in range(count)]


def to_article(record: dict, source: str = "bench.jsonl") -> Article:
    paragraphs = record.get("paragraphs") or [p for p in record["body"].splitlines() if p.strip()]
    return Article(record["id"], record["title"], tuple(p.strip() for p in paragraphs if p.strip()), source)


def write_corpus(corpus_dir: Path, records: list[dict], per_file: int = PER_FILE) -> None:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(records), per_file):
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[start : start + per_file])
        (corpus_dir / f"bench-{start // per_file:05d}.jsonl").write_text(lines, encoding="utf-8")


def chunk_records(records: list[dict], chunk_size: int = 240, overlap: int = 60) -> Iterator[Chunk]:
    for record in records:
        yield from chunk_article(to_article(record), chunk_size, overlap)


class Composer:
    """Tokens and vectors of any text made of pool sentences, from per-sentence tokens and vectors."""

    def __init__(self, sentences: list[str], vectors: np.ndarray, tokenize) -> None:
        if len(sentences) != len(vectors):
            raise ValueError(f"{len(sentences)} sentences but {len(vectors)} vectors")
        self._row = {s: i for i, s in enumerate(sentences)}
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)  # one per sentence
        self._tokenize = tokenize
        self._tokens: dict[str, list[str]] = {}

    def _pieces(self, text: str) -> list[str]:
        return [text[s:e] for s, e in sentence_spans(text)]

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for piece in self._pieces(text):
            cached = self._tokens.get(piece)
            if cached is None:
                cached = self._tokens[piece] = self._tokenize(piece)
            out.extend(cached)
        return out

    def vector(self, text: str) -> np.ndarray:
        """Normalised sum of the vectors of the text's sentences (a random unit vector for unknown ones)."""
        total = np.zeros(self.vectors.shape[1], dtype=np.float32)
        for piece in self._pieces(text):
            row = self._row.get(piece)
            if row is None:  # a sentence cut inside (longer than a chunk): a stable stand-in
                seed = int.from_bytes(hashlib.blake2b(piece.encode(), digest_size=8).digest(), "little")
                rng = np.random.default_rng(seed)
                total += rng.standard_normal(len(total)).astype(np.float32) / np.sqrt(len(total))
            else:
                total += self.vectors[row]
        return total / max(float(np.linalg.norm(total)), 1e-12)
