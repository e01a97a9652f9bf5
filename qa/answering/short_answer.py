"""The answer phrase: ``4000万元`` for 给人民医院捐了多少, inside the sentence that answers.

Given only when the question asks for a typed fact (a number, amount, date, time, person,
organisation or place; ``qa.answering.slots``) and the first answer sentence holds exactly one span
that fits: two candidates mean the sentence alone cannot say which, and no short answer is better
than a wrong one.
"""

from qa.answering.compose import Answer, Draft, ShortAnswer
from qa.answering.features import Evidence


def short_answer(draft: Draft, found: Evidence, answer: Answer) -> ShortAnswer | None:
    """The phrase of ``answer``'s first sentence that fills the question's slot, with offsets into its article."""
    if answer.no_answer or not draft.chosen or found.slot.kind is None or len(found.spans) != 1:
        return None
    first = draft.chosen[0]
    start, end = found.spans[0]
    for citation in answer.citations:
        if citation.article.id == first.article_id and citation.start == first.start and citation.end == first.end:
            body = citation.article.body
            return ShortAnswer(
                body[first.start + start : first.start + end],
                first.start + start,
                first.start + end,
                citation.n,
                found.slot.kind,
            )
    return None
