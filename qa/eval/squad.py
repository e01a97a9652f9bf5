"""Read a SQuAD-style file (CMRC 2018 layout) into articles and answerable questions.

Every paragraph becomes one article (its ``context`` is the body, the entry's ``title`` its title);
all paragraphs together form the corpus. Out-of-corpus questions come from a JSON Lines file.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.ingest.jsonl import article_from_record
from qa.models import Article

# Questions the CMRC 2018 trial passages do not answer (written for this project, see docs/EVAL.md).
DEFAULT_OUT_OF_CORPUS = Path(__file__).resolve().parent / "out_of_corpus.jsonl"


@dataclass(frozen=True)
class EvalQuestion:
    """An answerable question: the article it was written about and its gold answer strings."""

    id: str
    question: str
    article_id: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class OutOfCorpusQuestion:
    """A question the corpus cannot answer; ``kind`` groups them in the report."""

    question: str
    kind: str


@dataclass
class EvalSet:
    articles: list[Article]
    questions: list[EvalQuestion]


def _field(record: Any, name: str, kind: type, where: str) -> Any:
    if not isinstance(record, dict) or name not in record:
        raise ValueError(f"{where}: missing {name!r}")
    value = record[name]
    if not isinstance(value, kind):
        raise ValueError(f"{where}.{name}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def parse_squad(document: Any, source: str = "squad") -> EvalSet:
    """Articles and questions of a decoded SQuAD document. ``ValueError`` names the bad element."""
    articles: list[Article] = []
    questions: list[EvalQuestion] = []
    for i, entry in enumerate(_field(document, "data", list, source)):
        title = _field(entry, "title", str, f"data[{i}]")
        for j, paragraph in enumerate(_field(entry, "paragraphs", list, f"data[{i}]")):
            where = f"data[{i}].paragraphs[{j}]"
            context = _field(paragraph, "context", str, where)
            article_id = str(paragraph.get("id") or f"{i}-{j}")
            try:
                article = article_from_record({"id": article_id, "title": title, "body": context}, source)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            articles.append(article)
            for k, qa in enumerate(_field(paragraph, "qas", list, where)):
                qwhere = f"{where}.qas[{k}]"
                question = _field(qa, "question", str, qwhere).strip()
                answers = tuple(
                    dict.fromkeys(
                        _field(a, "text", str, f"{qwhere}.answers[{m}]").strip()
                        for m, a in enumerate(_field(qa, "answers", list, qwhere))
                    )
                )
                answers = tuple(a for a in answers if a)
                if question and answers:
                    questions.append(
                        EvalQuestion(str(qa.get("id") or f"{article_id}-{k}"), question, article.id, answers)
                    )
    if not articles:
        raise ValueError(f"{source}: no paragraphs")
    return EvalSet(articles, questions)


def load_squad(path: Path) -> EvalSet:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    return parse_squad(document, str(path))


def load_out_of_corpus(path: Path) -> list[OutOfCorpusQuestion]:
    """Questions from a JSON Lines file: ``{"question": str, "kind": str}`` per line."""
    questions: list[OutOfCorpusQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
        question = _field(record, "question", str, f"{path}:{number}").strip()
        if not question:
            raise ValueError(f"{path}:{number}: empty 'question'")
        questions.append(OutOfCorpusQuestion(question, str(record.get("kind") or "absent")))
    return questions
