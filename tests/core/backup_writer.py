"""A writer for the backup tests: posts through the actions until a stop file appears.

Run as `python tests/core/backup_writer.py STOP_FILE` with LUMOFLOW_DATA_DIR (and DATABASE_URL)
set; prints "ready" once its workspace exists, and the number of posts written when it stops.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumoflow.config.settings")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def main(stop: Path) -> int:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lumoflow.cli import ensure_database
    from lumoflow.conversation import actions as posts
    from lumoflow.people import actions as people
    from lumoflow.workspaces import actions as workspaces

    ensure_database()
    writer = people.create_person(None, username="writer", email="w@example.com", name="Wri Ter")
    ws = workspaces.create_workspace(writer, name="Load", purpose="Writes while backed up.")
    first = SimpleUploadedFile("notes.pdf", PDF)
    posts.create_post(writer, ws.pk, kind="update", body="With a file", files=[first])
    print("ready", flush=True)
    written = 1
    while not stop.exists():
        written += 1
        posts.create_post(writer, ws.pk, kind="update", body=f"Post number {written}")
    print(written, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
