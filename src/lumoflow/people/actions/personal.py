"""Personal data: everything the platform holds about one person, exported or erased.

Both walk the installed models instead of listing them, so a new app's tables are covered.
A row belongs to a person when its *owner* (the first field of the model that points to a
person, e.g. a notification's recipient, a post's author) is that person; the person's own
profile is their row of `User`. Other rows that point to them (someone else's event addressed
to them, a notification they caused, someone reporting to them) are someone else's: the export
names them by their ids only, and erasing leaves them.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import ActivityEvent, Verb
from lumoflow.core import marks
from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.search.documents import index_people, index_posts

from ..models import User
from .photo import forget_photo

FORMAT = 1
# Never exported: what would let someone sign in as the person.
SECRET_FIELDS = {"password", "digest"}
# Rows of the organisation's record that erasing keeps (renamed with the person): the log and
# the content stay as they are (their fields point to people with PROTECT), and so do these,
# which the organisation's figures and other people's pages count.
KEPT_ON_ERASE = {
    "workspaces.membership",
    "conversation.reaction",
    "conversation.mention",
    "notifications.alert",
    "admin.logentry",
}
FORMER = "former-employee-"


def _check(actor: User | None, username: str, what: str) -> User:
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(f"Only administrators can {what} a person's data.")
    person = User.objects.filter(username__iexact=username.strip()).first()
    if person is None:
        raise NotFound(f"No person with the username '{username}'.")
    return person


def _person_fields(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is User
    ]


def _walk() -> Iterator[tuple[type[models.Model], models.ForeignKey[Any, Any], bool]]:
    """Every (model, field pointing to a person, whether that field is the row's owner)."""
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = _person_fields(model)
        for i, field in enumerate(fields):
            yield model, field, i == 0 and model is not User


def _row(obj: models.Model, *, whole: bool) -> dict[str, Any]:
    """A row's fields (secrets left out); only its ids when it is someone else's."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS or not (whole or f.primary_key or f.is_relation):
            continue
        value = getattr(obj, f.attname)
        out[f.attname] = value.name if isinstance(f, models.FileField) else value
    return out


def _files_of(owned: dict[type[models.Model], set[Any]]) -> Iterator[models.Model]:
    """Rows holding files that hang off the person's rows (a post's attachments)."""
    for model in apps.get_models():
        if not any(isinstance(f, models.FileField) for f in model._meta.concrete_fields):
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model in owned:
                ids = owned[f.related_model]
                yield from model._default_manager.filter(**{f"{f.name}__in": ids}).order_by("pk")


def _gather(person: User) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
    data: dict[str, list[dict[str, Any]]] = {"people.user": [_row(person, whole=True)]}
    owned: dict[type[models.Model], set[Any]] = {}
    for model, field, owner in _walk():
        rows = model._default_manager.filter(**{field.name: person}).order_by("pk")
        label = model._meta.label_lower
        key = label if owner else f"{label} (others' rows naming you as {field.name})"
        found = [_row(r, whole=owner) for r in rows]
        if found:
            data.setdefault(key, []).extend(found)
            if owner:
                owned.setdefault(model, set()).update(r["id"] for r in found if "id" in r)
    files = []
    for obj in _files_of(owned):
        data.setdefault(obj._meta.label_lower, []).append(_row(obj, whole=True))
        files += [
            getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if isinstance(f, models.FileField) and getattr(obj, f.name)
        ]
    return data, files


@transaction.atomic
def export_person(actor: User | None, username: str) -> bytes:
    """A zip of everything held about one person: `person.json` and their files under
    `files/`. Administrators only (actor None: the command line). Recorded as an event."""
    person = _check(actor, username, "export")
    data, files = _gather(person)
    doc = {
        "format": FORMAT,
        "person": person.username,
        "exported_at": timezone.now(),
        "data": data,
        "files": [f.name for f in files],
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("person.json", json.dumps(doc, cls=DjangoJSONEncoder, indent=1))
        for f in files:
            with f.open("rb") as src:
                zf.writestr("files/" + f.name, src.read())
    record(
        actor or person, Verb.PERSON, obj=person, target_actor=person, data={"change": "exported"}
    )
    return buf.getvalue()


def _mention_re(username: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@.+-])@{re.escape(username)}(?![\w@.+-])", re.IGNORECASE)


def _rename_mentions(old: str, new: str) -> None:
    """Write the new name where others' posts, their earlier versions and the log's texts
    mention the old one (the pages show the HTML rendered again)."""
    from lumoflow.conversation.actions.common import _render
    from lumoflow.conversation.markdown import extract
    from lumoflow.conversation.models import Post, PostRevision

    pattern, needle = _mention_re(old), "@" + old
    changed: set[int] = set()
    posts = list(Post.objects.filter(body__icontains=needle))
    for post in posts:
        post.body = pattern.sub("@" + new, post.body)
        post.body_html = _render(post.body, extract(post.body)[0])[0]
        post.save(update_fields=["body", "body_html"])
        changed.add(post.workspace_id)
    index_posts(posts)
    # Pages cached under these workspaces' marks show the old text (`core.marks`).
    marks.bump(changed)
    for rev in PostRevision.objects.filter(body__icontains=needle):
        rev.body = pattern.sub("@" + new, rev.body)
        rev.save(update_fields=["body"])
    for event in ActivityEvent.objects.filter(text__icontains=needle):
        event.text = pattern.sub("@" + new, event.text)
        event.save(update_fields=["text"])


def _former_number() -> int:
    taken = User.objects.filter(username__startswith=FORMER).values_list("username", flat=True)
    numbers = [int(u[len(FORMER) :]) for u in taken if u[len(FORMER) :].isdigit()]
    return max(numbers, default=0) + 1


@transaction.atomic
def erase_person(actor: User | None, username: str) -> User:
    """Erase a person: their profile goes (name, e-mail, title, location, time zone, manager,
    password: they can no longer sign in) and they are named "Former employee N" wherever their
    posts and events are shown; their private rows (tokens, sign-ins, notifications, follows,
    mutes, and any other row they own but `KEPT_ON_ERASE`) are deleted. The activity log keeps
    its rows, so the organisation's figures do not change, and the department stays for the
    same reason. Administrators only (actor None: the command line). Recorded as an event."""
    person = _check(actor, username, "erase")
    if person.username.startswith(FORMER):
        raise NotFound(f"'{person.username}' is erased already.")
    old, number = person.username, _former_number()
    for model, field, owner in _walk():
        kept = model._meta.label_lower in KEPT_ON_ERASE
        if owner and not kept and field.remote_field.on_delete is not models.PROTECT:
            model._default_manager.filter(**{field.name: person}).delete()
    person.username = f"{FORMER}{number}"
    person.display_name = f"Former employee {number}"
    person.first_name = person.last_name = person.email = ""
    person.title = person.location = person.time_zone = ""
    forget_photo(person)
    person.manager = None
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    index_people([person])
    _rename_mentions(old, person.username)
    record(actor or person, Verb.PERSON, obj=person, target_actor=person, data={"change": "erased"})
    return person
