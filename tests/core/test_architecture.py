"""Architecture rules enforced by reading the source (CONVENTIONS.md).

- Social models are written only in `actions.py` modules (one write path).
- Views and API modules do not touch the ORM (`.objects`): they call queries and actions.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "lumoflow"
WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "update",
}
# Writes outside actions that are not social data, each with its reason.
ALLOWED = {
    # token bookkeeping: last-used time, throttled, no activity meaning
    ("people/queries.py", "update"),
}


def _chain_has_orm(node: ast.AST) -> bool:
    """True when an attribute chain goes through `.objects` or a queryset method."""
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "filter", "exclude", "all"}:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _python_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _writes(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        if attr not in WRITES:
            continue
        if attr == "save" or _chain_has_orm(node.func.value):
            found.append((node.lineno, attr))
    return found


def test_models_are_written_only_in_actions():
    offenders = []
    for path in _python_files():
        rel = path.relative_to(SRC).as_posix()
        if path.name == "actions.py" or rel.startswith("analytics/") or "/actions/" in rel:
            continue
        for line, attr in _writes(path):
            if (rel, attr) not in ALLOWED:
                offenders.append(f"{rel}:{line} .{attr}()")
    assert not offenders, "model writes outside actions:\n" + "\n".join(offenders)


def test_views_and_api_do_not_touch_the_orm():
    offenders = []
    for path in _python_files():
        rel = path.relative_to(SRC).as_posix()
        if not (path.name == "views.py" or rel.startswith("api/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, "ORM access in views/api:\n" + "\n".join(offenders)


def test_the_check_catches_a_direct_write(tmp_path):
    # given a module that saves a model outside actions
    bad = tmp_path / "views.py"
    bad.write_text("def v(r):\n    Post.objects.filter(id=1).update(body='x')\n    p.save()\n")
    # then both writes are found
    assert sorted(a for _, a in _writes(bad)) == ["save", "update"]
