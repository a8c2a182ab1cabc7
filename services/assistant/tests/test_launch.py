"""`medcode run` starts the assistant after the services it reads and before the gateway,
and the access policy admits only the gateway."""

from __future__ import annotations

from medcode_assistant.access import POLICY, SERVICE
from medcode_assistant.settings import AssistantSettings
from medcode_common.launch import installed_launches
from medcode_common.service_auth import GATEWAY, undeclared_methods


def test_the_assistant_starts_after_codes_and_search_and_before_the_gateway() -> None:
    names = [launch.name for launch in installed_launches()]
    assert names.index("codes") < names.index("assistant")
    assert names.index("search") < names.index("assistant") < names.index("gateway")
    assistant = next(launch for launch in installed_launches() if launch.name == "assistant")
    assert assistant.peers == {
        "MEDCODE_ASSISTANT_CODES_ADDR": "codes",
        "MEDCODE_ASSISTANT_SEARCH_ADDR": "search",
    }
    assert assistant.default_port == AssistantSettings().port == 50055
    assert assistant.health_service == "medcode.assistant.v1.AssistantService"


def test_only_the_gateway_may_call_any_method() -> None:
    assert not undeclared_methods(SERVICE, POLICY)
    assert {path.rsplit("/", 1)[1]: set(callers) for path, callers in POLICY.items()} == {
        "Ask": {GATEWAY},
        "AskStream": {GATEWAY},
        "Case2Code": {GATEWAY},
    }


def test_generation_is_off_by_default() -> None:
    assert AssistantSettings().llm_url == ""
