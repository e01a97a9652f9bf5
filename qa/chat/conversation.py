"""Follow-up questions understood from earlier user turns, without a language model.

A follow-up such as 给人民医院呢？ after 荣氏家族给江南大学捐了多少钱？ does not say what it is about. The
resolver rewrites it into a retrieval query that does (荣氏家族给人民医院捐了多少钱？). Rules, tried in order:

1. ellipsis: the question is only a phrase (那杜小刚呢？ 给人民医院呢？ 上海？). A specific phrase takes the
   place of the previous question's phrase in the same role (after the same preposition, else of the same
   kind: person, place, time, thing); a general one (时间呢？) asks about the previous topic.
2. pronoun: 他/她/他们 become the last person the previous question named; other pronouns and
   demonstratives (它, 该会议, 这家公司, 其中) get the previous question's topic in front.
3. no subject: a question naming nothing specific (捐了多少钱？ 是哪天召开的？) gets the previous topic in
   front; one starting with a preposition (给人民医院捐了多少？) gets the previous subject.
4. otherwise the question stands alone and is its own query.

"Previous question" is the resolved form of the last earlier user turn that named something specific, so
a chain of follow-ups keeps its topic. Assistant and system turns are not used. The question shown to the
user never changes; only retrieval and answer selection see the query.
"""

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.chat.phrases import NUMERIC_TAGS, QUESTION_WORD, Kind, Phrase, PhraseFinder, is_nominal
from qa.text.segmentation import term_weight
from qa.text.tagging import Token

logger = logging.getLogger(__name__)

# Bounds on a conversation, shared by /ask's history and the chat endpoint's messages.
MAX_HISTORY_MESSAGES = 100
MAX_MESSAGE_CHARS = 8000
# What the resolver reads, so that a request costs a bounded time whatever it holds. The 1,002 questions
# of the CMRC 2018 trial set are at most 54 characters (docs/RELIABILITY.md): none of these bounds
# changes how they are understood.
MAX_USER_TURNS = 10  # only the last earlier user turns are read ...
MAX_HISTORY_CHARS = 400  # ... as many as hold this many characters together
MAX_RESOLVED_CHARS = 100  # a longer question stands alone, and a longer earlier turn is not read
MAX_CONTEXT_CHARS = 150  # a longer understood question does not become the next question's context
MAX_ELLIPSIS_CHARS = 20

_LEAD = r"那么|那|还有|另外|至于|而|如果是|要是|换成|换作"
# The separators are possessive (*+): when the body cannot match (a newline in it), they are not given
# back one by one, which made a long line cost its length squared.
_ELLIPSIS = re.compile(rf"^(?P<lead>{_LEAD})?[，,、\s]*+(?P<body>.+?)(?P<tail>的呢|呢)?$")
_TRAILING = "？?。.!！~～ \t\n"
# Prepositions after which a missing subject is the previous question's subject (给人民医院捐了多少？).
_SUBJECT_PREPOSITIONS = {"给", "向", "对", "为", "替", "跟", "和", "与", "把", "被"}
PERSON_PRONOUNS = frozenset("他 她 他们 她们 此人 该人 这位 那位 这个人 那个人".split())
_DEMONSTRATIVE_START = "该这那此其它本"
_NOT_DEMONSTRATIVE = frozenset("那么 这么 这样 那样 这里 那里 本来 其实 其他 其它 本人".split())


@dataclass(frozen=True)
class Message:
    """One turn of a conversation."""

    role: str
    content: str


@dataclass(frozen=True)
class Resolution:
    """How a question was understood: ``query`` is what retrieval sees, ``question`` what the user typed."""

    question: str
    query: str
    rule: str = "standalone"  # standalone | ellipsis | pronoun | no_subject
    carried: tuple[str, ...] = ()  # phrases taken from earlier turns
    focus: str | None = None  # the phrase an ellipsis or pronoun put in place; the next ellipsis replaces it

    @property
    def is_follow_up(self) -> bool:
        return self.rule != "standalone"


def _is_pronoun(token: Token) -> bool:
    if token.word in PERSON_PRONOUNS:
        return True
    return (
        token.tag == "r"
        and token.word[0] in _DEMONSTRATIVE_START
        and token.word not in _NOT_DEMONSTRATIVE
        and not QUESTION_WORD.search(token.word)
    )


def _looks_like_question(text: str) -> bool:
    return bool(QUESTION_WORD.search(text)) or text.rstrip()[-1:] in "？?" or text.rstrip(_TRAILING)[-1:] in "呢吗"


def recent_user_turns(history: Sequence[Message]) -> list[str]:
    """The earlier user turns the resolver reads, oldest first: the last ``MAX_USER_TURNS`` holding at most
    ``MAX_HISTORY_CHARS`` characters together. A turn longer than ``MAX_RESOLVED_CHARS`` is a pasted text,
    not a question to follow up: it is skipped."""
    turns: list[str] = []
    chars = 0
    for message in reversed(history):
        turn = message.content.strip() if message.role == "user" else ""
        if not turn or len(turn) > MAX_RESOLVED_CHARS:
            continue
        chars += len(turn)
        if chars > MAX_HISTORY_CHARS or len(turns) == MAX_USER_TURNS:
            break
        turns.append(turn)
    return turns[::-1]


class FollowUpResolver:
    """Rewrites follow-up questions into self-contained retrieval queries (see the module docstring)."""

    def __init__(self, weight: Callable[[str], float] = term_weight) -> None:
        self.finder = PhraseFinder(weight)

    # -- analysis ---------------------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        return self.finder.tokens(text)

    def phrases(self, text: str) -> tuple[Phrase, ...]:
        return self.finder.phrases(text)

    def _specific(self, text: str) -> list[Phrase]:
        return self.finder.specific(text)

    # -- resolution -------------------------------------------------------------------------------

    def resolve(self, question: str, history: Sequence[Message] = ()) -> Resolution:
        """Understand ``question`` in the context of the earlier user turns of ``history``."""
        question = question.strip()
        if not question:
            raise ValueError("question is empty")
        if len(question) > MAX_RESOLVED_CHARS:
            return Resolution(question, question)  # a question this long says what it is about
        context: Resolution | None = None
        for turn in recent_user_turns(history):
            resolved = self._resolve_one(turn, context)
            # Small talk (你好, 谢谢) does not change the topic.
            if (
                (resolved.is_follow_up or _looks_like_question(turn))
                and len(resolved.query) <= MAX_CONTEXT_CHARS
                and self._specific(resolved.query)
            ):
                context = resolved
        resolution = self._resolve_one(question, context)
        if resolution.is_follow_up:
            logger.debug("follow-up %r (%s) -> %r", question, resolution.rule, resolution.query)
        return resolution

    def _resolve_one(self, question: str, context: Resolution | None) -> Resolution:
        if context is None:
            return Resolution(question, question)
        resolution = (
            self._ellipsis(question, context.query, context.focus)
            or self._pronoun(question, context.query)
            or self._no_subject(question, context.query)
        )
        return resolution or Resolution(question, question)

    def _topic(self, context: str, question: str) -> tuple[str, ...]:
        """The previous question's specific phrases that the new question does not already contain."""
        return tuple(p.text for p in self._specific(context) if p.text not in question)

    def _with_topic(self, question: str, context: str, rule: str, asked: str | None = None) -> Resolution | None:
        """``asked`` (default: the question) with the previous topic in front."""
        asked = asked or question
        topic = self._topic(context, asked)
        if not topic:
            return None
        return Resolution(question, " ".join(topic) + " " + asked, rule, topic)

    def _ellipsis(self, question: str, context: str, focus: str | None) -> Resolution | None:
        match = _ELLIPSIS.match(question.rstrip(_TRAILING))
        if match is None:
            return None
        body = match["body"].strip()
        if len(body) > MAX_ELLIPSIS_CHARS or QUESTION_WORD.search(body):
            return None
        tokens = self.tokens(body)
        preposition = tokens[0].word if tokens and tokens[0].tag == "p" and len(tokens) > 1 else None
        phrase_text = body[len(preposition) :] if preposition else body
        phrase_tokens = self.tokens(phrase_text)
        if not (match["lead"] or match["tail"]):
            # Without 那…呢 only a bare phrase asked as a question counts (上海？), not 你好.
            bare = all(is_nominal(t.tag) or t.tag in NUMERIC_TAGS or t.tag == "vn" for t in phrase_tokens)
            if not (bare and question.rstrip()[-1:] in "？?"):
                return None
        own = self.phrases(phrase_text)
        if not own:
            return None
        if not any(p.specific for p in own):
            # 时间呢？ 地点呢？: the same topic, another attribute.
            return self._with_topic(question, context, "ellipsis", phrase_text)
        target = self._replaced(context, own[0].kind, preposition, focus)
        if target is None:
            query = f"{context.rstrip(_TRAILING)} {phrase_text}"
            return Resolution(question, query, "ellipsis", (context,), phrase_text)
        query = context[: target.start] + phrase_text + context[target.end :]
        carried = tuple(p.text for p in self._specific(context) if p != target)
        return Resolution(question, query, "ellipsis", carried, phrase_text)

    def _replaced(self, context: str, kind: Kind, preposition: str | None, focus: str | None) -> Phrase | None:
        """The phrase of the previous question that a new phrase of ``kind`` takes the place of: the one
        after the same preposition, else the one the previous follow-up put in, else the last of its kind."""
        candidates = self._specific(context)
        if preposition:
            after = [p for p in candidates if p.after == preposition]
            if after:
                return after[-1]
        if focus:
            focused = [p for p in candidates if p.text == focus]
            if focused:
                return focused[-1]
        same = [p for p in candidates if p.kind == kind]
        if not same and kind in ("place", "thing"):
            same = [p for p in candidates if p.kind in ("place", "thing")]
        return same[-1] if same else None

    def _pronoun(self, question: str, context: str) -> Resolution | None:
        tokens = self.tokens(question)
        pronouns = [t for t in tokens if _is_pronoun(t)]
        if not pronouns:
            return None
        people = [p for p in self._specific(context) if p.kind == "person"]
        if people and all(t.word in PERSON_PRONOUNS for t in pronouns):
            person = people[-1].text
            query = "".join(person if t.word in PERSON_PRONOUNS else t.word for t in tokens)
            return Resolution(question, query, "pronoun", (person,), person)
        return self._with_topic(question, context, "pronoun")

    def _no_subject(self, question: str, context: str) -> Resolution | None:
        tokens = self.tokens(question)
        if not _looks_like_question(question):
            return None  # 你好, 谢谢: not about anything
        if not self._specific(question):
            return self._with_topic(question, context, "no_subject")
        if tokens[0].tag == "p" and tokens[0].word in _SUBJECT_PREPOSITIONS:
            subjects = [p for p in self._specific(context) if p.after is None and p.kind in ("person", "thing")]
            if subjects and subjects[0].text not in question:
                return Resolution(question, subjects[0].text + question, "no_subject", (subjects[0].text,))
        return None
