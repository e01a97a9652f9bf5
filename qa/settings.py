"""All settings in one place, overridable by environment variables prefixed ``QA_``."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "m3e-small"


class Settings(BaseSettings):
    """Service and build settings. ``QA_MODEL=...`` overrides ``model``, and so on."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of article files (.txt pages, .jsonl).")
    index_dir: Path = Field(Path("index"), description="Folder the built index is written to and served from.")
    model: str = Field(
        BUNDLED_MODEL,
        description="Embedding model: 'm3e-small' (bundled, research-only licence) or any "
        "sentence-transformers model name or local path.",
    )
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the server listens on.")
    chunk_size: int = Field(240, ge=50, le=4000, description="Target chunk length in characters.")
    chunk_overlap: int = Field(90, ge=0, le=1000, description="Characters of context repeated between chunks.")
    batch_size: int = Field(32, ge=1, le=1024, description="Embedding batch size.")
    candidates: int = Field(30, ge=1, le=1000, description="Candidates each retriever contributes to fusion.")
    log_level: str = Field("info", description="Log level of the server.")


def get_settings() -> Settings:
    """Read settings from the environment (fresh each call, so tests can override)."""
    return Settings()
