"""Benchmarks: each `bench/<name>.py` exposes `run() -> list[dict]`; `python -m bench` runs them."""
