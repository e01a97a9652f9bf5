"""The OpenAI chat-completions protocol objects: requests in, completions, stream chunks and errors out.

Only what a chat client needs: ``messages`` (text content), ``stream``, ``model`` (any name is accepted;
replies carry the service's own), ``n`` = 1, and ``temperature`` / ``max_tokens`` (passed to the upstream
generator when there is one). Other OpenAI parameters (``tools``, ``stop``, ``seed``, ...) are accepted and
ignored. Replies add fields of our own: ``citations`` (as in /ask), ``no_answer``, ``confidence``, ``reason`` and
``short_answer``.
"""

import time
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from qa.api.schemas.ask import CitationOut, Confidence, Reason, ShortAnswerOut, TopK, whole_number
from qa.api.schemas.news import NewsFilters
from qa.chat.conversation import MAX_HISTORY_MESSAGES, MAX_MESSAGE_CHARS, Message
from qa.settings import LLM_MAX_TOKENS_LIMIT

MAX_QUESTION_CHARS = 1000  # as /ask's question
# Tokens a request may ask for: more is a 422. The upstream is asked for at most QA_LLM_MAX_TOKENS.
MaxTokens = Annotated[int, Field(ge=1, le=LLM_MAX_TOKENS_LIMIT, strict=True), BeforeValidator(whole_number)]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: str | None = Field(
        None, max_length=MAX_MESSAGE_CHARS, description="Text, or a list of {'type': 'text', 'text': ...} parts."
    )
    name: str | None = None

    @field_validator("content", mode="before")
    @classmethod
    def _text_parts(cls, value: Any) -> Any:
        """Content parts (the newer OpenAI form) are joined; only text parts are understood."""
        if not isinstance(value, list):
            return value
        texts = []
        for part in value:
            kind = part.get("type") if isinstance(part, dict) else type(part).__name__
            if kind != "text" or not isinstance(part.get("text"), str):
                raise ValueError(f"only text content parts are supported, got {kind!r}")
            texts.append(part["text"])
        return "".join(texts)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    include_usage: bool = Field(False, strict=True)


class ChatCompletionRequest(NewsFilters):
    """POST /v1/chat/completions. Unknown OpenAI parameters are accepted and ignored; ``today``, ``date_from``,
    ``date_to`` and ``paper`` are ours, as in /ask."""

    model_config = ConfigDict(extra="allow")

    messages: list[ChatMessage] = Field(
        min_length=1,
        max_length=MAX_HISTORY_MESSAGES + 1,
        description="The conversation; the last message is the user's question.",
    )
    model: str | None = Field(None, description="Accepted and ignored: replies name the service's model.")
    # Strict types: a string or a boolean where a number belongs is an error, not silently converted.
    stream: bool = Field(False, strict=True, description="Server-sent events in the chat.completion.chunk format.")
    n: Annotated[int, Field(ge=1, le=1, strict=True), BeforeValidator(whole_number)] = Field(
        1, description="Only one choice is produced."
    )
    temperature: Annotated[float, Field(ge=0, le=2, strict=True)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1, strict=True)] | None = None
    max_tokens: MaxTokens | None = Field(
        None, description=f"1-{LLM_MAX_TOKENS_LIMIT}; the upstream is asked for at most QA_LLM_MAX_TOKENS."
    )
    max_completion_tokens: MaxTokens | None = Field(None, description="The newer name of max_tokens.")
    stream_options: StreamOptions | None = None
    top_k: TopK = Field(5, description="Passages to retrieve and cite (1-20); ours.")

    @field_validator("messages")
    @classmethod
    def _ends_with_a_question(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        last = messages[-1]
        if last.role != "user":
            raise ValueError(f"the last message must have role 'user', got {last.role!r}")
        question = (last.content or "").strip()
        if not question:
            raise ValueError("the last (user) message has no text")
        if len(question) > MAX_QUESTION_CHARS:
            raise ValueError(f"the question (last message) must be at most {MAX_QUESTION_CHARS} characters")
        return messages

    def question(self) -> str:
        return (self.messages[-1].content or "").strip()

    def history(self) -> list[Message]:
        return [Message("system" if m.role == "developer" else m.role, m.content or "") for m in self.messages[:-1]]

    @property
    def max_output_tokens(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


# -- responses ---------------------------------------------------------------------------------------


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: str | None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: None = Field(None, description="Not counted: the service has no tokenizer of the upstream's.")
    citations: list[CitationOut] = Field(description="What the [n] markers in the content refer to (as in /ask).")
    no_answer: bool = Field(description="True when the corpus does not answer the question.")
    confidence: Confidence = None
    reason: Reason = None
    short_answer: ShortAnswerOut | None = Field(None, description="The answer phrase (as in /ask).")


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def error_body(message: str, kind: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return ErrorResponse(error=ErrorDetail(message=message, type=kind, param=param, code=code)).model_dump()


class Stream:
    """The chunks of one streamed reply: same id, creation time and model in each."""

    def __init__(self, model: str) -> None:
        self.id = new_id()
        self.created = int(time.time())
        self.model = model

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
            **extra,
        }

    def role(self) -> dict[str, Any]:
        return self.chunk({"role": "assistant", "content": ""})

    def content(self, text: str) -> dict[str, Any]:
        return self.chunk({"content": text})

    def final(
        self,
        citations: list[CitationOut],
        no_answer: bool,
        confidence: float | None = None,
        reason: str | None = None,
        short_answer: ShortAnswerOut | None = None,
    ) -> dict[str, Any]:
        return self.chunk(
            {},
            "stop",
            citations=[c.model_dump() for c in citations],
            no_answer=no_answer,
            confidence=confidence,
            reason=reason,
            short_answer=short_answer.model_dump() if short_answer else None,
        )


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"
