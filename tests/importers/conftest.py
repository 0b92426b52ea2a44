"""Shared helpers for the importer tests: running the CLI in-process, and the real exports.

The real exports live in ``../shared/datasets`` beside the repository; tests that read them
skip when it is absent, unless CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from lumoflow.cli import main

REPO = Path(__file__).resolve().parents[2]
DATASETS = (REPO / ".." / "shared" / "datasets").resolve()


def dataset(*parts: str) -> Path:
    """Path inside ../shared/datasets; skip (or fail with CI=true) when it is missing."""
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"data set missing: {path} (mandatory with CI=true)")
        pytest.skip(f"data set not available: {path}")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``lumoflow ARGV`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def kept(tmp_path: Path, settings: Any) -> Path:
    """ "Measure an export": the test's data folder, under which uploads are kept."""
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data" / "measurements"


@pytest.fixture
def export_zip(tmp_path: Path) -> bytes:
    """A Slack export zip of 8 people over 12 weeks (`measure_fixture`)."""
    from .measure_fixture import slack_zip

    return slack_zip(tmp_path / "acme-slack.zip").read_bytes()


def kept_files(root: Path) -> list[Path]:
    """The files kept under an uploads folder."""
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
