"""Busy workspaces for measurement: the shared organisation's "Launch" and "Finance" with six
people who post and reply every week for six weeks, written through actions at past times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Org, make_person

WEEKS = 6
PEOPLE = 6


@pytest.fixture
def busy(org: Org) -> Org:
    """`org` where Launch (public) and Finance (private) have activity from
    PEOPLE more people over the last WEEKS weeks."""
    from lumoflow.conversation import actions as conv
    from lumoflow.workspaces import actions as ws

    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(weeks=WEEKS)
    people = [make_person(f"p{i}", department=("Sales", "IT")[i % 2]) for i in range(PEOPLE)]
    for space in (org.launch, org.finance):
        for p in people:
            ws.add_member(org.olivia, space.pk, username=p.username, at=start)
        for week in range(WEEKS):
            at = start + timedelta(weeks=week, hours=1)
            for i, p in enumerate(people):
                post = conv.create_post(
                    p,
                    space.pk,
                    kind="question" if i % 2 else "update",
                    body=f"Week {week} progress on the launch plan, item {i}.",
                    at=at + timedelta(hours=i),
                )
                other = people[(i + 1) % PEOPLE]
                conv.create_reply(
                    other,
                    post.pk,
                    body="Thanks, noted for the launch plan.",
                    at=at + timedelta(hours=i + 2),
                )
    return org


def first_row(rows: Any) -> Any:
    return next(iter(rows))
