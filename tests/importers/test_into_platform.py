"""`lumoflow import SOURCE PATH --into-platform`: an export becomes workspaces, people, posts and
reactions through the actions' bulk paths, once (a second run adds nothing, a later export only
the new), in one transaction (bad data writes nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation.models import Mention, Post, Reaction
from lumoflow.core.models import ImportOrigin
from lumoflow.people.models import User
from lumoflow.workspaces.models import Membership, Workspace

from ..conftest import make_person
from .conftest import dataset, run
from .test_mattermost import records
from .test_mattermost import write as write_jsonl
from .test_slack import DMS, GROUPS, MPIMS, THREAD_DAYS, write_export
from .test_yammer import write_export as write_yammer


@pytest.fixture
def admin(db: Any) -> Any:
    person = make_person("root", is_staff=True)
    User.objects.filter(pk=person.pk).update(is_superuser=True)
    return person


def _counts() -> tuple[int, ...]:
    return (
        Workspace.objects.count(),
        User.objects.count(),
        Post.objects.count(),
        Reaction.objects.count(),
        Membership.objects.count(),
        ActivityEvent.objects.count(),
        ImportOrigin.objects.count(),
    )


def test_slack_export_loads_once_then_only_what_is_new(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_export(tmp_path / "s", THREAD_DAYS, groups=GROUPS, dms=DMS, mpims=MPIMS)
    code, out, err = run(capsys, "import", "slack", str(src), "--into-platform")
    assert code == 0, err
    general = Workspace.objects.get(name="general")
    assert general.purpose == "Company-wide news" and not general.purpose_pending
    assert general.visibility == "public"
    assert Workspace.objects.get(name="leads").visibility == "private"
    # a direct message has no purpose: a labelled placeholder, flagged for its owners
    dm = Workspace.objects.get(name="ann, cat")
    assert dm.purpose == "Imported from Slack #ann, cat — purpose not yet stated"
    assert dm.purpose_pending and dm.visibility == "private"
    # 7 people posts (root, 2 replies, file share, leads, DM, group DM); the bot's is left out
    assert Post.objects.count() == 7 and "1 bot messages left out" in out
    root = Post.objects.get(body="Plan for Q2? @bob @cat")
    # Slack's <@U…> mentions are the platform's mentions of the people loaded
    assert sorted(Mention.objects.filter(post=root).values_list("user__username", flat=True)) == [
        "bob",
        "cat",
    ]
    assert root.author.username == "ann" and root.created_at.isoformat().startswith("2024-03-04")
    replies = Post.objects.filter(parent=root).order_by("created_at")
    assert [p.author.username for p in replies] == ["bob", "cat"]
    assert sorted(Reaction.objects.values_list("emoji", flat=True)) == ["👀", "👀"]
    assert Membership.objects.filter(workspace=general, user__username="cat").exists()
    assert ActivityEvent.objects.filter(verb="post", workspace=general).exists()
    before = _counts()
    # a second run adds nothing
    code, out, err = run(capsys, "import", "slack", str(src), "--into-platform")
    assert code == 0, err
    assert _counts() == before
    assert "0 posts and replies" in out and "7 already imported" in out
    # a later export holding one more message adds it alone
    later = dict(THREAD_DAYS)
    later["general/2024-03-06.json"] = [
        {"type": "message", "user": "U2", "text": "next week", "ts": "1709715600.000100"}
    ]
    src2 = write_export(tmp_path / "s2", later, groups=GROUPS, dms=DMS, mpims=MPIMS)
    code, out, err = run(capsys, "import", "slack", str(src2), "--into-platform")
    assert code == 0, err
    assert Post.objects.count() == 8 and Workspace.objects.count() == before[0]


def test_a_mention_names_the_loaded_person_when_the_username_had_to_change(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a Slack person whose name is no platform username, mentioned before ever posting
    users = [{"id": "U1", "name": "ann"}, {"id": "U7", "name": "mary ann"}]
    days = {"general/2024-03-04.json": [
        {"type": "message", "user": "U1", "text": "over to <@U7>, thanks", "ts": "1709542900.1"},
    ]}  # fmt: skip
    src = write_export(tmp_path / "s", days)
    (src / "users.json").write_text(json.dumps(users))
    # when the export is loaded, twice
    for _ in range(2):
        code, out, err = run(capsys, "import", "slack", str(src), "--into-platform")
        assert code == 0, err
    # then the mention is written with the username the person was given, and recorded once
    post = Post.objects.get()
    assert post.body == "over to @mary-ann, thanks"
    assert list(Mention.objects.values_list("user__username", flat=True)) == ["mary-ann"]
    assert ActivityEvent.objects.filter(verb="mention").count() == 1
    assert "1 already imported" in out


def test_workspace_map_sends_a_channel_to_an_existing_workspace(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lumoflow.workspaces.actions import create_workspace

    target = create_workspace(admin, name="All hands", purpose="Company news and questions.")
    src = write_export(tmp_path / "s", THREAD_DAYS)
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,workspace\ngeneral,All hands\n")
    code, _, err = run(
        capsys, "import", "slack", str(src), "--into-platform", "--workspace-map", str(mapping)
    )
    assert code == 0, err
    assert Post.objects.filter(workspace=target).count() == 4
    assert not Workspace.objects.filter(name="general").exists()


def test_bad_data_met_halfway_writes_nothing(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # bob's account exists but was deactivated: his posts cannot be loaded, which the posts'
    # action finds after the workspaces, people and memberships were made
    bob = make_person("bob")
    User.objects.filter(pk=bob.pk).update(is_active=False)
    src = write_export(tmp_path / "s", THREAD_DAYS)
    before = _counts()
    code, _, err = run(capsys, "import", "slack", str(src), "--into-platform")
    last = err.strip().splitlines()[-1]
    assert code == 2 and last.startswith("lumoflow import: nothing was loaded: row 3"), err
    assert "is not an active member" in last
    assert _counts() == before  # the workspaces and people made first are gone too


def test_text_in_a_broken_encoding_is_kept_readable(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_export(tmp_path / "s", THREAD_DAYS)
    bad = tmp_path / "s" / "general" / "2024-03-05.json"
    bad.write_text(bad.read_text().replace("late reply", "late \\ud800 reply"))
    code, _, err = run(capsys, "import", "slack", str(src), "--into-platform")
    assert code == 0, err
    assert Post.objects.filter(body="late \ufffd reply").exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["--into-platform", "--actor", "nobody"],
            "--actor 'nobody' is not an active administrator",
        ),
        (["--out", "{tmp}/o", "--workspace-map", "{tmp}/m.csv"], "--workspace-map only applies"),
        (["--into-platform", "--workspace-map", "{tmp}/bad.csv"], "bad.csv, line 1: the header"),
    ],
)
def test_bad_options_exit_2(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    src = write_export(tmp_path / "s", THREAD_DAYS)
    (tmp_path / "bad.csv").write_text("channel,target\n")
    code, _, err = run(capsys, "import", "slack", str(src), *[a.format(tmp=tmp_path) for a in argv])
    assert code == 2 and words in err, err
    assert Post.objects.count() == 0


def test_mattermost_and_yammer_load_end_to_end(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(tmp_path / "e.jsonl", records())
    code, out, err = run(capsys, "import", "mattermost", str(src), "--into-platform")
    assert code == 0, err
    town = Workspace.objects.get(name="Town Square")
    assert town.purpose == "Everything Acme"
    assert Post.objects.filter(workspace=town, parent=None).count() == 1
    assert Post.objects.filter(workspace=town).exclude(parent=None).count() == 1
    y = write_yammer(tmp_path / "y")
    code, out, err = run(capsys, "import", "yammer", str(y), "--into-platform")
    assert code == 0, err
    sales = Workspace.objects.get(name="Sales")
    assert sales.purpose == "Where the sales team shares leads"
    # people known by address are created with it; cat has none
    assert User.objects.filter(email="ann@example.com").exists()
    reply = Post.objects.get(body="thanks")
    assert reply.parent is not None and reply.parent.body == "I do,\nsee the draft"


def test_real_slack_sample_loads(admin: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Reads ../shared/datasets/slack-export-sample (SOURCE.md: 53 posts by people)."""
    src = dataset("slack-export-sample")
    code, out, err = run(capsys, "import", "slack", str(src), "--into-platform")
    assert code == 0, err
    assert Post.objects.count() == 53 and "94 bot messages left out" in out
    assert set(Workspace.objects.values_list("name", flat=True)) >= {"enrique", "traveling-sailor"}
    assert all(w.purpose_pending for w in Workspace.objects.filter(name="enrique"))
    assert json.dumps(out)


def test_stating_a_purpose_clears_the_placeholder_flag(
    admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lumoflow.workspaces.actions import update_workspace

    src = write_export(tmp_path / "s", THREAD_DAYS, dms=DMS)
    assert run(capsys, "import", "slack", str(src), "--into-platform")[0] == 0
    dm = Workspace.objects.get(name="ann, cat")
    assert dm.purpose_pending
    update_workspace(admin, dm.pk, name="ann, cat")  # a change that is not the purpose
    dm.refresh_from_db()
    assert dm.purpose_pending
    update_workspace(admin, dm.pk, purpose="Pairing on the Q2 plan.")
    dm.refresh_from_db()
    assert not dm.purpose_pending
