"""Read a request's query parameters the way its FastAPI route declares them, for fast paths.

A fast path answers before routing; to answer exactly like its route it must accept exactly
the route's parameters, with the route's defaults and bounds. Reading them from the route's
own declaration, instead of a copy, keeps the two from drifting. Whatever this reader is not
sure of raises `NotPlain`: the fast path steps aside and the route decides.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen
from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import QueryParams

#: Pydantic's spellings of a boolean query parameter, lower-cased.
BOOLEANS = {
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False),
}


class NotPlain(ValueError):
    """A parameter the route should judge: the fast path steps aside."""


@dataclass(frozen=True, slots=True)
class QueryParameter:
    """One query parameter as its route declares it."""

    name: str  # as sent in the URL (the alias)
    argument: str  # the route function's argument
    kind: type  # int, bool or str
    default: Any
    required: bool
    ge: int | None = None
    le: int | None = None
    max_length: int | None = None


def _plain_type(annotation: Any) -> type:
    """`int` for `int`, `str` for `str | None`; anything else is not a plain parameter."""
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [kind for kind in get_args(annotation) if kind is not type(None)]
        annotation = kinds[0] if len(kinds) == 1 else None
    if annotation not in (int, bool, str):
        raise TypeError(f"a fast path cannot read a {annotation!r} parameter")
    return annotation  # type: ignore[no-any-return]


def find_route(router: APIRouter, path: str, method: str = "GET") -> APIRoute:
    """The route of `router` serving `method path` (the path as the router declares it)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path == path and method in (route.methods or ()):
            return route
    raise LookupError(f"no {method} {path} route")


def _query_fields(dependant: Dependant) -> list[Any]:
    """The query parameters of a dependant and of every dependency below it."""
    fields = list(dependant.query_params)
    for below in dependant.dependencies:
        fields.extend(_query_fields(below))
    return fields


def query_parameters(route: APIRoute) -> tuple[QueryParameter, ...]:
    """The route's query parameters (its own and its dependencies') with defaults and bounds."""
    found = []
    for field in _query_fields(route.dependant):
        info = field.field_info
        bounds = {type(rule): rule for rule in info.metadata}
        found.append(
            QueryParameter(
                name=field.alias,
                argument=field.name,
                kind=_plain_type(info.annotation),
                default=None if info.is_required() else info.default,
                required=info.is_required(),
                ge=bounds[Ge].ge if Ge in bounds else None,  # type: ignore[attr-defined]
                le=bounds[Le].le if Le in bounds else None,  # type: ignore[attr-defined]
                max_length=bounds[MaxLen].max_length if MaxLen in bounds else None,  # type: ignore[attr-defined]
            )
        )
    return tuple(found)


def _value(parameter: QueryParameter, text: str) -> Any:
    if parameter.kind is bool:
        if text.lower() not in BOOLEANS:
            raise NotPlain(parameter.name)
        return BOOLEANS[text.lower()]
    if parameter.kind is int:
        if not (text.isascii() and text.isdigit()):
            raise NotPlain(parameter.name)
        number = int(text)
        if (parameter.ge is not None and number < parameter.ge) or (
            parameter.le is not None and number > parameter.le
        ):
            raise NotPlain(parameter.name)
        return number
    if parameter.max_length is not None and len(text) > parameter.max_length:
        raise NotPlain(parameter.name)
    return text


def read_plain(query: QueryParams, parameters: tuple[QueryParameter, ...]) -> Mapping[str, Any]:
    """The route function's keyword arguments for `query`, or NotPlain.

    Unknown or repeated parameters, a missing required one, and any value the route might
    read differently (signs, spaces, out-of-range numbers) are not plain.
    """
    if len(query) != len(query.multi_items()):
        raise NotPlain("a repeated parameter")
    known = {parameter.name: parameter for parameter in parameters}
    if not known.keys() >= query.keys():
        raise NotPlain("an unknown parameter")
    values: dict[str, Any] = {}
    for parameter in parameters:
        text = query.get(parameter.name)
        if text is None:
            if parameter.required:
                raise NotPlain(parameter.name)
            values[parameter.argument] = parameter.default
        else:
            values[parameter.argument] = _value(parameter, text)
    return values
