"""A person's fields follow one set of rules, whichever way the person is written: one at a
time, from a CSV file, or in bulk; and one manager-loop check serves all of them."""

from __future__ import annotations

import pytest

from lumoflow.core.errors import Invalid
from lumoflow.people import actions
from lumoflow.people.models import User

HEADER = ",".join(actions.CSV_HEADER) + "\n"
BAD = [
    ("time_zone", "Mars/Base", "'Mars/Base' is not a known time zone"),
    ("department", "Sales//Nordics", "department path 'Sales//Nordics' has an empty part"),
    ("department", "/".join(["d" * 99] * 6), "department path takes at most 500 characters"),
    ("title", "t" * 151, "name, title and location take at most 150 characters"),
    ("email", "not-an-email", "'not-an-email' is not an e-mail address"),
]


@pytest.mark.parametrize(("field", "value", "says"), BAD, ids=[b[0] for b in BAD])
def test_one_bad_field_reads_the_same_one_at_a_time_from_csv_and_in_bulk(db, field, value, says):
    # given one person with one bad field, written three ways
    fields = {"username": "nina", "email": "nina@example.com", field: value}
    csv = HEADER + ",".join(fields.get(h, "") for h in actions.CSV_HEADER) + "\n"

    # when
    with pytest.raises(Invalid) as alone:
        actions.create_person(None, **fields)
    with pytest.raises(Invalid) as from_csv:
        actions.import_people(None, csv)
    with pytest.raises(Invalid) as in_bulk:
        actions.bulk_create_people(None, [actions.PersonRow(**fields)])

    # then each says the same thing, where it happened, and nobody was created
    assert any(m.startswith(says[0].upper() + says[1:]) for m in alone.value.errors[field])
    assert any(m.startswith(f"line 2: {says}") for m in from_csv.value.errors["rows"])
    assert any(m.startswith(f"row 1: {says}") for m in in_bulk.value.errors["rows"])
    assert not User.objects.filter(username="nina").exists()


def test_a_manager_loop_is_found_in_a_file_in_bulk_and_on_a_profile(org):
    loop = HEADER + "a,a@x.test,A,,,b,,\nb,b@x.test,B,,,a,,\n"
    with pytest.raises(Invalid) as from_csv:
        actions.import_people(None, loop)
    with pytest.raises(Invalid) as in_bulk:
        actions.bulk_create_people(
            None, [actions.PersonRow("a", manager="b"), actions.PersonRow("b", manager="a")]
        )
    with pytest.raises(Invalid) as on_profile:  # olivia manages fred
        actions.update_profile(org.ada, "olivia", manager="fred")

    assert "line 2: manager chain of 'a' loops back (a)" in from_csv.value.errors["rows"]
    assert "row 1: manager chain of 'a' loops back (a)" in in_bulk.value.errors["rows"]
    assert on_profile.value.errors == {"manager": ["This would make a management cycle."]}
    org.olivia.refresh_from_db()
    assert org.olivia.manager is None


def test_a_person_managing_themselves_is_a_loop(org):
    with pytest.raises(Invalid) as in_bulk:
        actions.bulk_create_people(None, [actions.PersonRow("a", manager="a")])
    assert in_bulk.value.errors["rows"] == ["row 1: manager chain of 'a' loops back (a)"]
    with pytest.raises(Invalid):
        actions.update_profile(org.fred, "fred", manager="fred")
