"""Request and response models of the admin API."""

from pydantic import BaseModel, Field

from qa.build import BuildSummary


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
