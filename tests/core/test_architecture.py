"""Architecture rules enforced by reading the source (CONVENTIONS.md).

- Social models are written only in `actions.py` modules (one write path).
- Views, page builders and API modules do not touch the ORM (no manager, no queryset method):
  they call queries and actions.
- Permission rules (roles, "the author may") are stated once, in `queries`, never again in a
  view: a view asks `may_facilitate(role)`, `may_accept_answer(...)`.
- A request runs at most one action, so that what it changes commits or fails as one (an
  action that needs two others calls them inside its own transaction).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
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
    # the search index: derived from the action's write, called by actions in their transaction
    ("search/index.py", "bulk_create"),
    ("search/index.py", "delete"),
    # Pillow's Image.save, writing an image's bytes to memory: no model (core.images)
    ("core/images.py", "save"),
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


# Queryset and manager methods: no builtin type has these names (`get`, `count`, `values`,
# `update` are left out for that reason; a chain that reaches them passes through one of these).
QUERYSET_METHODS = {
    "objects",
    "filter",
    "exclude",
    "all",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "annotate",
    "aggregate",
    "only",
    "defer",
    "distinct",
    "exists",
    "first",
    "last",
    "in_bulk",
    "iterator",
    "get_or_create",
    "update_or_create",
    "refresh_from_db",
    "using",
    "extra",
    "raw",
    "none",
    "union",
    "intersection",
    "difference",
    "select_for_update",
    "alias",
    "latest",
    "earliest",
    "dates",
    "datetimes",
}
# Reads in views of relations that queries loaded already (no query), each with its reason.
PREFETCHED = {
    # key results and check-ins prefetched by queries.list_objectives_for / get_objective_for
    ("api/workspaces.py", "all"),
    ("workspaces/page.py", "all"),
}


def _is_view(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in {"views.py", "page.py"} or rel.startswith("api/") or "/templatetags/" in rel


def _orm_uses(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.lineno, "objects"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERYSET_METHODS - {"objects"}
        ):
            found.append((node.lineno, node.func.attr))
    return found


def _in_views(find: Callable[[Path, str], list[str]]) -> list[str]:
    """What `find(path, rel)` reports in every view, page builder and API module."""
    found = []
    for path in _python_files():
        rel = path.relative_to(SRC).as_posix()
        if _is_view(rel):
            found += find(path, rel)
    return found


def test_views_and_api_do_not_touch_the_orm():
    offenders = _in_views(
        lambda path, rel: [
            f"{rel}:{line} .{what}"
            for line, what in _orm_uses(path)
            if (rel, what) not in PREFETCHED
        ]
    )
    assert not offenders, "ORM access in views/api:\n" + "\n".join(offenders)


def _permission_rules(path: Path) -> list[int]:
    """Lines comparing a role with role names, or an author with someone (rules of `queries`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            text = ast.unparse(node)
            if "_ROLES" in text or "Role." in text or "author_id" in text:
                found.add(node.lineno)
    return sorted(found)


def test_permission_rules_are_stated_in_queries_not_in_views():
    offenders = _in_views(lambda path, rel: [f"{rel}:{n}" for n in _permission_rules(path)])
    assert not offenders, "permission rules restated in views/api:\n" + "\n".join(offenders)


def _action_calls(node: ast.AST) -> int:
    return sum(
        1
        for n in ast.walk(node)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id.endswith("actions")
    )


def _ends(block: list[ast.stmt]) -> bool:
    return bool(block) and isinstance(block[-1], ast.Return | ast.Raise)


def _most_actions(block: list[ast.stmt]) -> int:
    """The most action calls one run through `block` can make (branches of an `if` are
    alternatives; a branch that returns ends the run)."""
    total = 0
    for i, stmt in enumerate(block):
        if isinstance(stmt, ast.If):
            rest = block[i + 1 :]
            paths = [
                _most_actions(branch) + (0 if _ends(branch) else _most_actions(rest))
                for branch in (stmt.body, stmt.orelse)
            ]
            return total + _action_calls(stmt.test) + max(paths)
        total += _action_calls(stmt)
        if isinstance(stmt, ast.Return | ast.Raise):
            break
    return total


def _requests_with_two_actions(path: Path) -> list[str]:
    return [
        f"{node.name} (line {node.lineno})"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and _most_actions(node.body) > 1
    ]


def test_a_request_runs_at_most_one_action():
    offenders = _in_views(
        lambda path, rel: [f"{rel}: {name}" for name in _requests_with_two_actions(path)]
    )
    assert not offenders, (
        "requests running two actions (two transactions; make one action of them):\n"
        + "\n".join(offenders)
    )


def test_the_checks_catch_what_they_forbid(tmp_path):
    # given a view that reads the ORM, restates a role rule and runs two actions
    bad = tmp_path / "views.py"
    bad.write_text(
        "def v(request, ws):\n"
        "    posts = queries.list_feed_for(request.user).filter(kind='idea').first()\n"
        "    if role in FACILITATE_ROLES or post.author_id == request.user.pk:\n"
        "        actions.update_workspace(request.user, ws, name='x')\n"
        "    if request.POST.get('archive'):\n"
        "        actions.archive_workspace(request.user, ws)\n"
        "    return None\n"
        "def w(request, ws):\n"
        "    if request.POST.get('remove'):\n"
        "        actions.remove_member(request.user, ws)\n"
        "        return None\n"
        "    actions.add_member(request.user, ws)\n"
    )
    # then each is found, and exclusive branches are not counted twice
    assert sorted(what for _, what in _orm_uses(bad)) == ["filter", "first"]
    assert _permission_rules(bad) == [3]
    assert _requests_with_two_actions(bad) == ["v (line 1)"]


def test_the_check_catches_a_direct_write(tmp_path):
    # given a module that saves a model outside actions
    bad = tmp_path / "views.py"
    bad.write_text("def v(r):\n    Post.objects.filter(id=1).update(body='x')\n    p.save()\n")
    # then both writes are found
    assert sorted(a for _, a in _writes(bad)) == ["save", "update"]
