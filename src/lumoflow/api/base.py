"""The API object: auth (session or bearer token), RFC 9457 problems, and the input types every
router uses for text, ids and page sizes (pages themselves: `lumoflow.core.pagination`)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.types import DictStrAny
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from lumoflow.core.errors import PROBLEM, LumoFlowError, problem, problem_for
from lumoflow.core.limits import too_long
from lumoflow.core.pagination import MAX_LIMIT
from lumoflow.core.validation import (
    INVISIBLE_MESSAGE,
    MAX_ID,
    VISIBLE_PATTERN,
    has_visible,
    text_problem,
)
from lumoflow.people.queries import user_for_token

log = logging.getLogger(__name__)


def _storable(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("unstorable_text", problem)
    return value


Text = Annotated[
    str, AfterValidator(_storable), Field(json_schema_extra={"pattern": "^[^\\x00]*$"})
]
"""Every string the API takes (body, query, path): text a database can store, else 422."""


def _visible(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("required", "This field is required.")
    if not has_visible(value):
        raise PydanticCustomError("invisible", INVISIBLE_MESSAGE)
    return value


Required = Annotated[
    str,
    AfterValidator(_storable),
    AfterValidator(_visible),
    Field(json_schema_extra={"pattern": f"^[^\\x00]*{VISIBLE_PATTERN}[^\\x00]*$"}),
]
"""Text that must show something (a name, a title, a post's body): refused, as the actions
refuse it, when blank or made of invisible characters only; the schema's pattern says so."""


@dataclass(frozen=True)
class AtMost:
    """`Annotated[Text, AtMost(limits.X)]`: text of at most X characters once stripped, as the
    actions count; longer text gets a 422 with the actions' own message, and the schema says
    `maxLength`."""

    limit: int

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._fits, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["maxLength"] = self.limit
        return found

    def _fits(self, value: str) -> str:
        length = len(value.strip())
        if length > self.limit:
            raise PydanticCustomError("string_too_long", too_long(self.limit, length))
        return value


class BodyIn(Schema):
    """A JSON body: its values are taken as JSON types them, so `"1"` is no number, `true` no
    number and `1` no boolean (each a 422), as the schema says. Days are ISO strings (`Day`)."""

    model_config = ConfigDict(strict=True)


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value: object) -> object:
    # pydantic would read "0" or "1700000000" as seconds since 1970; the schema says full-date
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "Give a day as text, YYYY-MM-DD.")


def _json_whole(value: object) -> object:
    # JSON has one number type: 3.0 is the integer 3, as JSON Schema reads it; true is not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


JSON_WHOLE = BeforeValidator(_json_whole)
"""`Annotated[int, Field(ge=…, le=…), Strict(False), JSON_WHOLE]`: a whole number in a JSON
body, an integer or a number with no fraction (3.0), never a boolean or a string. The bounds
come first, so the schema states them."""

Day = Annotated[dt.date, Strict(False), BeforeValidator(_iso_text)]
"""A day in a JSON body or a query: an ISO 8601 string (YYYY-MM-DD), never a number."""
From = Annotated[Day | None, Query(None, alias="from", description="First day (YYYY-MM-DD, UTC).")]
To = Annotated[Day | None, Query(None, alias="to", description="Last day, included.")]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""Every id the API takes: a positive 64-bit integer, else 422 (it names no row)."""


BodyId = Annotated[int, Field(ge=1, le=MAX_ID), Strict(False), JSON_WHOLE]
"""An id in a JSON body (`Id`, as a JSON number)."""

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
"""A page size: 1 to 100, else 422."""


class BearerToken(HttpBearer):
    """`Authorization: Bearer <personal access token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The signed-in browser session (CSRF-checked for unsafe methods)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to protect from forgery: the call is
        # unauthenticated (401), not a failed CSRF check (403).
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


ERRORS: dict[int, str] = {
    400: "Malformed request (the body is not valid JSON, or not a JSON object).",
    401: "Authentication required: no signed-in session and no valid token.",
    403: "Forbidden: the caller lacks the role, or a signed-in browser's CSRF check failed.",
    404: "Not found, or not visible to the caller (the same answer for both).",
    422: "Invalid input; `errors` names each field.",
    500: "Internal error (logged).",
}
"""The problems (RFC 9457, `application/problem+json`) every operation can answer."""

UNSAFE_ERRORS: dict[int, str] = {
    409: "Conflict with the current state (a duplicate, the last owner, an archived workspace).",
    413: "The request body is past its limit (LUMOFLOW_MAX_REQUEST_BYTES); nothing was read or "
    "changed.",
}
"""The problems every operation that changes something can answer as well."""

PROBLEM_SCHEMA: dict[str, object] = {
    "type": "object",
    "title": "Problem",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "Any text (1 to 255 characters, something visible) naming this request: a retry with "
        "the same key by the same person gets the first answer instead of a second write; the "
        "same key with another request answers 422. Kept for LUMOFLOW_IDEMPOTENCY_KEY_HOURS "
        "(api.idempotency)."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": f"^[^\\x00]*{VISIBLE_PATTERN}[^\\x00]*$",
    },
}
"""The header every POST takes (`api.idempotency`)."""


class Api(NinjaAPI):
    """The API, whose document also states the answers every route shares: in every operation,
    the problems it can answer (`ERRORS`, plus `UNSAFE_ERRORS` where it changes something), in
    this one place, beside what a route documents itself."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method == "post":
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
                errors = ERRORS if method in ("get", "head") else {**ERRORS, **UNSAFE_ERRORS}
                responses = operation.setdefault("responses", {})
                for status, description in errors.items():
                    if status not in responses and str(status) not in responses:
                        content = {PROBLEM: {"schema": ref}}
                        responses[status] = {"description": description, "content": content}
        return schema


class ObjectParser(Parser):
    """Read a JSON body that is an object, as every operation documents its body. Ninja would
    otherwise hand an array or a number to a schema whose fields are all optional, which then
    reads as an empty object (`PATCH /me` with `[]` changed nothing and answered 200)."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("The request body is not a JSON object.")
        return data


api = Api(
    title="LumoFlow API",
    version="1",
    description="Workspaces built on objectives, the conversation in them, and their measurement.",
    auth=[BearerToken(), Session()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
    parser=ObjectParser(),
)


def problem_response(body: dict[str, object]) -> HttpResponse:
    return JsonResponse(body, status=int(str(body["status"])), content_type=PROBLEM)


@api.exception_handler(LumoFlowError)
def _ours(request: HttpRequest, exc: LumoFlowError) -> HttpResponse:
    return problem_response(problem_for(exc))


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(_field(err.get("loc", ())), []).append(str(err.get("msg", "Invalid.")))
    detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    return problem_response(problem(422, "invalid", "Invalid input", detail, errors))


def _body_problem(request: HttpRequest) -> str:
    try:
        json.loads(request.body)
    except ValueError:
        return "The request body is not valid JSON."
    return "The request body must be a JSON object."


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problem_response(
            problem(400, "malformed-request", "Malformed request", _body_problem(request))
        )
    return problem_response(problem(exc.status_code, "http-error", str(exc), str(exc)))


@api.exception_handler(AuthenticationError)
def _unauth(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(
        problem(
            401,
            "unauthenticated",
            "Authentication required",
            "Sign in, or send a valid personal access token as 'Authorization: Bearer <token>'.",
        )
    )


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(problem(403, "forbidden", "Forbidden", str(exc) or "Forbidden."))


@api.exception_handler(Http404)
def _missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(problem(404, "not-found", "Not found", "No such resource."))


@api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path)
    return problem_response(
        problem(
            500,
            "internal",
            "Internal error",
            "Something went wrong on our side; it has been logged.",
        )
    )


def unvalidated_json(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """Render `data` as the API renders a response, without validating it against the
    operation's response schema (which still documents it in OpenAPI).

    For the hottest reads only, whose dicts are built field by field to match that schema:
    validating twenty posts again cost more than reading them. Tests check the shape.
    """
    return api.create_response(request, data, status=status)
