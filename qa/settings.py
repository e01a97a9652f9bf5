"""All settings in one place, overridable by environment variables prefixed ``QA_``."""

import datetime
import json
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_MODEL = "m3e-small"
# Chunking defaults (qa.indexing.chunking): about 2-4 sentences of news text, a sentence or so repeated.
DEFAULT_CHUNK_SIZE = 240
DEFAULT_CHUNK_OVERLAP = 90
# The largest max_tokens a chat request may carry (422 beyond); QA_LLM_MAX_TOKENS caps what is asked of the upstream.
LLM_MAX_TOKENS_LIMIT = 32_768
# A shorter admin token can be guessed: the server refuses to start with one (qa.api.routes.admin).
MIN_ADMIN_TOKEN_CHARS = 16
# The refusal point of the answerability judge (qa.answering.judge.DEFAULT_MIN_CONFIDENCE is the same).
DEFAULT_MIN_CONFIDENCE = 0.15


class Settings(BaseSettings):
    """Service and build settings. ``QA_MODEL=...`` overrides ``model``, and so on."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of article files (.txt pages, .jsonl).")
    index_dir: Path = Field(Path("index"), description="Folder the built index is written to and served from.")
    default_date: datetime.date | None = Field(
        None,
        description="Publication date (YYYY-MM-DD) of corpus articles that print none, have no sidecar and "
        "no date in their file name (docs/formats.md).",
    )
    model: str = Field(
        BUNDLED_MODEL,
        description="Embedding model: 'm3e-small' (bundled, research-only licence) or any "
        "sentence-transformers model name or local path.",
    )
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the server listens on.")
    chunk_size: int = Field(DEFAULT_CHUNK_SIZE, ge=50, le=4000, description="Target chunk length in characters.")
    chunk_overlap: int = Field(
        DEFAULT_CHUNK_OVERLAP, ge=0, le=1000, description="Characters of context repeated between chunks."
    )
    batch_size: int = Field(
        8,
        ge=1,
        le=1024,
        description="Texts the model embeds at once (8: about 1.5x the chunks/s of 32 on 2 CPU cores, "
        "see docs/BENCHMARKS.md).",
    )
    candidates: int = Field(30, ge=1, le=1000, description="Candidates each retriever contributes to fusion.")
    min_confidence: float = Field(
        DEFAULT_MIN_CONFIDENCE,
        ge=0.0,
        le=1.0,
        description="Refuse an answer whose confidence (the estimated chance it is right, 0-1) is below this; "
        "0: only the rules refuse. Higher refuses more questions the corpus cannot answer and more it can: "
        "the curve is in docs/EVAL.md.",
    )
    log_level: str = Field("info", description="Log level of the server.")
    # Chat (qa/chat): the OpenAI-compatible endpoint and the optional upstream answer writer.
    chat_model_name: str = Field("newsqa", min_length=1, description="Model name /v1/models lists and replies carry.")
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible upstream (e.g. http://host:8080/v1) that writes answers; unset: extractive.",
    )
    llm_model: str | None = Field(None, description="Model name sent to the upstream (required with llm_base_url).")
    llm_api_key: SecretStr | None = Field(None, description="API key for the upstream, if it needs one.")
    llm_timeout: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Seconds to wait for the upstream's reply to start, and between two streamed pieces, before "
        "falling back to the extractive answer.",
    )
    llm_deadline: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="Seconds one generated answer may take in all; beyond, the extractive answer is given "
        "(appended, when part of the answer was streamed already).",
    )
    llm_max_chars: int = Field(
        4000, ge=1, le=1_000_000, description="Characters a generated answer may have; beyond, as for llm_deadline."
    )
    llm_max_tokens: int = Field(
        1024,
        ge=1,
        le=LLM_MAX_TOKENS_LIMIT,
        description="Tokens asked of the upstream per answer: a chat request's max_tokens is capped to it, and it "
        "is sent when the request gives none.",
    )
    # Index lifecycle: versions, builds, live reload, admin API.
    keep_versions: int = Field(3, ge=2, le=1000, description="Index versions kept on disk (current one included).")
    build_lock_timeout: float = Field(
        30.0, ge=0, description="Seconds a build waits for another running build before giving up."
    )
    reload_interval: float = Field(
        1.0, ge=0, description="Seconds between checks for a new index version in the server (0: off)."
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token of the admin API (POST/DELETE /articles, /admin/*), at least "
        f"{MIN_ADMIN_TOKEN_CHARS} characters; unset, empty or only whitespace: disabled.",
    )
    # Scale-out (qa/embedders/ray.py, qa/api/serve.py): serving processes, memory-mapped indexes, embedding on Ray.
    workers: int = Field(1, ge=1, le=64, description="Server worker processes sharing the index (uvicorn workers).")
    mmap_index: bool = Field(True, description="Memory-map the FAISS and BM25 files of the served version.")
    ray_actors: int = Field(
        0, ge=0, le=10_000, description="Embedding actors of a Ray build (0: one per available CPU of the cluster)."
    )
    ray_cpus_per_actor: float = Field(1.0, gt=0, le=256, description="CPUs Ray reserves for each embedding actor.")
    # Where versions are served from (qa/index/stores.py, docs/scaling.md): the index folder, or Milvus.
    index_store: Literal["faiss", "milvus"] = Field(
        "faiss",
        description="'faiss': versions are files in QA_INDEX_DIR, served from this machine (fastest on one machine); "
        "'milvus': builds also publish each version to Milvus at QA_MILVUS_URI and servers answer from there, "
        "needing nothing on local disk (docs/scaling.md).",
    )
    milvus_uri: str = Field(
        "index/milvus.db",
        description="With QA_INDEX_STORE=milvus: a file path runs Milvus Lite inside the process (one process "
        "per file); http://host:19530 is a Milvus server or cluster, or `milvus-lite server`.",
    )
    milvus_token: SecretStr | None = Field(
        None, description="Credentials of the Milvus server ('user:password' or an API key), if it needs them."
    )
    milvus_collection: str = Field(
        "newsqa",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
        description="Name of the alias naming the served version in Milvus; versions are collections named after "
        "it, so several indexes can share one Milvus.",
    )
    # Performance (bench/, docs/BENCHMARKS.md): index type by size, threads and caches of the server.
    dense_flat_max: int = Field(
        20_000, ge=0, description="Exact (flat) vector index up to this many chunks; an IVF index beyond."
    )
    dense_nprobe: int = Field(16, ge=1, le=65536, description="IVF lists scanned per question (more: closer to exact).")
    serve_threads: int = Field(1, ge=0, le=256, description="torch and FAISS threads per server process (0: default).")
    backend: Literal["torch", "onnx"] = Field(
        "onnx",
        description="Runs the embedding model: onnx (ONNX Runtime, exported once) or torch (sentence-transformers).",
    )
    quantize: Literal["none", "int8"] = Field(
        "int8", description="Embedding model weights: int8 (dynamic quantisation, ~2x faster on CPU) or none (float)."
    )
    query_cache: int = Field(1024, ge=0, description="Question vectors remembered per server process (0: none).")
    timezone: str = Field(
        "Asia/Shanghai",
        description="Time zone whose current date relative dates in questions (昨天, 上周) count from, when a "
        "request gives no 'today' (an IANA name such as Asia/Shanghai or UTC).",
    )

    # Reliability and security of the HTTP layer (qa/api/middleware.py, qa/api/serve.py).
    limit_concurrency: int = Field(
        256,
        ge=1,
        le=1_000_000,
        description="Connections a server process holds at once (idle kept-alive ones included); beyond, requests "
        "get 503 at once. python server.py; under uvicorn: --limit-concurrency.",
    )
    timeout_keep_alive: int = Field(
        5,
        ge=1,
        le=3600,
        description="Seconds an idle kept-alive connection stays open. python server.py; under uvicorn: "
        "--timeout-keep-alive.",
    )
    header_timeout: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a request's headers before it gets 408 and the connection is "
        "closed. python server.py only (uvicorn has no such option: use a reverse proxy).",
    )
    docs: bool = Field(
        False,
        description="Serve the interactive API pages /docs and /redoc, which load their scripts from a CDN "
        "(cdn.jsdelivr.net); off: only /openapi.json describes the API.",
    )
    admin_max_waiting: int = Field(
        4,
        ge=0,
        le=1000,
        description="Admin requests of one server process that may wait for its running build; more get 429 at once.",
    )
    max_body_bytes: int = Field(1024 * 1024, ge=1, description="Largest request body accepted (413 beyond).")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser (comma-separated or a JSON list; '*': any); "
        "empty: no cross-origin calls.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}: use an IANA name such as Asia/Shanghai") from None
        return value

    def today(self) -> datetime.date:
        """The current date in ``timezone``."""
        return datetime.datetime.now(ZoneInfo(self.timezone)).date()

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """Accept ``https://a.example,https://b.example`` as well as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value
