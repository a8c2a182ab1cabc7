"""The README's configuration tables, generated from the settings classes.

Every MedCode process reads its configuration through pydantic-settings classes; their
fields (environment variable, default, description) are the truth, so the README is made
from them rather than kept by hand. `make docs` rewrites the README between the markers;
`tests/test_readme_settings.py` fails when the README and the classes disagree.

    python scripts/settings_table.py [--write]
"""

from __future__ import annotations

import argparse
import sys
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings

from medcode_accounts.mail_sink import MailSinkSettings
from medcode_accounts.settings import AccountsSettings
from medcode_assistant.settings import AssistantSettings
from medcode_codes.settings import CodesSettings
from medcode_common.events import EventSettings
from medcode_common.logs import LogSettings
from medcode_common.service_auth import ServiceAuthSettings
from medcode_gateway.settings import GatewaySettings
from medcode_metering.embedded_valkey import EmbeddedValkeySettings
from medcode_metering.settings import MeteringSettings
from medcode_search.settings import SearchSettings

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"
#: Each process's settings, in the order the README lists them.
SECTIONS: tuple[tuple[str, type[BaseSettings]], ...] = (
    ("gateway", GatewaySettings),
    ("codes service", CodesSettings),
    ("search service", SearchSettings),
    ("metering service", MeteringSettings),
    ("accounts service", AccountsSettings),
    ("assistant service (CasePilot)", AssistantSettings),
    ("service identity (every service and the gateway)", ServiceAuthSettings),
    ("event bus (every service)", EventSettings),
    ("logging (every process)", LogSettings),
    ("embedded Valkey (`medcode run`)", EmbeddedValkeySettings),
    ("local mail sink (`medcode run`)", MailSinkSettings),
)


def shown(value: Any) -> str:
    """A default as an operator would write it in the environment."""
    if value is None or isinstance(value, SecretStr) and not value.get_secret_value():
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "empty"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if str(value) != "" else "empty"


def rows(settings: type[BaseSettings]) -> list[str]:
    """One table row per field: variable, default, meaning."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    found = []
    for name, field in settings.model_fields.items():
        if not field.description:
            raise ValueError(f"{settings.__name__}.{name} has no description")
        default = "required" if field.default is PydanticUndefined else shown(field.default)
        if field.default_factory is not None:
            default = shown(field.default_factory())  # type: ignore[call-arg]
        meaning = " ".join(field.description.split()).replace("|", "\\|")
        meaning = meaning.replace("<", "&lt;").replace(">", "&gt;")  # not HTML tags
        found.append(f"| `{prefix}{name.upper()}` | {default} | {meaning} |")
    return found


def tables() -> str:
    """Every section's table, as Markdown."""
    blocks = []
    for title, settings in SECTIONS:
        header = [f"**{title}**", "", "| variable | default | meaning |", "|---|---|---|"]
        blocks.append("\n".join([*header, *rows(settings)]))
    return "\n\n".join(blocks) + "\n"


def with_tables(readme: str) -> str:
    """The README with its generated section replaced by the current tables."""
    head, begin, rest = readme.partition(BEGIN)
    _old, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"README.md lacks the {BEGIN} ... {END} markers")
    return f"{head}{BEGIN}\n{tables()}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md in place")
    args = parser.parse_args(argv)
    if args.write:
        README.write_text(with_tables(README.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(tables())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
