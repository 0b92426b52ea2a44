"""Mail importers on real archives: reads ../shared/datasets (skipped when absent, mandatory with
CI=true). The figures are those of each data set's SOURCE.md and of Pony Mail's own expected
files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyarrow.compute as pc
import pytest

from lumoflow.analytics.log import InteractionLog
from lumoflow.importers.mbox import read

from .conftest import dataset, run

pytestmark = pytest.mark.datasets


def _authored(log: InteractionLog) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = log.events.filter(
        pc.not_equal(log.events["verb"], "message")
    ).to_pylist()
    return rows


def _expected_ids(path: Path) -> list[str]:
    return re.findall(r"message-id: (<[^>]+>)", path.read_text())


def test_numpy_pipermail_archive() -> None:
    log = read(dataset("mailing-list-mbox", "numpy-discussion-2001-November.txt"))
    # 164 messages in the file; each is there twice, so 82 remain
    assert "164 messages read" in log.meta["notes"]
    assert "82 duplicate messages (same Message-ID) dropped" in log.meta["notes"]
    authored = _authored(log)
    assert len(authored) == 82
    senders = Counter(r["actor"] for r in authored)
    # the ' at ' addresses undone: every sender is a whole address, 39 of them
    assert len(senders) == 39 and all(re.fullmatch(r"[^@\s]+@[^@\s]+", s) for s in senders)
    # SOURCE.md's top posters (20, 18, 14 in the doubled file)
    assert senders.most_common(3) == [
        ("nwagner@mecha.uni-stuttgart.de", 10),
        ("hinsen@cnrs-orleans.fr", 9),
        ("chrishbarker@home.net", 7),
    ]
    assert set(log.events["workspace"].to_pylist()) == {"numpy-discussion"}


@pytest.mark.parametrize(
    ("name", "read_", "unique", "senders", "skipped"),
    [
        ("3GPP_TSG_SA_WG4_EVS.mbox", 50, 49, 11, 0),
        # one message is an archive stub with no From: skipped and listed
        ("3GPP_TSG_RAN_WG4_NR-MIMO-OTA.mbox", 59, 55, 10, 1),
    ],
)
def test_3gpp_listserv_archives_with_lower_case_headers(
    name: str, read_: int, unique: int, senders: int, skipped: int
) -> None:
    log = read(dataset("mailing-list-mbox", name))
    authored = _authored(log)
    assert f"{read_} messages read" in log.meta["notes"]
    assert len(authored) == unique
    people = {r["actor"] for r in authored}
    assert len(people) == senders
    assert all(" " not in p and p.count("@") == 1 for p in people)  # 'from: "Name"  addr@host'
    assert log.meta["skipped_count"] == skipped
    # the list's own address (in Sender) is not a person
    assert not any("list.etsi.org" in p for p in log.people["actor"].to_pylist())


def test_ponymail_message_ids_match_the_expected_file_in_order() -> None:
    log = read(dataset("apache-mbox-ponymail", "corpus", "httpd-users-200606-part.mbox"))
    expected = _expected_ids(
        dataset("apache-mbox-ponymail", "expected", "parsing-httpd-users-200606-part.yaml")
    )
    assert len(expected) == 12
    assert [r["object_id"] for r in _authored(log)] == expected
    assert len({r["actor"] for r in _authored(log)}) == 4
    assert sum(r["verb"] == "reply" for r in _authored(log)) == 9


def test_ponymail_duplicates_40_raw_messages_give_10(tmp_path: Path) -> None:
    corpus = dataset("apache-mbox-ponymail", "corpus")
    folder = tmp_path / "dups"
    folder.mkdir()
    for path in sorted(corpus.glob("maven_duplicates_2017_*.mbox")):
        (folder / path.name).symlink_to(path)
    log = read(folder)
    assert "40 messages read" in log.meta["notes"]
    expected = set(
        _expected_ids(
            dataset("apache-mbox-ponymail", "expected", "gens-maven_duplicates_2017.yaml")
        )
    )
    assert len(expected) == 10
    assert sorted(r["object_id"] for r in _authored(log)) == sorted(expected)


def test_ponymail_month_and_edge_cases() -> None:
    log = read(dataset("apache-mbox-ponymail", "corpus", "maven-dev-2017-11-mboxvm.mbox"))
    authored = _authored(log)
    assert len(authored) == 317 and len({r["actor"] for r in authored}) == 37
    assert sum(r["verb"] == "reply" for r in authored) >= 234  # In-Reply-To, or References only
    assert set(log.events["workspace"].to_pylist()) == {"dev.maven.apache.org"}
    assert log.workspaces["name"].to_pylist() == ["Maven Developers List"]
    # the message without From, Date nor Message-ID is the only one skipped in the corpus
    whole = read(dataset("apache-mbox-ponymail", "corpus"))
    assert [s["file"].rsplit("/", 1)[-1] for s in whole.meta["skipped"]] == ["no_date.mbox"]
    html = [r["text"] for r in _authored(whole) if r["workspace"] == "commits.commons.apache.org"]
    assert html and not any("<html" in t.lower() for t in html)


def test_enron_mailboxes_with_x_folder() -> None:
    inbox = read(dataset("enron-mbox-sample", "enron.allen-p.inbox.mbox"))
    assert len(_authored(inbox)) == 66
    assert len({r["actor"] for r in _authored(inbox)}) == 43
    assert inbox.workspaces["name"].to_pylist() == ["Inbox"]  # the end of its X-Folder
    sent = read(dataset("enron-mbox-sample", "enron.allen-p._sent_mail.mbox"))
    senders = Counter(r["actor"] for r in _authored(sent))
    assert senders["phillip.allen@enron.com"] == 598 and sum(senders.values()) == 602
    messages = sent.events.filter(pc.equal(sent.events["verb"], "message"))
    assert messages.num_rows > 602  # one row per To/Cc recipient


def test_analyze_measures_the_mailing_list_folder_directly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "analyze", str(dataset("mailing-list-mbox")))
    assert code == 0, err
    assert "Input: mbox" in out
