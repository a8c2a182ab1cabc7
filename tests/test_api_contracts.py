"""The OpenAPI contract is the API: every JSON route declares a response model listing every
field it returns, and real answers of the running stack match it.

Partners generate clients from `/openapi.json`. A field the model does not list would be
invisible to them, so the models forbid extras and these checks validate real rendered
answers (code pages with every data set loaded, edits, crosswalks, search, accounts) against
the model the route declares; error answers must be documented problem documents.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter
from starlette.routing import Match

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_accounts.testing import MailSinkThread
from medcode_gateway.app import AREAS
from medcode_gateway.assistant.schemas import AskOut
from medcode_gateway.codes import schemas as codes_schemas
from medcode_gateway.core import health
from medcode_gateway.core.schemas import COMMON_PROBLEMS, PROBLEM_JSON, Out, ProblemOut
from medcode_gateway.edits import schemas as edits_schemas

ROUTES = [
    route
    for area in (health, *AREAS)
    for route in area.router.routes
    if isinstance(route, APIRoute)
]


def route_for(method: str, path: str) -> APIRoute:
    """The route that serves `method path`."""
    scope = {"type": "http", "method": method, "path": path}
    for route in ROUTES:
        if route.matches(scope)[0] is Match.FULL:
            return route
    raise LookupError(f"no route serves {method} {path}")


def check_answer(response: httpx.Response) -> None:
    """A success matches the route's response model; an error is a documented problem."""
    route = route_for(response.request.method, response.request.url.path)
    status = response.status_code
    if status == 204:
        assert not response.content and route.status_code == 204
        return
    if status < 300:
        assert route.response_model is not None, f"{route.path} declares no response model"
        TypeAdapter(route.response_model).validate_python(response.json())
        return
    documented = {str(code) for code in {**route.responses, **COMMON_PROBLEMS}}
    assert str(status) in documented, f"{route.path} answered an undocumented {status}"
    assert response.headers["content-type"] == PROBLEM_JSON
    ProblemOut.model_validate(response.json())


GETS = [
    "/healthz",
    "/readyz",
    "/v1/releases",
    "/v1/codes/icd10cm/E11.9",
    "/v1/codes/icd10cm/S72.001A",
    "/v1/codes/icd10cm/H34.811",
    "/v1/codes/icd10cm/W94.11XA",
    "/v1/codes/icd10cm/J96.01",
    "/v1/codes/icd10cm/Z40.01",
    "/v1/codes/icd10cm/C34.90",
    "/v1/codes/icd10pcs/0016070",
    "/v1/codes/hcpcs/G0008",
    "/v1/codes/hcpcs/LT",
    "/v1/codes/cpt/64490",
    "/v1/codes/cpt/64491",
    "/v1/codes/cpt/70553",
    "/v1/codes/icd10cm/E11/children",
    "/v1/edits/ptp?codes=64490,64493,77003&date=2026-05-01",
    "/v1/edits/mue/64490",
    "/v1/crosswalk/gems?code=250.00",
    "/v1/crosswalk/gems?code=E11.9&from=icd10cm",
    "/v1/codes/icd10cm/J96.01/cc-exclusions",
    "/v1/codes/icd10cm/J96.01/cc-exclusions?principal=J96.00",
    "/v1/datasets",
    "/v1/search?q=asthma",
    "/v1/search?q=e119",
    "/v1/suggest?q=asth",
    "/api/icd10cm/v3/search?terms=asthma",
    "/v1/meter",
    # errors: each must be a documented problem
    "/v1/codes/icd10cm/Q99.999",
    "/v1/codes/icd10cm/!!",
    "/v1/codes/icd9/250.00",
    "/v1/search?q=",
    "/v1/search?q=asthma&limit=0",
    "/v1/edits/ptp?codes=64490",
    "/v1/me",
]


@pytest.mark.parametrize("url", GETS)
def test_real_answers_match_the_declared_models(api: httpx.Client, url: str) -> None:
    check_answer(api.get(url))


def test_validation_answers_match_the_declared_models(api: httpx.Client) -> None:
    good = api.post("/v1/codes/validate", json={"system": "icd10cm", "codes": ["E11", "e119"]})
    assert good.status_code == 200
    check_answer(good)
    bad = api.post("/v1/codes/validate", json={"system": "icd10cm", "codes": []})
    assert bad.status_code == 422
    check_answer(bad)


def test_assistant_answers_match_the_declared_models(api: httpx.Client) -> None:
    """CasePilot answers (a partner key: quota, not questions) and their refusals."""
    answers = [
        api.post("/v1/assistant/ask", json={"question": "Is N18.6 an MCC?"}),
        api.post("/v1/assistant/ask", json={"question": "What does modifier 25 mean?"}),
        api.post("/v1/assistant/ask", json={"question": "What is I10.9?"}),
        api.post("/v1/assistant/ask", json={"question": ""}),
        api.post("/v1/assistant/ask/stream", json={"question": "x" * 2001}),
        api.post("/v1/case2code", json={"text": ""}),
        api.post("/v1/case2code", json={"text": "Type 2 diabetes, denies chest pain."}),
    ]
    assert [a.status_code for a in answers[:6]] == [200, 200, 200, 422, 422, 422]
    assert answers[6].status_code in (200, 404)  # 404 until Case2Code is wired
    for answer in answers:
        check_answer(answer)
    stream = api.post("/v1/assistant/ask/stream", json={"question": "Is N18.6 an MCC?"})
    assert stream.headers["content-type"].startswith("text/event-stream")
    final = stream.text.rsplit("event: final\ndata: ", 1)[1]
    AskOut.model_validate_json(final)


def test_account_answers_match_the_declared_models(
    api: httpx.Client, accounts_mail_sink: MailSinkThread
) -> None:
    """A user's whole journey: sign up, confirm, sign in, refresh, profile, meter, keys, out."""
    email = f"contract-{uuid.uuid4().hex[:12]}@example.org"
    credentials = {"email": email, "password": "a long and unusual passphrase 42"}
    with httpx.Client(base_url=str(api.base_url), timeout=30) as client:
        answers = [client.post("/v1/auth/register", json=credentials)]
        token = accounts_mail_sink.confirmation_token(email)
        answers.append(client.get("/v1/auth/confirm", params={"token": token}))
        answers.append(client.get("/v1/auth/confirm", params={"token": token}))  # used: 404
        answers.append(client.post("/v1/auth/login", json=credentials))
        session = answers[-1].json()
        bearer = {"Authorization": f"Bearer {session['access_token']}"}
        answers.append(
            client.post("/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
        )
        answers.append(client.get("/v1/me", headers=bearer))
        answers.append(client.get("/v1/meter", headers=bearer))
        answers.append(client.get("/v1/me/api-keys", headers=bearer))
        answers.append(client.post("/v1/me/api-keys", json={"name": "x"}, headers=bearer))
        answers.append(client.post("/v1/auth/login", json={**credentials, "password": "wrong"}))
        answers.append(client.post("/v1/auth/logout", headers=bearer))
    assert [a.status_code for a in answers] == [
        *(202, 200, 404),
        *(200, 200, 200, 200, 200, 403, 401, 204),
    ]
    for answer in answers:
        check_answer(answer)


def test_every_json_route_declares_a_response_model() -> None:
    missing = [
        f"{sorted(route.methods)} {route.path}"
        for route in ROUTES
        if route.response_model is None
        and route.status_code != 204
        and getattr(route.response_class, "media_type", None) != "text/event-stream"
    ]
    assert not missing


def test_response_models_forbid_unlisted_fields() -> None:
    """Any field a route returns but its model does not list fails the checks above."""
    models = [
        model
        for route in ROUTES
        for model in _models(route.response_model)
        if model is not ProblemOut
    ]
    assert models and all(issubclass(model, Out) for model in models), models


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models in a response annotation and in its fields, at any depth."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        below = [m for field in annotation.model_fields.values() for m in _models(field.annotation)]
        if annotation.model_fields.keys() == {"root"}:
            return below  # a RootModel (the Clinical Tables array): its values only
        return [annotation, *below]
    return [model for arg in getattr(annotation, "__args__", ()) for model in _models(arg)]


#: Code-page sections rendered field by field from their protobuf message.
PROTO_RENDERED = [
    (codes_schemas.FeeScheduleOut, pb.FeeScheduleEntry),
    (codes_schemas.MueOut, pb.MueValue),
    (codes_schemas.CcStatusOut, pb.CcStatus),
    (codes_schemas.GemMappingOut, pb.GemMapping),
    (codes_schemas.DatasetStatusOut, pb.DatasetStatus),
    (edits_schemas.PtpPairOut, pb.PtpPair),
]


@pytest.mark.parametrize(("model", "message"), PROTO_RENDERED, ids=lambda x: x.__name__)
def test_a_model_lists_every_field_of_the_message_it_renders(model: Any, message: Any) -> None:
    assert set(model.model_fields) == {field.name for field in message.DESCRIPTOR.fields}
