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

import jieba
import jieba.posseg

from qa.text.segmentation import term_weight

logger = logging.getLogger(__name__)

jieba.setLogLevel(logging.WARNING)

# Bounds on a conversation, shared by /ask's history and the chat endpoint's messages.
MAX_HISTORY_MESSAGES = 100
MAX_MESSAGE_CHARS = 8000
# Only this many earlier user turns are looked at.
MAX_USER_TURNS = 20
# A single common noun (职务, 时间, 医院) is general; rarer words (龙光塔, 商业秘密) are specific.
SPECIFIC_WEIGHT = 8.0
MAX_ELLIPSIS_CHARS = 20

_QUESTION_WORD = re.compile(r"什么|谁|哪|多少|几|怎|吗|何|啥|是否")
_LEAD = r"那么|那|还有|另外|至于|而|如果是|要是|换成|换作"
_ELLIPSIS = re.compile(rf"^(?P<lead>{_LEAD})?[，,、\s]*(?P<body>.+?)(?P<tail>的呢|呢)?$")
_TRAILING = "？?。.!！~～ \t\n"
_DATE_UNITS = "年月日号天"
_NOUN_ENDINGS = frozenset("会 站 厂 局 馆 院 所 处 部 组 队 团 园 区 室 展 节 赛".split())
_PROPER_TAGS = {"ns", "nt", "nz", "j", "eng"}
_NUMERIC_TAGS = {"m", "t", "q", "mq"}
# Prepositions after which a missing subject is the previous question's subject (给人民医院捐了多少？).
_SUBJECT_PREPOSITIONS = {"给", "向", "对", "为", "替", "跟", "和", "与", "把", "被"}
PERSON_PRONOUNS = frozenset("他 她 他们 她们 此人 该人 这位 那位 这个人 那个人".split())
_DEMONSTRATIVE_START = "该这那此其它本"
_NOT_DEMONSTRATIVE = frozenset("那么 这么 这样 那样 这里 那里 本来 其实 其他 其它 本人".split())

Kind = str  # "person" | "place" | "time" | "thing"


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


@dataclass(frozen=True)
class Token:
    word: str
    tag: str
    start: int


@dataclass(frozen=True)
class Phrase:
    """A run of nouns (and numbers) in a question, with its offsets in that question."""

    text: str
    start: int
    end: int
    kind: Kind
    specific: bool
    after: str | None  # the preposition right before it, if any


def _is_nominal(tag: str) -> bool:
    return tag.startswith("n") or tag in _PROPER_TAGS or tag == "l"


def _is_date(run: list[Token]) -> bool:
    return all(t.tag in _NUMERIC_TAGS for t in run) and run[-1].word[-1] in _DATE_UNITS


def _is_pronoun(token: Token) -> bool:
    if token.word in PERSON_PRONOUNS:
        return True
    return (
        token.tag == "r"
        and token.word[0] in _DEMONSTRATIVE_START
        and token.word not in _NOT_DEMONSTRATIVE
        and not _QUESTION_WORD.search(token.word)
    )


def _looks_like_question(text: str) -> bool:
    return bool(_QUESTION_WORD.search(text)) or text.rstrip()[-1:] in "？?" or text.rstrip(_TRAILING)[-1:] in "呢吗"


class FollowUpResolver:
    """Rewrites follow-up questions into self-contained retrieval queries (see the module docstring)."""

    def __init__(self, weight: Callable[[str], float] = term_weight) -> None:
        self.weight = weight
        # A jieba instance of our own, like qa.text.segmentation.Tokenizer, so nothing global is touched.
        self._tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
        self._tagger.tokenizer.initialize()

    # -- analysis ---------------------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        tokens, position = [], 0
        for pair in self._tagger.lcut(text):
            tokens.append(Token(pair.word, pair.flag, position))
            position += len(pair.word)
        return tokens

    def phrases(self, text: str, tokens: list[Token] | None = None) -> list[Phrase]:
        """Maximal runs of nouns, proper names and numbers; question words and verbs end a run."""
        tokens = self.tokens(text) if tokens is None else tokens
        phrases: list[Phrase] = []
        run: list[Token] = []
        before: Token | None = None

        def close() -> None:
            if run:
                phrases.append(self._phrase(text, run, before.word if before and before.tag == "p" else None))
                run.clear()

        for i, token in enumerate(tokens):
            joins = not _QUESTION_WORD.search(token.word) and (
                _is_nominal(token.tag) or token.tag in _NUMERIC_TAGS or (token.tag == "vn" and bool(run))
            )
            # jieba cuts 推进会 into 推进/会: a verb followed by a one-character noun ending stays in the run.
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            joins = joins or bool(run and token.tag.startswith("v") and nxt and nxt.word in _NOUN_ENDINGS)
            joins = joins or bool(run and token.word in _NOUN_ENDINGS and run[-1].tag.startswith("v"))
            if joins and run and _is_nominal(token.tag) and _is_date(run):
                close()  # 2024年 | 无锡: a date is a phrase of its own
            if joins:
                run.append(token)
                continue
            close()
            before = token
        close()
        return phrases

    def _phrase(self, text: str, run: list[Token], after: str | None) -> Phrase:
        tags = [t.tag for t in run]
        if any(tag.startswith("nr") for tag in tags):
            kind = "person"
        elif all(tag in _NUMERIC_TAGS for tag in tags):
            kind = "time"
        elif [tag for tag in tags if _is_nominal(tag)][-1] == "ns":
            kind = "place"
        else:
            kind = "thing"
        specific = (
            kind != "thing"
            or len(run) > 1
            or any(tag in _PROPER_TAGS for tag in tags)
            or max(self.weight(t.word) for t in run) >= SPECIFIC_WEIGHT
        )
        start, end = run[0].start, run[-1].start + len(run[-1].word)
        return Phrase(text[start:end], start, end, kind, specific, after)

    def _specific(self, text: str) -> list[Phrase]:
        return [p for p in self.phrases(text) if p.specific]

    # -- resolution -------------------------------------------------------------------------------

    def resolve(self, question: str, history: Sequence[Message] = ()) -> Resolution:
        """Understand ``question`` in the context of the earlier user turns of ``history``."""
        question = question.strip()
        if not question:
            raise ValueError("question is empty")
        context: Resolution | None = None
        user_turns = [m.content.strip() for m in history if m.role == "user" and m.content.strip()]
        for turn in user_turns[-MAX_USER_TURNS:]:
            resolved = self._resolve_one(turn, context)
            # Small talk (你好, 谢谢) does not change the topic.
            if (resolved.is_follow_up or _looks_like_question(turn)) and self._specific(resolved.query):
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
        if len(body) > MAX_ELLIPSIS_CHARS or _QUESTION_WORD.search(body):
            return None
        tokens = self.tokens(body)
        preposition = tokens[0].word if tokens and tokens[0].tag == "p" and len(tokens) > 1 else None
        phrase_text = body[len(preposition) :] if preposition else body
        phrase_tokens = self.tokens(phrase_text)
        if not (match["lead"] or match["tail"]):
            # Without 那…呢 only a bare phrase asked as a question counts (上海？), not 你好.
            bare = all(_is_nominal(t.tag) or t.tag in _NUMERIC_TAGS or t.tag == "vn" for t in phrase_tokens)
            if not (bare and question.rstrip()[-1:] in "？?"):
                return None
        own = self.phrases(phrase_text, phrase_tokens)
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
