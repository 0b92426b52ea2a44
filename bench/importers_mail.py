"""Mail importer: generated mboxes of 50,000 and 200,000 messages converted to the canonical log
(generated once and kept under var/bench/, keyed by a digest of this file and the count).

Figures: messages per second of ``lumoflow.importers.mbox.read`` (split, parse, decode, rows,
threads, checked log), as a ratio of merely reading the same mbox with the standard library's
``mailbox.mbox`` (each message parsed into a ``Message``) in the same run (target ≥ 0.3); and the
peak memory of each, from its own child process (``ru_maxrss``; both children import the
importer first, so both peaks include the analytics libraries it loads).
``LUMOFLOW_BENCH_SCALE`` shrinks the message count.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import common

#: Two sizes, so that the peak memory of the two shows how memory grows with the archive.
SIZES = (50_000, 200_000)
PEOPLE = 2_000
LISTS = 20
BODY = (
    "Thanks for the update. I looked at the numbers again and the second option still looks "
    "better to me, mainly because it keeps the release on time.\n"
    "\n"
    "> Could you check the figures before Friday?\n"
    "\n"
    "Best regards\n"
)


def generate(path: Path, count: int) -> None:
    """Write an mbox of ``count`` list messages: 60% replies, some with a Cc, some in Latin-1."""
    with path.open("wb") as fh:
        for i in range(count):
            sender = f"person{(i * 7919) % PEOPLE}@example.com"
            ts = 1_700_000_000 + i * 60
            date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(ts))
            lst = f"list{i % LISTS}"
            head = [
                f"From {sender} {time.strftime('%a %b %d %H:%M:%S %Y', time.gmtime(ts))}",
                f'From: "Person {(i * 7919) % PEOPLE}" <{sender}>',
                f"To: {lst}@lists.example.com",
                f"Date: {date}",
                f"Subject: Re: topic {i // 10}",
                f"Message-ID: <m{i}@example.com>",
                f"List-Id: <{lst}.lists.example.com>",
                f"List-Post: <mailto:{lst}@lists.example.com>",
            ]
            if i % 5 < 3 and i >= LISTS:
                head.append(f"In-Reply-To: <m{i - LISTS}@example.com>")
                head.append(f"References: <m{i - LISTS * (i % 3 + 1)}@example.com>")
            if i % 4 == 0:
                head.append(f"Cc: person{(i * 31) % PEOPLE}@example.com")
            charset = "iso-8859-1" if i % 10 == 0 else "utf-8"
            head.append(f"Content-Type: text/plain; charset={charset}")
            body = BODY + ("Café\n" if i % 10 else "Caf\xe9\n")
            fh.write(("\n".join(head) + "\n\n").encode())
            fh.write(body.encode(charset) + b"\n")


def _child(kind: str, path: str) -> None:
    """Read the mbox one way and print seconds, messages and peak memory (MB) as JSON."""
    import mailbox
    import resource

    from lumoflow.importers.mbox import read  # imported before the clock starts, for both

    started = time.perf_counter()
    if kind == "stdlib":
        count = sum(1 for _ in mailbox.mbox(path))
    else:
        log = read(path)
        count = int(next(n.split()[0] for n in log.meta["notes"] if n.endswith("messages read")))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "messages": count, "peak_mb": peak}))


def measure(kind: str, path: Path) -> dict[str, float]:
    code = f"from bench.importers_mail import _child; _child({kind!r}, {str(path)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=common.ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def conversion(count: int) -> list[dict[str, Any]]:
    """Figures of converting the generated mbox of ``count`` messages (kept under var/bench/)."""
    path = common.cached_input("mbox", generate, count=count)
    stdlib = measure("stdlib", path)
    ours = measure("lumoflow", path)
    assert ours["messages"] == stdlib["messages"] == count, (ours, stdlib, count)
    return [
        common.figure(
            f"importers.mbox_{count}_messages_per_s",
            ours["messages"] / ours["seconds"],
            "msg/s",
            baseline=stdlib["messages"] / stdlib["seconds"],
            target=0.3,
        ),
        common.figure(
            f"importers.mbox_{count}_peak_memory",
            ours["peak_mb"],
            "MB",
            baseline=stdlib["peak_mb"],
            higher_is_better=False,
        ),
    ]


def run() -> list[dict[str, Any]]:
    results = []
    for size in SIZES:
        results += conversion(common.scaled(size, minimum=100))
    return results
