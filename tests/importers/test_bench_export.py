"""The export the importers benchmark generates is a Slack export the importer reads whole."""

from __future__ import annotations

from pathlib import Path

from bench.importers import parse_only, write_slack_export

from lumoflow.importers import detect_source, read_export


def test_generated_export_reads_with_every_message(tmp_path: Path) -> None:
    root = tmp_path / "export"
    files = write_slack_export(root, 2500)
    assert files == 3 and parse_only(root)[1] == 2500
    assert detect_source(root) == "slack"
    log = read_export("slack", root)
    verbs = log.events.column("verb").to_pylist()
    assert verbs.count("post") + verbs.count("reply") == 2500
    assert verbs.count("reply") > 0 and verbs.count("reaction") > 0
    assert log.meta["skipped_count"] == 0
