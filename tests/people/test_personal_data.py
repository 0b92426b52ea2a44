"""`lumoflow people export` and `lumoflow people erase`, and the same from the admin."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lumoflow.activity.models import ActivityEvent
from lumoflow.cli import main
from lumoflow.conversation import actions as posts
from lumoflow.people import actions as people
from lumoflow.people.models import User
from lumoflow.workspaces import actions as ws_actions
from tests.conftest import PASSWORD, make_person

# Notifications are written on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "Zelda Quartz"


def _zelda(org: Any) -> dict[str, Any]:
    """Zelda, a member of Launch and Finance, who posts, replies, reacts, is mentioned, holds a
    token and has signed in; and what others wrote that she must not get."""
    zelda = make_person("zelda", name=NAME, title="Analyst", location="Tromsø")
    ws_actions.add_member(org.olivia, org.launch.pk, username="zelda")
    ws_actions.add_member(org.olivia, org.finance.pk, username="zelda")
    own = posts.create_post(
        zelda,
        org.launch.pk,
        kind="update",
        body="OWN-POST-1 with notes",
        files=[SimpleUploadedFile("notes.pdf", PDF)],
    )
    private = posts.create_post(zelda, org.finance.pk, kind="idea", body="OWN-PRIVATE-IDEA")
    theirs = posts.create_post(org.olivia, org.launch.pk, kind="question", body="Thoughts @zelda?")
    reply = posts.create_reply(zelda, theirs.pk, body="OWN-REPLY-1")
    posts.add_reaction(zelda, theirs.pk, emoji="👍")
    posts.create_post(org.olivia, org.merger.pk, kind="update", body="OLIVIA-SECRET-MERGER")
    posts.create_post(org.mia, org.finance.pk, kind="update", body="MIA-FINANCE-NOTE")
    people.create_token(zelda, name="TOKEN-LAPTOP")
    assert Client(REMOTE_ADDR="10.9.8.7").login(username="zelda", password=PASSWORD)
    Client(REMOTE_ADDR="10.9.8.7").post("/login", {"username": "zelda", "password": PASSWORD})
    return {"zelda": zelda, "own": own, "private": private, "theirs": theirs, "reply": reply}


def _export(tmp_path: Path, username: str) -> tuple[dict[str, Any], zipfile.ZipFile]:
    out = tmp_path / f"{username}.zip"
    assert main(["people", "export", username, "--out", str(out)]) == 0
    zf = zipfile.ZipFile(out)
    return json.loads(zf.read("person.json")), zf


def test_export_holds_what_a_person_expects_and_nothing_private_of_others(org, tmp_path):
    # given
    made = _zelda(org)
    # when
    doc, zf = _export(tmp_path, "zelda")
    text = json.dumps(doc, ensure_ascii=False)
    data = doc["data"]
    # then her profile, posts, replies, reactions, memberships, notifications, tokens' names
    # and sign-in audit rows are there
    [profile] = data["people.user"]
    assert profile["display_name"] == NAME and profile["location"] == "Tromsø"
    assert "password" not in profile
    bodies = {p["body"] for p in data["conversation.post"]}
    assert bodies == {"OWN-POST-1 with notes", "OWN-PRIVATE-IDEA", "OWN-REPLY-1"}
    assert [r["emoji"] for r in data["conversation.reaction"]] == ["👍"]
    assert {m["workspace_id"] for m in data["workspaces.membership"]} == {
        org.launch.pk,
        org.finance.pk,
    }
    notes = data["notifications.notification"]
    assert {n["type"] for n in notes} >= {"mention"}
    assert {t["name"] for t in data["people.apitoken"]} == {"TOKEN-LAPTOP"}
    assert all("digest" not in t for t in data["people.apitoken"])
    sign_ins = data["people.signin"]
    assert {s["outcome"] for s in sign_ins} == {"succeeded"} and len(sign_ins) >= 1
    assert {s["address"] for s in sign_ins} == {"10.9.8.7"}
    assert any(e["verb"] == "post" for e in data["activity.activityevent"])
    # and her file
    [attachment] = data["conversation.attachment"]
    assert zf.read("files/" + attachment["file"]) == PDF
    # and nothing of others' private content: their posts' text, even where they address her
    for other in ("OLIVIA-SECRET-MERGER", "MIA-FINANCE-NOTE", "Thoughts @zelda?"):
        assert other not in text
    addressed = data["activity.activityevent (others' rows naming you as target_actor)"]
    assert all(set(e) <= {"id", "actor_id", "workspace_id", "target_actor_id"} for e in addressed)
    assert made["theirs"].pk in {n["post_id"] for n in notes}
    # and the export is recorded
    assert ActivityEvent.objects.filter(
        verb="person", target_actor=made["zelda"], data__change="exported"
    ).exists()


def _texts(client: Client, paths: list[str]) -> str:
    pages = []
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200, path
        pages.append(r.content.decode())
    return "\n".join(pages)


def _log_files(tmp_path: Path, name: str) -> dict[str, str]:
    out = tmp_path / name
    assert main(["export-log", str(out), "--format", "jsonl"]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def _events(files: dict[str, str], rename: dict[str, str]) -> list[tuple[Any, ...]]:
    rows = [json.loads(line) for line in files["events.jsonl"].splitlines() if line]
    return sorted(
        (
            r["event_id"],
            r["ts"],
            rename.get(r["actor"], r["actor"]),
            r["verb"],
            r["workspace"],
            r["object_id"],
            rename.get(r["target_actor"] or "", r["target_actor"]),
        )
        for r in rows
    )


def test_erase_removes_the_person_everywhere_and_keeps_the_figures(org, tmp_path):
    # given
    made = _zelda(org)
    before = _log_files(tmp_path, "before")
    # when
    assert main(["people", "erase", "zelda"]) == 0
    # then she cannot sign in, by name, e-mail or token
    zelda = User.objects.get(pk=made["zelda"].pk)
    assert zelda.username == "former-employee-1" and zelda.name == "Former employee 1"
    assert not Client().login(username="zelda", password=PASSWORD)
    assert not Client().login(username="zelda@example.com", password=PASSWORD)
    assert not Client().login(username="former-employee-1", password=PASSWORD)
    assert not zelda.api_tokens.exists() and not zelda.sign_ins.exists()
    # and her name is gone from the exported log, the pages and the API
    after = _log_files(tmp_path, "after")
    olivia = Client()
    olivia.force_login(org.olivia)
    pages = _texts(
        olivia,
        [
            f"/workspaces/{org.launch.pk}",
            f"/posts/{made['own'].pk}",
            f"/posts/{made['theirs'].pk}",
            f"/workspaces/{org.finance.pk}",
            f"/workspaces/{org.launch.pk}/members",
            f"/api/v1/workspaces/{org.launch.pk}/posts",
            f"/api/v1/posts/{made['theirs'].pk}/replies",
            f"/api/v1/posts/{made['theirs'].pk}",
        ],
    )
    for shown in (pages, *after.values()):
        assert "zelda" not in shown.lower() and "Quartz" not in shown and "Tromsø" not in shown
    assert "Former employee 1" in pages and "@former-employee-1" in pages
    # and every event of the log is still there, the same but for her name
    assert _events(after, {"former-employee-1": "zelda"}) == _events(before, {})
    # and the erasure is recorded
    assert ActivityEvent.objects.filter(verb="person", data__change="erased").exists()


@pytest.mark.parametrize("command", ["export", "erase"])
def test_unknown_person_is_one_line_and_exit_2(command, org, tmp_path, capsys):
    args = ["--out", str(tmp_path / "x.zip")] if command == "export" else []
    before = ActivityEvent.objects.count()
    assert main(["people", command, "nobody", *args]) == 2
    assert capsys.readouterr().err == "lumoflow people: No person with the username 'nobody'.\n"
    assert ActivityEvent.objects.count() == before
    assert not (tmp_path / "x.zip").exists()


def test_administrators_export_and_erase_from_the_admin(org):
    # given
    made = _zelda(org)
    root = people.ensure_admin("root", "a-long-admin-password")[0]
    admin = Client()
    admin.force_login(root)
    pk = made["zelda"].pk
    # when an administrator exports her data from the people list
    r = admin.post(
        "/admin/people/user/", {"action": "export_personal_data", "_selected_action": [pk]}
    )
    # then the zip comes back
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    doc = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("person.json"))
    assert doc["person"] == "zelda"
    # when the administrator erases her
    r = admin.post(
        "/admin/people/user/", {"action": "erase_personal_data", "_selected_action": [pk]}
    )
    assert r.status_code == 302
    assert User.objects.get(pk=pk).name == "Former employee 1"
    # and someone who is not an administrator cannot
    with pytest.raises(Exception, match="Only administrators"):
        people.erase_person(org.mia, "olivia")
