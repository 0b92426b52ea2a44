"""`viewer` and `actor` are typed (the user model, or `Viewer` for readers who may be anonymous),
so that mypy --strict checks what is done with them. `activity` alone keeps `Any`: it sits
below the apps and imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import lumoflow

SRC = Path(lumoflow.__file__).parent
UNTYPED_ALLOWED = {SRC / "activity" / "actions.py"}


def test_no_viewer_or_actor_is_typed_any():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path in UNTYPED_ALLOWED or "analytics" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            for arg in args:
                if arg.arg in ("viewer", "actor") and (
                    arg.annotation is None or "Any" in ast.unparse(arg.annotation)
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}({arg.arg})")
    assert found == []
