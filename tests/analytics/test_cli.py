"""`lumoflow analyze`: output formats, the --out contract, and every bad input of the issue."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lumoflow.analytics import cli
from lumoflow.analytics.cli import main
from lumoflow.analytics.log import make_log, write_log
from lumoflow.analytics.report import FAMILIES

TOP_KEYS = {
    "participation",
    "responsiveness",
    "fading",
    "network",
    "relevance",
    "value",
    "privacy",
    "input",
}
SUMMARY_KEYS = {
    "nodes",
    "edges",
    "self_loops",
    "reciprocity",
    "density",
    "components_weak",
    "components_strong",
    "largest_wcc_nodes",
    "largest_wcc_edges",
    "largest_scc_nodes",
    "largest_scc_edges",
    "avg_clustering",
    "triangles",
    "diameter",
    "effective_diameter",
    "ei_index",
    "ei_index_directed",
    "modularity_departments",
    "isolated",
}


def _canonical(tmp_path: Path) -> Path:
    events = []
    for w in range(10):
        for p in range(6):
            day = 4 + (w * 7 + p) % 20
            events.append(
                {
                    "event_id": f"e{w}-{p}",
                    "ts": f"2024-03-{day:02d}T09:00:00Z",
                    "actor": f"u{p}",
                    "verb": "post" if p % 2 else "reply",
                    "workspace": "w1",
                    "object_id": f"o{w}-{p}",
                    "parent_id": f"o{w}-{p - 1}" if p % 2 == 0 and p else "",
                    "text": "billing migration to kubernetes",
                }
            )
    people = [{"actor": f"u{p}", "department": "eng" if p < 3 else "ops"} for p in range(6)]
    workspaces = [{"workspace": "w1", "objectives": "Migrate billing to Kubernetes"}]
    return write_log(make_log(events, people, workspaces), tmp_path / "log")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_documented_top_level_and_network_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, str(_canonical(tmp_path)), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == TOP_KEYS
    assert set(data["network"]) >= SUMMARY_KEYS
    assert set(data["network"]["ei_index"]) == {"overall", "by_department"}
    assert set(data["network"]["ei_index_directed"]) == {
        "overall",
        "sent_by_department",
        "received_by_department",
    }
    assert set(data["network"]["effective_diameter"]) == {
        "value",
        "estimated",
        "sources",
        "percentile",
    }
    assert {
        "events",
        "events_by_verb",
        "people",
        "workspaces",
        "first_ts",
        "last_ts",
        "skipped",
    } <= set(data["input"])
    assert data["input"]["events"] == 60 and data["input"]["events_by_verb"]["post"] == 30
    # groups: {"value", "people", "suppressed"}; 3 people per department is under 5, and a
    # suppressed group says nothing of its size
    assert data["network"]["ei_index"]["by_department"]["eng"] == {
        "value": None,
        "people": None,
        "suppressed": True,
    }


def test_text_puts_the_fading_verdict_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, str(_canonical(tmp_path)))
    assert code == 0
    assert out.startswith("Fading verdict: ")


def test_html_is_self_contained_and_written_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    target.write_text("old report")
    code, out, err = _run(
        capsys, str(_canonical(tmp_path)), "--format", "html", "--out", str(target)
    )
    assert (code, out, err) == (0, "", "")
    page = target.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page
    outside = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]+"', "", page)  # SVG namespaces
    assert "http://" not in outside
    assert "https://" not in page and "<script" not in page
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_individuals_are_only_shown_when_asked_and_pseudonymised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(_canonical(tmp_path))
    _, out, _ = _run(capsys, log, "--format", "json", "--min-group-size", "2")
    assert json.loads(out)["network"]["brokers"] is None
    _, out, _ = _run(capsys, log, "--format", "json", "--individuals")
    people = [b["person"] for b in json.loads(out)["network"]["brokers"]["top"]]
    assert people and all(p.startswith("person-") for p in people)
    _, out, _ = _run(capsys, log, "--format", "json", "--individuals", "--names")
    assert {b["person"] for b in json.loads(out)["network"]["brokers"]["top"]} <= {
        f"u{i}" for i in range(6)
    }


def test_top_sets_how_many_brokers_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(_canonical(tmp_path))
    _, out, _ = _run(capsys, log, "--format", "json", "--individuals")
    assert len(json.loads(out)["network"]["brokers"]["top"]) == 6  # everyone, under 10
    code, out, err = _run(capsys, log, "--format", "json", "--individuals", "--top", "2")
    assert code == 0, err
    assert len(json.loads(out)["network"]["brokers"]["top"]) == 2
    code, out, _ = _run(capsys, log, "--individuals", "--top", "1")
    brokers = out.split("brokers (betweenness, constraint):\n")[1].split("\n\n")[0]
    assert code == 0 and len(brokers.splitlines()) == 1


def test_text_shows_isolated_people_directed_ei_and_effective_diameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(_canonical(tmp_path))
    code, out, _ = _run(capsys, log)
    assert code == 0
    data = json.loads(_run(capsys, log, "--format", "json")[1])["network"]
    eff = data["effective_diameter"]["value"]
    assert f"90% effective diameter {eff:.1f}\n" in out
    isolated = data["isolated"]  # the canonical log's few isolated people are withheld
    assert isolated["suppressed"] is True and isolated["count"] is None
    assert "isolated people fewer than 5, " in out
    assert "(directed ties " in out


def test_workspace_and_period_select_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys,
        str(_canonical(tmp_path)),
        "--format",
        "json",
        "--workspace",
        "w1",
        "--from",
        "2024-03-10",
        "--to",
        "2024-03-15",
    )
    data = json.loads(out)
    assert code == 0
    assert data["input"]["skipped"]["outside the period"] > 0
    assert data["input"]["selected_events"] + data["input"]["skipped"]["outside the period"] == 60


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    def write(name: str, data: bytes | str) -> str:
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return str(path)

    log = str(_canonical(tmp_path))
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("keep")
    head = "event_id,ts,actor,verb\n"
    return {
        "malformed row": (
            [write("m.csv", head + "1,2024-03-04,ann,post\n2,2024-03-04\n")],
            "m.csv, line 3",
        ),
        "unknown column": (
            [write("u.csv", "ts,actor,verb,colour\n2024-03-04,ann,post,red\n")],
            "column colour",
        ),
        "future timestamp": (
            [write("f.csv", head + "1,2999-01-01,ann,post\n")],
            "f.csv, line 2, column ts: timestamp in the future",
        ),
        "before 1990": (
            [write("b.csv", head + "1,1980-01-01,ann,post\n")],
            "line 2, column ts: timestamp before 1990",
        ),
        "non-UTF-8": ([write("n.txt", b"1 2 3\n4 \xff 6\n")], "n.txt, line 2"),
        "empty log": ([write("e.txt", "")], "no events"),
        "empty canonical log": ([str(write_log(make_log([]), tmp_path / "empty"))], "no events"),
        "period without events": (
            [log, "--from", "2020-01-01", "--to", "2020-02-01"],
            "no events in the selected period",
        ),
        "unknown workspace": ([log, "--workspace", "nope"], "no workspace with id 'nope'"),
        "from after to": ([log, "--from", "2024-03-10", "--to", "2024-03-01"], "is after --to"),
        "out folder not empty": ([log, "--out", str(full)], "not empty"),
        "bad people line": ([log, "--people", write("p.txt", "a x\nb\n")], "p.txt, line 2"),
        "bad date": ([log, "--from", "last week"], "not a date"),
        "missing input": ([str(tmp_path / "nothing.txt")], "no such file"),
        "top zero": ([log, "--individuals", "--top", "0"], "--top: must be a whole number"),
        "top not a number": ([log, "--individuals", "--top", "ten"], "at least 1, not 'ten'"),
        "top without individuals": ([log, "--top", "3"], "--top only applies with --individuals"),
    }


CASES = [
    "malformed row",
    "unknown column",
    "future timestamp",
    "before 1990",
    "non-UTF-8",
    "empty log",
    "empty canonical log",
    "period without events",
    "unknown workspace",
    "from after to",
    "out folder not empty",
    "bad people line",
    "bad date",
    "missing input",
    "top zero",
    "top not a number",
    "top without individuals",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_exits_2_with_one_line_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    # given
    argv, words = _bad_inputs(tmp_path)[case]
    report = tmp_path / "reports" / "r.json"
    report.parent.mkdir()
    extra = [] if "--out" in argv else ["--out", str(report)]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    # when
    code, out, err = _run(capsys, *argv, "--format", "json", *extra)
    # then
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("lumoflow analyze: ")
    assert words in err, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing left behind


@pytest.mark.skipif(
    importlib.util.find_spec("lumoflow.cli") is None,
    reason="the lumoflow console script is not wired yet",
)
def test_console_script_runs_analyze(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "lumoflow"
    log = _canonical(tmp_path)
    done = subprocess.run(
        [str(exe), "analyze", str(log), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": ""},
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == TOP_KEYS
    bad = subprocess.run(
        [str(exe), "analyze", str(log), "--workspace", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_module_entry_point_matches(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lumoflow.analytics.cli", str(tmp_path / "no")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "no such file" in done.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_large_input_off_a_terminal_gets_one_summary_line_naming_each_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an input counted as large, and stderr that is not a terminal
    monkeypatch.setattr(cli, "PROGRESS_MIN_EVENTS", 1)
    # when it is measured
    code, out, err = _run(capsys, str(_canonical(tmp_path)), "--format", "json")
    # then stderr holds one line with the time of the read, each family and the report
    assert code == 0 and json.loads(out)
    assert err.count("\n") == 1 and err.startswith("lumoflow analyze: 60 events in ")
    for part in ("read", *FAMILIES, "report"):
        assert re.search(rf"\b{part} \d+\.\d s\b", err), part


def test_a_large_input_on_a_terminal_gets_a_bar_naming_the_family_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an input counted as large, and stderr that is a terminal
    monkeypatch.setattr(cli, "PROGRESS_MIN_EVENTS", 1)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    # when it is measured
    code = main([str(_canonical(tmp_path)), "--out", str(tmp_path / "r.txt")])
    # then the bar named each family in turn, and no summary line was left behind
    shown = terminal.getvalue()
    assert code == 0
    positions = [shown.index(f"lumoflow analyze: {name}") for name in (*FAMILIES, "report")]
    assert positions == sorted(positions)
    assert " events in " not in shown


def test_a_small_input_gets_no_progress_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, str(_canonical(tmp_path)))
    assert code == 0 and err == ""
