"""Shared helpers for the benchmarks: a scratch site, the production server, a load generator.

A benchmark module `bench/<name>.py` exposes `run() -> list[dict]`. The usual shape:

    from bench import common

    def seed(people: int) -> dict:            # runs in a child process with Django set up
        from lumoflow.people import actions   # import Django code inside the function
        ...
        return {"token": raw}                 # anything JSON-serialisable

    def run() -> list[dict]:
        with common.scratch_site() as site:   # temporary LUMOFLOW_DATA_DIR, migrated
            data = site.call(seed, people=common.scaled(1000))
            with site.serve() as server:      # `lumoflow serve` on a free loopback port
                hello = common.load(server.url("/hello"), duration=common.seconds(5))
                page = common.load(server.url("/x"), headers={"Authorization": "Bearer …"})
        return [common.figure("x", page.throughput, "req/s", baseline=hello.throughput,
                              target=0.35)]

Everything that touches Django runs in child processes (`Site.call`, the server), so one
`python -m bench` process can run every benchmark, each on its own fresh database. The load
generator is pure Python (threads and keep-alive `http.client` connections), talks to loopback
addresses only and stops at a request count or a deadline, whichever comes first.

`LUMOFLOW_BENCH_SCALE` (float, default 1.0) shrinks sizes and durations: `scaled(n)` and
`seconds(s)` apply it, so the smoke tests run every benchmark in seconds.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import importlib
import ipaddress
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
SETTINGS = "lumoflow.config.settings"
DB_FILE = "lumoflow.sqlite3"


# --------------------------------------------------------------------------------------------
# Scale


def scale() -> float:
    """Return LUMOFLOW_BENCH_SCALE (default 1.0); exit with one clear line when it is not > 0."""
    raw = os.environ.get("LUMOFLOW_BENCH_SCALE", "1.0")
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise SystemExit(f"LUMOFLOW_BENCH_SCALE={raw!r} must be a number above 0 (e.g. 0.05).")
    return value


def scaled(n: int, *, minimum: int = 1) -> int:
    """Return `n` times the scale, rounded, at least `minimum`."""
    return max(minimum, round(n * scale()))


def seconds(s: float, *, minimum: float = 0.2) -> float:
    """Return a duration `s` times the scale, at least `minimum` seconds."""
    return max(minimum, s * scale())


# --------------------------------------------------------------------------------------------
# Figures


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    target: float | None = None,
    higher_is_better: bool = True,
) -> dict[str, Any]:
    """Build one result line for `python -m bench`.

    `ratio` is value / baseline when `higher_is_better` (throughput), baseline / value otherwise
    (latency, duration), so a ratio of 1 always means "as good as the baseline". `met` compares
    the ratio with `target`; without a baseline it compares the value itself (at least `target`,
    or at most `target` when lower is better, e.g. an error count with target 0). None when
    there is no target.
    """
    ratio: float | None = None
    if baseline is not None and baseline > 0 and value > 0:
        ratio = value / baseline if higher_is_better else baseline / value
    elif baseline is not None:
        ratio = 0.0
    met: bool | None = None
    if target is not None and baseline is not None:
        met = ratio is not None and ratio >= target
    elif target is not None:
        met = value >= target if higher_is_better else value <= target
    return {
        "name": name,
        "value": round(float(value), 4),
        "unit": unit,
        "baseline": None if baseline is None else round(float(baseline), 4),
        "ratio": None if ratio is None else round(ratio, 4),
        "target": target,
        "met": met,
    }


# --------------------------------------------------------------------------------------------
# Scratch site: a temporary data directory, migrated, with static files collected


def _python() -> str:
    python = VENV_BIN / "python"
    return str(python) if python.exists() else sys.executable


def _lumoflow() -> list[str]:
    exe = VENV_BIN / "lumoflow"
    if exe.exists():
        return [str(exe)]
    return [_python(), "-m", "lumoflow.cli"]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    """A LumoFlow installation in a temporary data directory (SQLite unless DATABASE_URL is set)."""

    data_dir: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 600) -> str:
        """Run `lumoflow ARGS...` against this site; return stdout, raise with stderr on failure."""
        proc = subprocess.run(
            [*_lumoflow(), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"lumoflow {' '.join(args)} failed: {proc.stderr.strip()[-2000:]}")
        return proc.stdout

    def call(self, fn: Callable[..., Any] | str, /, **kwargs: Any) -> Any:
        """Run `fn(**kwargs)` in a child process with Django set up on this site; return its result.

        `fn` is a module-level function (or "module:function"); it imports Django code inside its
        body, takes JSON-serialisable keyword arguments and returns a JSON-serialisable value.
        """
        ref = fn if isinstance(fn, str) else f"{fn.__module__}:{fn.__qualname__}"
        with tempfile.NamedTemporaryFile("r", suffix=".json", dir=self.data_dir) as out:
            proc = subprocess.run(
                [_python(), "-m", "bench.common", "call", ref, json.dumps(kwargs), out.name],
                env=self.env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"{ref} failed:\n{proc.stderr.strip()[-4000:]}")
            return json.loads(Path(out.name).read_text())

    @contextlib.contextmanager
    def serve(self, *, workers: int | None = None, threads: int | None = None) -> Iterator[Server]:
        """Start `lumoflow serve` on a free loopback port, wait for /healthz, stop it on exit."""
        server = Server.start(self, workers=workers, threads=threads)
        try:
            yield server
        finally:
            server.stop()


def _site_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "LUMOFLOW_DATA_DIR": str(data_dir),
        "LUMOFLOW_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
        ),
        "LUMOFLOW_LOG_LEVEL": os.environ.get("LUMOFLOW_LOG_LEVEL", "WARNING"),
    }
    env.pop("LUMOFLOW_DEBUG", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


_TEMPLATE: list[Path] = []  # one migrated SQLite site with collected static files per process


def _template_site() -> Path:
    """Migrate and collect static files once per process; later sites start from copies."""
    if not _TEMPLATE:
        data_dir = Path(tempfile.mkdtemp(prefix="lumoflow-bench-template-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
        site = Site(data_dir=data_dir, env=_site_env(data_dir, None))
        site.run("manage", "migrate", "--noinput", "-v", "0")
        site.run("manage", "collectstatic", "--noinput", "-v", "0")
        _TEMPLATE.append(data_dir)
    return _TEMPLATE[0]


@contextlib.contextmanager
def scratch_site(*, keep: bool = False, database_url: str | None = None) -> Iterator[Site]:
    """Create a temporary data directory, migrated, with static files collected; remove it after.

    The child processes see LUMOFLOW_DATA_DIR set to it and a fixed LUMOFLOW_SECRET_KEY. The
    database is SQLite in that directory (a DATABASE_URL in the environment is ignored, so a
    benchmark never writes into a shared database) unless `database_url` names an empty one.
    The first site of a process is migrated; later ones copy its database file (much faster).
    """
    data_dir = Path(tempfile.mkdtemp(prefix="lumoflow-bench-"))
    site = Site(data_dir=data_dir, env=_site_env(data_dir, database_url))
    try:
        template = _template_site()
        # Hard links: the collected files are only read; whitenoise serves them from here.
        shutil.copytree(template / "static", data_dir / "static", copy_function=os.link)
        if database_url:
            site.run("manage", "migrate", "--noinput", "-v", "0")
        else:
            for name in (DB_FILE, DB_FILE + "-wal"):  # no process holds the template open
                if (template / name).exists():
                    shutil.copyfile(template / name, data_dir / name)
        yield site
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The demo company, generated once per version of what writes it

#: What the demo's database depends on besides its parameters: the product's Python source
#: (the generator, the actions it writes through, the models and migrations), except the parts
#: that only read: the engine, charts, pages and their routes, the API and the measurement's
#: reads.
DEMO_SOURCES = "lumoflow/**/*.py"
DEMO_READ_ONLY = (
    "lumoflow/analytics/*",
    "lumoflow/charts/*",
    "lumoflow/api/*",
    "lumoflow/*/urls.py",
    "lumoflow/config/gunicorn.py",
    "lumoflow/*/management/commands/worker.py",
    "lumoflow/*/views.py",
    "lumoflow/*/views/*",
    "lumoflow/*/templatetags/*",
    "lumoflow/*/tests/*",
    "lumoflow/core/charts.py",
    "lumoflow/conversation/cards.py",
    "lumoflow/conversation/export.py",
    "lumoflow/measure/alerts.py",
    "lumoflow/measure/digests/*",
    "lumoflow/measure/report/*",
    "lumoflow/*/management/commands/report.py",
    "lumoflow/measure/compute.py",
    "lumoflow/measure/insights.py",
    "lumoflow/measure/queries.py",
    "lumoflow/measure/trends.py",
)


#: The demo's shared password in every benchmark that uses it (one cached demo for all).
DEMO_PASSWORD = "bench-demo-password-4e2a"


def demo_key(**params: Any) -> str:
    """A digest of the demo's parameters and of every source file in DEMO_SOURCES that is not
    in DEMO_READ_ONLY.

    A change to any of those files, or to a parameter, gives a new key: a cached demo is only
    reused when the same code would write the same database. `until` (the last day of the
    history) is a parameter, so a demo generated up to an earlier day is not reused.
    """
    import fnmatch
    import hashlib

    src = ROOT / "src"
    files = sorted(
        p
        for p in src.glob(DEMO_SOURCES)
        if p.is_file()
        and not any(fnmatch.fnmatch(p.relative_to(src).as_posix(), x) for x in DEMO_READ_ONLY)
    )
    if not files:
        raise RuntimeError(f"no demo sources under {src}: cannot key the demo cache")
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode())
    for path in files:
        digest.update(path.relative_to(src).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def write_demo(*, people: int, months: int, password: str, until: str) -> dict[str, Any]:
    """Write the demo company (in a child process: `Site.call`)."""
    from django.core.management import call_command

    call_command("demo", people=people, months=months, until=until, password=password, verbosity=0)
    return {}


def demo_cache_dir() -> Path:
    """Where generated demos are kept: var/bench/ of the data directory (`make` sets it)."""
    return Path(os.environ.get("LUMOFLOW_DATA_DIR", ROOT / "var")) / "bench"


def load_demo_cached(site: Site, *, people: int, months: int, password: str) -> bool:
    """Fill `site` (a fresh scratch site) with the demo company up to today, UTC; return True
    when it came from the cache.

    The first run writes the demo with `lumoflow demo` (about 15 minutes at 10,000 people) and
    keeps the site's files (database and demo.json, not the static files) in
    var/bench/demo-<demo_key>/; a later run with the same key copies them instead. Other
    demo-* entries are removed when a new one is kept (one demo on disk). SQLite sites only.
    """
    import datetime as dt

    if "DATABASE_URL" in site.env:
        raise ValueError("the demo cache holds SQLite sites only")
    until = dt.datetime.now(dt.UTC).date().isoformat()
    params = {"people": people, "months": months, "password": password, "until": until}
    cache = demo_cache_dir() / f"demo-{demo_key(**params)}"
    if (cache / "complete").exists():
        for path in cache.iterdir():
            if path.name != "complete":
                shutil.copyfile(path, site.data_dir / path.name)
        return True
    site.call(write_demo, **params)
    partial = cache.with_name(cache.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for path in site.data_dir.iterdir():
        if path.is_file() and (path.name.startswith(DB_FILE) or path.name == "demo.json"):
            shutil.copyfile(path, partial / path.name)
    (partial / "complete").write_text(json.dumps(params, indent=1))
    for old in cache.parent.glob("demo-*"):
        if old != partial:
            shutil.rmtree(old, ignore_errors=True)
    partial.rename(cache)
    return False


def cached_input(name: str, write: Callable[..., Any], **params: Any) -> Path:
    """A generated benchmark input (a file or folder), written once by ``write(path,
    **params)`` and kept in var/bench/<name>-<code key>/<parameters key>/: the code key is a
    digest of the source of ``write``'s module, so a change to the generator gives new inputs
    (and the inputs of older generators are removed); each set of ``params`` has its own."""
    import hashlib
    import inspect

    code = hashlib.sha256(Path(inspect.getfile(write)).read_bytes()).hexdigest()[:16]
    key = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    home = demo_cache_dir() / f"{name}-{code}"
    cache = home / key[:16]
    if (cache / "complete").exists():
        return cache / "input"
    for old in demo_cache_dir().glob(f"{name}-*"):
        if old != home:
            shutil.rmtree(old, ignore_errors=True)
    partial = cache.with_name(cache.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    write(partial / "input", **params)
    (partial / "complete").write_text(json.dumps(params, indent=1))
    partial.rename(cache)
    return cache / "input"


# --------------------------------------------------------------------------------------------
# The production server


@dataclass
class Server:
    """A running `lumoflow serve` (gunicorn gthread workers, whitenoise) for one site."""

    site: Site
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    def start(
        cls,
        site: Site,
        *,
        workers: int | None = None,
        threads: int | None = None,
        timeout: float = 60,
    ) -> Server:
        port = free_port()
        log_path = site.data_dir / f"server-{port}.log"
        # No task worker: a benchmark of the web server measures requests alone, without
        # metric refreshes queued by its seeding competing for the cores (bench/measure_refresh
        # measures those).
        args = [*_lumoflow(), "serve", "--port", str(port), "--no-worker"]
        if workers:
            args += ["--workers", str(workers)]
        if threads:
            args += ["--threads", str(threads)]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                args,
                env=site.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = cls(site=site, port=port, proc=proc, log_path=log_path)
        try:
            server.wait_healthy(timeout)
        except BaseException:
            server.stop()
            raise
        return server

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log()[-3000:]}")
            status, _, _ = request(self.url("/healthz"), timeout=2)
            if status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        """Return the server's output so far (access log and errors)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_count(self, phrase: str) -> int:
        """Count lines of the server's output that contain `phrase` (case-insensitive)."""
        needle = phrase.lower()
        return sum(needle in line.lower() for line in self.log().splitlines())

    def stop(self, timeout: float = 15) -> None:
        """Stop gracefully (SIGTERM to the gunicorn master, which stops its workers).

        Only when the master does not exit in time is its process group (the master and its
        workers, started in a session of their own) killed, while the master still holds it.
        """
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


# --------------------------------------------------------------------------------------------
# HTTP


def _loopback(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"{url}: only http:// URLs are supported")
    host = parts.hostname
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        addresses = {
            ipaddress.ip_address(info[4][0].split("%")[0])
            for info in socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
        }
    if not all(a.is_loopback for a in addresses):
        raise ValueError(f"{url}: the load generator only talks to loopback addresses")
    return parts


def _target(parts: urllib.parse.SplitResult) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def request(
    url: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request on a fresh connection; return (status, headers, body), status 0 if down."""
    parts = _loopback(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request(method, _target(parts), body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    except OSError:
        return 0, {}, b""
    finally:
        conn.close()


def login_session(base_url: str, username: str, password: str) -> str:
    """Sign in through the /login form; return a Cookie header value for the signed-in session."""
    status, headers, page = request(base_url + "/login")
    if status != 200:
        raise RuntimeError(f"GET /login answered {status}")
    csrf = _cookie(headers, "csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not csrf or not match:
        raise RuntimeError("the login page has no CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()
    status, headers, _ = request(
        base_url + "/login",
        method="POST",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": base_url + "/login",
        },
    )
    session = _cookie(headers, "sessionid")
    if status != 302 or not session:
        raise RuntimeError(f"signing in as {username} failed (status {status})")
    return f"sessionid={session}; csrftoken={csrf}"


def _cookie(headers: Mapping[str, str], name: str) -> str | None:
    # http.client folds repeated Set-Cookie headers into one, separated by ", ".
    match = re.search(rf"(?:^|[ ,]){name}=([^;,]+)", headers.get("set-cookie", ""))
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# Load generator

PerRequest = Callable[[int, int], Any]  # (client index, request number of that client) -> value


@dataclass
class LoadResult:
    """What one load run measured. Latencies are in milliseconds."""

    requests: int
    errors: int
    duration: float
    latencies: list[float] = field(repr=False)
    statuses: Counter[int]
    matches: Counter[str]
    error_samples: list[str]

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.duration if self.duration > 0 else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    def summary(self) -> str:
        return (
            f"{self.requests} requests, {self.errors} errors, {self.throughput:.1f} req/s, "
            f"p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, statuses {dict(self.statuses)}"
        )


def percentile(values: Sequence[float], pct: float) -> float:
    """Return the `pct` percentile (nearest rank) of `values`, 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return float(ordered[rank - 1])


def _pick(value: Any, client: int, seq: int) -> Any:
    return value(client, seq) if callable(value) else value


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    matches: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, status: int, data: bytes, ms: float, ok: bool, watch: Sequence[str]) -> None:
        self.latencies.append(ms)
        self.statuses[status] += 1
        for phrase in watch:
            if phrase.encode() in data:
                self.matches[phrase] += 1
        if not ok:
            self.errors += 1
            if len(self.samples) < 3:
                self.samples.append(f"{status}: {data[:300].decode(errors='replace')}")


@dataclass
class _Plan:
    """One load run's requests, budget and clock, shared by its client threads."""

    url: str | PerRequest
    method: str
    headers: Mapping[str, str] | PerRequest | None
    body: bytes | PerRequest | None
    ok: Callable[[int], bool]
    watch: Sequence[str]
    timeout: float
    budget: int
    deadline: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or time.perf_counter() >= self.deadline:
                return False
            self.budget -= 1
            return True


class _Client:
    """One keep-alive connection per host, sending the plan's requests one after another."""

    def __init__(self, plan: _Plan, index: int) -> None:
        self.plan, self.index = plan, index
        self.tally = _Tally()
        self.conns: dict[tuple[str, int], http.client.HTTPConnection] = {}

    def run(self, gate: threading.Barrier) -> None:
        gate.wait()
        seq = 0
        try:
            while self.plan.take():
                self.send(seq)
                seq += 1
        finally:
            for conn in self.conns.values():
                conn.close()

    def _conn(self, key: tuple[str, int]) -> http.client.HTTPConnection:
        conn = self.conns.get(key)
        if conn is None:
            conn = self.conns[key] = http.client.HTTPConnection(*key, timeout=self.plan.timeout)
        return conn

    def send(self, seq: int) -> None:
        plan = self.plan
        target = _loopback(_pick(plan.url, self.index, seq))
        key = (target.hostname or "", target.port or 80)
        conn = self._conn(key)
        headers = dict(_pick(plan.headers, self.index, seq) or {})
        body = _pick(plan.body, self.index, seq)
        t0 = time.perf_counter()
        try:
            conn.request(plan.method, _target(target), body=body, headers=headers)
            resp = conn.getresponse()
            data, status = resp.read(), resp.status
            if resp.will_close:
                conn.close()
                del self.conns[key]
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self.conns.pop(key, None)
            status, data = 0, repr(exc).encode()
        ms = (time.perf_counter() - t0) * 1000
        self.tally.add(status, data, ms, plan.ok(status), plan.watch)


def _ok_status(status: int) -> bool:
    return 200 <= status < 400


def load(
    url: str | PerRequest,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | PerRequest | None = None,
    body: bytes | PerRequest | None = None,
    concurrency: int = 8,
    duration: float | None = None,
    max_requests: int | None = None,
    ok: Callable[[int], bool] = _ok_status,
    watch: Sequence[str] = (),
    timeout: float = 30,
) -> LoadResult:
    """Send requests from `concurrency` keep-alive connections until a deadline or a count.

    `url`, `headers` and `body` may be callables of (client index, request number) to vary the
    requests (another workspace, another client's token). Stops after `duration` seconds
    (default 5 s, scaled) or `max_requests` in all, whichever comes first. A response is an
    error when `ok(status)` is false or the connection failed; `watch` counts responses whose
    body contains each phrase (e.g. "database is locked"). Latencies are measured per request
    from sending to the last byte of the body.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    _loopback(_pick(url, 0, 0))
    plan = _Plan(
        url=url,
        method=method,
        headers=headers,
        body=body,
        ok=ok,
        watch=watch,
        timeout=timeout,
        budget=max_requests if max_requests is not None else sys.maxsize,
    )
    clients = [_Client(plan, i) for i in range(concurrency)]
    gate = threading.Barrier(concurrency + 1)
    threads = [
        threading.Thread(target=c.run, args=(gate,), name=f"load-{c.index}", daemon=True)
        for c in clients
    ]
    for t in threads:
        t.start()
    started = time.perf_counter()
    plan.deadline = started + (seconds(5) if duration is None else duration)
    gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = _Tally()
    for c in clients:
        total.latencies += c.tally.latencies
        total.statuses += c.tally.statuses
        total.matches += c.tally.matches
        total.errors += c.tally.errors
        total.samples += c.tally.samples
    return LoadResult(
        requests=len(total.latencies),
        errors=total.errors,
        duration=elapsed,
        latencies=total.latencies,
        statuses=total.statuses,
        matches=total.matches,
        error_samples=total.samples[:5],
    )


def median_result(results: Sequence[LoadResult]) -> LoadResult:
    """Return the run with the median throughput (rounds interleaved against machine noise)."""
    if not results:
        raise ValueError("no results")
    ordered = sorted(results, key=lambda r: r.throughput)
    return ordered[(len(ordered) - 1) // 2]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


# --------------------------------------------------------------------------------------------
# Seeding (call these inside a function run by Site.call: they need Django set up)

DEPARTMENTS = ("Sales/Nordics", "Sales/DACH", "Product/Platform", "Product/Apps", "Finance", "IT")


def seed_people(n: int, *, prefix: str = "person") -> list[str]:
    """Create `n` people through the people actions (in bulk when available); return usernames.

    Usernames are `<prefix>0001`…; e-mails `<username>@example.com`; no usable password (sign-in
    is for the people a benchmark creates with `create_person(..., password=...)`).
    """
    from lumoflow.people import actions

    rows = [
        {
            "username": f"{prefix}{i:04d}",
            "email": f"{prefix}{i:04d}@example.com",
            "name": f"Person {i:04d}",
            "title": "Engineer" if i % 3 else "Manager",
            "department": DEPARTMENTS[i % len(DEPARTMENTS)],
        }
        for i in range(1, n + 1)
    ]
    bulk = getattr(actions, "bulk_create_people", None)
    row_type = getattr(actions, "PersonRow", None)
    if bulk is not None and row_type is not None:
        bulk(None, [row_type(**row) for row in rows])
    else:
        for row in rows:
            actions.create_person(None, **row)
    return [r["username"] for r in rows]


def seed_workspace(
    *,
    owner: str,
    name: str,
    members: Sequence[str] = (),
    visibility: str = "public",
    check_ins: int = 3,
) -> int:
    """Create a workspace through the actions, with members, an objective of two key results and
    `check_ins` check-ins on the first one; return its id."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from lumoflow.workspaces import actions

    users = get_user_model().objects
    owner_user = users.get(username=owner)
    ws = actions.create_workspace(
        owner_user,
        name=name,
        purpose=f"{name} exists so that its team ships on time and tells everyone how it goes.",
        visibility=visibility,
    )
    for username in dict.fromkeys(members):
        if username != owner:
            actions.add_member(owner_user, ws.pk, username=username, role="member")
    today = dt.date.today()
    end = today + dt.timedelta(days=60)
    objective = actions.create_objective(
        owner_user,
        ws.pk,
        title=f"{name}: deliver the quarter's plan",
        description="The outcome the workspace is for, measured by its key results.",
        start=today - dt.timedelta(days=30),
        end=end,
        key_results=[
            {"metric_name": "Signed pilots", "baseline": 0, "target": 10, "due": str(end)},
            {"metric_name": "Churn", "unit": "%", "baseline": 8, "target": 4, "due": str(end)},
        ],
    )
    first = objective.key_results.order_by("pk").first()
    for k in range(check_ins):
        actions.record_check_in(owner_user, first.pk, value=k + 1, confidence=7, note=f"Week {k}")
    return int(ws.pk)


# --------------------------------------------------------------------------------------------
# Child-process entry point for Site.call


def _call_main(ref: str, kwargs_json: str, out_path: str) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()
    module_name, _, func_name = ref.partition(":")
    fn = importlib.import_module(module_name)
    for part in func_name.split("."):
        fn = getattr(fn, part)
    result = fn(**json.loads(kwargs_json))  # type: ignore[operator]
    Path(out_path).write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "call":
        sys.exit(_call_main(*sys.argv[2:]))
    print(
        "usage: python -m bench.common call MODULE:FUNCTION KWARGS_JSON OUT_PATH", file=sys.stderr
    )
    sys.exit(2)


LOCKED = "database is locked"


def writers_benchmark(
    label: str,
    *,
    seed: Callable[..., dict[str, Any]],
    write: Callable[[Server, dict[str, Any], float], LoadResult],
    stored: Callable[[], dict[str, int]],
    stored_key: str,
    writers: int,
    duration: float,
) -> list[dict[str, Any]]:
    """Run `writers` concurrent writers for `duration` s between two hello measurements.

    `seed(writers=, people=)` prepares the site, `write(server, data, seconds)` sends the load,
    and `stored()` counts what the database holds afterwards: every 201 must have stored one
    row (`stored_key`) and one event. Returns the throughput ratio, latencies and error counts.
    """
    with scratch_site() as site:
        data = site.call(seed, writers=writers, people=scaled(100, minimum=writers))
        with site.serve() as server:
            hello_url = server.url("/hello")
            load(hello_url, concurrency=writers, duration=seconds(1))
            before = load(hello_url, concurrency=writers, duration=seconds(5))
            result = write(server, data, seconds(duration))
            after = load(hello_url, concurrency=writers, duration=seconds(5))
            locked_in_log = server.log_count(LOCKED)
        counts = site.call(stored)
    created = result.statuses.get(201, 0)
    print(f"    hello before: {before.summary()}", flush=True)
    print(f"    writers: {result.summary()}", flush=True)
    print(f"    hello after: {after.summary()}", flush=True)
    if result.error_samples:
        print(f"    errors, e.g.: {result.error_samples}", flush=True)
    if counts[stored_key] != created or counts["events"] != created:
        raise RuntimeError(f"{created} answered 201 but the database holds {counts}")
    hello = (before.throughput + after.throughput) / 2
    failed = sum(n for status, n in result.statuses.items() if status >= 500 or status == 0)
    locked = max(result.matches.get(LOCKED, 0), locked_in_log)
    lower = {"higher_is_better": False}
    return [
        figure(f"{label} writers throughput", result.throughput, "req/s", baseline=hello),
        figure(f"{label} p50", result.p50, "ms", baseline=before.p50, **lower),
        figure(f"{label} p95", result.p95, "ms", baseline=before.p95, **lower),
        figure(f"{label} '{LOCKED}' errors", locked, "errors", target=0, **lower),
        figure(f"{label} 5xx or failed requests", failed, "errors", target=0, **lower),
        figure(f"{label} other errors", result.errors - failed, "errors", target=0, **lower),
    ]


def post_as_writers(
    url: str | Callable[[int, int], str],
    tokens: Sequence[str],
    body: Callable[[int, int], bytes],
    duration: float,
) -> LoadResult:
    """POST JSON from one client per token (client c uses token c) until `duration` is over."""

    def headers(client: int, seq: int) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {tokens[client % len(tokens)]}",
            "Content-Type": "application/json",
        }

    return load(
        url,
        method="POST",
        headers=headers,
        body=body,
        concurrency=len(tokens),
        duration=duration,
        ok=lambda status: status == 201,
        watch=(LOCKED,),
    )
