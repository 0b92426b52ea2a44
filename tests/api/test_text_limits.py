"""Every text field the API takes, one character past its limit, answers a 422 problem naming
the field and writes nothing: walked from the OpenAPI document, so a new field is walked too.
A field whose schema states no length (a post's body, a time zone, a username to look up) is
sent one character past the longest a post may hold, and is refused all the same."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps

from lumoflow.core import limits

UNSAFE = ("post", "put", "patch", "delete")


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _text_fields(
    schema: dict[str, Any], components: dict[str, Any], prefix: str = ""
) -> list[tuple[str, int | None]]:
    """(dotted field, maxLength) of every free-text string in a body schema, nested included."""
    out: list[tuple[str, int | None]] = []
    for name, prop in _resolve(schema, components).get("properties", {}).items():
        for alt in (_resolve(a, components) for a in prop.get("anyOf", [prop])):
            if alt.get("type") == "string" and "enum" not in alt and "format" not in alt:
                out.append((prefix + name, alt.get("maxLength")))
            elif alt.get("type") == "array":
                item = _resolve(alt["items"], components)
                if item.get("type") == "string" and "enum" not in item:
                    out.append((prefix + name + ".0", item.get("maxLength")))
                elif "properties" in item:
                    out += _text_fields(item, components, prefix + name + ".0.")
    return out


def _body(field: str, value: str) -> dict[str, Any]:
    """The JSON body setting `field` ('key_results.0.unit': in a list's first item)."""
    head, _, rest = field.partition(".")
    if not rest:
        return {head: value}
    tail = rest.partition(".")[2]
    return {head: [_body(tail, value) if tail else value]}


def _snapshot() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_every_api_text_field_one_past_its_limit_is_refused(org: Any, api: Any) -> None:
    client = api(org.olivia)
    doc = client.get("/openapi.json").json()
    components = doc["components"]["schemas"]
    ids = {"workspace_id": org.launch.pk, "key_result_id": org.key_result.pk}
    post = client.post(f"/workspaces/{org.launch.pk}/posts", {"kind": "idea", "body": "Hi"})
    ids["post_id"] = post.json()["id"]
    before = _snapshot()
    walked: list[str] = []
    for path, operations in doc["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        url = url.removeprefix("/api/v1")
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if method not in UNSAFE or body is None:
                continue
            if "application/json" not in body["content"]:
                continue  # an export uploaded as the raw body: no text fields
            schema = body["content"]["application/json"]["schema"]
            for field, limit in _text_fields(schema, components):
                value = "x" * ((limit or limits.post_body()) + 1)
                r = client._call(method, url, _body(field, value))
                assert 400 <= r.status_code < 500, (method, path, field, r.content[:300])
                assert r["Content-Type"] == "application/problem+json"
                if limit is not None:
                    errors = r.json()["errors"]
                    assert errors[field] == [limits.too_long(limit, limit + 1)], errors
                walked.append(field)
    assert {"department", "key_results.0.metric_name", "key_results.0.unit", "body"} <= set(walked)
    assert _snapshot() == before
