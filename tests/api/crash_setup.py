"""Set up the crash test's writers: N people, each with a token and a workspace of their own.

Run as `python tests/api/crash_setup.py N` with LUMOFLOW_DATA_DIR (and DATABASE_URL) set; prints
one JSON list of {"token", "workspace"}.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumoflow.config.settings")


def main(count: int) -> int:
    import django

    django.setup()
    from lumoflow.cli import ensure_database
    from lumoflow.people import actions as people
    from lumoflow.workspaces import actions as workspaces

    ensure_database()
    writers = []
    for i in range(count):
        person = people.create_person(None, username=f"writer{i}", email=f"w{i}@example.com")
        _, token = people.create_token(person, name="crash test")
        ws = workspaces.create_workspace(person, name=f"Desk {i}", purpose="Writes under crashes.")
        writers.append({"token": token, "workspace": ws.pk})
    print(json.dumps(writers))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
