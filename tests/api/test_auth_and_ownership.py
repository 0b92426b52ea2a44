"""Who may call what: unsafe calls without a valid token answer 401, a no-op change by someone
who may not change answers 403, and someone who left a workspace no longer accepts answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lumoflow.conversation import actions as conv
from lumoflow.core.errors import PermissionDenied
from lumoflow.people import actions as people
from lumoflow.workspaces import actions as ws


def _unsafe(headers: dict[str, str]) -> Any:
    client = Client(enforce_csrf_checks=True)
    return client.post(
        "/api/v1/workspaces",
        data={"name": "X", "purpose": "Y"},
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize("header", [None, "Bearer not-a-token"])
def test_unsafe_call_without_a_valid_token_is_401(org: Any, header: str | None) -> None:
    r = _unsafe({"Authorization": header} if header else {})
    assert r.status_code == 401, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["title"] == "Authentication required"


def test_unsafe_call_with_a_revoked_token_is_401(org: Any) -> None:
    token, raw = people.create_token(org.olivia, name="gone")
    people.revoke_token(org.olivia, token.pk)
    r = _unsafe({"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401, r.content


def test_signed_in_browser_still_needs_csrf(org: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.olivia)
    r = client.post(
        "/api/v1/workspaces", data={"name": "X", "purpose": "Y"}, content_type="application/json"
    )
    assert r.status_code == 403, r.content


def test_no_op_patch_by_a_non_owner_is_403(org: Any, api: Any) -> None:
    r = api(org.mia).patch(f"/workspaces/{org.launch.pk}", {})
    assert r.status_code == 403, r.content
    assert r.json()["title"] == "Forbidden"


def test_no_op_patch_by_the_owner_is_fine(org: Any, api: Any) -> None:
    r = api(org.olivia).patch(f"/workspaces/{org.launch.pk}", {})
    assert r.status_code == 200, r.content


def test_someone_who_left_cannot_accept_an_answer(org: Any, api: Any) -> None:
    question = conv.create_post(org.mia, org.launch.pk, kind="question", body="When?")
    reply = conv.create_reply(org.fred, question.pk, body="Soon")
    ws.remove_member(org.mia, org.launch.pk, username="mia")
    with pytest.raises(PermissionDenied):
        conv.accept_answer(org.mia, question.pk, reply_id=reply.pk)
    r = api(org.mia).post(f"/posts/{question.pk}/accept", {"reply_id": reply.pk})
    assert r.status_code == 403, r.content
    question.refresh_from_db()
    assert question.accepted_answer_id is None
    conv.accept_answer(org.fred, question.pk, reply_id=reply.pk)
