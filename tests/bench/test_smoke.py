"""The benchmarks and their helpers work, at a tiny scale. No timing is asserted here."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.__main__ import modules

from bench import common

FIGURE_KEYS = {"name", "value", "unit", "baseline", "ratio", "target", "met"}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the load generator expects

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        status, body = (500, b"oops: database is locked") if "fail" in self.path else (200, b"{}")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tiny_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tiny_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUMOFLOW_BENCH_SCALE", "0.01")


@pytest.mark.parametrize("name", modules())
def test_every_benchmark_module_imports_and_has_run(name: str) -> None:
    # given / when
    import importlib

    module = importlib.import_module(f"bench.{name}")

    # then
    assert callable(module.run)


def test_scale_shrinks_sizes_and_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("LUMOFLOW_BENCH_SCALE", "0.1")

    # when / then
    assert common.scaled(1000) == 100
    assert common.scaled(3, minimum=2) == 2
    assert common.seconds(30) == 3
    assert common.seconds(1) == 0.2


def test_bad_scale_says_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("LUMOFLOW_BENCH_SCALE", "fast")

    # when / then
    with pytest.raises(SystemExit, match="LUMOFLOW_BENCH_SCALE"):
        common.scaled(10)


def test_figure_takes_the_ratio_against_the_baseline() -> None:
    # when
    throughput = common.figure("api", 400.0, "req/s", baseline=1000.0, target=0.35)
    latency = common.figure("api p50", 8.0, "ms", baseline=2.0, higher_is_better=False)
    errors = common.figure("locked", 0, "errors", target=0, higher_is_better=False)

    # then
    assert set(throughput) == FIGURE_KEYS
    assert throughput["ratio"] == 0.4
    assert throughput["met"] is True
    assert latency["ratio"] == 0.25
    assert latency["met"] is None
    assert errors["met"] is True
    assert common.figure("locked", 3, "errors", target=0, higher_is_better=False)["met"] is False
    assert common.figure("api", 300.0, "req/s", baseline=1000.0, target=0.35)["met"] is False


def test_percentile_is_the_nearest_rank() -> None:
    assert common.percentile([], 50) == 0.0
    assert common.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert common.percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_load_stops_at_the_request_count(tiny_server: str) -> None:
    # when
    result = common.load(tiny_server + "/hello", concurrency=3, duration=10, max_requests=25)

    # then
    assert result.requests == 25
    assert result.errors == 0
    assert result.statuses == {200: 25}
    assert result.throughput > 0
    assert 0 < result.p50 <= result.p95


def test_load_stops_at_the_deadline(tiny_server: str) -> None:
    # when
    result = common.load(tiny_server + "/hello", concurrency=2, duration=0.3)

    # then
    assert result.requests > 0
    assert result.duration < 3


def test_load_counts_errors_and_watched_phrases(tiny_server: str) -> None:
    # when
    result = common.load(
        lambda client, seq: tiny_server + ("/fail" if seq % 2 else "/ok"),
        concurrency=2,
        max_requests=10,
        duration=10,
        watch=("database is locked",),
    )

    # then
    assert result.requests == 10
    assert result.errors == result.statuses[500] == result.matches["database is locked"] > 0
    assert result.error_samples and result.error_samples[0].startswith("500:")


@pytest.mark.parametrize("url", ["http://192.0.2.1/hello", "https://127.0.0.1/hello"])
def test_load_talks_to_loopback_http_only(url: str) -> None:
    with pytest.raises(ValueError):
        common.load(url, max_requests=1)


def _seed_small() -> dict[str, Any]:
    from lumoflow.people import actions

    people = common.seed_people(4, prefix="smoke")
    reader = actions.create_person(None, username="reader", password="smoke-test-password-1")
    ws = common.seed_workspace(owner=people[0], name="Smoke", members=[*people[1:], "reader"])
    _, token = actions.create_token(reader)
    return {"workspace": ws, "token": token}


def test_site_serves_the_production_server_with_session_and_token(tiny_scale: None) -> None:
    # given
    with common.scratch_site() as site:
        data = site.call(_seed_small)

        # when
        with site.serve() as server:
            cookie = common.login_session(server.url(""), "reader", "smoke-test-password-1")
            page = common.load(
                server.url(f"/workspaces/{data['workspace']}"),
                headers={"Cookie": cookie},
                concurrency=2,
                max_requests=6,
                duration=60,
            )
            api = common.load(
                server.url(f"/api/v1/workspaces/{data['workspace']}"),
                headers={"Authorization": f"Bearer {data['token']}"},
                concurrency=2,
                max_requests=6,
                duration=60,
            )
            status, _, _ = common.request(server.url("/static/lumoflow/app.css"))

        # then
        assert page.statuses == {200: 6}, page.error_samples
        assert api.statuses == {200: 6}, api.error_samples
        assert status == 200
        assert server.proc.poll() is not None, "the server is stopped"
        data_dir = site.data_dir
    assert not data_dir.exists()


@pytest.mark.parametrize("name", ["workspace_api", "concurrent_writers", "feed_reads"])
def test_benchmark_runs_at_a_tiny_scale(name: str, tiny_scale: None) -> None:
    # given
    import importlib

    module = importlib.import_module(f"bench.{name}")

    # when
    figures = module.run()

    # then
    assert figures
    for f in figures:
        assert set(f) == FIGURE_KEYS
    assert all(f["met"] for f in figures if f["unit"] == "errors")


def test_the_demo_cache_key_follows_the_code_that_writes_the_demo_and_its_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import common

    # given a copy of the source tree
    src = tmp_path / "src"
    shutil.copytree(common.ROOT / "src" / "lumoflow", src / "lumoflow")
    monkeypatch.setattr(common, "ROOT", tmp_path)
    params = {"people": 60, "months": 12, "password": "p", "until": "2026-12-07"}
    key = common.demo_key(**params)
    # then the same code and parameters give the same key, another day another one
    assert common.demo_key(**params) == key
    assert common.demo_key(**{**params, "until": "2026-12-08"}) != key
    # a change to a file that only reads leaves it; one to an action or a migration changes it
    (src / "lumoflow" / "analytics" / "report.py").write_text("# read side\n", "utf-8")
    assert common.demo_key(**params) == key
    actions = src / "lumoflow" / "conversation" / "actions.py"
    if not actions.exists():
        actions = next((src / "lumoflow" / "conversation" / "actions").glob("*.py"))
    actions.write_text(actions.read_text("utf-8") + "\n# changed\n", "utf-8")
    assert common.demo_key(**params) != key


def test_cached_input_is_written_once_per_generator_and_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a data directory and a generator that counts its calls
    monkeypatch.setenv("LUMOFLOW_DATA_DIR", str(tmp_path))
    calls: list[int] = []

    def write(path: Path, *, size: int) -> None:
        calls.append(size)
        path.write_text("x" * size)

    # when the same input is asked for twice, and another size once
    first = common.cached_input("thing", write, size=3)
    again = common.cached_input("thing", write, size=3)
    other = common.cached_input("thing", write, size=4)

    # then each is written once, kept under var/bench/, and the sizes are apart
    assert calls == [3, 4]
    assert first == again and first.read_text() == "xxx" and other.read_text() == "xxxx"
    assert first.is_relative_to(tmp_path / "bench")
