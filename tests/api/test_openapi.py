"""The API describes itself, and its docs load nothing from outside (firewalled companies)."""

from __future__ import annotations

from django.test import Client


def test_openapi_document_lists_the_foundation_endpoints(db):
    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in [
        "/api/v1/me",
        "/api/v1/workspaces",
        "/api/v1/workspaces/{workspace_id}",
        "/api/v1/workspaces/{workspace_id}/members",
        "/api/v1/workspaces/{workspace_id}/objectives",
        "/api/v1/key-results/{key_result_id}/check-ins",
        "/api/v1/people",
        "/api/v1/departments",
    ]:
        assert path in doc["paths"], path


def test_interactive_docs_use_only_local_assets(org, browser_client):
    r = browser_client(org.mia).get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]


def test_unknown_api_path_is_a_problem(org, api):
    r = api(org.mia).get("/nothing-here")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


def test_every_operation_documents_the_problems_it_can_answer(db):
    from lumoflow.api.base import ERRORS, PROBLEM, UNSAFE_ERRORS

    doc = Client().get("/api/v1/openapi.json").json()
    assert "Problem" in doc["components"]["schemas"]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            expected = ERRORS if method == "get" else {**ERRORS, **UNSAFE_ERRORS}
            for status in expected:
                response = operation["responses"].get(str(status))
                assert response is not None, (method, path, status)
                assert PROBLEM in response["content"], (method, path, status)


def test_every_schema_of_the_api_has_its_own_name():
    # given every schema class the API's modules define
    import importlib
    import inspect
    import pkgutil
    from collections import Counter

    from ninja import Schema

    import lumoflow.api

    names: Counter[str] = Counter()
    for info in pkgutil.iter_modules(lumoflow.api.__path__):
        module = importlib.import_module(f"lumoflow.api.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                names[cls.__name__] += 1
    # then no two share a name: the OpenAPI document keeps one schema per name, so a clash
    # documents one endpoint's answer with another's fields
    assert [name for name, n in names.items() if n > 1] == []
