"""The `medcode` CLI collects commands from every installed service package."""

from __future__ import annotations

import pytest

from medcode_common.cli import build_parser
from medcode_common.launch import installed_launches


def test_plugin_commands_are_registered() -> None:
    parser = build_parser()
    for argv in (["run"], ["status"], ["import", "defaults"], ["lookup", "icd10cm", "E11.9"]):
        assert parser.parse_args(argv).handler is not None


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["frobnicate"])
    assert caught.value.code == 2


def test_services_start_in_dependency_order() -> None:
    names = [launch.name for launch in installed_launches()]
    assert names.index("valkey") < names.index("codes") < names.index("search")
    assert names.index("metering") < names.index("gateway")
    assert names.index("accounts") < names.index("gateway")
    assert names.index("search") < names.index("assistant") < names.index("gateway")
    gateway = next(launch for launch in installed_launches() if launch.name == "gateway")
    assert gateway.peers == {
        "MEDCODE_GATEWAY_CODES_ADDR": "codes",
        "MEDCODE_GATEWAY_SEARCH_ADDR": "search",
        "MEDCODE_GATEWAY_ACCOUNTS_ADDR": "accounts",
        "MEDCODE_GATEWAY_METERING_ADDR": "metering",
        "MEDCODE_GATEWAY_ASSISTANT_ADDR": "assistant",
    }
