"""Request and response models of the admin API."""

from typing import Any

from pydantic import BaseModel, Field

from qa.api.schemas.ask import NOT_BLANK
from qa.indexing.corpus_edits import MAX_ARTICLES_PER_REQUEST, MAX_AUTHORS, RECORD_TEXT_FIELDS
from qa.indexing.summary import BuildSummary
from qa.ingest.jsonl import ARTICLE_ID_MAX, ARTICLE_ID_RE, MAX_TITLE_CHARS, OPTIONAL_FIELDS

# POST /articles reads its body itself (qa/indexing/corpus_edits.py: parse_records), so that a 422 names the item and
# field in the words of the JSON Lines rules. This schema documents exactly those rules.
_OPTIONAL_TEXT = {"type": ["string", "null"]}
ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Article",
    "description": "The JSON Lines fields: title and body (or paragraphs) required; other fields are ignored.",
    "required": ["title"],
    "properties": {
        "id": {
            "type": ["string", "null"],
            "pattern": ARTICLE_ID_RE.pattern,
            "maxLength": ARTICLE_ID_MAX,
            "description": "Letters, digits, '.', '_', '-' (no '..'); derived from the content when absent.",
        },
        "title": {"type": "string", "pattern": NOT_BLANK, "maxLength": MAX_TITLE_CHARS},
        "body": {"description": "Paragraphs separated by line breaks (a string; ignored when paragraphs is given)."},
        "paragraphs": {"type": ["array", "null"], "items": {"type": "string"}},
        **{name: _OPTIONAL_TEXT for name in (*OPTIONAL_FIELDS, "source")},
        "authors": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "maxItems": MAX_AUTHORS,
            "description": "Every author in printed order; 'author', when not given, is them joined by '、'.",
        },
        **{name: _OPTIONAL_TEXT for name in RECORD_TEXT_FIELDS},
    },
    # Text comes from 'paragraphs' when given (not null), else from 'body'; either must hold some text.
    "anyOf": [
        {
            "required": ["paragraphs"],
            "properties": {"paragraphs": {"type": "array", "contains": {"type": "string", "pattern": NOT_BLANK}}},
        },
        {
            "required": ["body"],
            "properties": {"body": {"type": "string", "pattern": NOT_BLANK}, "paragraphs": {"type": "null"}},
        },
    ],
}
ARTICLES_SCHEMA: dict[str, Any] = {
    "anyOf": [
        ARTICLE_SCHEMA,
        {"type": "array", "items": ARTICLE_SCHEMA, "minItems": 1, "maxItems": MAX_ARTICLES_PER_REQUEST},
    ],
    "description": "One article, or a list of them with distinct ids.",
}


class ReindexRequest(BaseModel):
    full: bool = Field(False, strict=True, description="true: rebuild everything; false: update what changed.")


class BuildOut(BaseModel):
    version: str = Field(description="The index version the build produced (or kept, when up to date).")
    full: bool
    up_to_date: bool = Field(description="Nothing had changed: no new version was written.")
    articles: int
    chunks: int
    files: int
    added: int
    changed: int
    removed: int
    reused: int = Field(description="Unchanged articles.")
    embedded: int = Field(description="Chunk texts embedded by this build (the rest came from the cache).")
    parsed_files: int = Field(description="Corpus files read by this build (the rest were unchanged).")
    deleted: int = Field(description="Articles left out because they are listed in corpus/.deleted.")
    removed_versions: list[str]
    skipped: list[str] = Field(description="Problems in corpus files (file, line and reason).")
    seconds: float

    @classmethod
    def of(cls, summary: BuildSummary) -> "BuildOut":
        fields = summary.to_dict()
        return cls(**{**{name: fields[name] for name in cls.model_fields}, "seconds": round(summary.seconds, 3)})


class UpdateOut(BaseModel):
    ids: list[str] = Field(description="The articles added or deleted (empty for a reindex).")
    build: BuildOut
    serving: str | None = Field(description="The index version the server answers from after the update.")
