"""Ids are parsed in one place (`core.validation.as_id`): every lookup by id refuses what no row
can have with the same NotFound, and never reaches the database with it."""

from __future__ import annotations

import pytest

from lumoflow.conversation import queries as cq
from lumoflow.core.errors import NotFound
from lumoflow.people.auth import UsernameOrEmailBackend
from lumoflow.workspaces import queries as wq

NOT_IDS = ["x", "", None, 0, -1, 2**63, 2**64, "²", True, 1.5, " ", "1e3"]
LOOKUPS = {
    "workspace": wq.get_workspace_for,
    "objective": wq.get_objective_for,
    "key result": wq.get_key_result_for,
    "post": cq.get_post_for,
    "attachment": cq.get_attachment_for,
}


@pytest.mark.parametrize("what", LOOKUPS)
@pytest.mark.parametrize("value", NOT_IDS, ids=repr)
def test_lookup_by_something_no_row_can_have_is_not_found(org, what, value):
    with pytest.raises(NotFound) as missing:
        LOOKUPS[what](org.olivia, value)
    assert str(missing.value) == f"No {what} {value!r}."


def test_lookups_take_the_same_id_as_an_int_or_a_string(org):
    assert wq.get_workspace_for(org.olivia, str(org.launch.pk)).pk == org.launch.pk
    assert wq.get_key_result_for(org.mia, str(org.key_result.pk)).pk == org.key_result.pk


@pytest.mark.parametrize("value", NOT_IDS, ids=repr)
def test_session_with_something_no_row_can_have_signs_nobody_in(org, value):
    assert UsernameOrEmailBackend().get_user(value) is None
