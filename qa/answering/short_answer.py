"""The answer phrase: ``4000万元`` for 给人民医院捐了多少, inside the sentence that answers.

Given only when the question asks for a typed fact (a number, amount, date, time, person,
organisation or place; ``qa.answering.slots``) and the first answer sentence holds exactly one span
that fits, or, when it holds several, the clause that repeats most of the question holds exactly
one (刘六、刘七在霸州起义 in 正德五年（1510年）十月，刘六、刘七在霸州起义): two candidates left mean the
sentence alone cannot say which, and no short answer is better than a wrong one.
"""

import re

from qa.answering.compose import Answer, Draft, ShortAnswer
from qa.answering.features import Evidence
from qa.answering.scoring import question_grams

_CLAUSE_END = re.compile(r"[，,、；;。：:！!？?]")


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def pick_span(question: str, text: str, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The one span of ``text`` that answers: the only one, or the only one in the clause most like the question."""
    if len(spans) == 1:
        return spans[0]
    if not spans:
        return None
    pairs, _ = question_grams(question)
    scored = sorted(((sum(p in text[a:b] for p in pairs), a, b) for a, b in _clauses(text)), reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0] or scored[0][0] == 0:
        return None  # no clause stands out
    _, a, b = scored[0]
    inside = [(s, e) for s, e in spans if a <= s and e <= b]
    return inside[0] if len(inside) == 1 else None


def short_answer(draft: Draft, found: Evidence, answer: Answer) -> ShortAnswer | None:
    """The phrase of ``answer``'s first sentence that fills the question's slot, with offsets into its article."""
    if answer.no_answer or not draft.chosen or found.slot.kind is None:
        return None
    first = draft.chosen[0]
    span = pick_span(draft.query.text, first.text, found.spans)
    if span is None:
        return None
    start, end = first.start + span[0], first.start + span[1]
    for citation in answer.citations:
        if citation.article.id == first.article_id and citation.start == first.start and citation.end == first.end:
            return ShortAnswer(citation.article.body[start:end], start, end, citation.n, found.slot.kind)
    return None
