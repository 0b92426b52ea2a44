"""Input no database can hold gets a 422 problem naming the field, and changes nothing.

Text with a NUL character (PostgreSQL refuses it), text with an unpaired surrogate (no database
encodes it) and ids beyond 64 bits (SQLite overflows) used to reach the database and answer 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation import actions
from lumoflow.core.validation import MAX_ID, NUL_MESSAGE, VISIBLE_PATTERN
from lumoflow.notifications.models import Notification
from lumoflow.workspaces.models import Workspace

NUL = "Ship\x00it"
TOO_BIG = 2**64


@pytest.fixture
def ids(org: Any) -> dict[str, int]:
    """Ids to fill into paths: a post, an idea and a question with one reply, all by Olivia."""
    post = actions.create_post(org.olivia, org.launch.pk, kind="update", body="Hello")
    idea = actions.create_post(org.olivia, org.launch.pk, kind="idea", body="Dark mode")
    question = actions.create_post(org.olivia, org.launch.pk, kind="question", body="When?")
    actions.create_reply(org.mia, question.pk, body="Soon")
    return {
        "launch": org.launch.pk,
        "kr": org.key_result.pk,
        "post": post.pk,
        "idea": idea.pk,
        "question": question.pk,
    }


def call(client: Any, method: str, path: str, body: Any) -> Any:
    return client._call(method, path, body)


def assert_problem(r: Any, field: str, message: str | None = None) -> None:
    assert r.status_code == 422, r.content
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"].endswith("/invalid") and problem["title"] == "Invalid input"
    assert field in problem["errors"], problem
    assert field in problem["detail"]
    if message is not None:
        assert problem["errors"][field] == [message]


def assert_refused(
    client: Any, method: str, path: str, body: Any, field: str, message: str | None = None
) -> None:
    """The call answers a 422 problem on `field`, and nothing is recorded."""
    before = ActivityEvent.objects.count()
    assert_problem(call(client, method, path, body), field, message)
    assert ActivityEvent.objects.count() == before


def objective_with(**changes: Any) -> dict[str, Any]:
    kr = {"metric_name": "Pilots", "baseline": 0, "target": 5, "due": "2030-01-31"}
    body = {"title": "Grow", "start": "2030-01-01", "end": "2030-02-01", "key_results": [kr]}
    if "metric_name" in changes:
        kr["metric_name"] = changes.pop("metric_name")
    return {**body, **changes}


TEXT_FIELDS = [
    ("post", "/workspaces", {"name": NUL, "purpose": "Ship."}, "name"),
    ("post", "/workspaces", {"name": "Ship", "purpose": NUL}, "purpose"),
    ("patch", "/workspaces/{launch}", {"name": NUL}, "name"),
    ("patch", "/workspaces/{launch}", {"purpose": NUL}, "purpose"),
    ("post", "/workspaces/{launch}/objectives", objective_with(title=NUL), "title"),
    ("post", "/workspaces/{launch}/objectives", objective_with(description=NUL), "description"),
    ("post", "/workspaces/{launch}/objectives", objective_with(owner=NUL), "owner"),
    (
        "post",
        "/workspaces/{launch}/objectives",
        objective_with(metric_name=NUL),
        "key_results.0.metric_name",
    ),
    ("post", "/key-results/{kr}/check-ins", {"value": 1, "confidence": 5, "note": NUL}, "note"),
    ("post", "/workspaces/{launch}/members", {"username": NUL}, "username"),
    ("post", "/workspaces/{launch}/posts", {"kind": "update", "body": NUL}, "body"),
    ("patch", "/posts/{post}", {"body": NUL}, "body"),
    ("post", "/posts/{post}/replies", {"body": NUL}, "body"),
    ("post", "/posts/{post}/hide", {"reason": NUL}, "reason"),
    ("post", "/posts/{post}/reactions", {"emoji": NUL}, "emoji"),
    ("delete", "/posts/{post}/reactions", {"emoji": NUL}, "emoji"),
    ("post", "/posts/{idea}/idea-status", {"status": "adopted", "note": NUL}, "note"),
    ("patch", "/me", {"display_name": NUL}, "display_name"),
    ("patch", "/me", {"title": NUL}, "title"),
    ("patch", "/me", {"department": "Sales/" + NUL}, "department"),
    ("patch", "/me", {"manager": NUL}, "manager"),
    ("patch", "/me", {"location": NUL}, "location"),
    ("patch", "/me", {"time_zone": NUL}, "time_zone"),
    ("post", "/follows", {"username": NUL}, "username"),
    ("delete", "/follows", {"username": NUL}, "username"),
    ("put", "/notifications/mutes", {"muted": [NUL]}, "muted.0"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), TEXT_FIELDS)
def test_text_with_a_nul_character_is_a_field_error_and_writes_nothing(
    org: Any, api: Any, ids: dict[str, int], method: str, path: str, body: Any, field: str
) -> None:
    assert_refused(api(org.olivia), method, path.format(**ids), body, field, NUL_MESSAGE)


def test_a_workspace_named_with_a_nul_character_is_not_created(org: Any, api: Any) -> None:
    r = api(org.mia).post("/workspaces", {"name": "Sup\x00port", "purpose": "Answer fast."})
    assert_problem(r, "name", NUL_MESSAGE)
    assert not Workspace.objects.filter(name__startswith="Sup").exists()


def test_text_with_an_unpaired_surrogate_is_a_field_error(org: Any, api: Any) -> None:
    # given: a JSON escape that decodes to half of a UTF-16 pair
    raw = '{"name": "Ship \\ud800", "purpose": "Ship it."}'
    # when
    r = api(org.mia).post("/workspaces", raw=raw)
    # then
    assert_problem(r, "name")


READS_WITH_TEXT = [
    ("/search", {"q": NUL}, "q"),
    ("/people", {"q": NUL}, "q"),
    ("/people", {"department": NUL}, "department"),
    ("/workspaces", {"cursor": NUL}, "cursor"),
    ("/feed", {"cursor": NUL}, "cursor"),
    ("/notifications", {"cursor": NUL}, "cursor"),
    ("/hashtags/ship%00it", {}, "tag"),
]


@pytest.mark.parametrize(("path", "params", "field"), READS_WITH_TEXT)
def test_query_and_path_text_with_a_nul_character_is_a_field_error(
    org: Any, api: Any, path: str, params: dict[str, str], field: str
) -> None:
    assert_problem(api(org.mia).get(path, **params), field, NUL_MESSAGE)


def test_removing_a_member_named_with_a_nul_character_is_a_field_error(org: Any, api: Any) -> None:
    r = api(org.olivia).delete(f"/workspaces/{org.launch.pk}/members/mia%00")
    assert_problem(r, "username", NUL_MESSAGE)
    assert api(org.mia).get(f"/workspaces/{org.launch.pk}").json()["my_role"] == "member"


# ------------------------------------------------------------------------------------ ids
def test_marking_notifications_read_with_ids_beyond_64_bits_is_a_field_error(
    org: Any, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: Mia has one unread notification
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_post(org.olivia, org.launch.pk, kind="update", body="Thanks @mia")
    mine = Notification.objects.get(recipient=org.mia).pk
    mia = api(org.mia)
    # when
    r = mia.post("/notifications/read", {"ids": [mine, TOO_BIG]})
    # then: a 422 naming the bad id, and nothing marked
    assert_problem(r, "ids.1", f"Input should be less than or equal to {MAX_ID}")
    assert mia.get("/notifications").json()["unread"] == 1
    assert mia.post("/notifications/read", {"ids": [mine]}).json() == {"marked": 1, "unread": 0}


@pytest.mark.parametrize("bad", [0, -1, TOO_BIG, MAX_ID + 1])
def test_notification_ids_must_be_positive_64_bit_integers(org: Any, api: Any, bad: int) -> None:
    assert_problem(api(org.mia).post("/notifications/read", {"ids": [bad]}), "ids.0")


BODY_IDS = [
    ("post", "/workspaces/{launch}/posts", {"body": "Hi", "objective_id": TOO_BIG}, "objective_id"),
    ("patch", "/posts/{post}", {"objective_id": TOO_BIG}, "objective_id"),
    ("post", "/posts/{question}/accept", {"reply_id": TOO_BIG}, "reply_id"),
    ("post", "/follows", {"workspace_id": TOO_BIG}, "workspace_id"),
    ("delete", "/follows", {"workspace_id": TOO_BIG}, "workspace_id"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), BODY_IDS)
def test_ids_beyond_64_bits_in_a_body_are_a_field_error(
    org: Any, api: Any, ids: dict[str, int], method: str, path: str, body: Any, field: str
) -> None:
    assert_refused(api(org.olivia), method, path.format(**ids), body, field)


PATH_IDS = [
    ("get", "/workspaces/{id}", None, "workspace_id"),
    ("patch", "/workspaces/{id}", {"name": "X"}, "workspace_id"),
    ("get", "/workspaces/{id}/members", None, "workspace_id"),
    ("post", "/workspaces/{id}/members", {}, "workspace_id"),
    ("delete", "/workspaces/{id}/members/mia", None, "workspace_id"),
    ("get", "/workspaces/{id}/objectives", None, "workspace_id"),
    ("get", "/workspaces/{id}/posts", None, "workspace_id"),
    ("post", "/workspaces/{id}/posts", {"body": "Hi"}, "workspace_id"),
    ("post", "/key-results/{id}/check-ins", {"value": 1, "confidence": 5}, "key_result_id"),
    ("get", "/posts/{id}", None, "post_id"),
    ("patch", "/posts/{id}", {"body": "Hi"}, "post_id"),
    ("delete", "/posts/{id}", None, "post_id"),
    ("post", "/posts/{id}/hide", {"reason": "Off topic"}, "post_id"),
    ("get", "/posts/{id}/replies", None, "post_id"),
    ("post", "/posts/{id}/replies", {"body": "Hi"}, "post_id"),
    ("post", "/posts/{id}/reactions", {"emoji": "👍"}, "post_id"),
    ("post", "/posts/{id}/accept", {"reply_id": 1}, "post_id"),
    ("post", "/posts/{id}/idea-status", {"status": "adopted"}, "post_id"),
]


@pytest.mark.parametrize("bad", [TOO_BIG, 0])
@pytest.mark.parametrize(("method", "path", "body", "field"), PATH_IDS)
def test_path_ids_beyond_64_bits_or_not_positive_are_a_field_error(
    org: Any, api: Any, method: str, path: str, body: Any, field: str, bad: int
) -> None:
    client = api(org.olivia)
    r = (
        client.get(path.format(id=bad))
        if method == "get"
        else call(client, method, path.format(id=bad), body)
    )
    assert_problem(r, field)


def test_a_feed_filtered_on_an_objective_no_database_holds_is_not_found(org: Any, api: Any) -> None:
    r = api(org.mia).get(f"/workspaces/{org.launch.pk}/posts", objective_id=TOO_BIG)
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("limit", [TOO_BIG, 0, 101])
def test_page_sizes_out_of_range_are_a_field_error(org: Any, api: Any, limit: int) -> None:
    assert_problem(api(org.mia).get("/workspaces", limit=limit), "limit")


# ---------------------------------------------------------------------- the contract, documented
def _inputs(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation, field, JSON schema) of every parameter and request-body property."""
    schemas = doc["components"]["schemas"]

    def walk(where: str, name: str, schema: dict[str, Any]) -> list[tuple[str, str, Any]]:
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        out = [(where, name, schema)]
        for option in schema.get("anyOf", []):
            out += walk(where, name, option)
        for key, prop in schema.get("properties", {}).items():
            out += walk(where, f"{name}.{key}".lstrip("."), prop)
        if "items" in schema:
            out += walk(where, f"{name}[]", schema["items"])
        return out

    found: list[tuple[str, str, Any]] = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            for p in op.get("parameters", []):
                found += walk(where, p["name"], p["schema"])
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                found += walk(where, "", body["schema"])
    return found


# An id filter that names no row finds nothing: 404, like any object one may not see.
NOT_FOUND_FILTERS = {("GET /api/v1/workspaces/{workspace_id}/posts", "objective_id")}


STORABLE = "^[^\\x00]*$"
REQUIRED = f"^[^\\x00]*{VISIBLE_PATTERN}[^\\x00]*$"


def test_the_openapi_document_bounds_every_text_and_id_input(db: Any) -> None:
    doc = json.loads(Client().get("/api/v1/openapi.json").content)
    inputs = _inputs(doc)
    texts = [(w, n) for w, n, s in inputs if s.get("type") == "string" and "enum" not in s]
    ints = [(w, n, s) for w, n, s in inputs if s.get("type") == "integer"]
    assert texts and ints
    for where, name, schema in inputs:
        if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
            # any text without NUL; required text also shows a visible character; a list of
            # names (metrics' families) states its names, which leave NUL out too
            pattern = schema.get("pattern")
            assert pattern in (STORABLE, REQUIRED) or (
                pattern.startswith("^")
                and pattern.endswith("$")
                and re.search(pattern, "value\x00") is None
                and "\\x00" not in pattern
            ), (where, name)
    for where, name, schema in ints:
        if (where, name) in NOT_FOUND_FILTERS:
            continue
        assert "minimum" in schema and "maximum" in schema, (where, name)
        if name.endswith("id") or name.endswith("ids[]"):
            assert (schema["minimum"], schema["maximum"]) == (1, MAX_ID), (where, name)


BODY_OPERATIONS = [
    ("patch", "/me"),
    ("post", "/notifications/read"),
    ("put", "/notifications/mutes"),
    ("post", "/workspaces"),
]


@pytest.mark.parametrize("method,path", BODY_OPERATIONS)
@pytest.mark.parametrize("raw", ["[]", "[null, null]", "3", '"mia"', "null", "true"])
def test_a_body_that_is_not_a_json_object_is_refused(
    org: Any, api: Any, method: str, path: str, raw: str
) -> None:
    # given
    mia = api(org.mia)
    before = ActivityEvent.objects.count(), Notification.objects.filter(read_at=None).count()

    # when a JSON value other than an object is sent as the body
    r = getattr(mia.client, method)(
        "/api/v1" + path, data=raw, content_type="application/json", headers=mia.headers
    )

    # then it is refused as malformed, saying why, and nothing changes
    assert r.status_code == 400, (raw, r.content)
    assert r.json()["detail"] == "The request body must be a JSON object."
    assert (ActivityEvent.objects.count(), Notification.objects.filter(read_at=None).count()) == (
        before
    )


def test_a_body_that_is_not_json_says_so(org: Any, api: Any) -> None:
    r = api(org.mia)._call("patch", "/me", raw="{not json")
    assert r.status_code == 400
    assert r.json()["detail"] == "The request body is not valid JSON."
