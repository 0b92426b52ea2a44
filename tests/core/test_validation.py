"""Every write path refuses text no database can store and ids no row can have, by field.

The actions are the one write path (pages, API, CLI and scripts call them), so these checks hold
whatever the input came through: a CSV file, a command line (where undecodable bytes arrive as
unpaired surrogates), or a script.
"""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.core.errors import Invalid
from lumoflow.core.validation import (
    MAX_ID,
    NUL_MESSAGE,
    SURROGATE_MESSAGE,
    FieldErrors,
    as_id,
    text_problem,
)
from lumoflow.people import actions as people
from lumoflow.people.models import User
from lumoflow.workspaces import actions as workspaces
from lumoflow.workspaces.models import Workspace


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Ship it", None),
        ("Ship it 🚀 — før fredag", None),
        ("", None),
        ("Ship\x00it", NUL_MESSAGE),
        ("\x00", NUL_MESSAGE),
        ("Ship \udcff", SURROGATE_MESSAGE),
    ],
)
def test_text_problem_names_what_no_database_stores(text: str, problem: str | None) -> None:
    assert text_problem(text) == problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        ("42", 42),
        (MAX_ID, MAX_ID),
        (str(MAX_ID), MAX_ID),
        (MAX_ID + 1, None),
        (2**64, None),
        ("99999999999999999999", None),
        (0, None),
        (-1, None),
        ("²", None),
        ("abc", None),
        ("1" * 5000, None),
        (None, None),
        (True, None),
        (1.5, None),
    ],
)
def test_as_id_takes_only_what_a_64_bit_key_holds(value: Any, expected: int | None) -> None:
    assert as_id(value) == expected


def test_field_errors_report_unstorable_text_once_per_field() -> None:
    with pytest.raises(Invalid) as caught, FieldErrors() as errs:
        errs.require("name", "Ship\x00it", max_length=3)
        errs.limit("purpose", "Ship \udcff", 100)
        errs.require("title", "Fine")
    assert caught.value.errors == {"name": [NUL_MESSAGE], "purpose": [SURROGATE_MESSAGE]}


def test_a_workspace_named_from_an_undecodable_command_line_is_refused(org: Any) -> None:
    # given: `lumoflow ... --name $'\xff'` arrives as an unpaired surrogate
    with pytest.raises(Invalid) as caught:
        # when
        workspaces.create_workspace(org.mia, name="Ship \udcff", purpose="Ship it.")
    # then
    assert caught.value.errors == {"name": [SURROGATE_MESSAGE]}
    assert not Workspace.objects.filter(created_by=org.mia).exists()


def test_people_csv_with_a_nul_character_imports_nobody_and_says_where(org: Any) -> None:
    # given
    csv = (
        "username,email,name,title,department,manager,location,time_zone\n"
        "nina,nina@example.com,Nina,,Sales,,,\n"
        "omar,omar@example.com,Om\x00ar,Sales\x00lead,,,,\n"
    )
    # when
    with pytest.raises(Invalid) as caught:
        people.import_people(None, csv)
    # then
    assert caught.value.errors == {
        "rows": [f"line 3: name: {NUL_MESSAGE}", f"line 3: title: {NUL_MESSAGE}"]
    }
    assert not User.objects.filter(username__in=["nina", "omar"]).exists()


def test_bulk_people_with_a_nul_character_creates_nobody(org: Any) -> None:
    rows = [people.PersonRow("nina"), people.PersonRow("om\x00ar", department="Sales\x00")]
    with pytest.raises(Invalid) as caught:
        people.bulk_create_people(None, rows)
    assert f"row 2: username: {NUL_MESSAGE}" in caught.value.errors["rows"]
    assert f"row 2: department: {NUL_MESSAGE}" in caught.value.errors["rows"]
    assert not User.objects.filter(username="nina").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "nina\x00@example.com"),
        ("name", "Ni\x00na"),
        ("department", "Sales/\x00"),
        ("manager", "olivia\x00"),
    ],
)
def test_a_person_with_a_nul_character_is_not_created(org: Any, field: str, value: str) -> None:
    with pytest.raises(Invalid) as caught:
        people.create_person(None, username="nina", **{field: value})
    assert list(caught.value.errors) == [field]
    assert not User.objects.filter(username="nina").exists()


@pytest.mark.parametrize("field", ["display_name", "title", "location", "department", "manager"])
def test_a_profile_with_a_nul_character_is_not_changed(org: Any, field: str) -> None:
    with pytest.raises(Invalid) as caught:
        people.update_profile(org.mia, "mia", **{field: "Sales/\x00"})
    assert list(caught.value.errors) == [field]
    org.mia.refresh_from_db()
    assert org.mia.department.path == "Sales/Nordics"


def test_an_objective_owned_by_a_name_with_a_nul_character_says_owner(org: Any) -> None:
    with pytest.raises(Invalid) as caught:
        workspaces.create_objective(
            org.olivia,
            org.launch.pk,
            title="Grow",
            start="2030-01-01",
            end="2030-02-01",
            owner="mia\x00",
            key_results=[
                {"metric_name": "Pilots", "baseline": 0, "target": 5, "due": "2030-01-31"}
            ],
        )
    assert caught.value.errors == {"owner": [NUL_MESSAGE]}


def test_marking_read_ids_no_row_can_have_marks_nothing(org: Any) -> None:
    from lumoflow.notifications import actions as notifications

    assert notifications.mark_read(org.mia, ids=[2**64, -1, "²", "abc", None]) == 0


def test_bulk_conversation_and_check_ins_with_a_nul_character_write_nothing(org: Any) -> None:
    # given
    from django.utils import timezone

    from lumoflow.conversation import actions as conversation
    from lumoflow.conversation.models import Post

    now = timezone.now()
    idea = conversation.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    check_in = workspaces.CheckInRow(org.key_result.pk, org.mia.pk, 3, 5, now.date(), now, "x\x00")
    # when / then
    with pytest.raises(Invalid, match="row 1: body: Null"):
        conversation.bulk_create_posts(
            [
                conversation.PostRow(org.mia.pk, org.launch.pk, "Fine", now),
                conversation.PostRow(org.mia.pk, org.launch.pk, "Not\x00fine", now),
            ]
        )
    with pytest.raises(Invalid, match="row 0: note: Null"):
        conversation.bulk_set_idea_status(
            [conversation.IdeaStatusRow(org.olivia.pk, idea.pk, "adopted", now, "ok\x00")]
        )
    with pytest.raises(Invalid) as caught:
        workspaces.bulk_record_check_ins([check_in])
    assert caught.value.errors == {"rows": [f"row 1: note: {NUL_MESSAGE}"]}
    assert list(Post.objects.values_list("body", "idea_status")) == [("Dark mode", "new")]
    assert not org.key_result.check_ins.exists()


def test_the_invisible_ranges_are_the_unicode_categories_they_name() -> None:
    # given every code point, and the rule in words: controls, separators, format characters,
    # enclosing marks, the selecting and joining combining marks, and the blank letters
    import unicodedata

    from lumoflow.core import validation

    joining = {0x34F, 0x17B4, 0x17B5, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10)}
    joining |= set(range(0xE0100, 0xE01F0))
    blank = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800}
    categories = {"Cc", "Zs", "Zl", "Zp", "Cf", "Me"}

    # when each is checked against the stated ranges, then they agree
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        unseen = c in joining or c in blank or unicodedata.category(chr(c)) in categories
        assert validation.has_visible(chr(c)) is not unseen, hex(c)
    assert validation.has_visible("e\u0301") and validation.has_visible("\u0301")
