"""Pages answer input no database can hold with an error on the form, and change nothing.

Text with a NUL character used to reach PostgreSQL (which refuses it) and ids beyond 64 bits
reached SQLite (which overflows): both were server errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation import actions
from lumoflow.conversation.models import Attachment, Post
from lumoflow.core.validation import NUL_MESSAGE
from lumoflow.notifications.models import Notification
from lumoflow.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db

NUL = "Ship\x00it"


def page_text(r: Any) -> str:
    assert r.status_code == 200, r.status_code
    return r.content.decode()


@pytest.fixture
def olivia(org: Any, browser_client: Any) -> Any:
    return browser_client(org.olivia)


def test_new_workspace_named_with_a_nul_character_shows_a_field_error(
    org: Any, olivia: Any
) -> None:
    # when
    r = olivia.post("/workspaces/new", {"name": NUL, "purpose": "Ship.", "visibility": "public"})
    # then
    assert NUL_MESSAGE in page_text(r)
    assert not Workspace.objects.filter(name__startswith="Ship").exists()


def test_workspace_settings_with_a_nul_character_show_a_field_error(org: Any, olivia: Any) -> None:
    r = olivia.post(
        f"/workspaces/{org.launch.pk}/settings",
        {"name": "Launch", "purpose": NUL, "visibility": "public"},
    )
    assert NUL_MESSAGE in page_text(r)
    org.launch.refresh_from_db()
    assert org.launch.purpose == "Ship the new product on time."


def test_objective_with_a_nul_character_shows_a_field_error(org: Any, olivia: Any) -> None:
    before = org.launch.objectives.count()
    r = olivia.post(
        f"/workspaces/{org.launch.pk}/objectives/new",
        {
            "o-title": NUL,
            "o-start": "2030-01-01",
            "o-end": "2030-02-01",
            "kr-TOTAL_FORMS": "1",
            "kr-INITIAL_FORMS": "0",
            "kr-MIN_NUM_FORMS": "1",
            "kr-MAX_NUM_FORMS": "10",
            "kr-0-metric_name": "Pilots" + NUL,
            "kr-0-baseline": "0",
            "kr-0-target": "5",
            "kr-0-due": "2030-01-31",
        },
    )
    assert page_text(r).count(NUL_MESSAGE) == 2
    assert org.launch.objectives.count() == before


def test_check_in_note_with_a_nul_character_is_refused_with_its_reason(
    org: Any, olivia: Any
) -> None:
    kr = org.key_result
    r = olivia.post(
        f"/key-results/{kr.pk}/check-in",
        {f"kr{kr.pk}-value": "3", f"kr{kr.pk}-confidence": "6", f"kr{kr.pk}-note": NUL},
        follow=True,
    )
    assert NUL_MESSAGE in page_text(r)
    assert not kr.check_ins.exists()


def test_adding_or_removing_a_member_named_with_a_nul_character_is_refused(
    org: Any, olivia: Any
) -> None:
    url = f"/workspaces/{org.launch.pk}/members"
    assert NUL_MESSAGE in page_text(olivia.post(url, {"username": NUL, "role": "member"}))
    assert NUL_MESSAGE in page_text(olivia.post(url, {"remove": "mia\x00"}, follow=True))
    assert Membership.objects.filter(workspace=org.launch, user=org.mia).exists()


def test_post_reply_and_edit_with_a_nul_character_are_refused(org: Any, olivia: Any) -> None:
    # given
    post = actions.create_post(org.olivia, org.launch.pk, kind="update", body="Hello")
    # when
    composed = olivia.post(
        f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": NUL}, follow=True
    )
    replied = olivia.post(f"/posts/{post.pk}/reply", {"body": NUL}, follow=True)
    edited = olivia.post(f"/posts/{post.pk}/edit", {"body": NUL})
    # then
    for r in (composed, replied, edited):
        assert NUL_MESSAGE in page_text(r)
    assert list(Post.objects.values_list("body", flat=True)) == ["Hello"]


def test_hiding_with_a_nul_character_in_the_reason_is_refused(org: Any, olivia: Any) -> None:
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Hello")
    r = olivia.post(f"/posts/{post.pk}/hide", {"reason": NUL}, follow=True)
    assert NUL_MESSAGE in page_text(r)
    post.refresh_from_db()
    assert post.hidden_at is None


def test_idea_status_note_with_a_nul_character_is_refused(org: Any, olivia: Any) -> None:
    idea = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    olivia.post(f"/posts/{idea.pk}/idea-status", {"status": "adopted", "note": NUL})
    idea.refresh_from_db()
    assert idea.idea_status == "new"


def test_reacting_with_a_nul_character_is_refused(org: Any, olivia: Any) -> None:
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Hello")
    r = olivia.post(f"/posts/{post.pk}/react", {"emoji": "👍\x00"}, follow=True)
    assert "Unknown reaction" in page_text(r)
    assert not post.reactions.exists()


def test_following_a_username_with_a_nul_character_is_refused(org: Any, olivia: Any) -> None:
    before = ActivityEvent.objects.count()
    r = olivia.post("/follow", {"username": "mia\x00"}, follow=True)
    assert NUL_MESSAGE in page_text(r)
    assert ActivityEvent.objects.count() == before


def test_attachment_named_with_a_nul_character_is_refused_or_stored_without_it(
    org: Any, olivia: Any
) -> None:
    upload = SimpleUploadedFile("notes\x00.txt", b"plain notes", content_type="text/plain")
    olivia.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "Notes attached", "files": [upload]},
        follow=True,
    )
    assert all("\x00" not in a.name for a in Attachment.objects.all())


@pytest.mark.parametrize(
    "field", ["display_name", "title", "department", "manager", "location", "time_zone"]
)
def test_profile_with_a_nul_character_shows_a_field_error(
    org: Any, olivia: Any, field: str
) -> None:
    # given
    form = {
        "display_name": "Olivia",
        "title": "",
        "department": "Product/Platform",
        "manager": "",
        "location": "",
        "time_zone": "Europe/Oslo",
    }
    # when
    r = olivia.post("/profile", {**form, field: "Sales/" + NUL})
    # then
    assert r.status_code == 200
    org.olivia.refresh_from_db()
    assert org.olivia.department.path == "Product/Platform" and org.olivia.title == ""


def test_token_named_with_a_nul_character_is_not_created(org: Any, olivia: Any) -> None:
    olivia.post("/profile/tokens", {"name": NUL})
    assert not org.olivia.api_tokens.exists()


def test_marking_read_ids_no_database_holds_leaves_the_notifications_unread(
    org: Any, olivia: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: Olivia has one unread notification
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_post(org.mia, org.launch.pk, kind="update", body="Thanks @olivia")
    mine = Notification.objects.get(recipient=org.olivia)
    # when
    for bad in ("99999999999999999999", "²", "-1", "0", "abc"):
        r = olivia.post("/notifications/read", {"id": bad})
        # then
        assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None
    olivia.post("/notifications/read", {"id": [str(mine.pk), "99999999999999999999"]})
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "/notifications/99999999999999999999",
        "/posts/99999999999999999999",
        "/workspaces/99999999999999999999",
        "/attachments/99999999999999999999",
    ],
)
def test_pages_of_ids_no_database_holds_are_not_found(olivia: Any, url: str) -> None:
    assert olivia.get(url).status_code in (302, 404)


def test_revoking_a_token_id_no_database_holds_is_not_found(olivia: Any) -> None:
    assert olivia.post("/profile/tokens/99999999999999999999/revoke").status_code == 404
