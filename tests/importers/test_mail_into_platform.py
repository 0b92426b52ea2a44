"""`lumoflow import mbox PATH --into-platform`: a list archive becomes a workspace named after the
list, its senders people, its messages posts and replies, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lumoflow.conversation.models import Post
from lumoflow.people.models import User
from lumoflow.workspaces.models import Workspace

from .conftest import run
from .test_into_platform import admin  # noqa: F401 (the administrator fixture)
from .test_mbox import ARCHIVE


def test_a_list_archive_loads_into_the_platform_once(
    admin: Any,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "team.mbox"
    path.write_bytes(ARCHIVE)
    code, _, err = run(capsys, "import", "mbox", str(path), "--into-platform")
    assert code == 0, err
    team = Workspace.objects.get(name="Team list")
    assert team.purpose_pending  # a list states no purpose: its owners are asked for one
    assert team.purpose == "Imported from the mailing list Team list — purpose not yet stated"
    assert Post.objects.count() == 4  # m1, m2, m3, m5; the second copy of m2 and the stub not
    assert set(User.objects.values_list("email", flat=True)) >= {
        "ann@example.com", "bob@example.com", "carol@example.com", "dan@example.com",
    }  # fmt: skip
    before = (Workspace.objects.count(), User.objects.count(), Post.objects.count())
    code, _, err = run(capsys, "import", "mbox", str(path), "--into-platform")
    assert code == 0, err
    assert (Workspace.objects.count(), User.objects.count(), Post.objects.count()) == before
