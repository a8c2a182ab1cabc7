"""The README's configuration tables are the settings classes, not a copy kept by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import settings_table  # noqa: E402


def test_the_readme_shows_every_setting_as_the_code_defines_it() -> None:
    readme = settings_table.README.read_text(encoding="utf-8")
    assert settings_table.with_tables(readme) == readme, (
        "README.md's configuration tables differ from the settings classes: run `make docs`"
    )


def test_every_variable_of_every_process_is_listed() -> None:
    readme = settings_table.README.read_text(encoding="utf-8")
    for _title, settings in settings_table.SECTIONS:
        prefix = str(settings.model_config["env_prefix"])
        for name in settings.model_fields:
            assert f"`{prefix}{name.upper()}`" in readme


class _Sample(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEDCODE_SAMPLE_")

    ttl_seconds: float = Field(default=30.0, description="How long | and why.")
    names: list[str] = Field(default_factory=list, description="Some names.")
    secret: str = Field(description="Required, no default.")


def test_a_row_says_variable_default_and_meaning() -> None:
    assert settings_table.rows(_Sample) == [
        "| `MEDCODE_SAMPLE_TTL_SECONDS` | 30 | How long \\| and why. |",
        "| `MEDCODE_SAMPLE_NAMES` | empty | Some names. |",
        "| `MEDCODE_SAMPLE_SECRET` | required | Required, no default. |",
    ]


def test_a_setting_without_a_description_is_refused() -> None:
    class Undocumented(BaseSettings):
        port: int = 1

    with pytest.raises(ValueError, match="Undocumented.port has no description"):
        settings_table.rows(Undocumented)
