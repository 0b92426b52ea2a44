"""Every write to people, departments and tokens, each recording its ActivityEvent.

One module per seam: `profile` (a person's own profile), `tokens` (personal access tokens),
`admin` (one person at a time, the admin site), `csv_import` (a CSV file, all or nothing), `bulk`
(many people at once), `capabilities` (what administrators grant, and the audit of
individual-level views), `signin` (the sign-in audit, written by the sign-in backend), `personal`
(a person's data exported or erased); `checks` holds the rules a person's fields follow, stated
once for all.
"""

from __future__ import annotations

from .admin import admin_delete, admin_save, create_person, ensure_admin
from .bulk import bulk_create_people
from .capabilities import grant_capability, record_individual_view, revoke_capability
from .checks import USERNAME_RE, PersonRow, ensure_department, parse_department_path
from .csv_import import CSV_HEADER, ImportReport, import_people
from .personal import erase_person, export_person
from .photo import remove_photo, set_photo
from .profile import PROFILE_FIELDS, update_profile
from .signin import record_sign_in
from .tokens import create_token, revoke_token

__all__ = [
    "CSV_HEADER",
    "PROFILE_FIELDS",
    "USERNAME_RE",
    "ImportReport",
    "PersonRow",
    "remove_photo",
    "set_photo",
    "admin_delete",
    "admin_save",
    "bulk_create_people",
    "create_person",
    "create_token",
    "ensure_admin",
    "ensure_department",
    "erase_person",
    "export_person",
    "grant_capability",
    "import_people",
    "parse_department_path",
    "record_individual_view",
    "record_sign_in",
    "revoke_capability",
    "revoke_token",
    "update_profile",
]
