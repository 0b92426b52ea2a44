"""Run the benchmarks, print one line per figure, write var/bench/results.json.

Each figure: {"name", "value", "unit", "baseline", "ratio", "target", "met"}, where `baseline` is
the reference measured in the same run that `ratio` is taken against.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def modules() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(here)])
        if not m.name.startswith(("_", "reference", "common"))
    )


def fmt(r: dict[str, Any]) -> str:
    def num(v: Any) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    parts = [f"{r['name']}: {num(r['value'])} {r.get('unit', '')}".rstrip()]
    if r.get("baseline") is not None:
        parts.append(f"baseline {num(r['baseline'])}")
    if r.get("ratio") is not None:
        parts.append(f"ratio {num(r['ratio'])}")
    if r.get("target") is not None:
        parts.append(f"target {r['target']}")
        parts.append("met" if r.get("met") else "NOT MET")
    return " | ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--only", help="run only this benchmark module (e.g. workspace_api)")
    args = parser.parse_args(argv)
    names = modules()
    if args.only:
        if args.only not in names:
            print(
                f"make bench: no benchmark '{args.only}' (have: {', '.join(names)})",
                file=sys.stderr,
            )
            return 2
        names = [args.only]
    out_dir = Path(os.environ.get("LUMOFLOW_DATA_DIR", ROOT / "var")) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for r in module.run():
            print("  " + fmt(r), flush=True)
            results.append(r)
        print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    tmp = out_dir / "results.json.tmp"
    tmp.write_text(json.dumps(results, indent=2, default=str))
    tmp.replace(out_dir / "results.json")
    print(f"wrote {out_dir / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
