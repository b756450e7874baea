"""Configuration, read from environment variables (prefix ``SWP_``) or defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"


class Settings(BaseSettings):
    """Where the store lives and the partnership's tunable rules.

    Every field can be set by an environment variable named ``SWP_<FIELD>``,
    for example ``SWP_DB_PATH=/srv/swp/swp.duckdb``.
    """

    model_config = SettingsConfigDict(env_prefix="SWP_", extra="ignore")

    db_path: Path = Field(
        default=PROJECT_ROOT / "data" / "swp.duckdb",
        description="The DuckDB file holding every source.",
    )
    ward_groups_path: Path = Field(
        default=PROJECT_ROOT / "data" / "ward_groups.toml",
        description="Named ward groups offered by the filters.",
    )
    disclosure_threshold: int = Field(
        default=4,
        ge=1,
        le=50,
        description="Sensitive counts from 1 to this value are suppressed for partners.",
    )
    app_url: str = Field(
        default="http://localhost:8501",
        description="Where the app is served: packs and workbooks link back to their view there.",
    )
    earliest_year: int = Field(
        default=2000,
        ge=1900,
        le=2100,
        description="Imports refuse records dated before 1 January of this year (a mistyped year, not history).",
    )
    duckdb_threads: int | None = Field(default=None, ge=1, description="Threads DuckDB may use (default: all cores).")
    reader_memory_limit: str | None = Field(
        default="300MB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$",
        description=(
            "Memory DuckDB may use per reading process (the app, the CLI's reports), e.g. 300MB: it works "
            "within it, spilling to disk if it must, so the server's memory stays bounded at any store size. "
            "Imports are not limited. Empty: DuckDB's own default (80% of the machine's memory)."
        ),
    )

    @field_validator("reader_memory_limit", mode="before")
    @classmethod
    def _empty_is_no_limit(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    page_runs: int = Field(
        default=1,
        ge=1,
        description=(
            "Pages one app process draws at once; later visitors' pages wait their turn. A process runs "
            "Python on one core: pages drawn side by side only share it, at a cost (deploy/README.md)."
        ),
    )
    validate_charts: bool = Field(
        default=False,
        description="Check every chart against the Vega-Lite schema as it is drawn (the tests do; it costs time).",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings for this process (read once)."""
    return Settings()
